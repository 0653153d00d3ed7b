"""Acks first: follow-up work yields to Slack requests that are still waiting for their ack.

Slack gives each request 3 s to be acknowledged; the work after an ack (Web API calls, database writes) has no
such deadline. When a burst arrives, follow-up work of the first requests would otherwise share the event loop
with the parsing and acking of the later ones. The HTTP server counts requests not yet answered; handlers call
:meth:`AckGate.wait_idle` right after ``ack()``, which returns once none are pending, or after ``max_wait``.
(In Socket Mode nothing is counted, so it returns at once.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

POLL_SECONDS = 0.005


class AckGate:
    def __init__(self, max_wait: float = 0.5) -> None:
        self.max_wait = max_wait
        self.pending = 0

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Wrap the handling of one incoming request, up to its HTTP response (the ack)."""
        self.pending += 1
        try:
            yield
        finally:
            self.pending -= 1

    async def wait_idle(self) -> None:
        deadline = time.monotonic() + self.max_wait
        while self.pending and time.monotonic() < deadline:  # noqa: ASYNC110 (an Event would tie the gate to one loop)
            await asyncio.sleep(POLL_SECONDS)


pending_acks = AckGate()
