"""The async engine and sessions, for SQLite (WAL mode) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

READ_ONLY = "mentor_read_only"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> AsyncEngine:
    """An engine for an already normalized async URL (see ``bot.runtime.settings.normalize_database_url``)."""
    if not is_sqlite(url):
        return create_async_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        # A writing transaction takes the write lock up front (IMMEDIATE), so concurrent writers queue
        # (busy_timeout) instead of failing with SQLITE_BUSY when a read later turns into a write.
        # Read-only sessions use a plain BEGIN and never wait for writers (WAL).
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


class Database:
    """An engine and its session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        # SQLite has one writer at a time; queueing writers here (first come, first served) is much fairer and
        # faster than SQLite's busy-timeout retries. SQLite serves one process; PostgreSQL needs no such lock.
        self._write_lock = asyncio.Lock() if is_sqlite(url) else None
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that may write, in one transaction: committed on success, rolled back on error."""
        async with self._write_lock or contextlib.nullcontext(), self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session: on SQLite it never queues behind writers. Writing in it is a bug."""
        async with self._read_sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
