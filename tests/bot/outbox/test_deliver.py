"""The outbox on both databases: an enqueued key is sent once however many deliveries run at the same time, a
second enqueue of the same key is a no-op, and a message claimed by a process that died is not resent."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from sqlmodel import select, update

from bot.home import refusals
from bot.outbox.deliver import deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from bot.slack.client import make_client
from storage import outbox
from storage.db import Database
from storage.models import Outbox, utcnow
from tests.support.fake_slack import FakeSlack
from tests.support.outbox import enqueue


async def test_parallel_deliveries_send_each_message_once(
    db: Database, deps: Deps, database_url: str, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await enqueue(db, team_id, 120)
    other = Database(database_url)  # a second process's engine (a replica on PostgreSQL)
    replica = Deps(settings, other, AppState())
    try:
        first, second = await asyncio.gather(
            deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id),
            deliver(replica, make_client(settings, replica.state.pacers), team_id=team_id),
        )
    finally:
        await other.dispose()
    assert first.sent + second.sent == 120
    channels = [c["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert len(channels) == 120 and len(set(channels)) == 120, "nobody got the same message twice"
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == 0


async def test_a_claim_left_by_a_dead_process_is_not_resent(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await enqueue(db, team_id, 2)
    async with db.session() as session:  # a process claims one message, then dies before sending or marking it
        [claimed] = await outbox.claim(session, team_id=team_id, limit=1)
    delivered = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert delivered.sent == 1 and len(fake_slack.calls_to("chat.postMessage")) == 1
    async with db.read() as session:
        rows = {r.key: r.state for r in (await session.exec(select(Outbox).where(Outbox.team_id == team_id))).all()}
    assert rows[claimed.key] == "sending" and sorted(rows.values()) == ["sending", "sent"]


async def test_a_replica_skips_what_another_is_claiming(postgresql_url: str, team_id: str) -> None:
    """PostgreSQL only (SQLite serves one process): while one replica's claim is still open, another claims other
    rows, never the same ones, and does not wait for the first."""
    db, other = Database(postgresql_url), Database(postgresql_url)
    await enqueue(db, team_id, 10)
    try:
        async with db.session() as first:
            mine = await outbox.claim(first, team_id=team_id, limit=4)
            async with other.session() as second:
                theirs = await asyncio.wait_for(outbox.claim(second, team_id=team_id, limit=10), 10)
    finally:
        await other.dispose()
        await db.dispose()
    assert len(mine) == 4 and len(theirs) == 6
    assert not {r.key for r in mine} & {r.key for r in theirs}


@pytest.mark.slow  # waits out the client's retry backoff in real time
async def test_uncertain_failures_are_not_resent_and_passing_ones_are(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """``internal_error`` or an HTTP 500 (Slack may have posted it) is recorded and never resent; a 503 after the
    client's own retries (Slack did nothing) goes back to pending and is sent by the next delivery."""
    await enqueue(db, team_id, 4)
    fake_slack.fail("chat.postMessage", error="internal_error")
    fake_slack.fail("chat.postMessage", error="http_500", status=500)  # not repeated: it may have been posted
    fake_slack.fail("chat.postMessage", error="http_503", status=503, times=3)  # repeated twice by the client
    first = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert (first.sent, first.failed, first.retry_later) == (1, 2, 1)
    second = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert (second.sent, second.failed, second.retry_later) == (1, 0, 0)
    async with db.read() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.team_id == team_id).order_by(Outbox.id))).all()  # type: ignore[arg-type]
    assert [(r.state, r.error) for r in rows] == [
        ("failed", "uncertain: internal_error"),
        ("failed", "uncertain: http_500"),
        ("sent", None),
        ("sent", None),
    ]
    async with db.read() as session:
        trouble = await outbox.trouble(session, team_id=team_id, stuck_before=utcnow())
    assert trouble == {"failed": 0, "uncertain": 2, "stuck": 0}
    assert len(fake_slack.calls_to("chat.postMessage")) == 1 + 1 + 3 + 1 + 1


@pytest.mark.slow  # waits out the client's retry backoff in real time
async def test_the_client_repeats_a_call_only_when_that_cannot_post_twice(
    settings: Settings, fake_slack: FakeSlack, deps: Deps
) -> None:
    """A 500 on opening a conversation is repeated inside the call (opening it again is harmless); a 500 on a post
    is not (Slack may have posted it); a 503 (Slack did nothing) is repeated for any method."""
    client = make_client(settings, deps.state.pacers)
    fake_slack.fail("conversations.open", error="http_500", status=500)
    assert (await client.conversations_open(users="U100,U200"))["ok"]
    assert len(fake_slack.calls_to("conversations.open")) == 2
    fake_slack.fail("chat.postMessage", error="http_500", status=500)
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="U100", text="hello")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1, "not repeated"
    fake_slack.fail("chat.postMessage", error="http_503", status=503)
    assert (await client.chat_postMessage(channel="U100", text="hello"))["ok"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


async def test_a_person_slack_says_is_gone_leaves_and_gets_nothing_more(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    from bot import participants
    from storage import participants as participants_repo

    [program] = await participants.programs_or_default(deps, team_id=team_id)
    assert program.id is not None
    async with db.session() as session:
        answers = {"role": "mentee", "department": "IT", "years_experience": 20, "shares": [], "learns": ["ai_tools"]}
        await participants_repo.upsert_profile(
            session, team_id=team_id, program_id=program.id, user_id="U0000", answers=answers
        )
    await enqueue(db, team_id, 1)  # a DM to U0000
    fake_slack.fail("chat.postMessage", error="user_not_found")
    delivered = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert (delivered.sent, delivered.failed) == (0, 1)
    async with db.read() as session:
        [row] = await participants_repo.participants_of_user(session, team_id=team_id, user_id="U0000")
    assert row.state == "left", "gone from Slack: out of every program, so nothing is tried for them again"
    async with db.read() as session:  # admins see whom it was about
        assert await refusals(session, team_id=team_id) == [
            {"error": "user_not_found", "user_id": "U0000", "outcome": "left"}
        ]


async def test_a_token_slack_no_longer_accepts_stops_delivery_and_loses_nothing(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await enqueue(db, team_id, 3)
    fake_slack.fail("chat.postMessage", error="account_inactive")  # the bot's own token: deactivated or uninstalled
    delivered = await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert (delivered.sent, delivered.failed, delivered.retry_later) == (0, 0, 3)
    async with db.read() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.team_id == team_id))).all()
    assert {r.state for r in rows} == {"pending"}, "nothing retired, nothing stuck: all sent once the token works"


async def test_a_delivery_that_stops_part_way_releases_what_it_never_tried(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await enqueue(db, team_id, 3)
    async with db.session() as session:  # the second message is broken (a bug): delivery stops there
        await session.exec(update(Outbox).where(Outbox.key == f"t:{team_id}:1").values(payload={"user_id": "U1"}))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    async with db.read() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.team_id == team_id).order_by(Outbox.id))).all()  # type: ignore[arg-type]
    assert [(r.state, r.attempts) for r in rows] == [("sent", 1), ("sending", 1), ("pending", 0)], (
        "the one in flight is never resent blindly; the untried one goes back to pending, its attempt not counted"
    )
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == 1
