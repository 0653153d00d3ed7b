"""The async engine and sessions, for SQLite (WAL mode) and PostgreSQL (asyncpg); database URLs; the database's
errors under names the rest of the app catches without importing SQLAlchemy."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

READ_ONLY = "mentor_read_only"

DatabaseError = SQLAlchemyError
"""Anything the database or its driver refused or failed at (unreachable, a constraint, a bad statement)."""
ConstraintError = IntegrityError
"""A write a constraint refused (e.g. a name already taken in the workspace)."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_valid_url(url: str) -> bool:
    """Whether SQLAlchemy can parse the URL, its port included."""
    try:
        make_url(url).port  # noqa: B018 (parsing the port is the check)
    except (ValueError, ArgumentError):
        return False
    return True


def display_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def job_store_url(database_url: str) -> str:
    """Where the scheduler's job is kept (``bot.runtime.scheduler``), through a synchronous driver. PostgreSQL: the
    app's database (``postgresql+psycopg``; asyncpg's ``ssl=`` becomes libpq's ``sslmode=``). SQLite: a file beside
    the app's (``<name>-jobs.db``), since APScheduler's store writes from the event loop and would otherwise wait on
    the app's own open write."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        jobs = f"{path.removesuffix('.db')}-jobs.db" if path and path != ":memory:" else ""
        return url.set(drivername="sqlite", database=jobs).render_as_string(hide_password=False)
    query = dict(url.query)
    if "ssl" in query:
        query["sslmode"] = query.pop("ssl")
    return url.set(drivername="postgresql+psycopg", query=query).render_as_string(hide_password=False)


def make_engine(url: str) -> AsyncEngine:
    """An engine for an already normalized async URL (see ``bot.runtime.settings.normalize_database_url``)."""
    # hide_parameters: a failed statement's error (and so the log) never carries the values it was given, which
    # are often people's answers (goals, department, notes).
    if not is_sqlite(url):
        return create_async_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800, hide_parameters=True)
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

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

    async def ping(self) -> None:
        """A round trip to the database (``SELECT 1``) on a fresh connection; raises when it is unreachable."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
