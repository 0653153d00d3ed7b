"""*Edit profile* and *Join* buttons (in DMs, ephemeral replies and the Home tab): open the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.deps import deps
from handlers.common import open_optin


async def handle_edit_profile(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    team_id = (body.get("team") or {}).get("id") or body["user"]["team_id"]
    enrolment = await participation.current(deps(context).db, team_id=team_id, user_id=body["user"]["id"])
    await open_optin(client, trigger_id=body["trigger_id"], enrolment=enrolment)


handle_join = handle_edit_profile
