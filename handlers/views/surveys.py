"""The survey form's submission: inline errors (answers checked, the survey read) before the ack; the form then
says "saving…", and the answers are saved after the ack (replacing an earlier answer for that stage), so a busy
database never makes Slack show an error. If saving fails, the person gets their answers back by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import surveys
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, team_and_user
from prompts import surveys as prompts


async def handle_survey_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    program_text, _, rest = str(view.get("private_metadata") or "").partition(":")
    checked, errors = await surveys.check_survey(
        deps(context),
        team_id=team_id,
        user_id=user_id,
        program_id=parse_id(program_text) or 0,
        stage=rest.partition(":")[0],
        values=view["state"]["values"],
    )
    if checked is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack(response_action="update", view=prompts.saving_view())
    await deps(context).state.acks.wait_idle()
    first = await surveys.record_survey(deps(context), client, checked)
    shown = prompts.not_saved_view() if first is None else prompts.thanks_view(again=not first)
    await try_call(client.views_update(view_id=view["id"], view=shown), what="views.update")
