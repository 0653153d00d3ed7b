"""*Preview matches* on an admin's program card, and the *Adjust* menu of each pair in the preview modal (admins
only, on the server: :mod:`handlers.access`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import rounds
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.common import parse_id, program_id_of, team_and_user, tell
from prompts.programs import program_gone_reply
from prompts.rounds import adjusted_notice, loading_modal, message_modal, preview_modal, swap_refused


def render(found: rounds.RoundView | None, notice: str = "") -> dict[str, Any]:
    """The preview modal of a stored round as it stands (or a note that it is gone)."""
    if found is None:
        return message_modal("Preview matches", "That round no longer exists. Open *Preview matches* again.")
    pairs = [p.model_dump(include={"id", "mentor_id", "mentee_id", "score", "reasons"}) for p in found.pairs]
    assert found.round.id is not None
    return preview_modal(
        round_id=found.round.id,
        program_name=found.program.name,
        pairs=pairs,
        unmatched=found.round.unmatched,
        rematches=found.rematches,
        notice=notice,
    )


async def handle_preview(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Opens a "working on it" modal at once (the trigger lasts 3 s), computes and stores the preview, then shows
    it in the same modal. Nothing is sent to anyone."""
    await ack()
    team_id, user_id = team_and_user(body)
    program = await rounds.previewable(deps(context), team_id=team_id, program_id=program_id_of(action) or 0)
    if program is None:
        await tell(client, None, body, program_gone_reply())
        return
    opened = await try_call(
        client.views_open(trigger_id=body["trigger_id"], view=loading_modal(program.name)), what="views.open"
    )
    if opened is None:
        return
    found = await rounds.preview_round(deps(context), team_id=team_id, program=program, actor_id=user_id)
    await try_call(client.views_update(view_id=opened["view"]["id"], view=render(found)), what="views.update")


async def handle_adjust(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """``drop:<pair>`` or ``swap:<pair>:<other pair>``, chosen in a pair's menu; the modal redraws with the result."""
    await ack()
    team_id, user_id = team_and_user(body)
    view = body.get("view") or {}
    what, *ids = str((action.get("selected_option") or {}).get("value") or "").split(":")
    adjusted = await rounds.adjust(
        deps(context),
        team_id=team_id,
        round_id=parse_id(view.get("private_metadata")) or 0,
        what=what,
        pair_ids=[parse_id(i) or 0 for i in ids],
        actor_id=user_id,
    )
    if adjusted.outcome == rounds.Adjustment.ADJUSTED:
        notice = adjusted_notice(what, adjusted.before, adjusted.after)
    else:
        notice = swap_refused(adjusted.outcome)
    redrawn = render(adjusted.round, notice)
    await try_call(client.views_update(view_id=view.get("id"), view=redrawn), what="views.update")
