"""*Publish* in the preview modal: admins only (:mod:`handlers.access`); the modal turns into "publishing…" at once,
then shows what was sent. Publishing twice (a double click, two admins) publishes and sends once."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import rounds
from bot.home import refresh_after_change
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, team_and_user
from prompts.rounds import message_modal, publish_outcome_text, published_text, publishing_modal


async def handle_publish(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    round_id = parse_id(view.get("private_metadata")) or 0
    found = await rounds.load_round(deps(context), team_id=team_id, round_id=round_id)
    await ack(response_action="update", view=publishing_modal(found.program.name if found else ""))
    done = await rounds.publish_round(deps(context), client, team_id=team_id, round_id=round_id, actor_id=user_id)
    result = done.published
    if result.outcome != rounds.PublishOutcome.PUBLISHED:
        text = publish_outcome_text(result.outcome, result.program_name)
    else:
        text = published_text(
            program_name=result.program_name,
            pairs=result.pairs,
            unmatched=result.unmatched,
            sent=done.sent,
            failed=done.failed,
        )
    await try_call(client.views_update(view_id=view["id"], view=message_modal("Published", text)), what="views.update")
    await refresh_after_change(client, deps(context), team_id=team_id, actor_id=user_id, people=result.people)
