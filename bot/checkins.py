"""What the meeting rhythm owes each pair at an instant: check-ins, nudges, and the private "stay, pause or leave?"
question for a stalled pair; enqueued in the outbox under a unique key (``run-due`` computes them from the
database, so a run that is late, or missed while the bot was down, sends what is owed, and only that).

For each active pair of each running program, only the *latest* check-in whose instant has come (see *When
check-ins fall* below) is owed: check-ins missed while the bot was down are not sent late in a burst. A pair where
someone is paused (or gone) gets nothing. Before check-in *k*:

- if the three check-ins before it were sent and none was answered, each person is asked privately whether to
  stay, pause or leave, instead of check-in *k* (the pair is "stalled" for admins);
- otherwise check-in *k* is sent (with a topic suggestion), and if neither of the two check-ins before it was
  answered "We met", a friendly nudge with a meeting time that suits both follows it.

When check-ins fall (pure functions on plain values: dates, times, time zones). A program's check-ins fall every
cadence period after its start (weekly: 7 days, every 2 weeks: 14, monthly: 28), on its check-in weekday: check-in
*k* is on the first check-in weekday on or after ``start + k × period``, for as long as that date is before the
program's end.

A pair gets check-in *k* at the program's check-in time in one of the two people's own time zones, whichever comes
first and falls inside both people's sending hours (``quiet_start``–``quiet_end``, local) on a weekday for both;
failing that, at the start of the hours the two share that day; failing that (their hours never overlap that
day), the next day, and so on for a week; a pair whose hours never overlap gets no check-in (skipped, never sent at
a bad hour).

What the pair's people answer (:func:`answer_checkin`, :func:`meeting_times`, :func:`answer_stalled`) is recorded
here too, with what follows it: feedback and consent questions delivered, Home tabs republished.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import feedback, participants, recognition
from bot.outbox.batch import Batch
from bot.outbox.kinds import CheckinPayload, Kind, MilestonePayload, NudgePayload, StalledPayload, SurveyPayload
from bot.outbox.outcomes import Outcome, Skip, answerable
from bot.runtime.context import Deps
from bot.surveys import survey_key
from prompts.checkins import checkin_message, milestone_message, nudge_message, stalled_dm
from storage import checkins as checkins_repo
from storage import outbox
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.models import (
    MeetingAnswer,
    Outbox,
    OutboxState,
    Pair,
    Participant,
    ParticipantState,
    Program,
    ProgramState,
    utcnow,
)
from storage.outbox import Message

logger = logging.getLogger(__name__)

PERIOD_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}
ROLL_FORWARD_DAYS = 7


def period_days(cadence: str) -> int:
    return PERIOD_DAYS.get(cadence, 14)


def zone(name: str | None, offset_seconds: int | None) -> tzinfo:
    """A person's time zone: their Slack IANA zone when known (daylight saving included), else their offset."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone(timedelta(seconds=offset_seconds or 0))


def checkin_dates(start: date, end: date, cadence: str, weekday: int) -> list[date]:
    """Check-in *k* (k = 1, 2, …) is ``result[k - 1]``."""
    step = period_days(cadence)
    found: list[date] = []
    k = 1
    while True:
        due = start + timedelta(days=k * step)
        due += timedelta(days=(weekday - due.weekday()) % 7)
        if due >= end:
            return found
        found.append(due)
        k += 1


def _clock(text: str) -> time:
    hh, _, mm = text.partition(":")
    return time(int(hh), int(mm or 0))


def _local(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _fits(instant: datetime, zones: tuple[tzinfo, ...], quiet_start: time, quiet_end: time) -> bool:
    """Inside everyone's sending hours, on a weekday where each of them is."""
    for tz in zones:
        local = instant.astimezone(tz)
        if local.weekday() >= 5 or not quiet_start <= local.time() < quiet_end:
            return False
    return True


def send_at(day: date, *, at: str, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...]) -> datetime | None:
    """The UTC instant a pair (``zones``: both people's time zones) gets a message due on ``day``; None if their
    sending hours never meet within a week. Never before ``day`` has begun for either of them."""
    at_t, qs, qe = _clock(at), _clock(quiet_start), _clock(quiet_end)
    for extra in range(ROLL_FORWARD_DAYS):
        d = day + timedelta(days=extra)
        preferred = sorted(_local(d, at_t, tz) for tz in zones)  # the check-in time, where either of them is
        shared = sorted(_local(dd, qs, tz) for tz in zones for dd in (d, d + timedelta(days=1)))  # hours opening
        for instant in (*preferred, *shared):
            started = all(instant.astimezone(tz).date() >= d for tz in zones)
            if started and _fits(instant, zones, qs, qe):
                return instant
    return None


