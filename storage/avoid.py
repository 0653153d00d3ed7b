"""Avoid lists: the people someone asked not to be paired with.

The person avoided is stored as someone who erased their data's marker when they did (``storage.erasures``): their
ID never comes back through someone else's list.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import erasures
from storage.models import Avoid, utcnow
from storage.sql import insert_ignoring_conflict


async def add_avoid(session: AsyncSession, *, team_id: str, user_id: str, avoided_id: str) -> bool:
    """False when the person was already on the list."""
    avoided_id = await erasures.stand_in(session, team_id=team_id, user_id=avoided_id)
    values = {"team_id": team_id, "user_id": user_id, "avoided_id": avoided_id, "added_at": utcnow()}
    return await insert_ignoring_conflict(session, Avoid, values, ["team_id", "user_id", "avoided_id"])


async def remove_avoid(session: AsyncSession, *, team_id: str, user_id: str, avoided_id: str) -> bool:
    avoided_id = await erasures.stand_in(session, team_id=team_id, user_id=avoided_id)
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


async def rename_avoided(session: AsyncSession, *, team_id: str, old: str, new: str) -> int:
    """Other people's lists that name ``old`` name ``new`` instead (delete-my-data puts the erased person's marker
    there, joining again puts their ID back); how many entries changed."""
    rows = (await session.exec(select(Avoid).where(Avoid.team_id == team_id, Avoid.avoided_id == old))).all()
    for row in rows:
        values = {"team_id": team_id, "user_id": row.user_id, "avoided_id": new, "added_at": row.added_at}
        await insert_ignoring_conflict(session, Avoid, values, ["team_id", "user_id", "avoided_id"])
    if rows:
        await session.exec(delete(Avoid).where(col(Avoid.team_id) == team_id, col(Avoid.avoided_id) == old))
    return len(rows)
