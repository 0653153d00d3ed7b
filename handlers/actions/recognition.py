"""The private "may we celebrate your milestones?" buttons (either answer, any time; the latest counts)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import recognition
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.access import refusal_reply
from handlers.common import parse_id, team_and_user, tell
from prompts import recognition as prompts


async def handle_consent(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    celebrate = action["action_id"] == prompts.ACTION_YES
    refused = await recognition.answer_consent(
        deps(context),
        client,
        team_id=team_id,
        user_id=user_id,
        pair_id=parse_id(action.get("value")) or 0,
        celebrate=celebrate,
    )
    await try_call(respond(replace_original=False, **prompts.consent_reply(celebrate).as_kwargs()), what="respond")
    if refused is not None:
        await tell(client, respond, body, refusal_reply(refused))
