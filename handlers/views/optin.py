"""The opt-in modal's submission: validate and ack (inline errors, or close the modal), then save, look up the
time zone, confirm by DM and refresh the Home tab (:func:`bot.participants.join`).

Saving happens after the ack so the ack stays fast under bursts (writes queue on SQLite). If saving fails, the
person gets their answers back by DM with a *Try again* button that reopens the form pre-filled: nothing typed is
lost.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants, surveys
from bot.optin import profile_from_state
from bot.runtime.context import deps
from handlers.common import chosen_program, team_and_user
from prompts.optin import ERRORS, PROGRAM, ROLE, program_id_from_metadata
from prompts.topics import program_topics


async def handle_optin_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    values = view["state"]["values"]
    program_id = chosen_program(values) or program_id_from_metadata(view.get("private_metadata", ""))
    program = await participants.joinable_program(deps(context), team_id=team_id, program_id=program_id)
    if program is None or program.id is None:
        error = {PROGRAM: ERRORS["program_closed"]} if PROGRAM in values else {ROLE: ERRORS["program_closed_only"]}
        await ack(response_action="errors", errors=error)
        return
    profile, errors = profile_from_state(values, user_id=user_id, catalogue=program_topics(program.topics))
    if profile is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await deps(context).state.acks.wait_idle()
    await participants.join(
        deps(context),
        client,
        team_id=team_id,
        user_id=user_id,
        program_id=program.id,
        profile=profile,
        baseline=surveys.baseline_level(values),
    )
