"""Single-workspace authorization from the bot token, checked once at start-up, and which workspaces the app
serves.

Bolt's default single-team authorization calls ``auth.test`` on the first request, inside Slack's 3-second
deadline; doing it before serving keeps every ack fast and turns a rejected token into a clear start-up error.

The app is installed in one workspace: the bot token's (``auth.test``'s ``team_id`` and ``enterprise_id``).
:meth:`TokenAuthorization.installed` is the one place that says whether a request's workspace is that
installation; with several installations (OAuth) it becomes a lookup in the installation store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.errors import ConfigError
from bot.runtime.settings import Settings
from bot.slack.client import slack_error

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestWorkspace:
    """The workspace a request acts in, as every reader of the request would see it."""

    team_ids: frozenset[str | None]
    """Each team id that Bolt or a handler reads from the request; one, when the request is consistent."""
    enterprise_id: str | None
    enterprise_install: bool

    @classmethod
    def of(cls, body: Mapping[str, Any], context: AsyncBoltContext) -> RequestWorkspace:
        """Bolt's reading (``context.team_id``, which prefers a modal's ``view.app_installed_team_id``, and
        ``context.enterprise_id``), plus what the handlers read: a slash command's ``team_id``, an interaction's
        ``team.id``, or its ``user.team_id`` when it has no team (``handlers.common.team_and_user``)."""
        team_ids: set[str | None] = {context.team_id}
        if body.get("type") != "event_callback":  # event handlers read context.team_id only
            team = body.get("team")
            user = body.get("user")
            if "command" in body:
                team_ids.add(body.get("team_id"))
            elif isinstance(team, dict):
                team_ids.add(team.get("id"))
            elif isinstance(user, dict):
                team_ids.add(user.get("team_id"))
        return cls(frozenset(team_ids), context.enterprise_id, bool(context.is_enterprise_install))


class TokenAuthorization(AsyncAuthorize):
    def __init__(self, bot_token: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.bot_token = bot_token
        self.result: AuthorizeResult | None = None

    async def verify(self, client: AsyncWebClient, settings: Settings) -> str | None:
        """Call ``auth.test`` once; the workspace id, None if Slack is unreachable, ConfigError if it refuses."""
        try:
            response = await client.auth_test(token=self.bot_token)
        except SlackApiError as exc:
            raise ConfigError(
                f"Slack rejected SLACK_BOT_TOKEN ({slack_error(exc)}): copy the Bot User OAuth Token from "
                "https://api.slack.com/apps → your app → OAuth & Permissions into .env (install the app first)."
            ) from None
        except Exception as exc:  # network trouble is not a settings problem: serve anyway, retry on first request
            logger.warning(
                "Could not reach Slack at %s (%s); will retry later", settings.slack_api_url, slack_error(exc)
            )
            return None
        self.result = AuthorizeResult.from_auth_test_response(bot_token=self.bot_token, auth_test_response=response)
        return self.result.team_id

    async def installation(self, client: AsyncWebClient) -> AuthorizeResult:
        """The bot token's installation: from start-up's ``auth.test``, or now if Slack was unreachable then."""
        if self.result is None:
            response = await client.auth_test(token=self.bot_token)
            self.result = AuthorizeResult.from_auth_test_response(bot_token=self.bot_token, auth_test_response=response)
        return self.result

    async def installed(self, client: AsyncWebClient, workspace: RequestWorkspace) -> bool:
        """Whether the app is installed in the request's workspace: every team id it names is the installation's,
        it names no other enterprise (Enterprise Grid org) than the installation's, and it is not an org-wide
        install's request (the installation is one workspace's). A request from a workspace of the
        installation's org that names no enterprise is accepted: the team id is what scopes every row."""
        installation = await self.installation(client)
        return (
            workspace.team_ids == {installation.team_id}
            and installation.team_id is not None
            and workspace.enterprise_id in (None, installation.enterprise_id)
            and not workspace.enterprise_install
        )

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        """The installation's token, for a request from its workspace (the app's ``before_authorize`` middleware
        has refused the others already; None, Bolt's "not installed", is the backstop)."""
        installation = await self.installation(context.client)
        workspace = RequestWorkspace(frozenset({team_id}), enterprise_id, bool(context.is_enterprise_install))
        return installation if await self.installed(context.client, workspace) else None
