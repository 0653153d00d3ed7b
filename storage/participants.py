"""Participants: opt-in profiles, their states (pause, resume, leave, erase), the people of a program and the
admin roster's queries.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, literal, or_
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import erasures
from storage.models import JOINABLE_STATES, Participant, ParticipantState, Program, utcnow
from storage.sql import dialect_insert


async def get_participant(session: AsyncSession, *, team_id: str, program_id: int, user_id: str) -> Participant | None:
    query = select(Participant).where(
        Participant.team_id == team_id, Participant.program_id == program_id, Participant.user_id == user_id
    )
    return (await session.exec(query)).first()


async def get_participant_by_id(session: AsyncSession, *, team_id: str, participant_id: int) -> Participant | None:
    query = select(Participant).where(Participant.team_id == team_id, Participant.id == participant_id)
    return (await session.exec(query)).first()


async def participants_of_user(session: AsyncSession, *, team_id: str, user_id: str) -> Sequence[Participant]:
    query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    return (await session.exec(query)).all()


async def people_of_programs(
    session: AsyncSession, *, team_id: str, wanted: set[tuple[int, str]]
) -> dict[tuple[int, str], Participant]:
    """The rows of the given (program id, user id)s."""
    if not wanted:
        return {}
    query = select(Participant).where(
        Participant.team_id == team_id,
        col(Participant.program_id).in_({program for program, _ in wanted}),
        col(Participant.user_id).in_({user for _, user in wanted}),
    )
    rows = (await session.exec(query)).all()
    return {(p.program_id, p.user_id): p for p in rows if (p.program_id, p.user_id) in wanted}


async def members(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Participant]:
    """Everyone with a row in the program, whatever their state."""
    query = select(Participant).where(Participant.team_id == team_id, Participant.program_id == program_id)
    return (await session.exec(query)).all()


async def members_of_program(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[str]:
    """Slack user ids of everyone with a (not erased) row in the program, for refreshing their Home tabs."""
    query = select(Participant.user_id).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        col(Participant.state) != ParticipantState.DELETED,
    )
    return (await session.exec(query.order_by(col(Participant.id)))).all()


async def active_participants(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Participant]:
    """Everyone taking part and not paused: who a round is matched from."""
    query = select(Participant).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        Participant.state == ParticipantState.ACTIVE,
    )
    return (await session.exec(query.order_by(col(Participant.id)))).all()


async def program_managers(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, str | None]:
    """Everyone's manager as their profiles in the program say (whatever their state): the reporting lines."""
    query = select(Participant.user_id, Participant.manager_id).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        col(Participant.manager_id).is_not(None),
    )
    return {user_id: manager_id for user_id, manager_id in (await session.exec(query)).all()}


async def upsert_profile(
    session: AsyncSession,
    *,
    team_id: str,
    program_id: int,
    user_id: str,
    answers: dict[str, Any],
    update: Sequence[str] | None = None,
) -> Participant:
    """Create or update a participant from opt-in answers in one statement; ``update``: the answers an existing
    row takes (default: all of them; an import leaves what people typed themselves, like their goals).

    Someone who had left becomes active again (same row, original ``joined_at``); a paused person stays paused.
    A manager who erased their data is stored as their marker (``storage.erasures``), never by their ID.
    """
    if answers.get("manager_id"):
        answers = {
            **answers,
            "manager_id": await erasures.stand_in(session, team_id=team_id, user_id=answers["manager_id"]),
        }
    now = utcnow()
    left = col(Participant.state) == ParticipantState.LEFT
    statement = dialect_insert(session, Participant).values(
        team_id=team_id,
        program_id=program_id,
        user_id=user_id,
        state=ParticipantState.ACTIVE,
        joined_at=now,
        updated_at=now,
        **answers,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["program_id", "user_id"],
        set_={
            **{key: statement.excluded[key] for key in (answers if update is None else update)},
            "updated_at": statement.excluded.updated_at,
            "state": case((left, literal(ParticipantState.ACTIVE.value)), else_=col(Participant.state)),
            "left_at": case((left, None), else_=col(Participant.left_at)),
        },
        where=col(Participant.team_id) == team_id,
    )
    result = await session.exec(statement.returning(Participant).execution_options(populate_existing=True))
    participant: Participant = result.scalars().one()
    return participant


