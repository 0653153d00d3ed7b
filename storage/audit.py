"""The audit log: what admins changed, before and after.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, cast, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_PERSON, AuditLog


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


def _scrub(value: Any, user_id: str) -> Any:
    """``value`` (a JSON value, or a target such as ``user:<id>``) with ``user_id`` replaced by ERASED_PERSON wherever
    it stands whole (a string, or a part of one between colons)."""
    if isinstance(value, str):
        return ":".join(ERASED_PERSON if part == user_id else part for part in value.split(":"))
    if isinstance(value, list):
        return [_scrub(v, user_id) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, user_id): _scrub(v, user_id) for k, v in value.items()}
    return value


async def forget_user(session: AsyncSession, *, team_id: str, user_id: str) -> int:
    """Delete-my-data: every entry stays (who did what, when), with the person shown as ERASED_PERSON, whether
    they made the change or it was about them; how many entries changed."""
    named = [
        col(AuditLog.actor_id) == user_id,
        col(AuditLog.target).contains(user_id, autoescape=True),
        cast(col(AuditLog.before), String).contains(user_id, autoescape=True),
        cast(col(AuditLog.after), String).contains(user_id, autoescape=True),
    ]
    rows = (await session.exec(select(AuditLog).where(AuditLog.team_id == team_id, or_(*named)))).all()
    for row in rows:
        row.actor_id = _scrub(row.actor_id, user_id)
        row.target = _scrub(row.target, user_id)
        row.before, row.after = _scrub(row.before, user_id), _scrub(row.after, user_id)
        session.add(row)
    await session.flush()
    return len(rows)
