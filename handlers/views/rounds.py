"""*Publish* in the preview modal: admins only; the modal turns into "publishing…" at once, then shows what was
sent. Publishing twice (a double click, two admins) publishes and sends once."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import rounds
from bot.admins import is_admin
from bot.home import publish_home, refresh_homes
from bot.outbox.deliver import deliver
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, team_and_user
from prompts.participants import NOT_ADMIN
from prompts.rounds import message_modal, publish_outcome_text, published_text, publishing_modal


async def handle_publish(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    if not await is_admin(deps(context), client, team_id=team_id, user_id=user_id, before_ack=True):
        await ack(response_action="update", view=message_modal("Preview matches", NOT_ADMIN))
        return
    round_id = parse_id(view.get("private_metadata")) or 0
    found = await rounds.load_round(deps(context), team_id=team_id, round_id=round_id)
    await ack(response_action="update", view=publishing_modal(found.program.name if found else ""))
    result = await rounds.publish(deps(context), team_id=team_id, round_id=round_id, actor_id=user_id)
    if result.outcome != rounds.PublishOutcome.PUBLISHED:
        text = publish_outcome_text(result.outcome, result.program_name)
    else:
        delivered = await deliver(deps(context), client, team_id=team_id, keys=result.keys)
        text = published_text(
            program_name=result.program_name,
            pairs=result.pairs,
            unmatched=result.unmatched,
            sent=delivered.sent,
            failed=delivered.failed,
        )
    await try_call(client.views_update(view_id=view["id"], view=message_modal("Published", text)), what="views.update")
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
    if result.outcome == rounds.PublishOutcome.PUBLISHED:
        await refresh_homes(client, deps(context), team_id=team_id, user_ids=result.people, skip=user_id)
