"""Workspaces (installed, uninstalled) and the de-duplication of Slack's Events API retries.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SlackEvent, Workspace, utcnow
from storage.sql import insert_ignoring_conflict


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


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget handled event ids older than ``before`` (Slack stops retrying after minutes)."""
    result = await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount or 0)
