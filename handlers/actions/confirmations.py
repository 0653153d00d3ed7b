"""The *Leave* and *Erase my data* confirmation buttons, and *Cancel*; each replaces the ephemeral question."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.errors import NotEnrolledError
from bot.home import publish_home
from bot.slack import try_call
from handlers.common import program_id_of, team_and_user
from prompts import messages
from prompts.blocks import Reply


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
    db = deps(context).db
    from_message = bool(body.get("response_url"))
    try:
        left = await participation.leave(db, team_id=team_id, user_id=user_id, program_id=program_id_of(action))
    except NotEnrolledError:
        if from_message:
            await _answer(respond, messages.not_enrolled_reply())
        await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
        return
    if from_message:
        await _answer(respond, messages.left_reply([e.program.name for e in left]))
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)


async def handle_confirm_delete(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    db = deps(context).db
    erased = await participation.erase(db, team_id=team_id, user_id=user_id)
    await _answer(respond, messages.deleted_reply() if erased else messages.nothing_to_delete_reply())
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)


async def handle_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
    await ack()
    await _answer(respond, messages.cancelled_reply())
