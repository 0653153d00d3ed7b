"""*Pause* and *Resume* on the Home tab, for one program (the button's value)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.errors import NotEnrolledError
from bot.home import publish_home
from bot.slack import try_call
from handlers.common import program_id_of, team_and_user, tell
from prompts.home import pause_modal
from prompts.messages import not_enrolled_reply


async def handle_pause_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Open the pause modal for a program the person takes part in."""
    await ack()
    team_id, user_id = team_and_user(body)
    try:
        [target] = await participation.taking_part(
            deps(context).db, team_id=team_id, user_id=user_id, program_id=program_id_of(action) or 0
        )
    except NotEnrolledError:
        await tell(client, None, body, not_enrolled_reply())
        return
    view = pause_modal(program_id=target.program.id or 0, program_name=target.program.name)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_resume_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    try:
        await participation.resume(deps(context).db, team_id=team_id, user_id=user_id, program_id=program_id_of(action))
    except NotEnrolledError:
        await tell(client, None, body, not_enrolled_reply())
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
