from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.runtime.context import deps
from storage import workspaces as workspaces_repo

logger = logging.getLogger(__name__)


async def _deactivate(context: AsyncBoltContext) -> None:
    if not context.team_id:
        return
    async with deps(context).db.session() as session:
        await workspaces_repo.deactivate_workspace(session, team_id=context.team_id)
    logger.info("Workspace %s uninstalled the app or revoked its bot token: marked inactive", context.team_id)


async def handle_app_uninstalled(context: AsyncBoltContext) -> None:
    """Mark the workspace inactive so nothing more is sent to it."""
    await _deactivate(context)


async def handle_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Only the bot token matters: a revoked user token leaves the app working."""
    if (event.get("tokens") or {}).get("bot"):
        await _deactivate(context)
