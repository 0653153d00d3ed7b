"""Alembic environment: runs on the connection handed over by ``storage.migrate`` or on ``sqlalchemy.url``."""

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import make_engine

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=lambda obj, name, type_, reflected, compare_to: name != "apscheduler_jobs",  # APScheduler's
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # `alembic -x ...` from a shell: sqlalchemy.url must be an async URL (sqlite+aiosqlite / postgresql+asyncpg).
    asyncio.run(_run_from_url(context.config.get_main_option("sqlalchemy.url") or ""))
