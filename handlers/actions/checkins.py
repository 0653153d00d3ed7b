"""Answers to check-ins (in the pair's group DM), the nudge's *Suggest a time*, and a stalled pair's private
"keep going, pause or leave" question. Only the pair's two people can answer for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback, participants, recognition
from bot.checkins import checkin_key, shared_hours, zone
from bot.home import publish_home
from bot.outbox.deliver import deliver
from bot.runtime.context import deps
from bot.runtime.errors import NotEnrolledError
from bot.slack.client import try_call
from handlers.common import active_pair_of_clicker, pair_and_period, parse_id, team_and_user, tell
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
from storage import checkins as rhythm_repo
from storage import outbox
from storage import participants as participants_repo
from storage.models import MeetingAnswer, OutboxState, utcnow

STALLED_CHOICES = {ACTION_STAY: "stay", ACTION_PAUSE: "pause", ACTION_LEAVE: "leave"}


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
    team_id, user_id = team_and_user(body)
    pair_id, period = pair_and_period(action.get("value"))
    if (found := await active_pair_of_clicker(body, pair_id, respond, context, client)) is None:
        return
    pair, _ = found
    key = checkin_key(pair_id, period)
    async with deps(context).db.read() as session:  # only a check-in this pair was sent (or is being sent)
        state = (await outbox.states(session, team_id=team_id, keys=[key])).get(key)
    if state not in (OutboxState.SENT, OutboxState.SENDING):
        await tell(client, respond, body, checkin_closed_reply())
        return
    answer = ANSWER_ACTIONS[action["action_id"]]
    async with deps(context).db.session() as session:
        await rhythm_repo.record_answer(
            session, team_id=team_id, pair_id=pair_id, period=period, answer=answer, by_user=user_id, at=utcnow()
        )
    if answer == MeetingAnswer.MET:  # each person is asked privately how it went (once per meeting)
        keys = await feedback.ask_after_meeting(deps(context), pair=pair, period=period)
        keys += await recognition.after_meeting(deps(context), pair=pair)  # consent asked once; milestones reached
        await deliver(deps(context), client, team_id=team_id, keys=keys)
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    if message.get("ts") and channel:
        blocks = answered(list(message.get("blocks") or []), answer=answer, user_id=user_id)
        await try_call(
            client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "", blocks=blocks),
            what="chat.update",
        )
    for person in (pair.mentor_id, pair.mentee_id):
        await publish_home(client, deps(context), team_id=team_id, user_id=person)


async def handle_meeting_times(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """*Suggest a time*: the next stretches when both are within working hours, each in their own time."""
    await ack()
    team_id, _ = team_and_user(body)
    pair_id, _ = pair_and_period(action.get("value"))
    if (found := await active_pair_of_clicker(body, pair_id, respond, context, client)) is None:
        return
    pair, program = found
    async with deps(context).db.read() as session:
        people = [
            await participants_repo.get_participant(session, team_id=team_id, program_id=pair.program_id, user_id=user)
            for user in (pair.mentor_id, pair.mentee_id)
        ]
    zones = [zone(p.timezone, p.tz_offset) if p else zone(None, 0) for p in people]
    slots = shared_hours(
        datetime.now(UTC), quiet_start=program.quiet_start, quiet_end=program.quiet_end, zones=tuple(zones)
    )
    view = meeting_times_modal(slots, list(zip((pair.mentor_id, pair.mentee_id), zones, strict=True)))
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
    program_id = parse_id(action.get("value")) or 0
    choice = STALLED_CHOICES[action["action_id"]]
    try:
        enrolments = await participants.taking_part(
            deps(context), team_id=team_id, user_id=user_id, program_id=program_id
        )
    except NotEnrolledError:  # already left (a second click), or a forged program
        await tell(client, respond, body, intros.pair_gone_reply())
        return
    if choice == "pause":
        await participants.pause(
            deps(context), team_id=team_id, user_id=user_id, until=None, now=datetime.now(UTC), program_id=program_id
        )
    elif choice == "leave":
        await participants.leave(deps(context), team_id=team_id, user_id=user_id, program_id=program_id)
    await tell(client, respond, body, stalled_answer_reply(choice, enrolments[0].program.name))
    await publish_home(client, deps(context), team_id=team_id, user_id=user_id)
