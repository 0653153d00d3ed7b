"""People who erased their data (``/mentor delete-my-data``), kept as a keyed hash of their Slack ID, never the ID.

Each erasure is one row with a random key of its own (``salt``) and ``HMAC-SHA256(salt, "team_id:user_id")``, so the
table names nobody: telling whether someone is in it takes their ID and the row's key. Checking a person computes
one HMAC per erasure of the workspace, which stays cheap for the few erasures a workspace sees.

The row is what stops an HR import or an admin from enrolling the person again; it goes when they join again
themselves. Its :func:`marker` stands in for them where someone else's data names them (another person's "don't pair
me with" list, their manager answer), so those still hold if they come back: put there at erasure, and by every later
write of such data (:func:`stand_in`, called by the storage functions that write it), so no write after the erasure
stores their ID again.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_MARKER, Erasure, utcnow


def _digest(salt: str, team_id: str, user_id: str) -> str:
    return hmac.new(bytes.fromhex(salt), f"{team_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def _matches(row: Erasure, user_id: str) -> bool:
    return hmac.compare_digest(row.user_hash, _digest(row.salt, row.team_id, user_id))


def marker(row: Erasure) -> str:
    """What stands in for the erased person in other people's data (not a Slack ID: it never matches anyone)."""
    return ERASED_MARKER + row.user_hash[:40]


def new_erasure(*, team_id: str, user_id: str) -> Erasure:
    """A new row for the person (not stored: see :func:`keep`)."""
    salt = secrets.token_hex(32)
    return Erasure(team_id=team_id, user_hash=_digest(salt, team_id, user_id), salt=salt, erased_at=utcnow())


async def _rows(session: AsyncSession, *, team_id: str) -> Sequence[Erasure]:
    return (await session.exec(select(Erasure).where(Erasure.team_id == team_id))).all()


async def find(session: AsyncSession, *, team_id: str, user_id: str) -> Erasure | None:
    """The person's erasure, if they erased their data and have not joined again since."""
    return next((row for row in await _rows(session, team_id=team_id) if _matches(row, user_id)), None)


async def stand_ins(session: AsyncSession, *, team_id: str, user_ids: Iterable[str]) -> dict[str, str]:
    """``{user id: what to store for them in someone else's data}``: the :func:`marker` of a person who erased their
    data (and has not joined again since), else the ID itself."""
    rows = await _rows(session, team_id=team_id)
    return {user: next((marker(row) for row in rows if _matches(row, user)), user) for user in set(user_ids)}


async def erased_among(session: AsyncSession, *, team_id: str, user_ids: Iterable[str]) -> set[str]:
    """Which of these people erased their data (and have not joined again since): those a marker stands in for."""
    stored = await stand_ins(session, team_id=team_id, user_ids=user_ids)
    return {user for user, kept in stored.items() if kept != user}


async def stand_in(session: AsyncSession, *, team_id: str, user_id: str) -> str:
    """What to store for one person in someone else's data (see :func:`stand_ins`)."""
    return (await stand_ins(session, team_id=team_id, user_ids=[user_id]))[user_id]


async def keep(session: AsyncSession, *, erasure: Erasure) -> None:
    """Store the row (a no-op for a row read from the database)."""
    session.add(erasure)
    await session.flush()


async def forget(session: AsyncSession, *, erasure: Erasure) -> None:
    """The person joined again themselves: an import may update them again."""
    await session.exec(
        delete(Erasure).where(col(Erasure.team_id) == erasure.team_id, col(Erasure.user_hash) == erasure.user_hash)
    )
