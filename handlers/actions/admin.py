"""Admin buttons on the Home tab. Each one checks, on the server, that the clicker is an admin."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.admins import is_admin
from bot.deps import deps
from bot.home import publish_home
from bot.programs import announce, program_fields
from bot.slack import try_call
from handlers.common import team_and_user
from prompts.messages import not_admin_reply
from prompts.program import AUDIT_MODAL_ENTRIES, audit_modal, settings_modal
from storage import repositories as repo


async def handle_edit_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    if not await is_admin(deps(context), client, team_id=team_id, user_id=user_id):
        reply = not_admin_reply()
        await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="chat.postMessage")
        return
    enrolment = await participation.current(deps(context).db, team_id=team_id, user_id=user_id)
    view = settings_modal(program_fields(enrolment.program))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_announce(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    if not await is_admin(deps(context), client, team_id=team_id, user_id=user_id):
        reply = not_admin_reply()
    else:
        reply = await announce(deps(context), client, team_id=team_id, actor_id=user_id)
        await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
    await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="chat.postMessage")


async def handle_audit_log(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    if not await is_admin(deps(context), client, team_id=team_id, user_id=user_id):
        reply = not_admin_reply()
        await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="chat.postMessage")
        return
    async with deps(context).db.read() as session:
        entries = await repo.audit_entries(session, team_id=team_id, limit=AUDIT_MODAL_ENTRIES)
    view = audit_modal([entry.model_dump() for entry in entries])
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")
