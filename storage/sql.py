"""SQL building blocks shared by the storage modules (and used by them only): the dialect's INSERT, which knows
``ON CONFLICT`` on both SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


async def insert_ignoring_conflict(
    session: AsyncSession, model: type[Any], values: dict[str, Any], conflict_on: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted (safe under concurrent requests)."""
    statement = dialect_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=list(conflict_on))
    result = await session.exec(statement)
    return bool(result.rowcount)
