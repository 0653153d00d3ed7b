"""A delivery batch reserves the topics its messages suggest (bot.outbox.batch): a click meanwhile never gets the same
one, and a message that was not posted gives its topics back. Both databases, the real delivery, the fake Web API."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlmodel import select, update

from bot import intros
from bot.outbox.batch import prepare_batch
from bot.outbox.deliver import TOPICS_FOR, deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from storage import outbox
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.db import Database
from storage.models import Outbox, Pair, Program
from tests.support.checkins import start_program
from tests.support.fake_slack import FakeSlack


async def a_pair(db: Database, team_id: str, program_id: int) -> tuple[Pair, Program]:
    async with db.read() as session:
        pair = (await rounds_repo.active_pairs(session, team_id=team_id, program_id=program_id))[0]
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    assert pair.id is not None and program is not None
    return pair, program


async def queue_checkin(db: Database, team_id: str, pair: Pair) -> None:
    message = outbox.Message(f"checkin:{pair.id}:1", "checkin", {"pair_id": pair.id, "period": 1})
    async with db.session() as session:
        assert await outbox.enqueue_many(session, team_id=team_id, messages=[message]) == 1


async def test_a_topic_asked_for_while_a_batch_is_sent_is_never_the_one_it_suggests(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    pair, program = await a_pair(db, team_id, await start_program(deps, settings, fake_slack, team_id))
    await queue_checkin(db, team_id, pair)
    async with db.session() as session:  # a delivery claims the check-in and reserves its topic...
        rows = await outbox.claim(session, team_id=team_id)
        batch = await prepare_batch(session, team_id=team_id, rows=rows, topics_for=TOPICS_FOR)
        clicked = asyncio.create_task(intros.another_topic(deps, pair=pair, program=program))
        await asyncio.sleep(0.3)  # ...while someone clicks *Suggest another topic*
        assert not clicked.done(), "the click waits for the claim to commit"
    topic = await clicked
    [reserved] = batch.topics(rows[0])
    assert topic is not None and topic.key != reserved.key
    after, _ = await a_pair(db, team_id, program.id or 0)
    assert after.topics == [*pair.topics, reserved.key, topic.key], "both recorded, neither lost"


@pytest.mark.slow  # waits out the client's retry backoff in real time
async def test_a_message_not_posted_gives_its_topics_back(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    pair, program = await a_pair(db, team_id, await start_program(deps, settings, fake_slack, team_id))
    await queue_checkin(db, team_id, pair)
    client = make_client(settings, deps.state.pacers)
    fake_slack.reset()
    fake_slack.fail("chat.postMessage", error="http_503", status=503, times=3)  # Slack did nothing, three times
    assert (await deliver(deps, client, team_id=team_id)).retry_later == 1
    before, _ = await a_pair(db, team_id, program.id or 0)
    assert before.topics == pair.topics, "the check-in's topic is given back: the pair never saw it"
    assert (await deliver(deps, client, team_id=team_id)).sent == 1
    after, _ = await a_pair(db, team_id, program.id or 0)
    assert len(after.topics) == len(pair.topics) + 1
    first, *_, posted = [c for c in fake_slack.calls if c.method == "chat.postMessage"]
    assert first.failed and not posted.failed
    assert posted.params["blocks"] == first.params["blocks"], "the same topic as the attempt Slack never took"


async def test_a_pair_without_a_conversation_waits_when_slack_asks_for_a_long_pause(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """Opening the pair's group DM meets "wait two minutes": the check-in goes back to pending, its attempt not
    counted and its topic given back; until the pause is over nothing more is tried."""
    pair, program = await a_pair(db, team_id, await start_program(deps, settings, fake_slack, team_id))
    async with db.session() as session:
        await session.exec(update(Pair).where(Pair.id == pair.id).values(channel_id=None))  # type: ignore[arg-type]
    await queue_checkin(db, team_id, pair)
    client = make_client(settings, deps.state.pacers)
    fake_slack.reset()
    fake_slack.fail("conversations.open", error="ratelimited", retry_after=120)
    for _ in range(2):  # the second run doesn't even try: the pause isn't over
        delivered = await deliver(deps, client, team_id=team_id)
        assert (delivered.sent, delivered.failed, delivered.retry_later) == (0, 0, 1)
    assert len(fake_slack.calls_to("conversations.open")) == 1 and not fake_slack.calls_to("chat.postMessage")
    async with db.read() as session:
        [row] = (await session.exec(select(Outbox).where(Outbox.key == f"checkin:{pair.id}:1"))).all()
    assert (row.state, row.attempts) == ("pending", 0)
    after, _ = await a_pair(db, team_id, program.id or 0)
    assert after.topics == pair.topics


async def test_a_check_in_cut_off_mid_call_keeps_its_topic(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """The process stops while Slack is answering the post: the check-in may have been posted, so it stays
    "sending" (never resent) and keeps its topic (never suggested again)."""
    pair, program = await a_pair(db, team_id, await start_program(deps, settings, fake_slack, team_id))
    await queue_checkin(db, team_id, pair)
    fake_slack.reset()
    fake_slack.delay = 2.0
    sending = asyncio.create_task(deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id))
    await fake_slack.wait_for("chat.postMessage")
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    async with db.read() as session:
        [row] = (await session.exec(select(Outbox).where(Outbox.key == f"checkin:{pair.id}:1"))).all()
    assert row.state == "sending"
    after, _ = await a_pair(db, team_id, program.id or 0)
    assert len(after.topics) == len(pair.topics) + 1
