"""Publishing a person's Home tab: after anything that changes what it shows, and on ``app_home_opened``.

Admins (see :mod:`bot.admins`) also see the program's headline figures and settings.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.admins import is_admin
from bot.deps import Deps
from bot.participation import Enrolment
from bot.programs import program_fields
from bot.slack import try_call
from prompts.home import home_view
from prompts.program import admin_section
from storage import repositories as repo


async def publish_enrolment(
    client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str, enrolment: Enrolment
) -> None:
    """Publish from an enrolment already at hand."""
    p = enrolment.participant
    view = home_view(
        program_name=enrolment.program.name,
        objectives=enrolment.program.objectives,
        state=p.state if p else None,
        paused_until=p.paused_until if p else None,
        answers=p.answers() if p else None,
        timezone=p.timezone if p else None,
    )
    if await is_admin(deps, client, team_id=team_id, user_id=user_id):
        program = enrolment.program
        assert program.id is not None
        async with deps.db.read() as session:
            counts = await repo.participant_counts(session, team_id=team_id, program_id=program.id)
            audit = [entry.model_dump() for entry in await repo.audit_entries(session, team_id=team_id)]
        view["blocks"] += admin_section(program_fields(program), counts, audit)
    await try_call(client.views_publish(user_id=user_id, view=view), what="views.publish")


async def publish_home(client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str) -> None:
    enrolment = await participation.current(deps.db, team_id=team_id, user_id=user_id)
    await publish_enrolment(client, deps, team_id=team_id, user_id=user_id, enrolment=enrolment)
