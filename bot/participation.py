"""Joining, editing, pausing, resuming, leaving and erasing: the participation service.

Functions take plain values and a :class:`storage.db.Database`, return plain values, and know nothing of Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import NotEnrolledError
from bot.profile import Profile
from prompts.messages import DEFAULT_OBJECTIVES
from storage import repositories as repo
from storage.db import Database
from storage.models import Participant, ParticipantState, Program


@dataclass(frozen=True)
class Enrolment:
    """A person's view of the current program: the program, and their participant row if any."""

    program: Program
    participant: Participant | None

    @property
    def enrolled(self) -> bool:
        p = self.participant
        return p is not None and p.state in (ParticipantState.ACTIVE, ParticipantState.PAUSED)


async def current(db: Database, *, team_id: str, user_id: str) -> Enrolment:
    async with db.session() as session:
        await repo.ensure_workspace(session, team_id=team_id)
        program = await repo.get_or_create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
        assert program.id is not None
        participant = await repo.get_participant(session, team_id=team_id, program_id=program.id, user_id=user_id)
        return Enrolment(program, participant)


async def save_profile(
    db: Database, *, team_id: str, user_id: str, program_id: int | None, profile: Profile
) -> tuple[Enrolment, bool]:
    """Save opt-in answers to the program named in the modal (or the current one); True if newly joined."""
    async with db.session() as session:
        await repo.ensure_workspace(session, team_id=team_id)
        program = await repo.get_or_create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
        # The modal names the program it was opened for; a stale or forged id falls back to the current one.
        if program_id is not None and program_id != program.id:
            other = await session.get(Program, program_id)
            if other is not None and other.team_id == team_id:
                program = other
        assert program.id is not None
        participant, joined = await repo.save_profile(
            session, team_id=team_id, program_id=program.id, user_id=user_id, answers=profile.answers()
        )
        return Enrolment(program, participant), joined


async def set_timezone(
    db: Database, *, team_id: str, participant_id: int, timezone: str | None, tz_offset: int | None
) -> None:
    async with db.session() as session:
        await repo.set_timezone(
            session, team_id=team_id, participant_id=participant_id, timezone=timezone, tz_offset=tz_offset
        )


async def _change_state(
    db: Database, *, team_id: str, user_id: str, state: ParticipantState, until: date | None = None
) -> Participant:
    async with db.session() as session:
        program = await repo.get_or_create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
        assert program.id is not None
        participant = await repo.get_participant(session, team_id=team_id, program_id=program.id, user_id=user_id)
        if participant is None or participant.state not in (ParticipantState.ACTIVE, ParticipantState.PAUSED):
            raise NotEnrolledError(user_id)
        return await repo.set_state(session, participant=participant, state=state, paused_until=until)


async def pause(db: Database, *, team_id: str, user_id: str, until: date | None) -> Participant:
    return await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.PAUSED, until=until)


async def resume(db: Database, *, team_id: str, user_id: str) -> Participant:
    return await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.ACTIVE)


async def leave(db: Database, *, team_id: str, user_id: str) -> Participant:
    return await _change_state(db, team_id=team_id, user_id=user_id, state=ParticipantState.LEFT)


async def erase(db: Database, *, team_id: str, user_id: str) -> bool:
    """Erase the person's answers in every program of the workspace; False if there was nothing to erase."""
    async with db.session() as session:
        rows = await repo.participants_of_user(session, team_id=team_id, user_id=user_id)
        for participant in rows:
            await repo.erase_personal_data(session, participant=participant)
        return bool(rows)


def local_date(now: datetime, tz_name: str | None, tz_offset: int | None) -> date:
    """Today's date where the person is (their Slack time zone; UTC when unknown)."""
    if tz_name:
        try:
            return now.astimezone(ZoneInfo(tz_name)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone(timezone(timedelta(seconds=tz_offset or 0))).date()


@dataclass(frozen=True)
class Resumed:
    team_id: str
    user_id: str
    until: date


async def resume_due(db: Database, *, now: datetime) -> list[Resumed]:
    """Bring back everyone whose ``pause until`` date has come in their own time zone (claimed once each)."""
    resumed: list[Resumed] = []
    async with db.session() as session:
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
