"""A workspace's installation: when it uninstalls the app or revokes its bot token, it is marked inactive, so
nothing more is sent to it (installing again, or a token Slack accepts at start-up, reactivates it)."""

from __future__ import annotations

import logging

from bot.runtime.context import Deps
from storage import workspaces as workspaces_repo

logger = logging.getLogger(__name__)


async def deactivate(deps: Deps, *, team_id: str) -> None:
    async with deps.db.session() as session:
        await workspaces_repo.deactivate_workspace(session, team_id=team_id)
    logger.info("Workspace %s uninstalled the app or revoked its bot token: marked inactive", team_id)
