"""Messages whose fate is unknown: Slack may or may not have posted them (it answered 500 or timed out mid-post, see
:mod:`bot.outbox.outcomes`), so they were not sent again blindly.

Every outbox post carries its key in the message's metadata (:func:`tagged`, event type ``mentor_outbox``). A later
run (:func:`reconcile_due`, from ``run-due``) looks each such message up in its conversation's history, from a
little before it was claimed (:func:`reconcile`, one message): found, it is marked sent with its ``ts``; not found,
it goes back to pending and the same run sends it, once; history unreadable (a missing scope, an error), it is left
as it was and logged. Each change is a compare-and-set on what was read, so two runners, or a click on the message
meanwhile (:func:`bot.checkins.answer_checkin`), settle it once.

Only messages posted in a pair's group DM are looked up (introductions, check-ins, nudges, half-way and last-day
messages): reading that conversation's history needs ``mpim:history``. The app asks for no scope to read DMs or
channels, so a DM or a celebration Slack may have posted stays uncertain, as before (admins see the count on Home).
What the history holds besides the app's own message is read only to be skipped: nothing else is kept or logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.outbox.kinds import PAYLOADS, Audience, pair_id_of, recipient_of
from bot.outbox.outcomes import MAX_ATTEMPTS, TOKEN_GONE
from bot.runtime.context import Deps
from bot.slack.client import SLACK_FAILURES, slack_error
from bot.slack.pacing import PacedWebClient, paced
from storage import outbox
from storage import rounds as rounds_repo
from storage.models import Outbox, OutboxState, utcnow

logger = logging.getLogger(__name__)

EVENT_TYPE = "mentor_outbox"  # the metadata's event type on every outbox post
SETTLE = timedelta(minutes=15)  # after its batch was claimed (a batch is done well within that), Slack has settled
WITHIN = timedelta(days=2)  # messages claimed longer ago are left as they are (a late resend is no longer useful)
MARGIN = timedelta(minutes=2)  # looked up from this long before the claim (clocks differ)
PAGE = 15  # messages a history page (what Slack allows every kind of app)
PAGES = 4  # pages read at most; a message not found in them is left as it was
PER_RUN = 20  # messages looked up a run and workspace
LOOKED_UP = frozenset(kind for kind, payload in PAYLOADS.items() if payload.audience == Audience.PAIR)
# history answers that no other conversation would answer differently: the rest of the run waits for the next one
NO_ACCESS = frozenset({"missing_scope", "not_allowed_token_type", *TOKEN_GONE})


class Fate(StrEnum):
    """What a look-up found for a message whose fate was unknown."""

    POSTED = "posted"  # in its conversation: marked sent
    NOT_POSTED = "not_posted"  # not there: pending again, sent by the next delivery
    UNKNOWN = "unknown"  # history unreadable, or the conversation unknown: left as it was
    CHANGED = "changed"  # settled or claimed meanwhile by someone else: left to them


def metadata(key: str) -> dict[str, Any]:
    """The message metadata an outbox post carries: its key, to find it in its conversation's history."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


class TaggedWebClient(PacedWebClient):
    """The same client (its session, pacing and retries), whose posts carry one outbox key in their metadata."""

    key: str

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        body = kwargs.get("json")
        if api_method == "chat.postMessage" and isinstance(body, dict):
            kwargs["json"] = {**body, "metadata": metadata(self.key)}
        return await super().api_call(api_method, **kwargs)


def tagged(client: AsyncWebClient, key: str, deps: Deps) -> AsyncWebClient:
    """``client`` (paced with the app's pacers), posting with ``key`` in each message's metadata: a view of the same
    client object (its attributes shared, nothing copied deeply), made for each message."""
    base = paced(client, deps.state.pacers)
    view = TaggedWebClient.__new__(TaggedWebClient)
    view.__dict__.update(base.__dict__)
    view.key = key
    return view


class _NoAccess(Exception):
    """The app can't read any conversation's history (a missing scope, its token): the run stops looking."""


