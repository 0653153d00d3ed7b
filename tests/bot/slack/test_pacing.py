"""Pacing below Slack's rate limits (bot.slack.pacing): the pacer on its own, then a fan-out against a limited fake."""

from __future__ import annotations

import time

import pytest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from bot.outbox.deliver import deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from bot.slack.pacing import FORGET_AFTER, MAX_WAIT, SAFETY, Pacer, Pacers, _retry_after
from storage.db import Database
from storage.models import Outbox
from tests.support.fake_slack import FakeSlack
from tests.support.outbox import enqueue


def test_a_tiered_method_bursts_a_minutes_worth_then_keeps_to_its_tier() -> None:
    pacer = Pacer(per_minute=50)
    assert [pacer.reserve(0.0) for _ in range(50)] == pytest.approx([0.0] * 50)
    assert pacer.reserve(0.0) == pytest.approx(1.2), "the 51st waits for the tier's next slot"
    assert pacer.reserve(0.0) == pytest.approx(2.4)
    pacers = Pacers()
    assert pacers.pacer_for("https://slack.com/api/conversations.open", "xoxb-1").per_minute == 50
    assert pacers.pacer_for("https://slack.com/api/chat.postMessage", "xoxb-1").interval is None, "learned, not assumed"


def test_a_429_teaches_the_pace_that_got_through() -> None:
    pacer = Pacer()
    for i in range(40):  # 40 calls in the last half second, then Slack says "wait 1 s"
        assert pacer.reserve(10 + i / 80) == 0.0
        pacer.succeeded(10 + i / 80)
    pacer.limited(10.5, retry_after=1)
    assert pacer.blocked_until == 11.5
    assert pacer.interval == pytest.approx(1 / (SAFETY * 40)) and pacer.interval is not None
    waits = [pacer.reserve(10.6) for _ in range(3)]
    assert waits[0] == pytest.approx(0.9 + pacer.interval), "nothing before Retry-After; the retry goes first"
    assert waits[1] - waits[0] == pytest.approx(pacer.interval), "then evenly spaced"


def test_a_second_429_slows_down_and_quiet_forgets() -> None:
    pacer = Pacer()
    for i in range(10):
        pacer.succeeded(i / 10)
    pacer.limited(1.0, retry_after=1)
    paced = pacer.interval
    assert paced is not None
    pacer.limited(1.5, retry_after=1)  # still too fast
    assert pacer.interval is not None and pacer.interval > paced
    assert pacer.reserve(2.0 + FORGET_AFTER) == 0.0 and pacer.interval is None, "forgotten after a quiet while"


def test_a_429_with_nothing_through_only_waits() -> None:
    pacer = Pacer()
    pacer.limited(5.0, retry_after=30)
    assert pacer.interval is None and pacer.reserve(5.0) == pytest.approx(30.0)


@pytest.mark.slow  # 100 DMs paced in real time
async def test_a_fan_out_meets_the_limit_once_then_stays_below_it(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """100 DMs against 25 posts a second: every one delivered once, and Slack says 429 once, not every second.
    The client is a plain one, as Bolt builds for each request (the Publish button delivers with it)."""
    await enqueue(db, team_id, 100)
    fake_slack.rate_limit("chat.postMessage", 25)
    template = make_client(settings, deps.state.pacers)
    bolts = AsyncWebClient(token=template.token, base_url=template.base_url, retry_handlers=template.retry_handlers)
    delivered = await deliver(deps, bolts, team_id=team_id)
    posts = [c for c in fake_slack.calls if c.method == "chat.postMessage"]
    ok = [c.params["channel"] for c in posts if not c.failed]
    assert delivered.sent == 100 and len(ok) == 100 and len(set(ok)) == 100
    assert sum(c.failed for c in posts) == 1, "paced after the first 429 (bursting would meet one a second)"


async def test_a_long_retry_after_is_not_waited_out_and_loses_nothing(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """Slack asks for two minutes: delivery doesn't hold its batch that long; every message stays pending for the
    next run, none counted as failed or as an attempt."""
    await enqueue(db, team_id, 3)
    fake_slack.fail("chat.postMessage", error="ratelimited", retry_after=120)
    started = time.monotonic()
    delivered = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert time.monotonic() - started < MAX_WAIT
    assert (delivered.sent, delivered.failed, delivered.retry_later) == (0, 0, 3)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1, "the others were not even tried"
    async with db.read() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.team_id == team_id))).all()
    assert [(r.state, r.attempts) for r in rows] == [("pending", 0)] * 3, "no attempt counted: none can be given up"


@pytest.mark.parametrize(("header", "seconds"), [("30", 30.0), ("1.5", 1.5), ("inf", 1.0), ("soon", 1.0), ("-4", 0.0)])
def test_retry_after_is_read_safely(header: str, seconds: float) -> None:
    assert _retry_after(HttpResponse(status_code=429, headers={"Retry-After": header}, body={})) == seconds
