"""The in-process scheduler runs the same due work as ``run-due``, under an explicit job id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import participation
from bot.config import Settings
from bot.deps import Deps
from bot.profile import Profile
from bot.scheduler import RUN_DUE_JOB_ID, start_scheduler
from bot.slack import make_client
from storage import repositories as repo
from storage.db import Database
from tests.program_state import first_program_id
from tests.slack_fake import FakeSlack


async def test_scheduler_runs_due_work_at_start(
    db: Database, team_id: str, fake_slack: FakeSlack, settings: Settings
) -> None:
    profile = Profile("mentor", "IT", 2, ["ai_tools"], [], "Share", "video", None)
    await participation.save_profile(
        db, team_id=team_id, user_id="U100", program_id=await first_program_id(db, team_id), profile=profile
    )
    today = datetime.now(UTC).date()  # no time zone known for U100 yet, so UTC
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    await participation.pause(db, team_id=team_id, user_id="U100", until=today, now=two_days_ago)
    async with db.session() as session:
        await repo.ensure_workspace(session, team_id=team_id)

    scheduler = start_scheduler(Deps(settings, db), make_client(settings))
    try:
        assert [job.id for job in scheduler.get_jobs()] == [RUN_DUE_JOB_ID]
        [dm] = await fake_slack.wait_for("chat.postMessage", timeout=10)
        assert dm["channel"] == "U100"
    finally:
        scheduler.shutdown(wait=False)
    enrolment = await participation.current(db, team_id=team_id, user_id="U100")
    assert enrolment is not None and enrolment.participant is not None and enrolment.participant.state == "active"
