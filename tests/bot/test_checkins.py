"""The meeting rhythm: when check-ins fall, at what instant a pair gets one (property-tested against both people's
sending hours), and a whole 12-week program run through ``run_due`` in simulated time on both databases: the exact
check-ins, nudges and stalled-pair questions each pair gets, none outside either person's hours or on their
weekend, none while someone is paused, none after the end, each once however often run-due runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.checkins import checkin_dates, send_at, stalled_by_program, zone
from bot.outbox.due import run_due
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from bot.slack.client import make_client
from storage import checkins as checkins_repo
from storage import participants as participants_repo
from storage.db import Database
from storage.models import Participant, ParticipantState
from tests.support.checkins import END, PAIRS, START, start_program
from tests.support.cli import bot_env
from tests.support.fake_slack import FakeSlack

ZONES = ["America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Paris", "Asia/Kolkata", "Asia/Tokyo"]


def test_checkins_fall_every_period_on_the_weekday_and_stop_before_the_end() -> None:
    dates = checkin_dates(date(2027, 1, 4), date(2027, 3, 29), "biweekly", 1)
    assert dates == [date(2027, 1, 19), date(2027, 2, 2), date(2027, 2, 16), date(2027, 3, 2), date(2027, 3, 16)]
    assert len(checkin_dates(date(2027, 1, 4), date(2027, 3, 29), "weekly", 0)) == 11
    assert checkin_dates(date(2027, 1, 4), date(2027, 1, 10), "monthly", 2) == []


def in_hours(instant: datetime, tz_name: str, start: int = 9, end: int = 18) -> bool:
    """Written independently of bot.checkins: a weekday, between the hours, where that person is."""
    local = instant.astimezone(ZoneInfo(tz_name))
    return local.weekday() < 5 and start <= local.hour < end


@settings(max_examples=300, deadline=None)
# Los Angeles and Tokyo share 13:00-14:00 / 06:00-07:00 only before US daylight saving time: on Friday 2026-03-06
# the next such hour falls on a Saturday in Tokyo, and from Sunday on they share none. The hour they share on
# Thursday afternoon (Los Angeles) is before that Friday has begun there: it does not count.
@example(day=date(2026, 3, 6), a="America/Los_Angeles", b="Asia/Tokyo", at=9, start=6, length=8)
@given(
    day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    a=st.sampled_from(ZONES),
    b=st.sampled_from(ZONES),
    at=st.integers(0, 23),
    start=st.integers(6, 10),
    length=st.integers(3, 11),
)
def test_a_pair_is_never_messaged_outside_either_persons_hours(
    day: date, a: str, b: str, at: int, start: int, length: int
) -> None:
    end = start + length
    instant = send_at(
        day, at=f"{at:02d}:00", quiet_start=f"{start:02d}:00", quiet_end=f"{end:02d}:00", zones=(zone(a, 0), zone(b, 0))
    )
    if instant is None:  # only when their hours never meet on a weekday that week: check it hour by hour
        base = datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
        week = [base + timedelta(hours=h) for h in range(24 * 9)]
        assert not any(
            in_hours(t, a, start, end)
            and in_hours(t, b, start, end)
            and all(day <= t.astimezone(ZoneInfo(z)).date() < day + timedelta(days=7) for z in (a, b))
            for t in week
        )
        return
    assert in_hours(instant, a, start, end) and in_hours(instant, b, start, end)
    assert all(instant.astimezone(ZoneInfo(z)).date() >= day for z in (a, b)), "never before the day has begun"
    assert instant - datetime.combine(day, datetime.min.time(), tzinfo=UTC) < timedelta(days=8)


MIDDLE = date(2027, 2, 15)  # half-way: 42 of 84 days


def expected_instants() -> list[datetime]:
    dates = [*checkin_dates(START, END, "biweekly", 1), MIDDLE, END]
    instants = set()
    for _, _, tz_m, tz_e, _ in PAIRS.values():
        for day in dates:
            instant = send_at(
                day, at="10:00", quiet_start="09:00", quiet_end="18:00", zones=(zone(tz_m, 0), zone(tz_e, 0))
            )
            assert instant is not None
            instants.add(instant)
    return sorted(instants)


@pytest.mark.slow  # 12 weeks of run_due in simulated time
async def test_a_whole_program_runs_itself(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    program_id = await start_program(deps, settings, fake_slack, team_id)
    client = make_client(settings, deps.state.pacers)
    fake_slack.reset()
    channel_of = {name: fake_slack.dm_channel_id(f"{m},{e}") for name, (m, e, _, _, _) in PAIRS.items()}
    pair_of_channel = {c: n for n, c in channel_of.items()}
    # run-due at every instant something is due, a minute before each, and twice a day throughout
    times = set()
    for instant in expected_instants():
        times |= {instant, instant - timedelta(minutes=1)}
    day = datetime.combine(START - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    while day.date() <= END + timedelta(days=14):
        times |= {day + timedelta(hours=3), day + timedelta(hours=15)}
        day += timedelta(days=1)
    seen = 0
    got: dict[str, list[tuple[str, datetime, Any]]] = {name: [] for name in PAIRS}
    for now in sorted(times):
        if now.date() == date(2027, 2, 10):  # UE4 pauses for a while (check-in 3, on 16 Feb, is skipped)
            await set_state(db, team_id, "UE4", ParticipantState.PAUSED)
        if now.date() == date(2027, 2, 25):
            await set_state(db, team_id, "UE4", ParticipantState.ACTIVE)
        await run_due(deps, client, now=now, team_id=team_id)
        calls = fake_slack.calls_to("chat.postMessage")
        for call in calls[seen:]:
            text = call["text"]
            kind = (
                "survey"
                if "how confident" in text
                else "checkin"
                if text.startswith("Check-in")
                else "nudge"
                if "two cycles" in text
                else "stalled"
                if "unanswered" in text
                else "mid"
                if "half-way" in text
                else "end"
                if "ends today" in text
                else "other"
            )
            name = pair_of_channel.get(call["channel"]) or next(
                n for n, (m, e, *_) in PAIRS.items() if call["channel"] in (m, e)
            )
            got[name].append((kind, now, call))
            _, mentee, tz_m, tz_e, answer = PAIRS[name]
            assert in_hours(now, tz_m) and in_hours(now, tz_e), f"{kind} for {name} at {now} is outside someone's hours"
            late = kind in ("end", "survey") and now.date() <= END + timedelta(days=1)  # the last day, somewhere
            assert now.date() < END or late, "nothing after the program's end"
            if kind == "checkin" and answer:
                period = int(call["blocks"][1]["elements"][0]["value"].split(":")[1])
                pair_id = int(call["blocks"][1]["elements"][0]["value"].split(":")[0])
                async with db.session() as session:
                    await checkins_repo.record_answer(
                        session, team_id=team_id, pair_id=pair_id, period=period, answer=answer, by_user=mentee, at=now
                    )
        seen = len(calls)

    def kinds(name: str) -> list[str]:
        return [kind for kind, _, _ in got[name] if kind != "survey"]

    surveys = {name: sorted(call["channel"] for kind, _, call in got[name] if kind == "survey") for name in PAIRS}
    assert surveys["steady"] == ["UE1", "UE1", "UM1", "UM1"], "each person's survey half-way and on the last day"
    assert surveys["pausing"] == ["UE4", "UM4"], "none half-way while UE4 was paused"

    assert kinds("steady") == ["checkin", "checkin", "mid", "checkin", "checkin", "checkin", "end"]
    assert kinds("silent") == ["checkin", "checkin", "mid", "checkin", "nudge", "stalled", "stalled", "checkin", "end"]
    assert kinds("planner") == [
        *("checkin", "checkin", "mid", "checkin", "nudge", "checkin", "nudge", "checkin", "nudge", "end")
    ]
    assert kinds("pausing") == ["checkin", "checkin", "checkin", "checkin", "end"], "nothing while UE4 was paused"
    stalled_to = sorted(call["channel"] for kind, _, call in got["silent"] if kind == "stalled")
    assert stalled_to == ["UE2", "UM2"], "each person asked privately"
    steady_times = [now for kind, now, _ in got["steady"] if kind == "checkin"]
    async with db.read() as session:  # admins see the silent pair flagged
        assert await stalled_by_program(session, team_id=team_id) == {program_id: 1}
    local = [t.astimezone(ZoneInfo("America/Los_Angeles")).strftime("%a %H:%M") for t in steady_times]
    # when Tokyo's Wednesday 09:00 opens: 16:00 in Los Angeles, 17:00 once it moved to summer time on 14 March
    assert local == ["Tue 16:00"] * 4 + ["Tue 17:00"]


async def set_state(db: Database, team_id: str, user_id: str, state: ParticipantState) -> None:
    async with db.session() as session:
        query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
        [row] = (await session.exec(query)).all()
        await participants_repo.set_state(session, participant=row, state=state)


async def test_two_runners_at_the_same_instant_send_each_check_in_once(
    db: Database, deps: Deps, database_url: str, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    await start_program(deps, settings, fake_slack, team_id)
    fake_slack.reset()
    other = Database(database_url)
    replica = Deps(settings, other, AppState())
    try:
        for instant in [i for i in expected_instants() if i.date() < date(2027, 1, 25)]:  # the first check-ins
            await asyncio.gather(
                run_due(deps, make_client(settings, deps.state.pacers), now=instant, team_id=team_id),
                run_due(replica, make_client(settings, replica.state.pacers), now=instant, team_id=team_id),
            )
    finally:
        await other.dispose()
    checkins = [c for c in fake_slack.calls_to("chat.postMessage") if c["text"].startswith("Check-in")]
    assert len(checkins) == 4 and len({c["channel"] for c in checkins}) == 4


@pytest.mark.slow  # python -m bot run-due as two processes
async def test_two_run_due_processes_at_once_send_each_check_in_once(
    db: Database, deps: Deps, database_url: str, settings: Settings, fake_slack: FakeSlack, team_id: str, tmp_path: Path
) -> None:
    """``python -m bot run-due --now …`` twice at the same moment, as two processes (two replicas, or cron
    overlapping the scheduler): each pair's check-in goes out once. Slack answers slowly, so the runs overlap."""
    await start_program(deps, settings, fake_slack, team_id)
    fake_slack.reset()
    fake_slack.delay = 0.1
    env = bot_env(fake_slack, tmp_path, DATABASE_URL=database_url)
    for instant in [i for i in expected_instants() if i.date() < date(2027, 1, 25)]:
        runs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run-due",
                "--now",
                instant.isoformat(),
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = await asyncio.gather(*(run.communicate() for run in runs))
        assert [run.returncode for run in runs] == [0, 0], outputs
    checkins = [c for c in fake_slack.calls_to("chat.postMessage") if c["text"].startswith("Check-in")]
    assert len(checkins) == 4 and len({c["channel"] for c in checkins}) == 4


