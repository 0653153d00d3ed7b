"""The pause modal's submission: the date is checked in the person's own time zone, with inline errors."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants
from bot.runtime.context import deps
from bot.runtime.errors import NotEnrolledError, PauseDateError, PauseProblem
from handlers.common import team_and_user
from prompts.home import PAUSE_ERRORS, PAUSE_UNTIL
from prompts.optin import program_id_from_metadata


def _until(values: dict[str, Any]) -> date | None:
    text = ((values.get(PAUSE_UNTIL) or {}).get(PAUSE_UNTIL) or {}).get("selected_date") or ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PauseDateError(PauseProblem.FORMAT, text[:30]) from exc


async def handle_pause_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    program_id = program_id_from_metadata(view.get("private_metadata", ""))
    now = datetime.now(UTC)
    try:
        until = _until(view["state"]["values"])
        await participants.check_pause(
            deps(context), team_id=team_id, user_id=user_id, until=until, now=now, program_id=program_id
        )
    except PauseDateError as exc:
        await ack(response_action="errors", errors={PAUSE_UNTIL: PAUSE_ERRORS[exc.reason]})
        return
    except NotEnrolledError:
        await ack(response_action="errors", errors={PAUSE_UNTIL: PAUSE_ERRORS["not_enrolled"]})
        return
    await ack()
    # If they left in the meantime (another tab, a command), nothing is paused: the Home tab shows where they stand.
    with contextlib.suppress(NotEnrolledError, PauseDateError):
        await participants.pause_and_show(
            deps(context),
            client,
            team_id=team_id,
            user_id=user_id,
            until=until,
            now=now,
            program_id=program_id,
            from_home=True,
        )
