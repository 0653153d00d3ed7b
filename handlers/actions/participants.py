"""What a person does about their own participation from a button: *Pause* and *Resume* (Home tab, for one program),
the *Leave* and *Erase my data* confirmations and *Cancel* (each replaces the ephemeral question)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants
from bot.runtime.context import deps
from bot.runtime.errors import NotEnrolledError
from bot.slack.client import try_call
from handlers.common import program_id_of, team_and_user, tell
from prompts import participants as participant_prompts
from prompts.blocks import Reply
from prompts.home import pause_modal
from prompts.participants import not_enrolled_reply


async def _answer(respond: AsyncRespond, reply: Reply) -> None:
    await try_call(respond(replace_original=True, response_type="ephemeral", **reply.as_kwargs()), what="respond")


async def handle_confirm_leave(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """From ``/mentor leave`` (replaces the question) or the Home tab (Slack asked to confirm; Home refreshes)."""
    await ack()
    team_id, user_id = team_and_user(body)
    left = await participants.leave_program(
        deps(context), client, team_id=team_id, user_id=user_id, program_id=program_id_of(action)
    )
    if body.get("response_url"):
        names = [e.program.name for e in left]
        await _answer(respond, participant_prompts.left_reply(names) if left else not_enrolled_reply())


async def handle_confirm_delete(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    erased = await participants.erase_data(deps(context), client, team_id=team_id, user_id=user_id)
    await _answer(
        respond, participant_prompts.deleted_reply() if erased else participant_prompts.nothing_to_delete_reply()
    )


async def handle_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
    await ack()
    await _answer(respond, participant_prompts.cancelled_reply())


async def handle_pause_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Open the pause modal for a program the person takes part in."""
    await ack()
    team_id, user_id = team_and_user(body)
    try:
        [target] = await participants.taking_part(
            deps(context), team_id=team_id, user_id=user_id, program_id=program_id_of(action) or 0
        )
    except NotEnrolledError:
        await tell(client, None, body, not_enrolled_reply())
        return
    view = pause_modal(program_id=target.program.id or 0, program_name=target.program.name)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_resume_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    try:
        await participants.resume_and_show(
            deps(context), client, team_id=team_id, user_id=user_id, program_id=program_id_of(action), from_home=True
        )
    except NotEnrolledError:
        await tell(client, None, body, not_enrolled_reply())
