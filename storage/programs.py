"""Programs of a workspace: read, created (the default one on first use, drafts by admins), moved between states
and discarded.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Participant, Program, ProgramState, default_rules, utcnow
from storage.sql import insert_ignoring_conflict

DEFAULT_PROGRAM_NAME = "Reverse mentoring"
DEFAULT_PROGRAM_WEEKS = 12


async def list_programs(session: AsyncSession, *, team_id: str) -> Sequence[Program]:
    """Every program of the workspace, oldest first (discarded drafts left out)."""
    query = select(Program).where(Program.team_id == team_id, Program.state != ProgramState.DISCARDED)
    return (await session.exec(query.order_by(col(Program.id)))).all()


async def get_program(
    session: AsyncSession, *, team_id: str, program_id: int, for_update: bool = False
) -> Program | None:
    """A program of the workspace (discarded drafts are gone). ``for_update``: lock the row until the transaction
    ends (PostgreSQL; SQLite writers are serial anyway), so a decision taken on its state holds when it writes."""
    query = select(Program).where(
        Program.team_id == team_id, Program.id == program_id, Program.state != ProgramState.DISCARDED
    )
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def programs_by_id(session: AsyncSession, *, team_id: str, program_ids: Sequence[int]) -> dict[int, Program]:
    query = select(Program).where(Program.team_id == team_id, col(Program.id).in_(list(program_ids)))
    return {program.id: program for program in (await session.exec(query)).all() if program.id is not None}


async def program_named(session: AsyncSession, *, team_id: str, name: str) -> bool:
    query = select(Program.id).where(Program.team_id == team_id, Program.name == name)
    return (await session.exec(query)).first() is not None


async def create_default_program(session: AsyncSession, *, team_id: str, objectives: str) -> Program | None:
    """On a workspace's first use (no program at all): a default program, open for sign-ups.

    Created once even when two first requests race (the name is unique per workspace); None when the workspace
    already has programs, so an admin who ended or renamed the default never sees it come back.
    """
    if (await session.exec(select(Program.id).where(Program.team_id == team_id))).first() is not None:
        return None
    today = utcnow().date()
    values = {
        "team_id": team_id,
        "name": DEFAULT_PROGRAM_NAME,
        "objectives": objectives,
        "state": ProgramState.OPEN,
        "created_at": utcnow(),
        "start_date": today,
        "end_date": today + timedelta(weeks=DEFAULT_PROGRAM_WEEKS),
        "rules": default_rules(),
        "topics": {},
    }
    await insert_ignoring_conflict(session, Program, values, ["team_id", "name"])
    query = select(Program).where(Program.team_id == team_id, Program.name == DEFAULT_PROGRAM_NAME)
    return (await session.exec(query)).one()


async def create_program(session: AsyncSession, *, team_id: str, fields: dict[str, Any]) -> Program:
    """A new program in draft; raises ``storage.db.ConstraintError`` when the name is taken in the workspace."""
    program = Program(team_id=team_id, state=ProgramState.DRAFT, **fields)
    session.add(program)
    await session.flush()
    return program


async def move_program(session: AsyncSession, *, team_id: str, program_id: int, from_state: str, to_state: str) -> bool:
    """Change a program's state only if it is still ``from_state`` (two admins clicking at once: one wins)."""
    result = await session.exec(
        update(Program)
        .where(col(Program.team_id) == team_id, col(Program.id) == program_id, col(Program.state) == from_state)
        .values(state=to_state)
    )
    return bool(result.rowcount)


async def discard_draft(session: AsyncSession, *, team_id: str, program_id: int) -> bool:
    """Throw away a program that is still a draft with nobody in it; False if it is not (any more).

    The row stays, renamed (its name is free again) and marked discarded, so its id is never reused: SQLite would
    hand a deleted newest id to the next program, and stale buttons or audit entries would then point at it.
    """
    has_people = select(Participant.id).where(Participant.team_id == team_id, Participant.program_id == program_id)
    if (await session.exec(has_people)).first() is not None:
        return False
    result = await session.exec(
        update(Program)
        .where(col(Program.team_id) == team_id, col(Program.id) == program_id, col(Program.state) == ProgramState.DRAFT)
        .values(state=ProgramState.DISCARDED, name=f"discarded #{program_id}")
    )
    return bool(result.rowcount)
