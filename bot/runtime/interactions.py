"""Slack's retries of an interaction (a click, a form submission, a shortcut, a slash command) are handled once.

Slack resends a request it got no answer to in time, marked ``X-Slack-Retry-Num``; an interaction carries a
``trigger_id`` unique to it, which identifies the retry. Events are de-duplicated by their ``event_id`` before
their listener runs (:mod:`bot.runtime.app`); interactions cannot afford that write: their ack has Slack's 3 s, and
on SQLite every write queues behind the process's other writes (``storage.db``), so a database write before every
ack would make one slow write delay every click and form. Hence:

* **First delivery** (no retry header): remembered in this process at once (:class:`RecentInteractions`, free),
  and recorded in the database (``slack_event``) in the background, after pending acks: the records of a burst
  are written together, one statement in one transaction (a write each would keep SQLite's write lock busy
  through the next burst: ``bench/ack_latency.py`` measured 24 ms → 96 ms p99 for ``/mentor status`` at 50).
* **A retry**: dropped if this process remembers the interaction; otherwise recorded now (one insert, only for
  retries, which are rare and already late) and dropped if the record was there: another replica, or this process
  before a restart, handled it.
* **A repeat without a retry header** that this process remembers is dropped too: Slack never sends one.

The one case left is a retry reaching another replica before the first delivery's record is committed: that takes
milliseconds after the ack, and Slack retries 3 s after the first delivery at the earliest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from storage import workspaces as workspaces_repo
from storage.db import DatabaseError

if TYPE_CHECKING:
    from bot.runtime.context import Deps

logger = logging.getLogger(__name__)

KEEP_SECONDS = 15 * 60  # Slack's last retry comes minutes after the first delivery
MAX_REMEMBERED = 100_000  # beyond this many in KEEP_SECONDS, the oldest are forgotten early (the database remains)


class RecentInteractions:
    """The interactions this process received in the last :data:`KEEP_SECONDS`, oldest first, and the database
    records of first deliveries still to be written."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}  # (team, trigger_id) → monotonic time; insertion-ordered
        self._queued: list[tuple[str, str]] = []  # first deliveries not yet recorded in the database
        self._writer: asyncio.Task[None] | None = None  # held while it runs: the loop keeps only weak references

    def first_sighting(self, team_id: str, trigger_id: str) -> bool:
        """True the first time this process sees the interaction (and remember it), False afterwards."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= MAX_REMEMBERED or next(iter(self._seen.values())) < now - KEEP_SECONDS
        ):
            del self._seen[next(iter(self._seen))]
        if (team_id, trigger_id) in self._seen:
            return False
        self._seen[(team_id, trigger_id)] = now
        return True

    def record_later(self, deps: Deps, team_id: str, trigger_id: str) -> None:
        """Queue the first delivery's database record; one writer task writes whatever is queued."""
        self._queued.append((team_id, trigger_id))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(deps))

    async def _write(self, deps: Deps) -> None:
        while self._queued:
            await deps.state.acks.wait_idle()
            batch, self._queued = self._queued, []
            try:
                async with deps.db.session() as session:
                    await workspaces_repo.record_interactions(session, interactions=batch)
            except DatabaseError as exc:  # the interactions are handled anyway; only another replica's dedup is weaker
                logger.warning("Could not record %d interaction(s) (%s)", len(batch), type(exc).__name__)


async def handle_once(deps: Deps, *, team_id: str, trigger_id: str, retry: bool) -> bool:
    """Whether to handle this delivery of an interaction (see the module's docstring)."""
    recent = deps.state.interactions
    if not recent.first_sighting(team_id, trigger_id):
        return False
    if not retry:
        recent.record_later(deps, team_id, trigger_id)
        return True
    async with deps.db.session() as session:
        return await workspaces_repo.record_interaction_once(session, team_id=team_id, trigger_id=trigger_id)
