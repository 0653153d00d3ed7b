"""The meeting feedback form's submission: inline errors (answers checked, the meeting read) before the ack; the
form then says "saving…", and the answers are saved after the ack, so a busy database never makes Slack show an
error. Then the form says what was saved (replacing an earlier one for that meeting), and a note the author chose to
share goes to their partner. If saving fails, the person gets their answers back by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import pair_and_period, team_and_user
from prompts import feedback as prompts


async def handle_feedback_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    pair_id, period = pair_and_period(view.get("private_metadata"))
    answers, errors = await feedback.check_feedback(
        deps(context), team_id=team_id, user_id=user_id, pair_id=pair_id, period=period, values=view["state"]["values"]
    )
    if answers is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack(response_action="update", view=prompts.saving_view())
    await deps(context).state.acks.wait_idle()
    saved = await feedback.record_feedback(deps(context), client, answers)
    shown = (
        prompts.not_saved_view()
        if saved is None
        else prompts.thanks_view(partner_id=saved.partner_id, note=saved.note, edited=saved.edited)
    )
    await try_call(client.views_update(view_id=view["id"], view=shown), what="views.update")
    if saved is not None:
        await feedback.pass_on_note(deps(context), client, saved)
