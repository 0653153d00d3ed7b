from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.home import publish_home
from bot.runtime.context import deps


async def handle_app_home_opened(event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
    """Publish the Home tab (events are acked by Bolt before this runs)."""
    if event.get("tab", "home") != "home" or not context.team_id:
        return
    await publish_home(client, deps(context), team_id=context.team_id, user_id=event["user"])
