"""A real database refusal for tests of what happens when a save fails: the database itself refuses rows holding a
marker, so nothing in the app is mocked."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from storage.db import Database, is_sqlite


@asynccontextmanager
async def refused_text(db: Database, *, table: str, column: str, marker: str) -> AsyncIterator[None]:
    """While inside, the database refuses a new row of ``table`` whose ``column`` contains ``marker``: a CHECK
    constraint on PostgreSQL (whose error quotes the whole failing row), a trigger on SQLite."""
    name = f"refuse_{uuid.uuid4().hex[:10]}"
    if is_sqlite(db.url):
        create = (
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN instr(NEW.{column}, '{marker}') > 0 "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        drop = f"DROP TRIGGER {name}"
    else:
        create = f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK (position('{marker}' in {column}) = 0) NOT VALID"
        drop = f"ALTER TABLE {table} DROP CONSTRAINT {name}"
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql(create)
    try:
        yield
    finally:
        async with db.engine.begin() as connection:
            await connection.exec_driver_sql(drop)


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the captured records would print: messages, arguments, tracebacks and causes."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)
