"""Repository functions: keyword-only, an explicit session first, every query scoped by ``team_id``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Participant,
    ParticipantState,
    Program,
    ProgramState,
    SlackEvent,
    Workspace,
    utcnow,
)

DEFAULT_PROGRAM_NAME = "Reverse mentoring"


async def _insert_ignoring_conflict(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict_on: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted (safe under concurrent requests)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_on))
    result = await session.exec(statement)
    return bool(result.rowcount)


async def ensure_workspace(session: AsyncSession, *, team_id: str) -> Workspace:
    """The workspace row, created on first contact and reactivated if Slack talks to us again."""
    await _insert_ignoring_conflict(session, Workspace, {"team_id": team_id, "installed_at": utcnow()}, ["team_id"])
    workspace = (await session.exec(select(Workspace).where(Workspace.team_id == team_id))).one()
    if not workspace.active:
        workspace.active = True
        workspace.deactivated_at = None
        session.add(workspace)
    return workspace


async def deactivate_workspace(session: AsyncSession, *, team_id: str) -> None:
    await ensure_workspace(session, team_id=team_id)
    await session.exec(
        update(Workspace).where(col(Workspace.team_id) == team_id).values(active=False, deactivated_at=utcnow())
    )


async def get_workspace(session: AsyncSession, *, team_id: str) -> Workspace | None:
    return (await session.exec(select(Workspace).where(Workspace.team_id == team_id))).first()


async def get_or_create_default_program(session: AsyncSession, *, team_id: str, objectives: str) -> Program:
    """The workspace's open program; on first use a default one is created, open for sign-ups."""
    program = (
        await session.exec(
            select(Program)
            .where(Program.team_id == team_id, Program.state == ProgramState.OPEN)
            .order_by(col(Program.id))
        )
    ).first()
    if program is not None:
        return program
    await _insert_ignoring_conflict(
        session,
        Program,
        {
            "team_id": team_id,
            "name": DEFAULT_PROGRAM_NAME,
            "objectives": objectives,
            "state": ProgramState.OPEN,
            "created_at": utcnow(),
        },
        ["team_id", "name"],
    )
    return (
        await session.exec(select(Program).where(Program.team_id == team_id, Program.name == DEFAULT_PROGRAM_NAME))
    ).one()


async def get_participant(session: AsyncSession, *, team_id: str, program_id: int, user_id: str) -> Participant | None:
    return (
        await session.exec(
            select(Participant).where(
                Participant.team_id == team_id,
                Participant.program_id == program_id,
                Participant.user_id == user_id,
            )
        )
    ).first()


async def save_profile(
    session: AsyncSession, *, team_id: str, program_id: int, user_id: str, answers: dict[str, Any]
) -> tuple[Participant, bool]:
    """Create or update a participant from opt-in answers; returns it and whether it is new (or rejoining).

    Saving a profile (re)activates the person: joining again after leaving keeps the same row and history.
    """
    now = utcnow()
    inserted = await _insert_ignoring_conflict(
        session,
        Participant,
        {
            "team_id": team_id,
            "program_id": program_id,
            "user_id": user_id,
            "state": ParticipantState.ACTIVE,
            "joined_at": now,
            "updated_at": now,
            **answers,
        },
        ["program_id", "user_id"],
    )
    participant = await get_participant(session, team_id=team_id, program_id=program_id, user_id=user_id)
    assert participant is not None
    rejoined = participant.state in (ParticipantState.LEFT, ParticipantState.DELETED)
    if not inserted:
        for key, value in answers.items():
            setattr(participant, key, value)
        if rejoined:
            participant.state = ParticipantState.ACTIVE
            participant.left_at = None
            participant.joined_at = now
        participant.updated_at = now
        session.add(participant)
        await session.flush()
    return participant, inserted or rejoined


async def set_timezone(
    session: AsyncSession, *, team_id: str, participant_id: int, timezone: str | None, tz_offset: int | None
) -> None:
    await session.exec(
        update(Participant)
        .where(col(Participant.team_id) == team_id, col(Participant.id) == participant_id)
        .values(timezone=timezone, tz_offset=tz_offset)
    )


async def set_state(
    session: AsyncSession,
    *,
    participant: Participant,
    state: ParticipantState,
    paused_until: date | None = None,
) -> Participant:
    participant.state = state
    participant.paused_until = paused_until if state == ParticipantState.PAUSED else None
    participant.updated_at = utcnow()
    if state == ParticipantState.LEFT:
        participant.left_at = participant.updated_at
    session.add(participant)
    await session.flush()
    return participant


async def erase_personal_data(session: AsyncSession, *, participant: Participant) -> None:
    """Keep an anonymous row (role, dates, state) for counts; drop every answer and the link to the person."""
    now = utcnow()
    participant.user_id = f"erased-{uuid.uuid4().hex[:16]}"
    participant.department = None
    participant.years_experience = None
    participant.shares = []
    participant.learns = []
    participant.goals = None
    participant.manager_id = None
    participant.timezone = None
    participant.tz_offset = None
    participant.paused_until = None
    participant.state = ParticipantState.DELETED
    participant.left_at = participant.left_at or now
    participant.data_deleted_at = now
    participant.updated_at = now
    session.add(participant)
    await session.flush()


async def paused_with_end_date(session: AsyncSession, *, team_id: str | None = None) -> Sequence[Participant]:
    """Paused people who gave a resume date (all workspaces when ``team_id`` is None, for the scheduler)."""
    query = select(Participant).where(
        Participant.state == ParticipantState.PAUSED, col(Participant.paused_until).is_not(None)
    )
    if team_id is not None:
        query = query.where(Participant.team_id == team_id)
    return (await session.exec(query.order_by(col(Participant.id)))).all()


async def claim_resume(session: AsyncSession, *, team_id: str, participant_id: int, until: date) -> bool:
    """Resume a paused person once: only one of several concurrent runners gets True."""
    result = await session.exec(
        update(Participant)
        .where(
            col(Participant.team_id) == team_id,
            col(Participant.id) == participant_id,
            col(Participant.state) == ParticipantState.PAUSED,
            col(Participant.paused_until) == until,
        )
        .values(state=ParticipantState.ACTIVE, paused_until=None, updated_at=utcnow())
    )
    return bool(result.rowcount)


async def active_workspace_ids(session: AsyncSession) -> set[str]:
    return set((await session.exec(select(Workspace.team_id).where(Workspace.active == True))).all())  # noqa: E712


async def record_event_once(session: AsyncSession, *, team_id: str, event_id: str) -> bool:
    """True the first time an Events API ``event_id`` is seen, False for Slack's retries of it."""
    return await _insert_ignoring_conflict(
        session, SlackEvent, {"event_id": event_id, "team_id": team_id, "received_at": utcnow()}, ["event_id"]
    )


async def participants_of_user(session: AsyncSession, *, team_id: str, user_id: str) -> Sequence[Participant]:
    return (
        await session.exec(select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id))
    ).all()


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget handled event ids older than ``before`` (Slack stops retrying after minutes)."""
    result = await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount or 0)
