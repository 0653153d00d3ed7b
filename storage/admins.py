"""People promoted to program admin from the Home tab (besides ``MENTOR_ADMINS`` and the workspace's own admins and
owners, which ``bot.admins`` asks Slack about).

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_PERSON, Admin, utcnow
from storage.sql import insert_ignoring_conflict


async def is_promoted_admin(session: AsyncSession, *, team_id: str, user_id: str) -> bool:
    query = select(Admin).where(Admin.team_id == team_id, Admin.user_id == user_id)
    return (await session.exec(query)).first() is not None


async def promoted_admins(session: AsyncSession, *, team_id: str, user_ids: Sequence[str]) -> set[str]:
    query = select(Admin.user_id).where(Admin.team_id == team_id, col(Admin.user_id).in_(list(user_ids)))
    return set((await session.exec(query)).all())


async def all_promoted_admins(session: AsyncSession, *, team_id: str) -> set[str]:
    """Everyone promoted to program admin in the workspace."""
    return set((await session.exec(select(Admin.user_id).where(Admin.team_id == team_id))).all())


async def promote_admin(session: AsyncSession, *, team_id: str, user_id: str, added_by: str) -> bool:
    return await insert_ignoring_conflict(
        session,
        Admin,
        {"team_id": team_id, "user_id": user_id, "added_by": added_by, "added_at": utcnow()},
        ["team_id", "user_id"],
    )


async def demote_admin(session: AsyncSession, *, team_id: str, user_id: str) -> bool:
    result = await session.exec(delete(Admin).where(col(Admin.team_id) == team_id, col(Admin.user_id) == user_id))
    return bool(result.rowcount)


async def forget_user(session: AsyncSession, *, team_id: str, user_id: str) -> int:
    """Delete-my-data: the person is no longer a promoted admin, and the admins they promoted were promoted by
    "an erased person"; how many rows changed."""
    removed = await session.exec(delete(Admin).where(col(Admin.team_id) == team_id, col(Admin.user_id) == user_id))
    renamed = await session.exec(
        update(Admin)
        .where(col(Admin.team_id) == team_id, col(Admin.added_by) == user_id)
        .values(added_by=ERASED_PERSON)
    )
    return int(removed.rowcount or 0) + int(renamed.rowcount or 0)
