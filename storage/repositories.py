"""Repository functions: keyword-only, an explicit session first, every query scoped by ``team_id``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, literal, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    JOINABLE_STATES,
    Admin,
    AuditLog,
    Avoid,
    Participant,
    ParticipantState,
    Program,
    ProgramState,
    SlackEvent,
    Workspace,
    default_rules,
    utcnow,
)

DEFAULT_PROGRAM_NAME = "Reverse mentoring"
DEFAULT_PROGRAM_WEEKS = 12


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


async def _insert_ignoring_conflict(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict_on: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted (safe under concurrent requests)."""
    statement = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_on))
    result = await session.exec(statement)
    return bool(result.rowcount)


async def ensure_workspace(session: AsyncSession, *, team_id: str) -> None:
    """Record the workspace as installed and active (at start-up, once Slack has accepted its bot token)."""
    inserted = await _insert_ignoring_conflict(
        session, Workspace, {"team_id": team_id, "installed_at": utcnow()}, ["team_id"]
    )
    if not inserted:
        await session.exec(
            update(Workspace)
            .where(col(Workspace.team_id) == team_id, col(Workspace.active).is_(False))
            .values(active=True, deactivated_at=None)
        )


async def deactivate_workspace(session: AsyncSession, *, team_id: str) -> None:
    await _insert_ignoring_conflict(session, Workspace, {"team_id": team_id, "installed_at": utcnow()}, ["team_id"])
    await session.exec(
        update(Workspace).where(col(Workspace.team_id) == team_id).values(active=False, deactivated_at=utcnow())
    )


async def active_workspace_ids(session: AsyncSession) -> set[str]:
    return set((await session.exec(select(Workspace.team_id).where(col(Workspace.active).is_(True)))).all())


async def list_programs(session: AsyncSession, *, team_id: str) -> Sequence[Program]:
    """Every program of the workspace, oldest first (discarded drafts left out)."""
    query = select(Program).where(Program.team_id == team_id, Program.state != ProgramState.DISCARDED)
    return (await session.exec(query.order_by(col(Program.id)))).all()


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
    await _insert_ignoring_conflict(session, Program, values, ["team_id", "name"])
    query = select(Program).where(Program.team_id == team_id, Program.name == DEFAULT_PROGRAM_NAME)
    return (await session.exec(query)).one()


async def create_program(session: AsyncSession, *, team_id: str, fields: dict[str, Any]) -> Program:
    """A new program in draft; raises IntegrityError when the name is taken in the workspace."""
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


async def members_of_program(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[str]:
    """Slack user ids of everyone with a (not erased) row in the program, for refreshing their Home tabs."""
    query = select(Participant.user_id).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        col(Participant.state) != ParticipantState.DELETED,
    )
    return (await session.exec(query.order_by(col(Participant.id)))).all()


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


async def programs_by_id(session: AsyncSession, *, team_id: str, program_ids: Sequence[int]) -> dict[int, Program]:
    query = select(Program).where(Program.team_id == team_id, col(Program.id).in_(list(program_ids)))
    return {program.id: program for program in (await session.exec(query)).all() if program.id is not None}


