"""Answers to check-ins (in the pair's group DM), the nudge's *Suggest a time*, and a stalled pair's private
"keep going, pause or leave" question. Only the pair's two people can answer for it (:mod:`handlers.access`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import checkins
from bot.checkins import StalledChoice
from bot.runtime.context import deps
from bot.runtime.errors import NotEnrolledError
from bot.slack.client import try_call
from handlers.access import member_pair
from handlers.common import pair_and_period, parse_id, team_and_user, tell
from prompts import intros
from prompts.checkins import (
    ACTION_LEAVE,
    ACTION_PAUSE,
    ACTION_STAY,
    ANSWER_ACTIONS,
    answered,
    checkin_closed_reply,
    meeting_times_modal,
    stalled_answer_reply,
)

STALLED_CHOICES = {
    ACTION_STAY: StalledChoice.STAY,
    ACTION_PAUSE: StalledChoice.PAUSE,
    ACTION_LEAVE: StalledChoice.LEAVE,
}


async def handle_checkin_answer(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """*We met* / *Scheduled* / *Not yet* / *Skip this cycle*: logged for the pair, the message updated in place."""
    await ack()
    _, user_id = team_and_user(body)
    _, period = pair_and_period(action.get("value"))
    answer = ANSWER_ACTIONS[action["action_id"]]
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    recorded = await checkins.answer_checkin(
        deps(context),
        client,
        pair=member_pair(context).pair,
        period=period,
        answer=answer,
        user_id=user_id,
        channel_id=channel,
        message_ts=message.get("ts"),
    )
    if not recorded:
        await tell(client, respond, body, checkin_closed_reply())
        return
    if message.get("ts") and channel:
        blocks = answered(list(message.get("blocks") or []), answer=answer, user_id=user_id)
        await try_call(
            client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "", blocks=blocks),
            what="chat.update",
        )


async def handle_meeting_times(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*Suggest a time*: the next stretches when both are within working hours, each in their own time."""
    await ack()
    found = member_pair(context)
    times = await checkins.meeting_times(deps(context), pair=found.pair, program=found.program, now=datetime.now(UTC))
    view = meeting_times_modal(times.slots, times.people)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")


async def handle_stalled_choice(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """A stalled pair's person chose: keep going, pause, or leave that program (applied at once)."""
    await ack()
    team_id, user_id = team_and_user(body)
    choice = STALLED_CHOICES[action["action_id"]]
    try:
        program_name = await checkins.answer_stalled(
            deps(context),
            client,
            team_id=team_id,
            user_id=user_id,
            program_id=parse_id(action.get("value")) or 0,
            choice=choice,
        )
    except NotEnrolledError:  # already left (a second click), or a forged program
        await tell(client, respond, body, intros.pair_gone_reply())
        return
    await tell(client, respond, body, stalled_answer_reply(choice, program_name))
