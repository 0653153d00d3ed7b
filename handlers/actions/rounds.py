"""*Preview matches* on an admin's program card, and the *Adjust* menu of each pair in the preview modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import rounds
from bot.runtime.context import deps
from bot.slack.client import try_call
from handlers.access import admin_or_refuse
from handlers.common import parse_id, program_id_of, tell
from prompts.programs import program_gone_reply
from prompts.rounds import adjusted_notice, loading_modal, message_modal, preview_modal, swap_refused
from storage import programs as programs_repo
from storage.models import JOINABLE_STATES


def total(found: rounds.RoundView | None) -> float:
    return sum(p.score for p in found.pairs) if found else 0.0


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
    if (who := await admin_or_refuse(body, context, client, opens_view=True)) is None:
        return
    team_id, user_id = who
    async with deps(context).db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id_of(action) or 0)
    if program is None or program.state not in JOINABLE_STATES:
        await tell(client, None, body, program_gone_reply())
        return
    opened = await try_call(
        client.views_open(trigger_id=body["trigger_id"], view=loading_modal(program.name)), what="views.open"
    )
    if opened is None:
        return
    stored = await rounds.preview(deps(context), team_id=team_id, program=program, actor_id=user_id)
    assert stored.id is not None
    view = render(await rounds.load_round(deps(context), team_id=team_id, round_id=stored.id))
    await try_call(client.views_update(view_id=opened["view"]["id"], view=view), what="views.update")


async def handle_adjust(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """``drop:<pair>`` or ``swap:<pair>:<other pair>``, chosen in a pair's menu; the modal redraws with the result."""
    await ack()
    if (who := await admin_or_refuse(body, context, client)) is None:
        return
    team_id, _ = who
    view = body.get("view") or {}
    round_id = parse_id(view.get("private_metadata")) or 0
    what, *ids = str((action.get("selected_option") or {}).get("value") or "").split(":")
    pair_ids = [parse_id(i) or 0 for i in ids]
    before = await rounds.load_round(deps(context), team_id=team_id, round_id=round_id)
    outcome: rounds.SwapOutcome
    if what == "drop" and len(pair_ids) == 1:
        outcome = await rounds.drop_pair(deps(context), team_id=team_id, round_id=round_id, pair_id=pair_ids[0])
    elif what == "swap" and len(pair_ids) == 2:
        outcome = await rounds.swap_mentees(
            deps(context), team_id=team_id, round_id=round_id, first_id=pair_ids[0], second_id=pair_ids[1]
        )
    else:
        outcome = rounds.Adjustment.STALE
    after = await rounds.load_round(deps(context), team_id=team_id, round_id=round_id)
    notice = (
        adjusted_notice(what, total(before), total(after))
        if outcome == rounds.Adjustment.ADJUSTED
        else swap_refused(outcome)
    )
    redrawn = render(after, notice)
    await try_call(client.views_update(view_id=view.get("id"), view=redrawn), what="views.update")
