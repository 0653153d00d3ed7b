"""The in-process scheduler runs the same due work as ``run-due``, under an explicit job id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import participants
from bot.optin import Profile
from bot.runtime.context import Deps
from bot.runtime.scheduler import RUN_DUE_JOB_ID, start_scheduler
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from storage import workspaces as workspaces_repo
from storage.db import Database, job_store_url
from tests.support.fake_slack import FakeSlack
from tests.support.programs import first_program_id, open_enrolment


async def test_scheduler_runs_due_work_at_start(
    db: Database, deps: Deps, team_id: str, fake_slack: FakeSlack, settings: Settings
) -> None:
    profile = Profile("mentor", "IT", 2, ["ai_tools"], [], "Share", "video", None)
    await participants.save_profile(
        db, team_id=team_id, user_id="U100", program_id=await first_program_id(deps, team_id), profile=profile
    )
    today = datetime.now(UTC).date()  # no time zone known for U100 yet, so UTC
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    await participants.pause(deps, team_id=team_id, user_id="U100", until=today, now=two_days_ago)
    async with db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=team_id)

    scheduler = start_scheduler(deps, make_client(settings, deps.state.pacers), team_id)
    try:
        assert [job.id for job in scheduler.get_jobs()] == [RUN_DUE_JOB_ID]
        [dm] = await fake_slack.wait_for("chat.postMessage", timeout=10)
        assert dm["channel"] == "U100"
    finally:
        scheduler.shutdown(wait=False)
    enrolment = await open_enrolment(deps, team_id, "U100")
    assert enrolment is not None and enrolment.participant is not None and enrolment.participant.state == "active"


async def test_a_pause_ending_in_two_programs_is_one_dm_naming_both(
    db: Database, deps: Deps, team_id: str, fake_slack: FakeSlack, settings: Settings
) -> None:
    from bot.outbox.due import run_due
    from storage.models import Program

    first = await first_program_id(deps, team_id)
    async with db.session() as session:
        other = Program(team_id=team_id, name="AI for leaders", state="running")
        ended = Program(team_id=team_id, name="Old one", state="open")
        session.add_all([other, ended])
        await session.flush()
        ids = [first, other.id, ended.id]
    deps.state.programs.forget(team_id)  # created behind the app's back: as if by another replica, 10 s ago
    profile = Profile("mentor", "IT", 2, ["ai_tools"], [], "Share", "video", None)
    for program_id in ids:
        assert program_id is not None
        await participants.save_profile(db, team_id=team_id, user_id="U100", program_id=program_id, profile=profile)
    until = datetime(2027, 3, 1, tzinfo=UTC).date()
    await participants.pause(deps, team_id=team_id, user_id="U100", until=until, now=datetime(2027, 1, 1, tzinfo=UTC))
    async with db.session() as session:
        old = await session.get(Program, ids[2])
        assert old is not None
        old.state = "ended"  # a pause in an ended program is never "over": nothing to come back to
        session.add(old)
        await workspaces_repo.ensure_workspace(session, team_id=team_id)

    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    report = await run_due(deps, make_client(settings, deps.state.pacers), now=now, team_id=team_id)
    assert (report.resumed, report.messages_sent) == (2, 1)
    [dm] = fake_slack.calls_to("chat.postMessage")
    assert dm["channel"] == "U100" and "back in Reverse mentoring, AI for leaders." in dm["text"]
    assert "Old one" not in dm["text"]


async def test_the_job_is_stored_in_the_database_once_however_often_the_bot_starts(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    from sqlalchemy import create_engine, text

    from bot.runtime.scheduler import JOB_TABLE

    for _ in range(2):  # a restart
        scheduler = start_scheduler(deps, make_client(settings, deps.state.pacers), team_id)
        scheduler.shutdown(wait=False)
    engine = create_engine(job_store_url(settings.database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT id FROM {JOB_TABLE}")).all()
    finally:
        engine.dispose()
    assert [row[0] for row in rows] == [RUN_DUE_JOB_ID]


def test_the_job_store_url_speaks_the_synchronous_drivers_dialect() -> None:
    assert job_store_url("sqlite+aiosqlite:////data/mentor.db") == "sqlite:////data/mentor-jobs.db"
    assert (
        job_store_url("postgresql+asyncpg://bot:secret@db:5432/mentor?ssl=require")
        == "postgresql+psycopg://bot:secret@db:5432/mentor?sslmode=require"
    )
