"""Admin buttons on the Home tab. Each one checks, on the server, that the clicker is an admin, and that the
program its value names belongs to the clicker's workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import recognition, results
from bot.home import publish_home, refresh_program_homes
from bot.outbox.deliver import deliver
from bot.programs import ProgramMove, announce, default_fields, move, program_fields, settings_version
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.access import admin_or_refuse
from handlers.common import parse_id, program_id_of, tell
from prompts.programs import (
    AUDIT_MODAL_ENTRIES,
    audit_modal,
    move_result_reply,
    program_gone_reply,
    settings_modal,
)
from storage import audit as audit_repo
from storage import programs as programs_repo
from storage.models import ProgramState


async def handle_edit_settings(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client, opens_view=True)) is None:
        return
    team_id, _ = who
    program_id = program_id_of(action)
    async with deps(context).db.read() as session:
        program = (
            await programs_repo.get_program(session, team_id=team_id, program_id=program_id) if program_id else None
        )
    if program is None:
        await tell(client, None, body, program_gone_reply())
        return
    fields = program_fields(program)
    view = settings_modal(fields, version=settings_version(fields))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_new_program(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if await admin_or_refuse(body, context, client, opens_view=True) is None:
        return
    view = settings_modal(default_fields(datetime.now(UTC).date()))
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_move_program(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Open, start or end a program (Slack asked the admin to confirm first). Value: ``id:from:to``."""
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, user_id = who
    raw_id, _, states = str(action.get("value") or "").partition(":")
    from_state, _, to_state = states.partition(":")
    program_id = parse_id(raw_id) or 0
    async with deps(context).db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    if program is None:
        await tell(client, None, body, program_gone_reply())
        return
    outcome = await move(
        deps(context),
        team_id=team_id,
        actor_id=user_id,
        program_id=program_id,
        from_state=from_state,
        to_state=to_state,
    )
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
    await tell(client, None, body, move_result_reply(program.name, to_state, outcome))
    if outcome == ProgramMove.MOVED and to_state == ProgramState.ENDED:
        # pairs that completed it together are celebrated; its chart and summary go to whoever ended it
        keys = await recognition.completions(deps(context), team_id=team_id, program_id=program_id)
        await deliver(deps(context), client, team_id=team_id, keys=keys)
        await results.send_files(
            deps(context), client, team_id=team_id, user_id=user_id, program_id=program_id, what="chart"
        )
    if outcome == ProgramMove.MOVED:
        await refresh_program_homes(client, deps(context), team_id=team_id, program_id=program_id, skip=user_id)


async def handle_announce(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, user_id = who
    reply = await announce(
        deps(context), client, team_id=team_id, actor_id=user_id, program_id=program_id_of(action) or 0
    )
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
    await tell(client, None, body, reply)


async def handle_audit_log(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    if (who := await admin_or_refuse(body, context, client, opens_view=True)) is None:
        return
    team_id, _ = who
    async with deps(context).db.read() as session:
        entries = await audit_repo.audit_entries(session, team_id=team_id, limit=AUDIT_MODAL_ENTRIES)
    view = audit_modal([entry.model_dump() for entry in entries])
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_refresh_home(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*Refresh*: the latest figures (the Home tab is also republished each time it is opened)."""
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, user_id = who
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
