"""The in-process scheduler: runs :func:`bot.due.run_due` every few minutes while the bot serves.

The job computes what is due from the database, so a run that is late or missed while the bot was down still does
exactly what is owed: missed runs are coalesced into one, with a generous misfire grace time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.due import run_due

RUN_DUE_JOB_ID = "run-due"
RUN_DUE_EVERY_MINUTES = 5


def start_scheduler(deps: Deps, client: AsyncWebClient, team_id: str | None = None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def tick() -> None:
        await run_due(deps, client, now=datetime.now(UTC), team_id=team_id)

    scheduler.add_job(
        tick,
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
