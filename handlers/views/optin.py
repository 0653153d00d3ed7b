"""The opt-in modal's submission: validate and ack (inline errors, or close the modal), then save, look up the
time zone, confirm by DM and refresh the Home tab.

Saving happens after the ack so the ack stays fast under bursts (writes queue on SQLite). If saving fails, the
person gets their answers back by DM with a *Try again* button that reopens the form pre-filled: nothing typed is
lost.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants, surveys
from bot.home import publish_home
from bot.optin import profile_from_state
from bot.runtime.context import deps
from bot.runtime.errors import DatabaseError, ProgramClosedError
from bot.slack.client import try_call, user_timezone
from handlers.common import chosen_program, team_and_user
from prompts.optin import ERRORS, PROGRAM, ROLE, program_id_from_metadata
from prompts.participants import profile_not_saved_dm, profile_saved_dm
from prompts.topics import program_topics

logger = logging.getLogger(__name__)


async def handle_optin_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    values = view["state"]["values"]
    db = deps(context).db
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
    try:
        enrolment, joined = await participants.save_profile(
            db, team_id=team_id, user_id=user_id, program_id=program.id, profile=profile
        )
    except (DatabaseError, OSError, ProgramClosedError):
        logger.exception("Could not save the opt-in answers of %s in %s", user_id, team_id)
        carried = {**profile.answers(), "program_id": program.id}
        dm = profile_not_saved_dm(
            answers=profile.answers(),
            answers_json=json.dumps(carried, ensure_ascii=False, separators=(",", ":")),
            program_id=program.id,
        )
        await try_call(client.chat_postMessage(channel=user_id, **dm.as_kwargs()), what="chat.postMessage")
        return
    if (level := surveys.baseline_level(values)) is not None and enrolment.participant is not None:
        await surveys.record_baseline(deps(context), person=enrolment.participant, level=level)  # the "before"
    tz, tz_offset = await user_timezone(client, deps(context).state.users, team_id=team_id, user_id=user_id)
    enrolment = await participants.update_timezone(db, enrolment=enrolment, timezone=tz, tz_offset=tz_offset)
    dm = profile_saved_dm(
        program_name=enrolment.program.name,
        answers=profile.answers(),
        timezone=tz,
        joined=joined,
        program_id=enrolment.program.id,
    )
    await try_call(client.chat_postMessage(channel=user_id, **dm.as_kwargs()), what="chat.postMessage")
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
