"""Joining, editing, pausing, resuming, leaving and erasing: the participation service.

Functions take plain values and a :class:`storage.db.Database`, return plain values, and know nothing of Slack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import NotEnrolledError, PauseDateError, ProgramClosedError
from bot.profile import Profile
from prompts.messages import DEFAULT_OBJECTIVES
from storage import repositories as repo
from storage.db import Database
from storage.models import JOINABLE_STATES, Participant, ParticipantState, Program, ProgramState

MAX_PAUSE_DAYS = 366
TAKING_PART = (ParticipantState.ACTIVE, ParticipantState.PAUSED)


@dataclass(frozen=True)
class Enrolment:
    """A program as one person sees it: the program, and their participant row in it if any.

    Someone who erased their data has no row here any more: their anonymous row is no longer linked to them.
    """

    program: Program
    participant: Participant | None

    @property
    def enrolled(self) -> bool:
        """Taking part (active or paused) in a program that is still going (open or running)."""
        return self.participant is not None and self.participant.state in TAKING_PART and self.joinable

    @property
    def joinable(self) -> bool:
        return self.program.state in JOINABLE_STATES


async def programs_for(db: Database, *, team_id: str, user_id: str) -> list[Enrolment]:
    """The programs a person can see, with their row in each: those open for sign-ups or running, then ended
    ones they took part in; drafts are for admins only. On a workspace's first use this creates the default
    program, so ``/mentor`` works before anyone has configured anything."""
    async with db.read() as session:
        programs = list(await repo.list_programs(session, team_id=team_id))
        ids = [p.id for p in programs if p.id is not None]
        rows = await repo.participants_in_programs(session, team_id=team_id, user_id=user_id, program_ids=ids)
    if not programs:
        async with db.session() as session:
            created = await repo.create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
        programs = [created] if created is not None else []
    mine = {row.program_id: row for row in rows}
    enrolments = [Enrolment(p, mine.get(p.id or 0)) for p in programs]
    return [e for e in enrolments if e.joinable] + [
        e for e in enrolments if e.program.state == ProgramState.ENDED and e.participant is not None
    ]


async def current(db: Database, *, team_id: str, user_id: str, program_id: int | None = None) -> Enrolment | None:
    """The program a form or command is about: ``program_id`` if it is open for sign-ups, else the first open
    one the person takes part in, else the first open one; None when no program is open."""
    enrolments = await programs_for(db, team_id=team_id, user_id=user_id)
    return form_target(enrolments, program_id) or form_target(enrolments)


def form_target(
    enrolments: list[Enrolment], program_id: int | None = None, *, joining: bool = False
) -> Enrolment | None:
    """The program a form is for: ``program_id`` if it takes sign-ups (None if it doesn't: the caller says so);
    without one, when ``joining``, the first open program the person is not in yet, else the first they take
    part in, else the first open one; None when no program is open."""
    joinable = [e for e in enrolments if e.joinable]
    if program_id is not None:
        return next((e for e in joinable if e.program.id == program_id), None)
    fresh = [e for e in joinable if not e.enrolled]
    mine = [e for e in joinable if e.enrolled]
    order = [*fresh, *mine] if joining else [*mine, *fresh]
    return next(iter(order), None)


def latest_profile(enrolments: list[Enrolment]) -> Participant | None:
    """The person's most recently updated answers in any program (to pre-fill a form for another program)."""
    rows = [e.participant for e in enrolments if e.participant is not None]
    return max(rows, key=lambda p: p.updated_at) if rows else None


PROGRAM_CACHE_SECONDS = 10.0
_programs_seen: dict[tuple[str, int], tuple[Program | None, float]] = {}


async def joinable_program(db: Database, *, team_id: str, program_id: int | None) -> Program | None:
    """The workspace's program ``program_id`` if it takes sign-ups: the check before acknowledging a form.

    Remembered for a few seconds, so a burst of sign-ups doesn't put a database read in front of every ack.
    Changes made here forget it at once (:func:`forget_program`); one made by another replica can be seen up to
    that late, which is safe: saving checks the program again in its own transaction.
    """
    if program_id is None:
        return None
    key = (team_id, program_id)
    seen = _programs_seen.get(key)
    if seen is not None and seen[1] > time.monotonic():
        program = seen[0]
    else:
        async with db.read() as session:
            program = await repo.get_program(session, team_id=team_id, program_id=program_id)
        if len(_programs_seen) > 10_000:
            _programs_seen.clear()
        _programs_seen[key] = (program, time.monotonic() + PROGRAM_CACHE_SECONDS)
    return program if program is not None and program.state in JOINABLE_STATES else None


def forget_program(team_id: str, program_id: int) -> None:
    """Called after a program's settings or state changed in this process."""
    _programs_seen.pop((team_id, program_id), None)


async def save_profile(
    db: Database, *, team_id: str, user_id: str, program_id: int, profile: Profile
) -> tuple[Enrolment, bool]:
    """Save opt-in answers to a program that takes sign-ups, in one short write transaction.

    Returns the enrolment and whether the person newly joined (or came back). Raises
    :class:`ProgramClosedError` when the program stopped taking sign-ups after the form was checked.
    """
    async with db.session() as session:
        program = await repo.get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.state not in JOINABLE_STATES:
            raise ProgramClosedError(program_id)
        before = await repo.get_participant(session, team_id=team_id, program_id=program_id, user_id=user_id)
        was_enrolled = before is not None and before.state in TAKING_PART
        participant = await repo.upsert_profile(
            session, team_id=team_id, program_id=program_id, user_id=user_id, answers=profile.answers()
        )
    return Enrolment(program, participant), not was_enrolled


async def set_timezone(
    db: Database, *, team_id: str, participant_id: int, timezone: str | None, tz_offset: int | None
) -> None:
    async with db.session() as session:
        await repo.set_timezone(
            session, team_id=team_id, participant_id=participant_id, timezone=timezone, tz_offset=tz_offset
        )


async def update_timezone(
    db: Database, *, enrolment: Enrolment, timezone: str | None, tz_offset: int | None
) -> Enrolment:
    """Store the time zone Slack reports, when known and changed; returns the enrolment as it now is."""
    p = enrolment.participant
    assert p is not None and p.id is not None
    if timezone is None or (p.timezone, p.tz_offset) == (timezone, tz_offset):
        return enrolment
    await set_timezone(db, team_id=p.team_id, participant_id=p.id, timezone=timezone, tz_offset=tz_offset)
    p.timezone, p.tz_offset = timezone, tz_offset
    return enrolment


async def _enrolled(db: Database, *, team_id: str, user_id: str, program_id: int | None) -> list[Enrolment]:
    """The programs (``program_id``, or all) in which the person takes part; NotEnrolledError if none."""
    enrolments = [
        e
        for e in await programs_for(db, team_id=team_id, user_id=user_id)
        if e.enrolled and (program_id is None or e.program.id == program_id)
    ]
    if not enrolments:
        raise NotEnrolledError(user_id)
    return enrolments


async def _set_states(
    db: Database, enrolments: list[Enrolment], state: ParticipantState, until: date | None = None
) -> list[Enrolment]:
    changed = []
    async with db.session() as session:
        for e in enrolments:
            assert e.participant is not None
            participant = await session.merge(e.participant)
            participant = await repo.set_state(session, participant=participant, state=state, paused_until=until)
            changed.append(Enrolment(e.program, participant))
    return changed


def local_date(now: datetime, tz_name: str | None, tz_offset: int | None) -> date:
    """The date where the person is (their Slack time zone; UTC when unknown)."""
    if tz_name:
        try:
            return now.astimezone(ZoneInfo(tz_name)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone(timezone(timedelta(seconds=tz_offset or 0))).date()


async def pause(
    db: Database, *, team_id: str, user_id: str, until: date | None, now: datetime, program_id: int | None = None
) -> list[Enrolment]:
    """Pause in ``program_id``, or in every program the person takes part in (a pause is about the person's
    time), optionally until a date that must lie ahead in their own time zone (at most a year)."""
    enrolments = await check_pause(db, team_id=team_id, user_id=user_id, until=until, now=now, program_id=program_id)
    return await _set_states(db, enrolments, ParticipantState.PAUSED, until)


async def check_pause(
    db: Database, *, team_id: str, user_id: str, until: date | None, now: datetime, program_id: int | None = None
) -> list[Enrolment]:
    """What :func:`pause` would pause, read-only: raises NotEnrolledError or PauseDateError instead of writing
    (so a form can answer inline before its ack)."""
    enrolments = await _enrolled(db, team_id=team_id, user_id=user_id, program_id=program_id)
    if until is not None:
        p = enrolments[0].participant
        assert p is not None
        check_pause_date(until, local_date(now, p.timezone, p.tz_offset))
    return enrolments


def check_pause_date(until: date, today: date) -> None:
    if until <= today:
        raise PauseDateError("past")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise PauseDateError("too_far")


async def resume(db: Database, *, team_id: str, user_id: str, program_id: int | None = None) -> list[Enrolment]:
    """Resume where paused (``program_id``, or everywhere); an empty list when nothing was paused."""
    enrolments = await _enrolled(db, team_id=team_id, user_id=user_id, program_id=program_id)
    paused = [e for e in enrolments if e.participant is not None and e.participant.state == ParticipantState.PAUSED]
    return await _set_states(db, paused, ParticipantState.ACTIVE) if paused else []


async def leave(db: Database, *, team_id: str, user_id: str, program_id: int | None = None) -> list[Enrolment]:
    """Leave ``program_id``, or every program the person takes part in."""
    enrolments = await _enrolled(db, team_id=team_id, user_id=user_id, program_id=program_id)
    return await _set_states(db, enrolments, ParticipantState.LEFT)


async def erase(db: Database, *, team_id: str, user_id: str) -> bool:
    """Erase the person's answers in every program of the workspace; False if there was nothing to erase."""
    async with db.session() as session:
        rows = await repo.participants_of_user(session, team_id=team_id, user_id=user_id)
        for participant in rows:
            await repo.erase_personal_data(session, participant=participant)
        return bool(rows)


@dataclass(frozen=True)
class Resumed:
    team_id: str
    user_id: str
    until: date
    program_name: str


async def resume_due(db: Database, *, now: datetime) -> list[Resumed]:
    """Bring back everyone whose ``pause until`` date has come in their own time zone (claimed once each)."""
    resumed: list[Resumed] = []
    async with db.read() as session:
        active = await repo.active_workspace_ids(session)
        candidates = await repo.paused_with_end_date(session)
    for p, program_name in candidates:
        assert p.id is not None and p.paused_until is not None
        if p.team_id not in active or local_date(now, p.timezone, p.tz_offset) < p.paused_until:
            continue
        async with db.session() as session:
            if await repo.claim_resume(session, team_id=p.team_id, participant_id=p.id, until=p.paused_until):
                resumed.append(Resumed(p.team_id, p.user_id, p.paused_until, program_name))
    return resumed
