"""Which failed Web API calls the client repeats by itself (with exponential backoff: 0.5 s, 1 s, plus jitter).

A call is repeated inside the client only when repeating it cannot post anything twice: when Slack certainly did
nothing (HTTP 503, or the connection could not be made), or when the method's repeat has no further effect
(opening a conversation, reading a user, publishing a Home tab, updating a message to the same content). A
``chat.postMessage`` that failed with a 500 or lost its connection mid-request may have been posted: it is not
repeated here; the outbox records it as uncertain (:mod:`bot.outbox.outcomes`) instead of risking a duplicate.
"""

from __future__ import annotations

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Methods that act each time they are called: a repeat after an unclear failure could post twice.
NOT_REPEATABLE = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "chat.meMessage", "files.completeUploadExternal"}
)


def repeatable(request: HttpRequest) -> bool:
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1] not in NOT_REPEATABLE


class SafeServerErrorRetryHandler(AsyncRetryHandler):
    """5xx: 503 (Slack did nothing) for every method; 500, 502, 504 only for methods whose repeat is harmless."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None:
            return False
        return response.status_code == 503 or (response.status_code in (500, 502, 504) and repeatable(request))


class SafeConnectionErrorRetryHandler(AsyncConnectionErrorRetryHandler):
    """A connection that could not be made, for every method; one dropped mid-request only for harmless repeats."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if isinstance(error, ClientConnectorError):
            return True
        return repeatable(request) and await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )
