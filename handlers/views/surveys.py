"""The survey form's submission: inline errors, then saved (replacing an earlier answer for that stage)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot import surveys
from bot.runtime.context import deps
from handlers.common import parse_id, team_and_user
from prompts import surveys as prompts


async def handle_survey_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    team_id, user_id = team_and_user(body)
    program_text, _, rest = str(view.get("private_metadata") or "").partition(":")
    first, errors = await surveys.submit_survey(
        deps(context),
        team_id=team_id,
        user_id=user_id,
        program_id=parse_id(program_text) or 0,
        stage=rest.partition(":")[0],
        values=view["state"]["values"],
    )
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack(response_action="update", view=prompts.thanks_view(again=not first))
