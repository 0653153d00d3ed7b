"""Admin buttons on the Home tab (admins only, on the server: :mod:`handlers.access`). The program a button's value
names must belong to the clicker's workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import programs
from bot.home import publish_home
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, program_id_of, team_and_user, tell
from prompts.programs import (
    AUDIT_MODAL_ENTRIES,
    audit_modal,
    move_result_reply,
    program_gone_reply,
    settings_modal,
)


async def handle_edit_settings(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, _ = team_and_user(body)
    fields = await programs.settings_of(deps(context), team_id=team_id, program_id=program_id_of(action))
    if fields is None:
        await tell(client, None, body, program_gone_reply())
        return
    view = settings_modal(fields, version=programs.settings_version(fields))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_new_program(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    await ack()
    view = settings_modal(programs.default_fields(datetime.now(UTC).date()))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_move_program(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Open, start or end a program (Slack asked the admin to confirm first). Value: ``id:from:to``."""
    await ack()
    team_id, user_id = team_and_user(body)
    raw_id, _, states = str(action.get("value") or "").partition(":")
    from_state, _, to_state = states.partition(":")
    moved = await programs.move_program(
        deps(context),
        client,
        team_id=team_id,
        actor_id=user_id,
        program_id=parse_id(raw_id) or 0,
        from_state=from_state,
        to_state=to_state,
    )
    if moved is None:
        await tell(client, None, body, program_gone_reply())
        return
    await tell(client, None, body, move_result_reply(moved.program_name, to_state, moved.outcome))
    await programs.after_move(deps(context), client, moved, team_id=team_id, actor_id=user_id)


async def handle_announce(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    reply = await programs.announce_program(
        deps(context), client, team_id=team_id, actor_id=user_id, program_id=program_id_of(action) or 0
    )
    await tell(client, None, body, reply)


async def handle_audit_log(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, _ = team_and_user(body)
    entries = await programs.audit_log(deps(context), team_id=team_id, limit=AUDIT_MODAL_ENTRIES)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=audit_modal(entries)), what="views.open")


async def handle_refresh_home(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*Refresh*: the latest figures (the Home tab is also republished each time it is opened)."""
    await ack()
    team_id, user_id = team_and_user(body)
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