def shared_hours(
    after: datetime, *, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...], count: int = 3
) -> list[tuple[datetime, datetime]]:
    """The next ``count`` stretches (UTC start, end) when everyone is inside their sending hours on a weekday, from
    the day after ``after``: meeting times that suit the pair, whatever their time zones."""
    qs, qe = _clock(quiet_start), _clock(quiet_end)
    found: list[tuple[datetime, datetime]] = []
    day = after.date() + timedelta(days=1)
    for _ in range(21):
        starts = sorted({_local(d, qs, tz) for tz in zones for d in (day, day + timedelta(days=1))})
        for start in starts:
            if not _fits(start, zones, qs, qe) or any(start <= s < e for s, e in found):
                continue
            end = min(_local(start.astimezone(tz).date(), qe, tz) for tz in zones)
            if end > start and start.date() >= day - timedelta(days=1):
                found.append((start, end))
                if len(found) == count:
                    return found
        day += timedelta(days=1)
    return found


def within_hours(instant: datetime, *, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...]) -> bool:
    """Whether ``instant`` is inside everyone's sending hours, on a weekday where each of them is."""
    return _fits(instant, zones, _clock(quiet_start), _clock(quiet_end))


MID, END = "mid", "end"
STALL_AFTER = 3  # unanswered check-ins in a row
LATE_FOR = timedelta(days=4)  # milestones: a weekend and a day


def checkin_key(pair_id: int, period: int) -> str:
    return f"{Kind.CHECKIN}:{pair_id}:{period}"


async def answer_checkin(
    deps: Deps,
    client: AsyncWebClient,
    *,
    pair: Pair,
    period: int,
    answer: str,
    user_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
) -> bool:
    """Record one of the pair's people's answer to check-in ``period``, clicked in the message ``message_ts`` of
    ``channel_id`` (False, nothing recorded, when the pair was never sent that check-in). A check-in Slack may have
    posted (it answered 500) is answered too: the click shows it was, and where, so it is marked sent there when
    the click comes from the pair's conversation. After *We met*, each person is asked privately how it went (once
    per meeting), the consent question and milestones follow; both people's Home tabs are republished."""
    from bot.home import publish_home  # bot.home and the outbox read this module
    from bot.outbox.deliver import deliver

    assert pair.id is not None
    key = checkin_key(pair.id, period)
    async with deps.db.read() as session:  # only a check-in this pair was sent (is being sent, or may have been)
        row = await outbox.by_key(session, team_id=pair.team_id, key=key)
    if row is None or not answerable(row):
        return False
    if row.state == OutboxState.FAILED and message_ts and channel_id and channel_id == pair.channel_id:
        async with deps.db.session() as session:
            settled = await outbox.settle(
                session, seen=row, state=OutboxState.SENT, channel_id=channel_id, ts=message_ts
            )
        if settled:
            logger.info("Outbox %s: answered in %s, so posted: marked sent", key, channel_id)
    async with deps.db.session() as session:
        await checkins_repo.record_answer(
            session, team_id=pair.team_id, pair_id=pair.id, period=period, answer=answer, by_user=user_id, at=utcnow()
        )
    if answer == MeetingAnswer.MET:
        keys = await feedback.ask_after_meeting(deps, pair=pair, period=period)
        keys += await recognition.after_meeting(deps, pair=pair)  # consent asked once; milestones reached
        await deliver(deps, client, team_id=pair.team_id, keys=keys)
    for person in (pair.mentor_id, pair.mentee_id):
        await publish_home(client, deps, team_id=pair.team_id, user_id=person)
    return True


@dataclass(frozen=True)
class MeetingTimes:
    """The next stretches (UTC start, end) when both people are within their working hours, and each person's
    time zone (to show them in their own time)."""

    slots: list[tuple[datetime, datetime]]
    people: list[tuple[str, tzinfo]]