async def reconcile(deps: Deps, client: AsyncWebClient, row: Outbox) -> Fate:
    """Settle one message whose fate is unknown, as read in ``row`` (failed ``uncertain: …``, or claimed by a process
    that died): find it in its conversation's history by its key, then mark it sent, or put it back to pending, or
    leave it. Raises :class:`_NoAccess` when no history can be read."""
    channel = await _conversation(deps, client, row)
    if channel is None:
        return Fate.UNKNOWN
    since = (row.claimed_at or row.created_at) - MARGIN
    try:
        found = await _find(client, channel=channel, key=row.key, since=since)
    except SLACK_FAILURES as exc:
        error = slack_error(exc)
        logger.warning("Outbox %s: history of %s unreadable (%s); left as it was", row.key, channel, error)
        if error in NO_ACCESS:
            raise _NoAccess(error) from exc
        return Fate.UNKNOWN
    if found.fate == Fate.UNKNOWN:
        logger.warning("Outbox %s: not in the last %d messages of %s; left as it was", row.key, PAGE * PAGES, channel)
        return Fate.UNKNOWN
    async with deps.db.session() as session:
        if found.fate == Fate.POSTED:
            changed = await outbox.settle(session, seen=row, state=OutboxState.SENT, channel_id=channel, ts=found.ts)
        else:
            changed = await outbox.settle(session, seen=row, state=OutboxState.PENDING)
    fate = found.fate if changed else Fate.CHANGED
    logger.info("Outbox %s: looked up in the history of %s: %s", row.key, channel, fate)
    return fate


async def reconcile_due(deps: Deps, client: AsyncWebClient, *, team_id: str) -> dict[Fate, int]:
    """Look up the workspace's messages Slack may have posted, once their attempt has settled (see the module);
    how many came to each fate. Those put back to pending are sent by the delivery that follows."""
    now = utcnow()
    async with deps.db.read() as session:
        rows = await outbox.uncertain_rows(
            session,
            team_id=team_id,
            kinds=sorted(LOOKED_UP),
            claimed=(now - WITHIN, now - SETTLE),
            below_attempts=MAX_ATTEMPTS,
            limit=PER_RUN,
        )
    found: dict[Fate, int] = {}
    for row in rows:
        try:
            fate = await reconcile(deps, client, row)
        except _NoAccess:
            break
        found[fate] = found.get(fate, 0) + 1
    return found


async def _conversation(deps: Deps, client: AsyncWebClient, row: Outbox) -> str | None:
    """The group DM a pair's message was posted in (opened again if it was never stored: the same conversation)."""
    recipient, pair_id = recipient_of(row), pair_id_of(row)
    if recipient is None or recipient.audience != Audience.PAIR or pair_id is None:
        return None
    async with deps.db.read() as session:
        pair = await rounds_repo.get_pair(session, team_id=row.team_id, pair_id=pair_id)
    if pair is None:
        return None
    if pair.channel_id:
        return pair.channel_id
    try:
        opened = await client.conversations_open(users=f"{pair.mentor_id},{pair.mentee_id}")
    except SLACK_FAILURES as exc:
        logger.warning("Outbox %s: its conversation could not be opened (%s)", row.key, slack_error(exc))
        return None
    return str(opened["channel"]["id"])


@dataclass(frozen=True)
class _Found:
    fate: Fate
    ts: str | None = None


async def _find(client: AsyncWebClient, *, channel: str, key: str, since: datetime) -> _Found:
    """The message carrying ``key`` in ``channel``'s history since ``since``: posted (its ``ts``), not posted (the
    whole history since then read), or unknown (longer than the pages read)."""
    cursor: str | None = None
    for _ in range(PAGES):
        page = await client.conversations_history(
            channel=channel, oldest=f"{since.timestamp():.6f}", limit=PAGE, include_all_metadata=True, cursor=cursor
        )
        for message in page.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("key") == key:
                return _Found(Fate.POSTED, str(message["ts"]))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or cursor is None:
            return _Found(Fate.NOT_POSTED)
    return _Found(Fate.UNKNOWN)
