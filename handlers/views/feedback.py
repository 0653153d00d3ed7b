"""The meeting feedback form's submission: inline errors, then saved (replacing an earlier one for that meeting);
a note the author chose to share goes to their partner."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.runtime.context import deps
from handlers.common import pair_and_period, team_and_user
from prompts import feedback as prompts


async def handle_feedback_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    pair_id, period = pair_and_period(view.get("private_metadata"))
    saved, errors = await feedback.submit_feedback(
        deps(context), team_id=team_id, user_id=user_id, pair_id=pair_id, period=period, values=view["state"]["values"]
    )
    if saved is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack(
        response_action="update",
        view=prompts.thanks_view(partner_id=saved.partner_id, note=saved.note, edited=saved.edited),
    )
    await feedback.pass_on_note(deps(context), client, saved)
