"""Publishing a person's Home tab: after anything that changes what it shows, and on ``app_home_opened``.

Admins (see :mod:`bot.admins`) also see every program with its headline figures, settings and buttons.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.admins import is_admin
from bot.deps import Deps
from bot.participation import Enrolment
from bot.programs import program_fields
from bot.slack import try_call
from prompts.home import home_view
from prompts.program import admin_section
from storage import repositories as repo

logger = logging.getLogger(__name__)


def employee_programs(enrolments: list[Enrolment]) -> list[dict[str, Any]]:
    """The programs as the employee part of Home and ``/mentor status`` show them."""
    shown = []
    for e in enrolments:
        p = e.participant
        shown.append(
            {
                **program_fields(e.program),
                "my_state": p.state if p else None,
                "paused_until": p.paused_until if p else None,
            }
        )
    return shown


async def publish_home(client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str) -> None:
    seen = await participation.overview(deps.db, team_id=team_id, user_id=user_id)
    latest = participation.latest_profile(seen.enrolments)
    view = home_view(
        programs=employee_programs(seen.enrolments),
        answers=latest.answers() if latest else None,
        timezone=latest.timezone if latest else None,
    )
    if await is_admin(deps, client, team_id=team_id, user_id=user_id, promoted=seen.promoted_admin):
        async with deps.db.read() as session:
            counts = await repo.counts_by_program(session, team_id=team_id)
            audit = [entry.model_dump() for entry in await repo.audit_entries(session, team_id=team_id)]
        view["blocks"] += admin_section([program_fields(p) for p in seen.programs], counts, audit)
    await try_call(client.views_publish(user_id=user_id, view=view), what="views.publish")


async def refresh_program_homes(
    client: AsyncWebClient, deps: Deps, *, team_id: str, program_id: int, skip: str = ""
) -> int:
    """Republish the Home tab of everyone in a program after an admin changed what it shows (settings, state).

    Runs after the ack, one person at a time so Slack's rate limits (honoured by the client's retry handler) are
    never hit in a burst. A restart part-way leaves the rest to ``app_home_opened``, which republishes anyway.
    """
    async with deps.db.read() as session:
        members = await repo.members_of_program(session, team_id=team_id, program_id=program_id)
    done = 0
    for user_id in members:
        if user_id != skip:
            await publish_home(client, deps, team_id=team_id, user_id=user_id)
            done += 1
    if done:
        logger.info("Refreshed the Home tab of %d people in program %s of %s", done, program_id, team_id)
    return done
