"""*Edit profile*, *Join* and *Try again* buttons (DMs, ephemeral replies, the Home tab): open the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.profile import answers_from_json
from handlers.common import open_optin, program_id_of, team_and_user, tell


async def handle_open_form(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """The button's value names the program (Home tab); without one, the form picks the likeliest."""
    await ack()
    team_id, user_id = team_and_user(body)
    enrolments = await participation.programs_for(deps(context).db, team_id=team_id, user_id=user_id)
    failed = await open_optin(
        client, trigger_id=body["trigger_id"], enrolments=enrolments, program_id=program_id_of(action)
    )
    if failed is not None:
        await tell(client, respond, body, failed)


async def handle_retry_form(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """Reopen the form with the answers whose saving failed (carried in the button's value)."""
    await ack()
    team_id, user_id = team_and_user(body)
    enrolments = await participation.programs_for(deps(context).db, team_id=team_id, user_id=user_id)
    answers = answers_from_json(action.get("value", ""))
    failed = await open_optin(client, trigger_id=body["trigger_id"], enrolments=enrolments, answers=answers)
    if failed is not None:
        await tell(client, respond, body, failed)
