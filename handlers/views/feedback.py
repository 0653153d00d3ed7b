"""The meeting feedback form's submission: inline errors, then saved (replacing an earlier one for that meeting);
a note the author chose to share goes to their partner."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.home import publish_home
from bot.outbox.deliver import deliver
from bot.runtime.context import deps
from handlers.common import pair_and_period, team_and_user
from prompts import feedback as prompts


async def handle_feedback_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    pair_id, period = pair_and_period(view.get("private_metadata"))
    found, met = await feedback.meeting_of(
        deps(context), team_id=team_id, user_id=user_id, pair_id=pair_id, period=period
    )
    if found is None or not met:
        await ack(response_action="errors", errors={prompts.RATING: prompts.ERRORS["closed"]})
        return
    fields, errors = feedback.parse_feedback(view["state"]["values"])
    if fields is None:
        await ack(response_action="errors", errors=errors)
        return
    pair, _ = found
    keys, note, edited = await feedback.save(deps(context), pair=pair, period=period, author_id=user_id, fields=fields)
    await ack(
        response_action="update",
        view=prompts.thanks_view(partner_id=feedback.partner_of(pair, user_id), note=note, edited=edited),
    )
    if keys:  # the note goes to the partner, and shows in their history on Home
        await deliver(deps(context), client, team_id=team_id, keys=keys)
        await publish_home(client, deps(context), team_id=team_id, user_id=feedback.partner_of(pair, user_id))
