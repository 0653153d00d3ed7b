"""*Edit profile*, *Join* and *Try again* buttons (DMs, ephemeral replies, the Home tab): open the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.profile import answers_from_json
from bot.slack import try_call
from handlers.common import open_optin, team_and_user
from prompts.messages import form_failed_reply


async def handle_open_form(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    enrolment = await participation.current(deps(context).db, team_id=team_id, user_id=user_id)
    await open_optin(client, trigger_id=body["trigger_id"], enrolment=enrolment)


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
    enrolment = await participation.current(deps(context).db, team_id=team_id, user_id=user_id)
    answers = answers_from_json(action.get("value", ""))
    opened = await open_optin(client, trigger_id=body["trigger_id"], enrolment=enrolment, answers=answers)
    if not opened and respond is not None:
        reply = form_failed_reply()
        await try_call(respond(response_type="ephemeral", replace_original=False, **reply.as_kwargs()), what="respond")
