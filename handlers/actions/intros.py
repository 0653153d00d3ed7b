"""The buttons of a pair's introduction: only the pair's two people can use them, and only while it is active
(:mod:`handlers.access`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import intros
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.access import member_pair
from handlers.common import tell
from prompts import intros as intro_prompts
from prompts.blocks import Reply


async def _post_in_conversation(client: AsyncWebClient, body: dict[str, Any], reply: Reply, what: str) -> None:
    """Post for both people, in the group DM the button was clicked in."""
    channel = str((body.get("channel") or {}).get("id") or "")
    await try_call(client.chat_postMessage(channel=channel, **reply.as_kwargs()), what=what)


async def handle_scheduled(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*We've scheduled our first meeting*: told to both, once."""
    await ack()
    pair = member_pair(context).pair
    assert pair.id is not None
    if await intros.mark_scheduled(deps(context), team_id=pair.team_id, pair_id=pair.id):
        await _post_in_conversation(client, body, intro_prompts.scheduled_message(body["user"]["id"]), "scheduled")
    else:
        await tell(client, respond, body, intro_prompts.already_scheduled_reply())


async def handle_another_topic(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*Suggest another topic*: the next one the pair hasn't had, posted for both."""
    await ack()
    found = member_pair(context)
    topic = await intros.another_topic(deps(context), pair=found.pair, program=found.program)
    if topic is None:
        await tell(client, respond, body, intro_prompts.no_more_topics_reply())
    else:
        await _post_in_conversation(client, body, intro_prompts.topic_message(topic, body["user"]["id"]), "topic")


async def handle_not_working(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """*This match doesn't work for me*: a private modal (an optional reason), never seen by the partner."""
    await ack()
    pair = member_pair(context).pair
    assert pair.id is not None
    partner = pair.mentee_id if body["user"]["id"] == pair.mentor_id else pair.mentor_id
    view = intro_prompts.rematch_modal(pair.id, partner)
    await try_call(client.views_open(trigger_id=body["trigger_id"], view=view), what="views.open")
