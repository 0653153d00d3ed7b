"""Acks first: follow-up work yields to Slack requests that are still waiting for their ack.

Slack gives each request 3 s to be acknowledged; the work after an ack (Web API calls, database writes) has no
such deadline. When a burst arrives, follow-up work of the first requests would otherwise share the event loop
with the parsing and acking of the later ones. The app's gate is ``AppState.acks`` (:mod:`bot.runtime.state`): the
HTTP server counts requests not yet answered; handlers call :meth:`AckGate.wait_idle` right after ``ack()``, which
returns once none are pending, or after ``max_wait``. (In Socket Mode nothing is counted, so it returns at once.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class AckGate:
    def __init__(self, max_wait: float = 0.5) -> None:
        self.max_wait = max_wait
        self.pending = 0
        self._idle: asyncio.Future[None] | None = None  # resolved when pending reaches 0; made per event loop

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Wrap the handling of one incoming request, up to its HTTP response (the ack)."""
        self.pending += 1
        try:
            yield
        finally:
            self.pending -= 1
            if self.pending == 0:
                self._release()

    def _release(self) -> None:
        idle, self._idle = self._idle, None
        if idle is not None and not idle.done() and not idle.get_loop().is_closed():
            idle.set_result(None)

    async def wait_idle(self) -> None:
        """Return once no request waits for its ack, or after ``max_wait``. Waiters sleep on one future instead
        of polling, so a backlog of follow-up work costs the event loop nothing while acks are pending."""
        if not self.pending:
            return
        loop = asyncio.get_running_loop()
        if self._idle is None or self._idle.done() or self._idle.get_loop() is not loop:
            self._idle = loop.create_future()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._idle), self.max_wait)
