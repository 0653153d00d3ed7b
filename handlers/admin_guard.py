"""The server-side admin check every admin button goes through."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.admins import is_admin
from bot.deps import deps
from bot.slack import try_call
from handlers.common import team_and_user
from prompts.messages import not_admin_reply


async def admin_or_refuse(
    body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> tuple[str, str] | None:
    """``(team_id, user_id)`` of an admin; for anyone else, a polite refusal by DM and None."""
    team_id, user_id = team_and_user(body)
    if await is_admin(deps(context), client, team_id=team_id, user_id=user_id):
        return team_id, user_id
    reply = not_admin_reply()
    await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="chat.postMessage")
    return None
