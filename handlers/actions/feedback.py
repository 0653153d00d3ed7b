"""The feedback DM's *Give feedback* button (opens the form) and the private pairing-fit question's answers (for
the pair's two people: :mod:`handlers.access`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.feedback import NoFeedback
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.access import member_pair
from handlers.common import pair_and_period, team_and_user, tell
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
    form = await feedback.feedback_form(deps(context), team_id=team_id, user_id=user_id, pair_id=pair_id, period=period)
    if isinstance(form, NoFeedback):
        reply = not_in_pair_reply() if form is NoFeedback.NOT_IN_PAIR else Reply(prompts.ERRORS["closed"])
        await tell(client, respond, body, reply)
        return
    view = prompts.feedback_modal(
        pair_id=pair_id, period=period, partner_id=form.partner_id, role=form.role, topic=form.topic, saved=form.saved
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
    pair = member_pair(context).pair
    working = action["action_id"] == prompts.ACTION_FIT_YES
    if not await feedback.answer_fit(deps(context), client, pair=pair, user_id=user_id, working=working):
        await tell(client, respond, body, Reply(prompts.ERRORS["closed"]))
        return
    assert pair.id is not None
    reply = prompts.fit_yes_reply() if working else prompts.fit_no_reply(pair.id, feedback.partner_of(pair, user_id))
    await try_call(respond(replace_original=True, **reply.as_kwargs()), what="respond fit")
