"""run-due: what is due, for which workspaces."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import participants
from bot.optin import Profile
from bot.outbox.due import run_due
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from storage import workspaces as workspaces_repo
from storage.db import Database
from tests.support.fake_slack import FakeSlack
from tests.support.programs import first_program_id, open_enrolment

PROFILE = Profile("mentor", "IT", 2, ["ai_tools"], [], "Share", "video", None)


async def state_of(deps: Deps, team_id: str) -> str | None:
    enrolment = await open_enrolment(deps, team_id, "U1")
    return enrolment.participant.state if enrolment and enrolment.participant else None


async def test_run_due_resumes_only_its_own_active_workspaces_people(
    db: Database, deps: Deps, team_id: str, settings: Settings, fake_slack: FakeSlack
) -> None:
    """The bot token speaks for one workspace: another's people are not resumed (nor told) with it, and nobody
    of an inactive workspace is."""
    other = f"{team_id}X"
    for team in (team_id, other):
        await participants.save_profile(
            db, team_id=team, user_id="U1", program_id=await first_program_id(deps, team), profile=PROFILE
        )
        await participants.pause(
            deps, team_id=team, user_id="U1", until=date(2027, 3, 1), now=datetime(2027, 1, 1, tzinfo=UTC)
        )
        async with db.session() as session:
            await workspaces_repo.ensure_workspace(session, team_id=team)
    client = make_client(settings, deps.state.pacers)
    report = await run_due(deps, client, now=datetime(2027, 6, 1, tzinfo=UTC), team_id=other)
    assert report.resumed == 1
    assert [dm["channel"] for dm in fake_slack.calls_to("chat.postMessage")] == ["U1"]  # the other's U1, once
    assert await state_of(deps, team_id) == "paused"

    async with db.session() as session:
        await workspaces_repo.deactivate_workspace(session, team_id=team_id)
    report = await run_due(deps, client, now=datetime(2027, 6, 1, tzinfo=UTC))
    assert report.resumed == 0
    assert await state_of(deps, team_id) == "paused"
