"""The feedback DM's *Give feedback* button (opens the form) and the private pairing-fit question's answers."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.outbox.deliver import deliver
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import active_pair_of_clicker, pair_and_period, parse_id, team_and_user, tell
from prompts import feedback as prompts
from prompts.blocks import Reply
from prompts.intros import not_in_pair_reply


async def handle_open_feedback(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """*Give feedback*: the form, pre-filled (with their earlier answers, when editing)."""
    await ack()
    team_id, user_id = team_and_user(body)
    pair_id, period = pair_and_period(action.get("value"))
    found, met = await feedback.meeting_of(
        deps(context), team_id=team_id, user_id=user_id, pair_id=pair_id, period=period
    )
    if found is None or not met:
        await tell(client, respond, body, not_in_pair_reply() if found is None else Reply(prompts.ERRORS["closed"]))
        return
    pair, program = found
    saved = await feedback.saved_feedback(deps(context), pair=pair, period=period, author_id=user_id)
    view = prompts.feedback_modal(
        pair_id=pair_id,
        period=period,
        partner_id=feedback.partner_of(pair, user_id),
        role=feedback.role_of(pair, user_id),
        topic=feedback.suggested_topic(pair, program),
        saved=saved.model_dump() if saved else None,
    )
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open feedback")


async def handle_fit_answer(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """*Yes, it's working* / *Not really*: recorded privately (admins see a "no", the partner never does); a "no"
    offers a rematch."""
    await ack()
    _, user_id = team_and_user(body)
    if (
        found := await active_pair_of_clicker(body, parse_id(action.get("value")) or 0, respond, context, client)
    ) is None:
        return
    pair, _ = found
    if not await feedback.has_met(deps(context), pair=pair):  # asked after the first meeting, not before
        await tell(client, respond, body, Reply(prompts.ERRORS["closed"]))
        return
    working = action["action_id"] == prompts.ACTION_FIT_YES
    await feedback.record_fit(deps(context), pair=pair, user_id=user_id, working=working)
    assert pair.id is not None
    reply = prompts.fit_yes_reply() if working else prompts.fit_no_reply(pair.id, feedback.partner_of(pair, user_id))
    await try_call(respond(replace_original=True, **reply.as_kwargs()), what="respond fit")
    if not working:  # admins are told (by DM, and on Home); the partner never is
        keys = await feedback.alert_admins(deps(context), pair=pair, user_id=user_id)
        await deliver(deps(context), client, team_id=pair.team_id, keys=keys)