def facts(tz_a: str, tz_b: str, **extra: Any) -> Any:
    from bot.checkins import PairFacts
    from storage.models import Pair

    pair = Pair(id=7, team_id="T", program_id=1, round_id=1, mentor_id="UA", mentee_id="UB", state="active")
    return PairFacts(pair, (zone(tz_a, 0), zone(tz_b, 0)), True, **extra)


def program_of(**fields: Any) -> Any:
    from storage.models import Program

    base = {"start_date": START, "end_date": END, "cadence": "weekly", "checkin_weekday": 4, "state": "running"}
    return Program(team_id="T", name="P", **{**base, **fields})


def test_far_east_pairs_get_their_check_ins_on_time() -> None:
    from bot.checkins import owed

    program = program_of(checkin_time="09:00", quiet_start="09:00", quiet_end="12:00")
    friday_9_auckland = datetime(2027, 1, 14, 20, 0, tzinfo=UTC)  # Friday 15 January 09:00 in Auckland
    [message] = owed(program, facts("Pacific/Auckland", "Pacific/Auckland"), friday_9_auckland)
    assert message.key == "checkin:7:1"


def test_a_check_in_missed_over_a_weekend_is_still_sent_on_monday() -> None:
    from bot.checkins import owed

    program = program_of(checkin_time="09:00", quiet_start="09:00", quiet_end="18:00")
    monday_9_paris = datetime(2027, 1, 18, 8, 0, tzinfo=UTC)  # Friday 15 January's check-in: the bot was down
    assert [m.key for m in owed(program, facts("Europe/Paris", "Europe/Paris"), monday_9_paris)] == ["checkin:7:1"]


