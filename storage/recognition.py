"""Recognition consent: each person's answer, asked once per workspace, to "may we celebrate your milestones in the
announcement channel?" (the latest answer counts).

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consent, utcnow
from storage.sql import dialect_insert


async def consents(session: AsyncSession, *, team_id: str, user_ids: Sequence[str]) -> dict[str, bool]:
    """Who answered the celebration question, and how."""
    query = select(Consent.user_id, Consent.celebrate).where(
        Consent.team_id == team_id, col(Consent.user_id).in_(list(user_ids))
    )
    return {user: bool(yes) for user, yes in (await session.exec(query)).all()}


async def record_consent(session: AsyncSession, *, team_id: str, user_id: str, celebrate: bool) -> None:
    statement = dialect_insert(session, Consent).values(
        team_id=team_id, user_id=user_id, celebrate=celebrate, at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "user_id"], set_={"celebrate": celebrate, "at": utcnow()}
    )
    await session.exec(statement)


async def forget_consent(session: AsyncSession, *, team_id: str, user_id: str) -> int:
    """Delete-my-data: their answer to the celebration question goes too; how many rows went."""
    result = await session.exec(delete(Consent).where(col(Consent.team_id) == team_id, col(Consent.user_id) == user_id))
    return int(result.rowcount or 0)
