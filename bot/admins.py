"""Who is a program admin: ``MENTOR_ADMINS``, workspace admins and owners (from ``users.info``, cached briefly),
and people promoted from the Home tab. Checked on the server for every admin action, never only in the UI."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.context import Deps
from bot.slack.client import user_info
from storage import admins as admins_repo


async def _workspace_admin(deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, before_ack: bool) -> bool:
    user = await user_info(client, deps.state.users, team_id=team_id, user_id=user_id, before_ack=before_ack)
    if user is None:
        return False  # unknown: not an admin (fail closed); the next check asks Slack again
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def is_admin(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    before_ack: bool = False,
    promoted: bool | None = None,
) -> bool:
    """``before_ack=True`` when the answer is needed before acknowledging (form submissions); ``promoted`` when
    the caller already read whether the person was promoted (saves a database read)."""
    if user_id in deps.settings.admins:
        return True
    if promoted is None:
        async with deps.db.read() as session:
            promoted = await admins_repo.is_promoted_admin(session, team_id=team_id, user_id=user_id)
    if promoted:
        return True
    return await _workspace_admin(deps, client, team_id=team_id, user_id=user_id, before_ack=before_ack)


def hidden_from(viewer_id: str, *, said_by: str, pair_id: int | None, viewer_pairs: set[int]) -> bool:
    """Whether something a person said privately about their pair (a rematch request, "this pairing isn't
    working") is hidden from an admin looking at it: it is from an admin who is in that pair, unless they said it
    themselves. Partners are never told, even when they are admins (the Home tab, the preview of a round)."""
    return pair_id in viewer_pairs and said_by != viewer_id
