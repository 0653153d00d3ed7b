"""The in-process scheduler: runs :func:`bot.outbox.due.run_due` every few minutes while the bot serves.

The job computes what is due from the database, so a run that is late or missed while the bot was down still does
exactly what is owed: missed runs are coalesced into one (``coalesce=True``), and a run up to an hour late still
runs (``misfire_grace_time``); later than that the next one does the work anyway. The job lives in APScheduler's
SQLAlchemy job store (table ``apscheduler_jobs``; see :func:`storage.db.job_store_url`), under its explicit id with
``replace_existing=True``, so restarts keep one job. APScheduler 3 doesn't coordinate replicas: each runs the job,
which is safe, since the outbox sends each message once. What the job needs at run time (the app's
:class:`~bot.runtime.context.Deps`, the Slack client, the workspace) is never pickled: the store keeps the job's
schedule and a function's name, and this scheduler's executor (:class:`InProcessExecutor`) runs the work with them.
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.due import run_due
from bot.runtime.context import Deps
from bot.runtime.errors import describe
from storage.db import job_store_url

logger = logging.getLogger(__name__)

RUN_DUE_JOB_ID = "run-due"
RUN_DUE_EVERY_MINUTES = 5


JOB_TABLE = "apscheduler_jobs"


async def run_due_job() -> None:
    """The stored job's function: its name is all the job store keeps (no arguments, so no database or client is
    pickled). The job runs through :class:`InProcessExecutor`, which calls :func:`run_due_now` in its place."""
    raise RuntimeError("the run-due job runs through start_scheduler's executor, with this process's objects")


async def run_due_now(deps: Deps, client: AsyncWebClient, team_id: str | None) -> None:
    """One run of the job; a failure is logged by its class and where it happened (never its message, which may
    quote what was being written), and the next run tries again."""
    try:
        await run_due(deps, client, now=datetime.now(UTC), team_id=team_id)
    except Exception as exc:
        logger.error("run-due failed: %s", describe(exc))


class InProcessExecutor(AsyncIOExecutor):  # type: ignore[misc]  # APScheduler 3 ships no types
    """Runs each stored job as the coroutine function ``work`` gives for its id, made of this process's objects."""

    def __init__(self, work: Mapping[str, Callable[[], Awaitable[object]]]) -> None:
        super().__init__()
        self.work = work

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        running = copy.copy(job)  # ``job`` is stored again once submitted: it keeps its stored function
        running._scheduler, running._jobstore_alias = job._scheduler, job._jobstore_alias
        running.func = self.work[job.id]
        super()._do_submit_job(running, run_times)


def start_scheduler(deps: Deps, client: AsyncWebClient, team_id: str | None = None) -> AsyncIOScheduler:
    store = SQLAlchemyJobStore(url=job_store_url(deps.settings.database_url), tablename=JOB_TABLE)
    executor = InProcessExecutor({RUN_DUE_JOB_ID: functools.partial(run_due_now, deps, client, team_id)})
    scheduler = AsyncIOScheduler(timezone=UTC, jobstores={"default": store}, executors={"default": executor})
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
