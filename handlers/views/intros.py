"""The private rematch request modal (from an introduction's *This match doesn't work for me*)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import intros
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, team_and_user
from prompts import intros as intro_prompts


async def handle_rematch_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    values = view["state"]["values"]
    reason = str(
        (values.get(intro_prompts.REMATCH_REASON) or {}).get(intro_prompts.REMATCH_REASON, {}).get("value") or ""
    )
    rematch = await intros.rematch_pair(
        deps(context),
        team_id=team_id,
        user_id=user_id,
        pair_id=parse_id(view.get("private_metadata")) or 0,
        reason=reason,
    )
    if rematch is None:
        reply = intro_prompts.pair_gone_reply()
    else:
        reply = intro_prompts.rematch_recorded_reply(rematch.program_name, again=rematch.again)
    await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="rematch DM")
