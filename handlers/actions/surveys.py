"""The survey DM's *Answer the survey* button: the form, pre-filled when answering again."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import surveys
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, team_and_user, tell
from prompts import surveys as prompts
from prompts.blocks import Reply


async def handle_open_survey(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    team_id, user_id = team_and_user(body)
    program_text, _, stage = str(action.get("value") or "").partition(":")
    form = await surveys.survey_form(
        deps(context), team_id=team_id, user_id=user_id, program_id=parse_id(program_text) or 0, stage=stage
    )
    if form is None:
        await tell(client, respond, body, Reply(prompts.ERRORS["closed"]))
        return
    view = prompts.survey_modal(program_id=form.program_id, stage=stage, skills=form.skills, saved=form.saved)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open survey")