async def set_timezone(
    session: AsyncSession, *, team_id: str, participant_id: int, timezone: str | None, tz_offset: int | None
) -> None:
    await session.exec(
        update(Participant)
        .where(col(Participant.team_id) == team_id, col(Participant.id) == participant_id)
        .values(timezone=timezone, tz_offset=tz_offset)
    )


async def set_state(
    session: AsyncSession, *, participant: Participant, state: ParticipantState, paused_until: date | None = None
) -> Participant:
    participant.state = state
    participant.paused_until = paused_until if state == ParticipantState.PAUSED else None
    participant.updated_at = utcnow()
    if state == ParticipantState.LEFT:
        participant.left_at = participant.updated_at
    elif state == ParticipantState.ACTIVE:
        participant.left_at = None
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


async def rename_manager(session: AsyncSession, *, team_id: str, old: str, new: str) -> int:
    """Profiles that give ``old`` as the manager give ``new`` instead (delete-my-data puts the erased person's
    marker there, so the reporting line still holds if they come back; joining again puts their ID back)."""
    result = await session.exec(
        update(Participant)
        .where(col(Participant.team_id) == team_id, col(Participant.manager_id) == old)
        .values(manager_id=new)
    )
    return int(result.rowcount or 0)


async def paused_with_end_date(session: AsyncSession) -> Sequence[tuple[Participant, str]]:
    """Paused people who gave a resume date, in programs that have not ended, in every workspace (for the
    scheduler), each with the name of their program."""
    query = (
        select(Participant, Program.name)
        .join(Program, col(Program.id) == col(Participant.program_id))
        .where(
            Participant.state == ParticipantState.PAUSED,
            col(Participant.paused_until).is_not(None),
            col(Program.state).in_(JOINABLE_STATES),
        )
    )
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


async def counts_by_program(session: AsyncSession, *, team_id: str) -> dict[int, dict[tuple[str, str], int]]:
    """``{program_id: {(state, role): count}}`` for every program of the workspace, in one query."""
    query = (
        select(Participant.program_id, Participant.state, Participant.role, func.count())
        .where(Participant.team_id == team_id)
        .group_by(col(Participant.program_id), col(Participant.state), col(Participant.role))
    )
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for program_id, state, role, count in (await session.exec(query)).all():
        counts.setdefault(program_id, {})[(state, role)] = int(count)
    return counts


async def roster_page(
    session: AsyncSession, *, team_id: str, program_id: int, query: str, offset: int, limit: int
) -> tuple[Sequence[Participant], int]:
    """People of a program (erased rows excluded), filtered by a word that matches their department, role, state
    or Slack user ID; one page of them and the total that match."""
    conditions: list[ColumnElement[bool]] = [
        col(Participant.team_id) == team_id,
        col(Participant.program_id) == program_id,
        col(Participant.state) != ParticipantState.DELETED,
    ]
    word = query.strip().strip("<@>").casefold()
    if word:
        pattern = f"%{word}%"
        conditions.append(
            or_(
                func.lower(col(Participant.department)).like(pattern),
                func.lower(col(Participant.user_id)).like(pattern),
                col(Participant.role) == word,
                col(Participant.state) == word,
            )
        )
    total = (await session.exec(select(func.count()).select_from(Participant).where(*conditions))).one()
    rows = (
        await session.exec(
            select(Participant)
            .where(*conditions)
            .order_by(col(Participant.joined_at), col(Participant.id))
            .offset(offset)
            .limit(limit)
        )
    ).all()
    return rows, int(total)


async def department_counts(
    session: AsyncSession, *, team_id: str, program_id: int, limit: int
) -> list[tuple[str, int]]:
    """The largest departments among people taking part."""
    query = (
        select(Participant.department, func.count())
        .where(
            Participant.team_id == team_id,
            Participant.program_id == program_id,
            col(Participant.state).in_([ParticipantState.ACTIVE, ParticipantState.PAUSED]),
        )
        .group_by(col(Participant.department))
        .order_by(func.count().desc(), col(Participant.department))
        .limit(limit)
    )
    return [(department or "—", int(count)) for department, count in (await session.exec(query)).all()]
