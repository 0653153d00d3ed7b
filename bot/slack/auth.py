"""Single-workspace authorization from the bot token, checked once at start-up.

Bolt's default single-team authorization calls ``auth.test`` on the first request, inside Slack's 3-second
deadline; doing it before serving keeps every ack fast and turns a rejected token into a clear start-up error.
"""

from __future__ import annotations

import logging
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

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        if self.result is None:
            response = await context.client.auth_test(token=self.bot_token)
            self.result = AuthorizeResult.from_auth_test_response(bot_token=self.bot_token, auth_test_response=response)
        return self.result
