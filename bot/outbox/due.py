"""Scheduled work, computed from the database: whatever is due at ``now`` (used by the scheduler and run-due)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot import participants
from bot.checkins import enqueue_due
from bot.home import publish_home
from bot.outbox.deliver import deliver
from bot.outbox.reconcile import reconcile_due
from bot.runtime.context import Deps
from bot.slack.client import try_call
from prompts.participants import auto_resumed_dm
from storage import workspaces as workspaces_repo

EVENT_IDS_KEPT = timedelta(days=1)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueReport:
    resumed: int
    messages_sent: int


async def run_due(deps: Deps, client: AsyncWebClient, *, now: datetime, team_id: str | None = None) -> DueReport:
    """Forget old event ids; resume people of ``team_id`` (every active workspace when None) whose pause has ended
    and tell them; enqueue what the meeting rhythm
    owes (check-ins, nudges, stalled-pair questions), look up what Slack may have posted
    (:mod:`bot.outbox.reconcile`) and send the outbox of ``team_id`` (the bot token's workspace; every active one
    when None).

    Each resume is claimed in the database first, so two runners at the same instant cannot both send the DM.
    """
    db = deps.db
    async with db.session() as session:
        await workspaces_repo.prune_events(session, before=now - EVENT_IDS_KEPT)
    async with db.read() as session:
        workspaces = await workspaces_repo.active_workspace_ids(session)
    if team_id is not None:  # the client's token speaks for one workspace: only its people and messages
        workspaces &= {team_id}
    resumed = await participants.resume_due(db, now=now, team_ids=workspaces)
    people: dict[tuple[str, str, date], list[str]] = {}
    for person in resumed:  # one DM per person and date, naming every program they're back in
        people.setdefault((person.team_id, person.user_id, person.until), []).append(person.program_name)
    sent = 0
    for (team_id, user_id, until), names in people.items():
        reply = auto_resumed_dm(until, names)
        if await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="resume DM"):
            sent += 1
        await publish_home(client, deps, team_id=team_id, user_id=user_id)
    for workspace in sorted(workspaces):  # the meeting rhythm, and what a network error or rate limit left
        await enqueue_due(deps, team_id=workspace, now=now)
        await reconcile_due(deps, client, team_id=workspace)  # what Slack may have posted: found, or sent now
        sent += (await deliver(deps, client, team_id=workspace)).sent
    if resumed:
        logger.info("run-due at %s: %d resumed, %d told", now.isoformat(), len(resumed), sent)
    return DueReport(resumed=len(resumed), messages_sent=sent)