async def get_participant(session: AsyncSession, *, team_id: str, program_id: int, user_id: str) -> Participant | None:
    query = select(Participant).where(
        Participant.team_id == team_id, Participant.program_id == program_id, Participant.user_id == user_id
    )
    return (await session.exec(query)).first()


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
    """
    now = utcnow()
    left = col(Participant.state) == ParticipantState.LEFT
    statement = _insert(session, Participant).values(
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


async def participants_of_user(session: AsyncSession, *, team_id: str, user_id: str) -> Sequence[Participant]:
    query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    return (await session.exec(query)).all()


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


async def record_event_once(session: AsyncSession, *, team_id: str, event_id: str) -> bool:
    """True the first time an Events API ``event_id`` is seen, False for Slack's retries of it."""
    return await _insert_ignoring_conflict(
        session, SlackEvent, {"event_id": event_id, "team_id": team_id, "received_at": utcnow()}, ["event_id"]
    )


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget handled event ids older than ``before`` (Slack stops retrying after minutes)."""
    result = await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount or 0)


async def is_promoted_admin(session: AsyncSession, *, team_id: str, user_id: str) -> bool:
    query = select(Admin).where(Admin.team_id == team_id, Admin.user_id == user_id)
    return (await session.exec(query)).first() is not None


async def record_audit(
    session: AsyncSession,
    *,
    team_id: str,
    actor_id: str,
    action: str,
    target: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    session.add(AuditLog(team_id=team_id, actor_id=actor_id, action=action, target=target, before=before, after=after))
    await session.flush()


async def audit_entries(session: AsyncSession, *, team_id: str, limit: int = 20) -> Sequence[AuditLog]:
    query = select(AuditLog).where(AuditLog.team_id == team_id).order_by(col(AuditLog.id).desc()).limit(limit)
    return (await session.exec(query)).all()


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


async def program_named(session: AsyncSession, *, team_id: str, name: str) -> bool:
    query = select(Program.id).where(Program.team_id == team_id, Program.name == name)
    return (await session.exec(query)).first() is not None


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


async def get_participant_by_id(session: AsyncSession, *, team_id: str, participant_id: int) -> Participant | None:
    query = select(Participant).where(Participant.team_id == team_id, Participant.id == participant_id)
    return (await session.exec(query)).first()


async def promote_admin(session: AsyncSession, *, team_id: str, user_id: str, added_by: str) -> bool:
    return await _insert_ignoring_conflict(
        session,
        Admin,
        {"team_id": team_id, "user_id": user_id, "added_by": added_by, "added_at": utcnow()},
        ["team_id", "user_id"],
    )


async def demote_admin(session: AsyncSession, *, team_id: str, user_id: str) -> bool:
    result = await session.exec(delete(Admin).where(col(Admin.team_id) == team_id, col(Admin.user_id) == user_id))
    return bool(result.rowcount)


async def all_promoted_admins(session: AsyncSession, *, team_id: str) -> set[str]:
    """Everyone promoted to program admin in the workspace."""
    return set((await session.exec(select(Admin.user_id).where(Admin.team_id == team_id))).all())


async def promoted_admins(session: AsyncSession, *, team_id: str, user_ids: Sequence[str]) -> set[str]:
    query = select(Admin.user_id).where(Admin.team_id == team_id, col(Admin.user_id).in_(list(user_ids)))
    return set((await session.exec(query)).all())


async def active_participants(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Participant]:
    """Everyone taking part and not paused: who a round is matched from."""
    query = select(Participant).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        Participant.state == ParticipantState.ACTIVE,
    )
    return (await session.exec(query.order_by(col(Participant.id)))).all()


async def add_avoid(session: AsyncSession, *, team_id: str, user_id: str, avoided_id: str) -> bool:
    """False when the person was already on the list."""
    values = {"team_id": team_id, "user_id": user_id, "avoided_id": avoided_id, "added_at": utcnow()}
    return await _insert_ignoring_conflict(session, Avoid, values, ["team_id", "user_id", "avoided_id"])


async def remove_avoid(session: AsyncSession, *, team_id: str, user_id: str, avoided_id: str) -> bool:
    result = await session.exec(
        delete(Avoid).where(
            col(Avoid.team_id) == team_id, col(Avoid.user_id) == user_id, col(Avoid.avoided_id) == avoided_id
        )
    )
    return bool(result.rowcount)


async def avoided_by(session: AsyncSession, *, team_id: str, user_ids: Sequence[str]) -> dict[str, set[str]]:
    """``{user: {people they asked not to be paired with}}`` for the given people."""
    query = select(Avoid).where(Avoid.team_id == team_id, col(Avoid.user_id).in_(list(user_ids)))
    lists: dict[str, set[str]] = {}
    for row in (await session.exec(query.order_by(col(Avoid.added_at)))).all():
        lists.setdefault(row.user_id, set()).add(row.avoided_id)
    return lists


async def clear_avoid_list(session: AsyncSession, *, team_id: str, user_id: str) -> int:
    """Erase a person's own list (their data); lists others keep that name them are theirs, and stay."""
    result = await session.exec(delete(Avoid).where(col(Avoid.team_id) == team_id, col(Avoid.user_id) == user_id))
    return int(result.rowcount or 0)


async def program_managers(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, str | None]:
    """Everyone's manager as their profiles in the program say (whatever their state): the reporting lines."""
    query = select(Participant.user_id, Participant.manager_id).where(
        Participant.team_id == team_id,
        Participant.program_id == program_id,
        col(Participant.manager_id).is_not(None),
    )
    return {user_id: manager_id for user_id, manager_id in (await session.exec(query)).all()}


async def members(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Participant]:
    """Everyone with a row in the program, whatever their state."""
    query = select(Participant).where(Participant.team_id == team_id, Participant.program_id == program_id)
    return (await session.exec(query)).all()
