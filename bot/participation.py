"""Joining, editing, pausing, resuming, leaving and erasing: the participation service.

Functions take plain values and a :class:`storage.db.Database`, return plain values, and know nothing of Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import NotEnrolledError, PauseDateError
from bot.profile import Profile
from prompts.messages import DEFAULT_OBJECTIVES
from storage import repositories as repo
from storage.db import Database
from storage.models import Participant, ParticipantState, Program

MAX_PAUSE_DAYS = 366
TAKING_PART = (ParticipantState.ACTIVE, ParticipantState.PAUSED)


@dataclass(frozen=True)
class Enrolment:
    """A person's view of the program open for sign-ups: the program, and their participant row if any.

    Someone who erased their data has no row here any more: their anonymous row is no longer linked to them.
    """

    program: Program
    participant: Participant | None

    @property
    def enrolled(self) -> bool:
        return self.participant is not None and self.participant.state in TAKING_PART


async def current(db: Database, *, team_id: str, user_id: str, program_id: int | None = None) -> Enrolment:
    """The open program (``program_id`` if that one is open) and the person's row in it; read-only but for
    creating the workspace's default program on first use."""
    async with db.read() as session:
        program = await repo.get_open_program(session, team_id=team_id, program_id=program_id)
        participant = None
        if program is not None:
            assert program.id is not None
            participant = await repo.get_participant(session, team_id=team_id, program_id=program.id, user_id=user_id)
    if program is None:
        async with db.session() as session:
            program = await repo.create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
    return Enrolment(program, participant)


async def save_profile(
    db: Database, *, team_id: str, user_id: str, program_id: int | None, profile: Profile
) -> tuple[Enrolment, bool]:
    """Save opt-in answers to the program the modal was opened for (if still open, else the current one).

    One short write transaction. Returns the enrolment and whether the person newly joined (or came back).
    """
    before = await current(db, team_id=team_id, user_id=user_id, program_id=program_id)
    assert before.program.id is not None
    async with db.session() as session:
        participant = await repo.upsert_profile(
            session, team_id=team_id, program_id=before.program.id, user_id=user_id, answers=profile.answers()
        )
    return Enrolment(before.program, participant), not before.enrolled


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


async def _change_state(
    db: Database, *, team_id: str, user_id: str, state: ParticipantState, until: date | None = None
) -> Participant:
    enrolment = await current(db, team_id=team_id, user_id=user_id)
    if not enrolment.enrolled:
        raise NotEnrolledError(user_id)
    assert enrolment.participant is not None
    async with db.session() as session:
        participant = await session.merge(enrolment.participant)
        return await repo.set_state(session, participant=participant, state=state, paused_until=until)


def local_date(now: datetime, tz_name: str | None, tz_offset: int | None) -> date:
    """The date where the person is (their Slack time zone; UTC when unknown)."""
    if tz_name:
        try:
            return now.astimezone(ZoneInfo(tz_name)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone(timezone(timedelta(seconds=tz_offset or 0))).date()


async def pause(db: Database, *, team_id: str, user_id: str, until: date | None, now: datetime) -> Participant:
    """Pause, optionally until a date that must lie ahead in the person's own time zone (at most a year)."""
    if until is not None:
        enrolment = await current(db, team_id=team_id, user_id=user_id)
        p = enrolment.participant
        today = local_date(now, p.timezone if p else None, p.tz_offset if p else None)
        if until <= today:
            raise PauseDateError("past")
        if until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise PauseDateError("too_far")
    return await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.PAUSED, until=until)


async def resume(db: Database, *, team_id: str, user_id: str) -> bool:
    """False when the person was not paused (nothing to do)."""
    enrolment = await current(db, team_id=team_id, user_id=user_id)
    if enrolment.participant is not None and enrolment.participant.state == ParticipantState.ACTIVE:
        return False
    await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.ACTIVE)
    return True


async def leave(db: Database, *, team_id: str, user_id: str) -> Participant:
    return await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.LEFT)


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


async def resume_due(db: Database, *, now: datetime) -> list[Resumed]:
    """Bring back everyone whose ``pause until`` date has come in their own time zone (claimed once each)."""
    resumed: list[Resumed] = []
    async with db.read() as session:
        active = await repo.active_workspace_ids(session)
        candidates = await repo.paused_with_end_date(session)
    for p in candidates:
        assert p.id is not None and p.paused_until is not None
        if p.team_id not in active or local_date(now, p.timezone, p.tz_offset) < p.paused_until:
            continue
        async with db.session() as session:
            if await repo.claim_resume(session, team_id=p.team_id, participant_id=p.id, until=p.paused_until):
                resumed.append(Resumed(p.team_id, p.user_id, p.paused_until))
    return resumed
