"""The in-process scheduler: runs :func:`bot.outbox.due.run_due` every few minutes while the bot serves.

The job computes what is due from the database, so a run that is late or missed while the bot was down still does
exactly what is owed: missed runs are coalesced into one (``coalesce=True``), and a run up to an hour late still
runs (``misfire_grace_time``); later than that the next one does the work anyway. The job lives in APScheduler's
SQLAlchemy job store (table ``apscheduler_jobs``; see :func:`storage.db.job_store_url`), under its explicit id with
``replace_existing=True``, so restarts keep one job. APScheduler 3 doesn't coordinate replicas: each runs the job,
which is safe, since the outbox sends each message once. What the job needs at run time (database, Slack client,
workspace) is handed over in this process, not pickled.
"""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.due import run_due
from bot.runtime.context import Deps
from storage.db import job_store_url

RUN_DUE_JOB_ID = "run-due"
RUN_DUE_EVERY_MINUTES = 5


JOB_TABLE = "apscheduler_jobs"
_context: dict[str, tuple[Deps, AsyncWebClient, str | None]] = {}


async def run_due_job() -> None:
    """The stored job (referenced by name, so the job store never pickles a client)."""
    deps, client, team_id = _context["current"]
    await run_due(deps, client, now=datetime.now(UTC), team_id=team_id)


def start_scheduler(deps: Deps, client: AsyncWebClient, team_id: str | None = None) -> AsyncIOScheduler:
    store = SQLAlchemyJobStore(url=job_store_url(deps.settings.database_url), tablename=JOB_TABLE)
    scheduler = AsyncIOScheduler(timezone=UTC, jobstores={"default": store})
    _context["current"] = (deps, client, team_id)
    scheduler.add_job(
        f"{__name__}:run_due_job",
        "interval",
        minutes=RUN_DUE_EVERY_MINUTES,
        id=RUN_DUE_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