async def meeting_times(deps: Deps, *, pair: Pair, program: Program, now: datetime) -> MeetingTimes:
    """*Suggest a time*: meeting times that suit both, whatever their time zones."""
    people = (pair.mentor_id, pair.mentee_id)
    async with deps.db.read() as session:
        rows = [
            await participants_repo.get_participant(
                session, team_id=pair.team_id, program_id=pair.program_id, user_id=user
            )
            for user in people
        ]
    zones = [zone(p.timezone, p.tz_offset) if p else zone(None, 0) for p in rows]
    slots = shared_hours(now, quiet_start=program.quiet_start, quiet_end=program.quiet_end, zones=tuple(zones))
    return MeetingTimes(slots, list(zip(people, zones, strict=True)))


class StalledChoice(StrEnum):
    """A stalled pair's person's answer to "keep going, pause or leave?"."""

    STAY = "stay"
    PAUSE = "pause"
    LEAVE = "leave"


async def answer_stalled(
    deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, program_id: int, choice: StalledChoice
) -> str:
    """Apply a stalled pair's person's choice in that program at once; the program's name. Raises
    :class:`~bot.runtime.errors.NotEnrolledError` when they no longer take part (a second click, a forged program).
    Their Home tab is republished."""
    from bot.home import publish_home  # bot.home reads this module

    enrolments = await participants.taking_part(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    if choice == StalledChoice.PAUSE:
        await participants.pause(
            deps, team_id=team_id, user_id=user_id, until=None, now=datetime.now(UTC), program_id=program_id
        )
    elif choice == StalledChoice.LEAVE:
        await participants.leave(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return enrolments[0].program.name


@dataclass(frozen=True)
class PairFacts:
    """What the rhythm needs to know of a pair."""

    pair: Pair
    zones: tuple[tzinfo, tzinfo]
    active: bool  # both people taking part and not paused
    sent: frozenset[int] = frozenset()  # check-in periods sent
    stalled: frozenset[int] = frozenset()  # periods whose check-in was replaced by the stalled-pair question
    answers: Mapping[int, str] = field(default_factory=dict)  # period → answer


def latest_due(program: Program, state: PairFacts, now: datetime) -> tuple[int, datetime] | None:
    """The latest check-in (its number and instant) whose instant has come and which falls after the pair began."""
    if program.start_date is None or program.end_date is None:
        return None
    dates = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)
    began = state.pair.started_at
    for k in range(len(dates), 0, -1):
        if dates[k - 1] > now.date() + timedelta(days=1):  # not begun anywhere yet (UTC+14 is a day ahead)
            continue
        instant = send_at(
            dates[k - 1],
            at=program.checkin_time,
            quiet_start=program.quiet_start,
            quiet_end=program.quiet_end,
            zones=state.zones,
        )
        if instant is None or instant > now:
            continue
        if any(instant.astimezone(tz).date() >= program.end_date for tz in state.zones):
            return None  # rolled forward past the end: the program is over for them
        return (k, instant) if began is None or instant > began else None
    return None


def _last_day_instant(program: Program, state: PairFacts, end: date) -> datetime | None:
    """The end message's instant: on the program's last day, or the latest weekday before it when that day's hours
    fall on a weekend (or past the end) for either person."""
    for back in range(7):
        instant = send_at(
            end - timedelta(days=back),
            at=program.checkin_time,
            quiet_start=program.quiet_start,
            quiet_end=program.quiet_end,
            zones=state.zones,
        )
        if instant is not None and all(instant.astimezone(tz).date() <= end for tz in state.zones):
            return instant
    return None


def milestones(program: Program, state: PairFacts, now: datetime) -> list[Message]:
    """The mid-program check and the end-of-program message, each at the pair's check-in instant of its day, with
    each person's survey (:mod:`bot.surveys`)."""
    if program.start_date is None or program.end_date is None or not state.active or state.pair.id is None:
        return []
    middle = program.start_date + (program.end_date - program.start_date) / 2
    found = []
    for which, day in ((MID, middle), (END, program.end_date)):
        instant = (
            _last_day_instant(program, state, day)
            if which == END
            else send_at(
                day,
                at=program.checkin_time,
                quiet_start=program.quiet_start,
                quiet_end=program.quiet_end,
                zones=state.zones,
            )
        )
        began = state.pair.started_at
        if instant is None or not instant <= now <= instant + LATE_FOR or (began is not None and began > instant):
            continue
        if within_hours(now, quiet_start=program.quiet_start, quiet_end=program.quiet_end, zones=state.zones):
            found.append(MilestonePayload(pair_id=state.pair.id, which=which).message(f"{which}:{state.pair.id}"))
            found += [  # each person's survey at the same moment, once per program and stage (whatever their pairs)
                SurveyPayload(program_id=program.id or 0, stage=which, user_id=user).message(
                    survey_key(program.id, which, user)
                )
                for user in (state.pair.mentor_id, state.pair.mentee_id)
            ]
    return found


def owed(program: Program, state: PairFacts, now: datetime) -> list[Message]:
    """The messages the rhythm owes this pair at ``now`` (pure: the caller enqueues them). A check-in whose instant
    passed while the bot was down (or someone was paused) is sent at the next run inside both people's hours, for
    up to ``LATE_FOR`` after its instant; later than that it is skipped: the next one is nearer."""
    due = latest_due(program, state, now)
    if due is None or not state.active:
        return []
    k, instant = due
    in_hours = within_hours(now, quiet_start=program.quiet_start, quiet_end=program.quiet_end, zones=state.zones)
    late_for = timedelta(days=period_days(program.cadence) - 1)  # until the next one is nearly due
    if now - instant > late_for or not in_hours:
        return []
    pair = state.pair
    assert pair.id is not None
    if k in state.stalled:  # already asked for this period: nothing else for it, whatever happened since
        return []
    before = [j for j in range(k - STALL_AFTER, k) if j >= 1]
    if len(before) == STALL_AFTER and all(j in state.sent and j not in state.answers for j in before):
        return [
            StalledPayload(pair_id=pair.id, period=k, user_id=user).message(f"{Kind.STALLED}:{pair.id}:{k}:{user}")
            for user in (pair.mentor_id, pair.mentee_id)
        ]
    messages = [CheckinPayload(pair_id=pair.id, period=k).message(checkin_key(pair.id, k))]
    recent = [j for j in (k - 2, k - 1) if j >= 1 and j in state.sent]
    if len(recent) == 2 and all(state.answers.get(j) != MeetingAnswer.MET for j in recent):
        messages.append(NudgePayload(pair_id=pair.id, period=k).message(f"{Kind.NUDGE}:{pair.id}:{k}"))
    return messages


async def enqueue_due(deps: Deps, *, team_id: str, now: datetime) -> int:
    """Enqueue everything the rhythm owes the workspace's pairs at ``now``; how many messages were new."""
    async with deps.db.read() as session:
        programs = [
            p for p in await programs_repo.list_programs(session, team_id=team_id) if p.state == ProgramState.RUNNING
        ]
        found: list[tuple[Program, Pair, Participant | None, Participant | None]] = []
        for program in programs:
            assert program.id is not None
            pairs = await rounds_repo.active_pairs(session, team_id=team_id, program_id=program.id)
            if pairs:
                people = {
                    p.user_id: p
                    for p in await participants_repo.members(session, team_id=team_id, program_id=program.id)
                }
                found += [(program, pair, people.get(pair.mentor_id), people.get(pair.mentee_id)) for pair in pairs]
        ids = [pair.id for _, pair, _, _ in found if pair.id is not None]  # one read each, for every program
        sent = await checkins_repo.sent_checkins(session, team_id=team_id, pair_ids=ids)
        stalled = await checkins_repo.sent_checkins(
            session, team_id=team_id, pair_ids=ids, kind=Kind.STALLED, any_state=True
        )
        answers = await checkins_repo.answers(session, team_id=team_id, pair_ids=ids)
    states: list[tuple[Program, PairFacts]] = []
    for program, pair, mentor, mentee in found:
        active = all(p is not None and p.state == ParticipantState.ACTIVE for p in (mentor, mentee))
        zones = tuple(zone(p.timezone, p.tz_offset) if p else zone(None, 0) for p in (mentor, mentee))
        state = PairFacts(
            pair,
            (zones[0], zones[1]),
            active,
            frozenset(sent.get(pair.id or 0, set())),
            stalled=frozenset(stalled.get(pair.id or 0, set())),
            answers=answers.get(pair.id or 0, {}),
        )
        states.append((program, state))
    messages = [m for program, state in states for m in (*owed(program, state, now), *milestones(program, state, now))]
    if not messages:
        return 0
    async with deps.db.session() as session:
        return await outbox.enqueue_many(session, team_id=team_id, messages=messages)


async def send_checkin(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    found = batch.live(row)
    if found is None:
        return Outcome.skipped(Skip.INACTIVE)
    pair, program, _ = found
    assert pair.id is not None and program.start_date is not None and program.end_date is not None
    period = CheckinPayload.of(row).period
    dates = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)
    if not 1 <= period <= len(dates):  # the program's dates or rhythm changed since it was queued
        return Outcome.skipped(Skip.PERIOD_GONE)
    since = dates[period - 2] if period >= 2 else program.start_date  # the previous check-in, or the start
    if pair.started_at and since < pair.started_at.date():  # a pair made later: since it was introduced
        since = pair.started_at.date()
    channel = await batch.channel(client, pair)
    topics = batch.topics(row)
    reply = checkin_message(
        pair_id=pair.id,
        period=period,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        program_name=program.name,
        since=since,
        topic=topics[0] if topics else None,
    )
    answer = await client.chat_postMessage(channel=channel, **reply.as_kwargs())
    return Outcome.posted(answer, channel=channel)


async def send_nudge(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    found = batch.live(row)
    if found is None:
        return Outcome.skipped(Skip.INACTIVE)
    pair, _, _ = found
    assert pair.id is not None
    channel = await batch.channel(client, pair)
    reply = nudge_message(
        pair_id=pair.id, period=NudgePayload.of(row).period, mentor_id=pair.mentor_id, mentee_id=pair.mentee_id
    )
    answer = await client.chat_postMessage(channel=channel, **reply.as_kwargs())
    return Outcome.posted(answer, channel=channel)


async def send_stalled(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    found = batch.live(row)
    if found is None:
        return Outcome.skipped(Skip.INACTIVE)
    pair, program, _ = found
    assert program.id is not None
    user = StalledPayload.of(row).user_id
    partner = pair.mentee_id if user == pair.mentor_id else pair.mentor_id
    reply = stalled_dm(program_id=program.id, program_name=program.name, partner_id=partner)
    answer = await client.chat_postMessage(channel=user, **reply.as_kwargs())
    return Outcome.posted(answer)


async def send_milestone(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    found = batch.live(row)
    if found is None:
        return Outcome.skipped(Skip.INACTIVE)
    pair, program, _ = found
    channel = await batch.channel(client, pair)
    reply = milestone_message(
        which=MilestonePayload.of(row).which,
        program_name=program.name,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
    )
    answer = await client.chat_postMessage(channel=channel, **reply.as_kwargs())
    return Outcome.posted(answer, channel=channel)


SENDERS = {
    Kind.CHECKIN: send_checkin,
    Kind.NUDGE: send_nudge,
    Kind.STALLED: send_stalled,
    Kind.MILESTONE: send_milestone,
}


def is_stalled(sent: set[int], answers: Mapping[int, str]) -> bool:
    """The pair's last ``STALL_AFTER`` check-ins went out and none was answered."""
    last = sorted(sent)[-STALL_AFTER:]
    return len(last) == STALL_AFTER and not any(k in answers for k in last)


async def stalled_by_program(session: AsyncSession, *, team_id: str) -> dict[int, int]:
    """How many active pairs of each program are stalled (for the admins' program cards)."""
    pairs = await rounds_repo.active_pairs_of_workspace(session, team_id=team_id)
    ids = [p.id for p in pairs if p.id is not None]
    sent = await checkins_repo.sent_checkins(session, team_id=team_id, pair_ids=ids)
    answers = await checkins_repo.answers(session, team_id=team_id, pair_ids=ids)
    counts: dict[int, int] = {}
    for pair in pairs:
        if is_stalled(sent.get(pair.id or 0, set()), answers.get(pair.id or 0, {})):
            counts[pair.program_id] = counts.get(pair.program_id, 0) + 1
    return counts
