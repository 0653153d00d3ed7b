"""Small pieces several handlers share: opening the opt-in modal and refreshing the Home tab."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.participation import Enrolment
from bot.slack import try_call
from prompts.home import home_view
from prompts.optin import optin_modal
from storage.db import Database


def modal_for(enrolment: Enrolment) -> dict[str, object]:
    """The opt-in modal, pre-filled when the person already has answers (editing, or rejoining after leaving)."""
    p = enrolment.participant
    program = enrolment.program
    assert program.id is not None
    has_answers = p is not None and p.state != "deleted"
    return optin_modal(
        program_id=program.id,
        program_name=program.name,
        objectives=program.objectives,
        answers=p.answers() if has_answers and p is not None else None,
    )


async def open_optin(client: AsyncWebClient, *, trigger_id: str, enrolment: Enrolment) -> bool:
    """Open the modal; False if Slack refused (an expired trigger, say), so the caller can say so."""
    response = await try_call(client.views_open(trigger_id=trigger_id, view=modal_for(enrolment)), what="views.open")
    return response is not None


async def publish_home(client: AsyncWebClient, db: Database, *, team_id: str, user_id: str) -> None:
    enrolment = await participation.current(db, team_id=team_id, user_id=user_id)
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
