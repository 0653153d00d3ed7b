"""The Home tab's *Results* buttons: *Export CSV* and *Chart*, sent to the admin's DM (admins only, on the server:
:mod:`handlers.access`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import results
from bot.runtime.context import deps
from handlers.common import program_id_of, team_and_user, tell
from prompts.results import ACTION_EXPORT, results_failed_reply


async def handle_results_file(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    what = "export" if action["action_id"] == ACTION_EXPORT else "chart"
    sent = await results.send_files(
        deps(context), client, team_id=team_id, user_id=user_id, program_id=program_id_of(action) or 0, what=what
    )
    if not sent:
        await tell(client, None, body, results_failed_reply())
