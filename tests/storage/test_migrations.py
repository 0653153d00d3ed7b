"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.db import Database
from storage.migrate import current_revision, upgrade


def not_apscheduler(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """APScheduler's job table is its own (created by its job store), not the models'."""
    return name != "apscheduler_jobs"


async def test_schema_matches_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"include_object": not_apscheduler}), SQLModel.metadata
            )
        )
    assert diff == []


async def test_upgrade_is_idempotent_and_at_head(db: Database) -> None:
    await upgrade(db.engine)
    await upgrade(db.engine)
    assert await current_revision(db.engine) == "0011"


async def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        async with database.engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
    finally:
        await database.dispose()
    assert mode == "wal"


@pytest.mark.parametrize("start", ["0001", "0002"])
async def test_older_databases_upgrade_with_their_programs_and_people(tmp_path, start: str) -> None:
    """A program with someone in it, from each older revision: adding columns must not rebuild (and so drop) the
    program table on SQLite, and old programs get the defaults of the settings added since."""
    from sqlmodel import select

    from bot.runtime.settings import normalize_database_url
    from storage.models import Participant, Program, default_rules

    database = Database(normalize_database_url(f"sqlite:///{tmp_path / 'old.db'}"))
    try:
        await upgrade(database.engine, start)
        async with database.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO program (team_id, name, objectives, state, created_at) "
                    "VALUES ('TOLD', 'Old', '', 'open', '2026-01-01 00:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO participant (team_id, program_id, user_id, role, shares, learns, meeting_format, "
                    "state, joined_at, updated_at) VALUES ('TOLD', 1, 'U1', 'mentor', '[]', '[]', 'video', "
                    "'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
        await upgrade(database.engine)
        async with database.read() as session:
            [program] = (await session.exec(select(Program).where(Program.team_id == "TOLD"))).all()
            [person] = (await session.exec(select(Participant).where(Participant.team_id == "TOLD"))).all()
    finally:
        await database.dispose()
    assert person.program_id == program.id and program.topics == {}
    if start == "0001":
        assert (program.cadence, program.checkin_weekday, program.checkin_time) == ("biweekly", 1, "10:00")
        assert (program.quiet_start, program.quiet_end, program.start_date) == ("09:00", "18:00", None)
        older = {k: v for k, v in default_rules().items() if k != "celebrate_milestones"}
        assert program.rules == older, "the rules of their day; celebrating is off until an admin ticks it"
