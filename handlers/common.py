"""Small pieces several handlers share: who is asking, and opening the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.participation import Enrolment
from bot.slack import try_call
from prompts.optin import optin_modal


def team_and_user(body: dict[str, Any]) -> tuple[str, str]:
    """``(team_id, user_id)`` of an interactivity payload (block_actions, view_submission)."""
    user = body["user"]
    return (body.get("team") or {}).get("id") or user["team_id"], user["id"]


async def open_optin(
    client: AsyncWebClient, *, trigger_id: str, enrolment: Enrolment, answers: dict[str, Any] | None = None
) -> bool:
    """Open the modal, pre-filled with ``answers`` or else the person's saved ones (editing, coming back).

    False if Slack refused (an expired trigger, say), so the caller can say so.
    """
    program, p = enrolment.program, enrolment.participant
    assert program.id is not None
    if answers is None and p is not None:
        answers = p.answers()
    view = optin_modal(program_id=program.id, program_name=program.name, objectives=program.objectives, answers=answers)
    return await try_call(client.views_open(trigger_id=trigger_id, view=view), what="views.open") is not None
