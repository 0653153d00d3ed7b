"""Publishing a person's Home tab: after anything that changes what it shows, and on ``app_home_opened``."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.participation import Enrolment
from bot.slack import try_call
from prompts.home import home_view
from storage.db import Database


async def publish_enrolment(client: AsyncWebClient, *, user_id: str, enrolment: Enrolment) -> None:
    """Publish from an enrolment already at hand (no database read)."""
    p = enrolment.participant
    view = home_view(
        program_name=enrolment.program.name,
        objectives=enrolment.program.objectives,
        state=p.state if p else None,
        paused_until=p.paused_until if p else None,
        answers=p.answers() if p else None,
        timezone=p.timezone if p else None,
    )
    await try_call(client.views_publish(user_id=user_id, view=view), what="views.publish")


async def publish_home(client: AsyncWebClient, db: Database, *, team_id: str, user_id: str) -> None:
    enrolment = await participation.current(db, team_id=team_id, user_id=user_id)
    await publish_enrolment(client, user_id=user_id, enrolment=enrolment)
