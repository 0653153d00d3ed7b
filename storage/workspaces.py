"""Workspaces (installed, uninstalled) and the de-duplication of Slack's retries (Events API events, and
interactions: clicks, form submissions, shortcuts, slash commands).

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SlackEvent, Workspace, utcnow
from storage.sql import dialect_insert, insert_ignoring_conflict


async def ensure_workspace(session: AsyncSession, *, team_id: str) -> None:
    """Record the workspace as installed and active (at start-up, once Slack has accepted its bot token)."""
    inserted = await insert_ignoring_conflict(
        session, Workspace, {"team_id": team_id, "installed_at": utcnow()}, ["team_id"]
    )
    if not inserted:
        await session.exec(
            update(Workspace)
            .where(col(Workspace.team_id) == team_id, col(Workspace.active).is_(False))
            .values(active=True, deactivated_at=None)
        )


async def deactivate_workspace(session: AsyncSession, *, team_id: str) -> None:
    await insert_ignoring_conflict(session, Workspace, {"team_id": team_id, "installed_at": utcnow()}, ["team_id"])
    await session.exec(
        update(Workspace).where(col(Workspace.team_id) == team_id).values(active=False, deactivated_at=utcnow())
    )


async def active_workspace_ids(session: AsyncSession) -> set[str]:
    return set((await session.exec(select(Workspace.team_id).where(col(Workspace.active).is_(True)))).all())


async def record_event_once(session: AsyncSession, *, team_id: str, event_id: str) -> bool:
    """True the first time an Events API ``event_id`` is seen, False for Slack's retries of it."""
    return await insert_ignoring_conflict(
        session, SlackEvent, {"event_id": event_id, "team_id": team_id, "received_at": utcnow()}, ["event_id"]
    )


def interaction_key(*, team_id: str, trigger_id: str) -> str:
    """An interaction's row in ``slack_event``: a digest of its workspace and its ``trigger_id`` (unique to each
    interaction), 64 hex digits whatever their lengths, and never an Events API id (those start with "Ev")."""
    return hashlib.sha256(f"{team_id}:{trigger_id}".encode()).hexdigest()


async def record_interaction_once(session: AsyncSession, *, team_id: str, trigger_id: str) -> bool:
    """True the first time an interaction is recorded, False for Slack's retries of it (one insert)."""
    key = interaction_key(team_id=team_id, trigger_id=trigger_id)
    return await record_event_once(session, team_id=team_id, event_id=key)


async def record_interactions(session: AsyncSession, *, interactions: Sequence[tuple[str, str]]) -> None:
    """Record many first deliveries at once (``(team_id, trigger_id)`` each; one statement, conflicts ignored)."""
    if not interactions:
        return
    now = utcnow()
    rows = [
        {"event_id": interaction_key(team_id=team, trigger_id=trigger), "team_id": team, "received_at": now}
        for team, trigger in interactions
    ]
    await session.exec(
        dialect_insert(session, SlackEvent).values(rows).on_conflict_do_nothing(index_elements=["event_id"])
    )


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget handled events and interactions older than ``before`` (Slack stops retrying after minutes)."""
    result = await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount or 0)
