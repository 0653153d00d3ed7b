from __future__ import annotations

from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot import workspaces
from bot.runtime.context import deps


async def handle_app_uninstalled(context: AsyncBoltContext) -> None:
    """Mark the workspace inactive so nothing more is sent to it."""
    if context.team_id:
        await workspaces.deactivate(deps(context), team_id=context.team_id)


async def handle_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Only the bot token matters: a revoked user token leaves the app working."""
    if (event.get("tokens") or {}).get("bot") and context.team_id:
        await workspaces.deactivate(deps(context), team_id=context.team_id)
