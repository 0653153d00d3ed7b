"""A post Slack may or may not have made (it answered 500) loses nothing and is never doubled (both databases): an
answer to such a check-in is accepted (the click proves it was posted), and a later run finds the message in its
conversation's history by the outbox key in its metadata (then it is sent), or doesn't (then it is sent once more),
or can't read the history (then it is left as it was)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select, update

from bot.checkins import checkin_dates, enqueue_due, send_at, zone
from bot.outbox.deliver import deliver
from bot.outbox.due import run_due
from bot.outbox.kinds import Kind, SurveyPayload
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from bot.surveys import survey_key
from prompts import surveys as sv
from prompts.checkins import checkin_message
from storage import outbox
from storage.db import Database
from storage.models import MeetingLog, Outbox, OutboxState, Pair
from tests.support.checkins import END, PAIRS, START, start_program
from tests.support.fake_slack import FakeSlack
from tests.support.signed import SlackSender, click_in_message


def first_checkin(name: str) -> datetime:
    """The instant the pair called ``name`` gets check-in 1."""
    _, _, tz_m, tz_e, _ = PAIRS[name]
    day = checkin_dates(START, END, "biweekly", 1)[0]
    instant = send_at(day, at="10:00", quiet_start="09:00", quiet_end="18:00", zones=(zone(tz_m, 0), zone(tz_e, 0)))
    assert instant is not None
    return instant


async def pairs_by_name(db: Database, team_id: str) -> dict[str, Pair]:
    async with db.read() as session:
        pairs = (await session.exec(select(Pair).where(Pair.team_id == team_id))).all()
    return {name: next(p for p in pairs if p.mentor_id == mentor) for name, (mentor, *_) in PAIRS.items()}


async def outbox_row(db: Database, key: str) -> Outbox:
    async with db.read() as session:
        return (await session.exec(select(Outbox).where(Outbox.key == key))).one()


def checkins_in(fake: FakeSlack, channel: str) -> list[dict]:
    """The check-ins Slack holds in ``channel`` (posted, whatever it answered)."""
    return [m for m in fake.messages.get(channel, []) if m["text"].startswith("Check-in 1 ")]


async def test_an_answer_to_a_check_in_slack_may_have_posted_is_accepted(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    await start_program(deps, settings, slack.fake, team_id)
    pair = (await pairs_by_name(db, team_id))["steady"]
    assert pair.id is not None
    async with db.session() as session:  # their group DM, where the click below comes from
        await session.exec(update(Pair).where(Pair.id == pair.id).values(channel_id="GPAIR"))  # type: ignore[arg-type]
    slack.fake.reset()
    slack.fake.fail("chat.postMessage", error="http_500", status=500, channel="GPAIR", acted=True)
    await run_due(deps, make_client(settings, deps.state.pacers), now=first_checkin("steady"), team_id=team_id)
    key = f"{Kind.CHECKIN}:{pair.id}:1"
    row = await outbox_row(db, key)
    assert (row.state, row.error) == ("failed", "uncertain: http_500")

    message = checkin_message(
        pair_id=pair.id, period=1, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    status, _ = await click_in_message(slack, "checkin_met", f"{pair.id}:1", message, "UE1")
    assert status == 200
    [updated] = await slack.fake.wait_for("chat.update")
    assert "<@UE1> answered: *we met" in json.dumps(updated["blocks"]), "accepted, and shown in place"
    async with db.read() as session:
        [log] = (await session.exec(select(MeetingLog).where(MeetingLog.team_id == team_id))).all()
    assert (log.pair_id, log.period, log.answer, log.by_user) == (pair.id, 1, "met", "UE1")
    await slack.fake.wait_for("chat.postMessage", where=lambda c: "How was your meeting" in c["text"])
    row = await outbox_row(db, key)
    assert (row.state, row.error, row.channel_id, row.ts) == ("sent", None, "GPAIR", "1700000001.000100"), (
        "the click proves it was posted, and where"
    )


async def test_a_later_run_finds_what_slack_posted_and_sends_what_it_did_not_once(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await start_program(deps, settings, fake_slack, team_id)
    pairs = await pairs_by_name(db, team_id)
    channel = {name: fake_slack.dm_channel_id(f"{mentor},{mentee}") for name, (mentor, mentee, *_) in PAIRS.items()}
    keys = {name: f"{Kind.CHECKIN}:{pair.id}:1" for name, pair in pairs.items()}
    fake_slack.reset()
    fake_slack.fail("chat.postMessage", error="http_500", status=500, channel=channel["steady"], acted=True)
    fake_slack.fail("chat.postMessage", error="http_500", status=500, channel=channel["silent"])  # not posted
    fake_slack.fail("chat.postMessage", error="http_500", status=500, channel=channel["planner"])  # not posted
    client = make_client(settings, deps.state.pacers)
    for name in PAIRS:  # check-in 1 of each pair, sent at its instant
        await enqueue_due(deps, team_id=team_id, now=first_checkin(name))
        await deliver(deps, client, team_id=team_id)
    uncertain = {name: (await outbox_row(db, keys[name])).error for name in ("steady", "silent", "planner")}
    assert uncertain == dict.fromkeys(("steady", "silent", "planner"), "uncertain: http_500")
    assert [len(checkins_in(fake_slack, channel[name])) for name in PAIRS] == [1, 0, 0, 1]

    fake_slack.fail("conversations.history", error="internal_error", channel=channel["planner"], times=2)
    later = max(first_checkin(name) for name in PAIRS) + timedelta(minutes=5)
    await run_due(deps, client, now=later, team_id=team_id)
    assert len(fake_slack.calls_to("conversations.history")) == 0, "not before the attempts have settled"
    await claimed_ago(db, team_id, timedelta(minutes=20))
    before = await outbox_row(db, keys["steady"])  # as another runner would have read it
    await run_due(deps, client, now=later, team_id=team_id)  # a later run: looked up
    await run_due(deps, client, now=later + timedelta(minutes=5), team_id=team_id)

    steady, silent, planner = [await outbox_row(db, keys[name]) for name in ("steady", "silent", "planner")]
    [posted] = checkins_in(fake_slack, channel["steady"])
    assert (steady.state, steady.channel_id, steady.ts) == ("sent", channel["steady"], posted["ts"]), "found"
    assert posted["metadata"] == {"event_type": "mentor_outbox", "event_payload": {"key": keys["steady"]}}
    async with db.session() as session:  # that other runner, late: what it read has changed, so it changes nothing
        assert not await outbox.settle(session, seen=before, state=OutboxState.PENDING)
    assert (await outbox_row(db, keys["steady"])).state == "sent"
    assert (silent.state, silent.error) == ("sent", None) and len(checkins_in(fake_slack, channel["silent"])) == 1, (
        "not found: sent again, once"
    )
    assert (planner.state, planner.error) == ("failed", "uncertain: http_500"), "history unreadable: left as it was"
    assert [len(checkins_in(fake_slack, channel[name])) for name in PAIRS] == [1, 1, 0, 1], "never twice"
    [lookup, *_] = fake_slack.calls_to("conversations.history")
    assert lookup["include_all_metadata"] in ("1", "true") and int(lookup["limit"]) <= 20
    assert float(lookup["oldest"]) > datetime.now(UTC).timestamp() - 30 * 60, "only since the attempt"

    fake_slack.fail("conversations.history", error="missing_scope", times=5)  # scopes not granted yet
    looked = len(fake_slack.calls_to("conversations.history"))
    await run_due(deps, client, now=later + timedelta(minutes=10), team_id=team_id)
    assert len(fake_slack.calls_to("conversations.history")) == looked + 1, "the run stops looking at once"
    assert (await outbox_row(db, keys["planner"])).error == "uncertain: http_500", "and leaves it as it was"
    assert [len(checkins_in(fake_slack, channel[name])) for name in PAIRS] == [1, 1, 0, 1]


async def claimed_ago(db: Database, team_id: str, ago: timedelta) -> None:
    """The workspace's messages as if claimed ``ago`` earlier (Slack's history and the settle time are real time)."""
    async with db.session() as session:
        for row in (await session.exec(select(Outbox).where(Outbox.team_id == team_id))).all():
            if row.claimed_at is not None:
                row.claimed_at -= ago
                session.add(row)


async def test_a_survey_slack_may_have_posted_can_be_answered(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    program_id = await start_program(deps, settings, slack.fake, team_id)
    survey = SurveyPayload(program_id=program_id, stage="mid", user_id="UE1")
    async with db.session() as session:
        await outbox.enqueue_many(
            session, team_id=team_id, messages=[survey.message(survey_key(program_id, "mid", "UE1"))]
        )
    slack.fake.fail("chat.postMessage", error="http_500", status=500, channel="UE1", acted=True)
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).failed == 1
    [dm] = [m for m in slack.fake.messages[slack.fake.dm_channel_id("UE1")] if "would you recommend" in m["text"]]
    await click_in_message(slack, sv.ACTION_OPEN, f"{program_id}:mid", {"text": dm["text"]}, "UE1")
    await slack.fake.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == sv.CALLBACK_ID)
