"""The Slack Web API client (base URL, retries, pacing), a helper that catches Slack errors where they happen, and
``users.info`` with its cache (:class:`UserCache`, one per app: ``AppState.users``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.settings import Settings
from bot.slack.pacing import PacedWebClient, Pacers, PacingRateLimitHandler
from bot.slack.retries import SafeConnectionErrorRetryHandler, SafeServerErrorRetryHandler

logger = logging.getLogger(__name__)
T = TypeVar("T")


def make_client(
    settings: Settings, pacers: Pacers, *, with_token: bool = True, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A client paced below Slack's rate limits by the app's ``pacers`` (:mod:`bot.slack.pacing`) that honours 429
    Retry-After and repeats a call that met a network error or a 5xx twice, with backoff, when repeating it cannot
    post twice (:mod:`bot.slack.retries`).

    Bolt's own client goes without a token (``with_token=False``): each request gets one from authorization.
    Pass a shared ``session`` to reuse connections (otherwise every call opens a new one).
    """
    return PacedWebClient(
        pacers=pacers,
        token=settings.bot_token if with_token else None,
        session=session,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            PacingRateLimitHandler(pacers, max_retry_count=3),
            SafeConnectionErrorRetryHandler(max_retry_count=2),
            SafeServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def slack_error(exc: BaseException) -> str:
    """Slack's error code (``user_not_found``…) or a short description of a network failure."""
    if isinstance(exc, SlackApiError):  # a 5xx answer may be plain text; a body that isn't JSON, a raw response
        data = getattr(exc.response, "data", None)
        code = data.get("error") if isinstance(data, dict) else None
        status = getattr(exc.response, "status_code", None) or getattr(exc.response, "status", "unknown")
        return str(code or f"http_{status}")
    return type(exc).__name__


# What a Web API call can fail with: Slack's error answers, network trouble, time-outs.
SLACK_FAILURES = (TimeoutError, SlackClientError, aiohttp.ClientError)


async def try_call(call: Awaitable[T], *, what: str) -> T | None:
    """Await a Web API call; on a Slack or network error log it and return None instead of raising."""
    try:
        return await call
    except SLACK_FAILURES as exc:
        logger.warning("Slack call %s failed: %s", what, slack_error(exc))
        return None


USER_CACHE_SECONDS = 300


class UserCache:
    """Slack user objects (``users.info``) the app has read, per workspace and user, each for a few minutes."""

    def __init__(self) -> None:
        self._users: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}

    def get(self, *, team_id: str, user_id: str) -> dict[str, Any] | None:
        cached = self._users.get((team_id, user_id))
        return cached[0] if cached is not None and cached[1] > time.monotonic() else None

    def remember(self, user: dict[str, Any], *, team_id: str, user_id: str) -> None:
        self._users[(team_id, user_id)] = (user, time.monotonic() + USER_CACHE_SECONDS)


async def user_info(
    client: AsyncWebClient, users: UserCache, *, team_id: str, user_id: str, before_ack: bool = False
) -> dict[str, Any] | None:
    """The person's Slack user object (``users.info``), remembered in ``users`` for a few minutes: their time zone
    and their workspace role both come from it. None when Slack won't say (failures are not remembered).

    ``before_ack=True`` inside Slack's 3 s: one quick try, no waiting out rate limits.
    """
    cached = users.get(team_id=team_id, user_id=user_id)
    if cached is not None:
        return cached
    if before_ack:
        client = AsyncWebClient(
            token=client.token, base_url=client.base_url, session=client.session, timeout=2, retry_handlers=[]
        )
    response = await try_call(client.users_info(user=user_id), what="users.info")
    user = response.get("user") if response is not None else None
    if not isinstance(user, dict):
        return None
    users.remember(user, team_id=team_id, user_id=user_id)
    return user


async def user_timezone(
    client: AsyncWebClient, users: UserCache, *, team_id: str, user_id: str
) -> tuple[str | None, int | None]:
    """The person's time zone from their Slack profile, or (None, None) if Slack won't say."""
    user = await user_info(client, users, team_id=team_id, user_id=user_id) or {}
    return user.get("tz"), user.get("tz_offset")
