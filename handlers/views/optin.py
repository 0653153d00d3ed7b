"""The opt-in modal's submission: validate, save, close the modal; then the time zone, the DM and the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.home import publish_enrolment
from bot.profile import profile_from_state
from bot.slack import try_call, user_timezone
from handlers.common import team_and_user
from prompts.messages import profile_saved_dm
from prompts.optin import program_id_from_metadata


async def handle_optin_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    profile, errors = profile_from_state(view["state"]["values"], user_id=user_id)
    if profile is None:
        await ack(response_action="errors", errors=errors)
        return
    db = deps(context).db
    # Saved before the ack (one short write) so that nothing typed is lost if anything after it fails.
    program_id = program_id_from_metadata(view.get("private_metadata", ""))
    enrolment, joined = await participation.save_profile(
        db, team_id=team_id, user_id=user_id, program_id=program_id, profile=profile
    )
    await ack()
    tz, tz_offset = await user_timezone(client, user_id)
    enrolment = await participation.update_timezone(db, enrolment=enrolment, timezone=tz, tz_offset=tz_offset)
    dm = profile_saved_dm(program_name=enrolment.program.name, answers=profile.answers(), timezone=tz, joined=joined)
    await try_call(client.chat_postMessage(channel=user_id, **dm.as_kwargs()), what="chat.postMessage")
    await publish_enrolment(client, user_id=user_id, enrolment=enrolment)
