"""The roster modal: open it, search, page, and act on a person. Every step is for admins only, checked on the
server (:mod:`handlers.access`)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import roster
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, program_id_of, team_and_user
from prompts.roster import ACTION_SEARCH, SEARCH_BLOCK, gone_modal, person_result


def _position(body: dict[str, Any]) -> tuple[int, int, str]:
    """Program, page and search of the roster modal the click came from."""
    try:
        meta = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
        return int(meta.get("program_id", 0)), int(meta.get("page", 0)), str(meta.get("query", ""))
    except (ValueError, TypeError, AttributeError):
        return 0, 0, ""


async def _roster(
    context: AsyncBoltContext, team_id: str, *, program_id: int, page: int, query: str, notice: str = ""
) -> dict[str, Any]:
    view = await roster.roster_view(
        deps(context), team_id=team_id, program_id=program_id, page=page, query=query, notice=notice
    )
    return view if view is not None else gone_modal()


async def _show(
    client: AsyncWebClient, context: AsyncBoltContext, body: dict[str, Any], *, page: int, query: str, notice: str = ""
) -> None:
    team_id, _ = team_and_user(body)
    program_id, _, _ = _position(body)
    view = await _roster(context, team_id, program_id=program_id, page=page, query=query, notice=notice)
    current = body.get("view") or {}
    await try_call(
        client.views_update(view_id=current.get("id"), hash=current.get("hash"), view=view), what="views.update"
    )


async def handle_open_roster(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, _ = team_and_user(body)
    view = await _roster(context, team_id, program_id=program_id_of(action) or 0, page=0, query="")
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_search(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    await _show(client, context, body, page=0, query=(action.get("value") or "").strip())


async def handle_page(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    try:
        wanted = json.loads(action.get("value") or "{}")
        page, query = int(wanted.get("page", 0)), str(wanted.get("query", ""))
    except (ValueError, TypeError, AttributeError):
        _, page, query = _position(body)
    await _show(client, context, body, page=page, query=query)


async def handle_person(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    chosen = (action.get("selected_option") or {}).get("value") or action.get("value") or ""  # menu, or button
    verb, _, raw_id = str(chosen).partition(":")
    participant_id = parse_id(raw_id)
    if participant_id is None:
        return
    person, outcome = await roster.act(
        deps(context), client, team_id=team_id, actor_id=user_id, verb=verb, participant_id=participant_id
    )
    _, page, query = _position(body)
    notice = person_result(person, outcome) if person else "That person is no longer in this program."
    await _show(client, context, body, page=page, query=query, notice=notice)


async def handle_roster_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The modal's *Search* button: show the first page of the matches in place."""
    team_id, _ = team_and_user(body)
    value = ((view["state"]["values"].get(SEARCH_BLOCK) or {}).get(ACTION_SEARCH) or {}).get("value") or ""
    program_id, _, _ = _position(body)
    new_view = await _roster(context, team_id, program_id=program_id, page=0, query=value.strip())
    await ack(response_action="update", view=new_view)
