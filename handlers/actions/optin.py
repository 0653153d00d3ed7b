"""*Edit profile*, *Join* and *Try again* buttons (DMs, ephemeral replies, the Home tab): open the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants
from bot.optin import answers_from_json, program_id_from_json
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import open_optin, optin_view, parse_id, program_id_of, team_and_user, tell
from prompts.participants import ACTION_JOIN


async def _open_form(
    body: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
    *,
    program_id: int | None,
    answers: dict[str, Any] | None = None,
    joining: bool = False,
) -> None:
    team_id, user_id = team_and_user(body)
    enrolments = await participants.programs_for(deps(context), team_id=team_id, user_id=user_id)
    failed = await open_optin(
        client,
        trigger_id=body["trigger_id"],
        enrolments=enrolments,
        program_id=program_id,
        answers=answers,
        joining=joining,
    )
    if failed is not None:
        await tell(client, respond, body, failed)


async def handle_open_form(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """The button's value names the program (Home tab); without one, the form picks the likeliest (for *Join*,
    a program the person isn't in yet)."""
    await ack()
    joining = action.get("action_id") == ACTION_JOIN
    await _open_form(body, respond, context, client, program_id=program_id_of(action), joining=joining)


async def handle_retry_form(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """Reopen the form with the answers whose saving failed (carried in the button's value)."""
    await ack()
    value = action.get("value", "")
    await _open_form(
        body, respond, context, client, program_id=program_id_from_json(value), answers=answers_from_json(value)
    )


async def handle_program_switch(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Another program picked in the form's menu: show its name, objectives and topics. What the person already
    typed stays, since every input keeps its block and action ids (Slack preserves them on views.update)."""
    await ack()
    team_id, user_id = team_and_user(body)
    program_id = parse_id((action.get("selected_option") or {}).get("value"))
    enrolments = await participants.programs_for(deps(context), team_id=team_id, user_id=user_id)
    view = optin_view(enrolments, program_id=program_id)
    current = body.get("view") or {}
    if view is not None and current.get("id"):
        await try_call(
            client.views_update(view_id=current["id"], hash=current.get("hash"), view=view), what="views.update"
        )
