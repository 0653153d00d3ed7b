"""The audit log: what admins changed, before and after.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditLog


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
