"""Admin buttons on the Home tab. Each one checks, on the server, that the clicker is an admin."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from bot.home import publish_home
from bot.programs import announce, program_fields
from bot.slack import try_call
from handlers.admin_guard import admin_or_refuse
from prompts.program import AUDIT_MODAL_ENTRIES, audit_modal, settings_modal
from storage import repositories as repo


async def handle_edit_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, user_id = who
    enrolment = await participation.current(deps(context).db, team_id=team_id, user_id=user_id)
    view = settings_modal(program_fields(enrolment.program))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_announce(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, user_id = who
    reply = await announce(deps(context), client, team_id=team_id, actor_id=user_id)
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
    await try_call(client.chat_postMessage(channel=user_id, **reply.as_kwargs()), what="chat.postMessage")


async def handle_audit_log(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, _ = who
    async with deps(context).db.read() as session:
        entries = await repo.audit_entries(session, team_id=team_id, limit=AUDIT_MODAL_ENTRIES)
    view = audit_modal([entry.model_dump() for entry in entries])
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")
