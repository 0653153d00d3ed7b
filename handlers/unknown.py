"""Buttons, menus, shortcuts, forms and commands this version of the app does not have (a button in a message
posted before an upgrade, a form opened before it): each package registers these after its other listeners, for
the ids none of them has. The person is told, where they are, that it no longer works; the log gets one line
(:mod:`bot.runtime.unhandled`, which answers the kinds nobody waits for)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.unhandled import Outcome, first_input_block, log_unhandled
from handlers.common import tell
from prompts.participants import OUTDATED_FORM, no_longer_works_reply

ANY_ID = re.compile("")
"""Matches every id."""


def other_than(known: Iterable[str]) -> re.Pattern[str]:
    """Matches every id except ``known``. The catch-alls match only ids no other listener has: Bolt goes on to the
    next listener that matches when one does not ack within 3 s, or when a failure right after its ack undoes it,
    and a known button would then be told it no longer works, after the apology."""
    return re.compile("^(?!(?:" + "|".join(re.escape(k) for k in sorted(known)) + ")$)")


async def handle_unknown_action(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """A button, a menu or a shortcut: told in the message it came from, or by DM."""
    await ack()
    log_unhandled(body, context.team_id, Outcome.TOLD)
    await tell(client, respond, body, no_longer_works_reply())


async def handle_unknown_form(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """A form: it stays open with an inline error (closing it would lose the answers without a word); one without
    an input closes."""
    block_id = first_input_block(body)
    log_unhandled(body, context.team_id, Outcome.FORM_KEPT_OPEN if block_id else Outcome.IGNORED)
    if block_id:
        await ack(response_action="errors", errors={block_id: OUTDATED_FORM})
    else:
        await ack()


async def handle_unknown_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    log_unhandled(body, context.team_id, Outcome.TOLD)
    await ack(response_type="ephemeral", **no_longer_works_reply().as_kwargs())
