"""Who is a program admin: ``MENTOR_ADMINS``, workspace admins and owners (from ``users.info``, cached briefly),
and people promoted from the Home tab. Checked on the server for every admin action, never only in the UI."""

from __future__ import annotations

import time

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import try_call
from storage import repositories as repo

WORKSPACE_ROLE_CACHE_SECONDS = 300
_workspace_role_cache: dict[tuple[str, str], tuple[bool, float]] = {}


async def _workspace_admin(client: AsyncWebClient, *, team_id: str, user_id: str, before_ack: bool) -> bool:
    key = (team_id, user_id)
    cached = _workspace_role_cache.get(key)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    if before_ack:  # inside Slack's 3 s: one quick try, no waiting out rate limits
        client = AsyncWebClient(
            token=client.token, base_url=client.base_url, session=client.session, timeout=2, retry_handlers=[]
        )
    response = await try_call(client.users_info(user=user_id), what="users.info")
    if response is None:
        return False  # unknown: not an admin, and not cached, so the next check asks Slack again
    user = response.get("user") or {}
    verdict = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    _workspace_role_cache[key] = (verdict, time.monotonic() + WORKSPACE_ROLE_CACHE_SECONDS)
    return verdict


async def is_admin(deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, before_ack: bool = False) -> bool:
    """``before_ack=True`` when the answer is needed before acknowledging (form submissions)."""
    if user_id in deps.settings.admins:
        return True
    async with deps.db.read() as session:
        if await repo.is_promoted_admin(session, team_id=team_id, user_id=user_id):
            return True
    return await _workspace_admin(client, team_id=team_id, user_id=user_id, before_ack=before_ack)
