"""The server-side admin check every admin button goes through."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.admins import is_admin
from bot.runtime.context import deps
from handlers.common import team_and_user, tell
from prompts.participants import not_admin_reply


async def admin_or_refuse(
    body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient, *, opens_view: bool = False
) -> tuple[str, str] | None:
    """``(team_id, user_id)`` of an admin; for anyone else, a polite refusal by DM and None.

    ``opens_view``: the button opens a modal, whose trigger expires 3 s after the click, so the workspace-role
    check makes one quick try instead of waiting out Slack's rate limits.
    """
    team_id, user_id = team_and_user(body)
    if await is_admin(deps(context), client, team_id=team_id, user_id=user_id, before_ack=opens_view):
        return team_id, user_id
    await tell(client, None, body, not_admin_reply())
    return None
