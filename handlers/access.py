"""Who may use a listener, declared once where it is registered, as Bolt listener middleware:
``app.action(ACTION, middleware=[admin_only])(handler)``.

A middleware runs before its listener, so before the ack: what it checks is quick (the workspace-role lookup makes
one short try instead of waiting out Slack's rate limits, as the trigger of a button that opens a modal expires 3 s
after the click). When it refuses, it acks the request itself, tells the person why (as the listener would have),
and the listener never runs. When it lets the request through, what it found is in Bolt's context for the
listener (:func:`member_pair`).

- :func:`admin_only`: admin buttons; anyone else is told by DM. Admin checks happen here, on the server, whatever
  the UI shows.
- :func:`admin_only_submission`: admin forms; the refusal is the form's ack (an inline error, or a new view).
- :func:`pair_member`, :func:`checkin_pair_member`: buttons of a pair's messages, for its two people while it is
  active; anyone else (a forwarded message), or an ended pair, is told why not, privately.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import intros
from bot.admins import is_admin
from bot.intros import MemberPair, PairRefusal
from bot.runtime.context import deps
from handlers.common import pair_and_period, parse_id, team_and_user, tell
from prompts.blocks import Reply
from prompts.intros import not_in_pair_reply, pair_gone_reply
from prompts.participants import not_admin_reply

Next = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[BoltResponse | None]]
PAIR = "pair"  # the context key of what pair_member found


async def _is_admin(body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> bool:
    team_id, user_id = team_and_user(body)
    return await is_admin(deps(context), client, team_id=team_id, user_id=user_id, before_ack=True)


async def admin_only(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient, next_: Next
) -> BoltResponse | None:
    """Admin buttons (the Home tab's, the roster's, the preview modal's): anyone else gets a polite refusal by DM."""
    if await _is_admin(body, context, client):
        await next_()
        return None
    response = await ack()
    await tell(client, None, body, not_admin_reply())
    return response


def admin_only_submission(**refusal: Any) -> Middleware:
    """Admin forms: a submission by anyone else is answered with ``refusal`` (the arguments of its ack, e.g.
    ``response_action="errors"`` and the errors), and changes nothing."""

    async def admin_form(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient, next_: Next
    ) -> BoltResponse | None:
        if await _is_admin(body, context, client):
            await next_()
            return None
        return await ack(**refusal)

    return admin_form


def refusal_reply(refusal: PairRefusal) -> Reply:
    return not_in_pair_reply() if refusal is PairRefusal.NOT_MEMBER else pair_gone_reply()


async def _pair_member(
    pair_id: int,
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
    next_: Next,
) -> BoltResponse | None:
    team_id, user_id = team_and_user(body)
    found = await intros.active_pair_of(deps(context), team_id=team_id, pair_id=pair_id, user_id=user_id)
    if isinstance(found, MemberPair):
        context[PAIR] = found
        await next_()
        return None
    response = await ack()
    await tell(client, respond, body, refusal_reply(found))
    return response


async def pair_member(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
    next_: Next,
) -> BoltResponse | None:
    """Buttons whose value is the pair's id (introductions, the pairing-fit question)."""
    pair_id = parse_id(action.get("value")) or 0
    return await _pair_member(pair_id, ack, body, respond, context, client, next_)


async def checkin_pair_member(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
    client: AsyncWebClient,
    next_: Next,
) -> BoltResponse | None:
    """Buttons whose value is ``pair:period`` (a check-in's answers, the nudge's *Suggest a time*)."""
    pair_id, _ = pair_and_period(action.get("value"))
    return await _pair_member(pair_id, ack, body, respond, context, client, next_)


def member_pair(context: AsyncBoltContext) -> MemberPair:
    """The pair (and its program) that :func:`pair_member` let the listener through for."""
    found: MemberPair = context[PAIR]
    return found