def test_nothing_rolls_past_the_end_and_the_last_day_message_comes_before_a_weekend() -> None:
    from bot.checkins import milestones, owed

    saturday_end = date(2027, 3, 27)
    program = program_of(
        end_date=saturday_end, checkin_weekday=4, checkin_time="10:00", quiet_start="09:00", quiet_end="18:00"
    )
    after = datetime(2027, 3, 29, 16, 0, tzinfo=UTC)  # Monday after the end
    assert owed(program, facts("Europe/Paris", "Europe/Paris"), after) == []
    friday = datetime(2027, 3, 26, 9, 0, tzinfo=UTC)  # Friday 10:00 in Paris: the last weekday of the program
    keys = [m.key for m in milestones(program, facts("Europe/Paris", "Europe/Paris"), friday)]
    assert keys == ["end:7", "survey:None:end:UA", "survey:None:end:UB"], "with each person's end-of-program survey"


def test_a_period_already_given_the_stalled_question_gets_nothing_else() -> None:
    from bot.checkins import owed

    program = program_of(checkin_time="10:00", quiet_start="09:00", quiet_end="18:00")
    fourth = datetime(2027, 2, 5, 9, 0, tzinfo=UTC)  # check-in 4 (Friday 5 February, 10:00 Paris)
    state = facts("Europe/Paris", "Europe/Paris", sent=frozenset({1, 2, 3}), answers={3: "not_yet"})
    assert [m.kind for m in owed(program, state, fourth)] == ["checkin", "nudge"]
    asked = facts(
        "Europe/Paris", "Europe/Paris", sent=frozenset({1, 2, 3}), stalled=frozenset({4}), answers={3: "not_yet"}
    )
    assert owed(program, asked, fourth) == [], "asked privately for this period: no check-in or nudge on top"


