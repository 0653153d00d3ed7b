"""Pacing Web API calls below Slack's rate limits, per Slack host, token and method.

Slack limits each method per app and workspace. Tiered methods allow a documented number of calls a minute (Tier 3:
50+, Tier 4: 100+) with short bursts; ``chat.postMessage`` allows about one message a second per channel and an
unpublished number per workspace ("several hundred a minute"). So:

- a method in ``TIERS`` is paced at its tier's floor, with up to a minute's worth of calls in a burst;
- when Slack answers 429, the pacer learns: no call to that method until ``Retry-After`` has passed, and from then
  on calls are evenly spaced at ``SAFETY`` × the rate that got through in the last ``Retry-After`` seconds (at
  least one second), or ``BACK_OFF`` × the current pace if that was already too fast. A fan-out therefore hits
  Slack's limit once and then runs just below it, instead of bursting, waiting and bursting again;
- what was learned is forgotten after ``FORGET_AFTER`` without a 429 (limits are windows; the next burst re-learns);
- a call that would have to wait more than ``MAX_WAIT`` (Slack asked for a long pause) is not held: it fails at
  once with :class:`PacedOut`, and delivery leaves the rest of its batch for the next run.

Slack's own per-channel limit needs no pacing here: no sender posts more than two messages into one conversation
at a time. The pacers (:class:`Pacers`, one per app: ``AppState.pacers``) hold no asyncio objects (a slot is
reserved synchronously, then slept for), so they are shared by every client and event loop of the process; replicas
pace separately and learn from their own 429s.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

TIERS = {  # calls a minute: the documented floor of the method's tier
    "conversations.open": 50,
    "conversations.history": 50,
    "chat.update": 50,
    "users.info": 100,
    "views.publish": 100,
}
SAFETY = 0.97
BACK_OFF = 0.8
FORGET_AFTER = 600.0
MAX_WAIT = 30.0
REMEMBER = 10_000  # success times kept per method (enough for any Retry-After window at Slack's rates)


@dataclass
class Pacer:
    """One method's pace (GCRA: a theoretical arrival time, an interval, a burst allowance)."""

    per_minute: int | None = None  # the documented floor, if any
    interval: float | None = None  # seconds between calls; None: not paced
    burst: int = 1
    tat: float = 0.0
    blocked_until: float = 0.0
    learned_at: float | None = None
    done: deque[float] = field(default_factory=lambda: deque(maxlen=REMEMBER))

    def __post_init__(self) -> None:
        self._defaults()

    def _defaults(self) -> None:
        self.interval = 60.0 / self.per_minute if self.per_minute else None
        self.burst = self.per_minute or 1
        self.learned_at = None

    def reserve(self, now: float) -> float:
        """Take the next slot for a call; how many seconds to wait for it."""
        if self.learned_at is not None and now - self.learned_at > FORGET_AFTER:
            self._defaults()
        start = max(now, self.blocked_until)
        if self.interval is not None:
            start = max(start, self.tat - (self.burst - 1) * self.interval)
            self.tat = max(self.tat, start) + self.interval
        return start - now

    def succeeded(self, now: float) -> None:
        self.done.append(now)

    def limited(self, now: float, retry_after: float) -> None:
        """Slack answered 429: wait ``retry_after``, then go at a pace that would not have been refused."""
        self.blocked_until = max(self.blocked_until, now + retry_after)
        window = max(1.0, retry_after)
        got = sum(1 for t in self.done if t > now - window)
        if not got:  # nothing got through lately: someone else used the allowance; only wait
            return
        rate = SAFETY * got / window
        if self.interval is not None and rate >= 1 / self.interval:
            rate = BACK_OFF / self.interval
        self.interval, self.burst, self.learned_at = 1 / rate, 1, now
        self.tat = self.blocked_until + self.interval  # the call retried at ``blocked_until`` takes the first slot


class Pacers:
    """Every pace the app has learnt, one :class:`Pacer` per method's full URL (Slack host + method) and token."""

    def __init__(self) -> None:
        self._pacers: dict[tuple[str, str], Pacer] = {}

    def pacer_for(self, url: str, token: str | None) -> Pacer:
        key = (url, token or "")
        pacer = self._pacers.get(key)
        if pacer is None:
            pacer = self._pacers[key] = Pacer(per_minute=TIERS.get(url.rsplit("/", 1)[-1]))
        return pacer


class PacedOut(SlackClientError):
    """Slack asked this method to wait longer than ``MAX_WAIT``: the call was not made."""


class PacedWebClient(AsyncWebClient):
    """A Web API client whose calls wait for their method's pace in ``pacers`` (see the module's docstring)."""

    def __init__(self, *, pacers: Pacers, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacers = pacers

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        pacer = self.pacers.pacer_for(urljoin(self.base_url, api_method), self.token)
        now = time.monotonic()
        if pacer.blocked_until - now > MAX_WAIT:
            raise PacedOut(f"{api_method}: Slack asked to wait {pacer.blocked_until - now:.0f} s")
        wait = pacer.reserve(now)
        if wait > 0:
            await asyncio.sleep(wait)
        response = await super().api_call(api_method, **kwargs)
        pacer.succeeded(time.monotonic())
        return response


def paced(client: AsyncWebClient, pacers: Pacers) -> AsyncWebClient:
    """The same client, paced (Bolt builds a plain ``AsyncWebClient`` for each request, with our retry handlers)."""
    if isinstance(client, PacedWebClient):
        return client
    wrapped = PacedWebClient(
        pacers=pacers,
        token=client.token,
        base_url=client.base_url,
        session=client.session,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        trust_env_in_session=client.trust_env_in_session,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )
    wrapped.default_params = dict(client.default_params)
    return wrapped


def _bearer(request: HttpRequest) -> str:
    for name, values in request.headers.items():
        if name.lower() == "authorization" and values:
            return str(values[0]).removeprefix("Bearer ")
    return ""


class PacingRateLimitHandler(AsyncRetryHandler):
    """On a 429, tells the method's pacer in ``pacers`` (which learns from it), then retries the call once
    ``Retry-After`` has passed, unless that is more than ``MAX_WAIT`` away (the call then fails with Slack's
    ``ratelimited``)."""

    def __init__(self, pacers: Pacers, *, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.pacers = pacers

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        pacer = self.pacers.pacer_for(request.url.split("?", 1)[0], _bearer(request))
        now = time.monotonic()
        pacer.limited(now, _retry_after(response))
        return pacer.blocked_until - now <= MAX_WAIT

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        pacer = self.pacers.pacer_for(request.url.split("?", 1)[0], _bearer(request))
        state.next_attempt_requested = True
        await asyncio.sleep(max(0.0, pacer.blocked_until - time.monotonic()) + 0.01)
        state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> float:
    """Slack's ``Retry-After`` in seconds (1 if missing or not a finite number)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            with contextlib.suppress(ValueError):
                seconds = float(values[0])
                if math.isfinite(seconds):
                    return max(0.0, seconds)
    return 1.0