@pytest.mark.slow  # run_due over weeks in simulated time, waiting out Slack's faults
async def test_slack_faults_and_a_crash_mid_round_never_double_a_check_in(
    db: Database, deps: Deps, settings: Settings, fake_slack: FakeSlack, team_id: str
) -> None:
    """Slack answering 503 and 429 for a while, then a process dying between claiming a check-in and sending it:
    every pair gets check-in 1 exactly once; the check-in claimed by the dead process is never sent twice."""
    from bot.checkins import enqueue_due
    from storage import outbox

    await start_program(deps, settings, fake_slack, team_id)
    client = make_client(settings, deps.state.pacers)
    fake_slack.reset()
    first = [i for i in expected_instants() if i.date() < date(2027, 1, 25)]
    fake_slack.fail(
        "chat.postMessage", error="http_503", status=503, times=3
    )  # the client retries twice, then gives up
    fake_slack.fail("chat.postMessage", error="ratelimited")  # waited out by the client (Retry-After: 1)
    for instant in first:
        await run_due(deps, client, now=instant, team_id=team_id)
    for instant in first:  # five minutes later: what the 503 deferred goes out
        await run_due(deps, client, now=instant + timedelta(minutes=5), team_id=team_id)

    sent = [
        c
        for c in fake_slack.calls
        if c.method == "chat.postMessage" and not c.failed and c.params["text"].startswith("Check-in 1 ")
    ]
    assert len(sent) == 4 and len({c.params["channel"] for c in sent}) == 4, "each pair once, despite the faults"

    second = [i for i in expected_instants() if date(2027, 2, 1) < i.date() < date(2027, 2, 8)]
    assert await enqueue_due(deps, team_id=team_id, now=second[0]) >= 1
    async with db.session() as session:  # a process claims the first of them, then dies before sending it
        [claimed] = await outbox.claim(session, team_id=team_id, keys=None, limit=1)
    for instant in second:
        await run_due(deps, client, now=instant, team_id=team_id)
        await run_due(deps, client, now=instant + timedelta(minutes=5), team_id=team_id)
    ok = [
        c
        for c in fake_slack.calls
        if c.method == "chat.postMessage" and not c.failed and c.params["text"].startswith("Check-in 2 ")
    ]
    assert len(ok) == 3, "the claimed check-in is not sent by anyone else (never twice); the other three go out once"
    async with db.read() as session:
        trouble = await outbox.trouble(session, team_id=team_id, stuck_before=datetime.now(UTC) + timedelta(hours=1))
    assert trouble["stuck"] == 1 and claimed.key.startswith("checkin:"), "admins see it"
