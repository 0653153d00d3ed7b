"""The admin's *Preview matches* modal, its adjustments, and what publishing a round tells admins."""

from __future__ import annotations

from typing import Any

from prompts.blocks import Block, context, divider, escape, option, plain, section, truncate
from prompts.matching import explanation, reasons_of

ACTION_PREVIEW = "preview_matches"
ACTION_ADJUST = "adjust_pair"
PREVIEW_CALLBACK_ID = "publish_round"
PAIRS_SHOWN = 40  # a modal holds 100 blocks
SWAP_CHOICES = 98  # a menu holds 100 options: "drop" and 98 swaps (and one to spare)
LEFT_OUT_SHOWN = 30

SIDES = {"mentor": "reverse mentor", "mentee": "mentee"}
REASONS = {
    "need_mentors": "not enough reverse mentors",
    "need_mentees": "not enough mentees",
    "taken": "everyone who fits them is taken",
    "no_fit": "nobody fits under the rules",
    "held_back": "pair dropped by an admin",
    "unavailable": "proposed partner no longer available",
}
SWAP_REFUSED = {
    "gap": "the experience gap would be below the program's minimum",
    "reporting_line": "that would pair someone within their own reporting line",
    "avoided": "one of them asked not to be paired with the other",
    "repeat": "they were paired in a recent round",
    "unavailable": "someone in those pairs is no longer taking part",
    "stale": "this preview was published or replaced meanwhile: open *Preview matches* again",
}


def loading_modal(program_name: str) -> Block:
    return {
        "type": "modal",
        "title": plain("Preview matches"),
        "close": plain("Close"),
        "blocks": [section(f"Working out the best pairs for *{escape(program_name)}*… this takes a few seconds.")],
    }


def message_modal(title: str, text: str) -> Block:
    return {"type": "modal", "title": plain(truncate(title, 24)), "close": plain("Close"), "blocks": [section(text)]}


def _adjust_menu(pair_id: int, number: int, others: list[tuple[int, int]]) -> Block:
    options = [option("Drop this pair (both wait for next round)", f"drop:{pair_id}")]
    options += [option(f"Swap mentees with pair {n}", f"swap:{pair_id}:{other}") for n, other in others][:SWAP_CHOICES]
    return {
        "type": "static_select",
        "action_id": ACTION_ADJUST,
        "placeholder": plain(f"Adjust pair {number}"),
        "options": options,
    }


def preview_modal(
    *,
    round_id: int,
    program_name: str,
    pairs: list[dict[str, Any]],
    unmatched: list[dict[str, Any]],
    rematches: int = 0,
    notice: str = "",
) -> Block:
    """``pairs``: id, mentor_id, mentee_id, score, reasons (best first); ``unmatched``: user_id, side, reason."""
    total = sum(float(p["score"]) for p in pairs)
    summary = (
        f"*{escape(program_name)}*: {len(pairs)} pair(s), total score {total:g}; {len(unmatched)} left out. "
        "*Nothing has been sent yet.* Adjust a pair with its menu, then *Publish* to introduce every pair in a "
        "group DM and tell the people left out why."
    )
    blocks: list[Block] = []
    if notice:
        blocks.append(context(notice))
    blocks.append(section(summary))
    if rematches:
        blocks.append(
            context(
                f"{rematches} current pair(s) end when this round is published: someone asked for a "
                "rematch. Their people are matched again here, never with the same partner."
            )
        )
    numbered = list(enumerate(pairs, start=1))
    shown = numbered[:PAIRS_SHOWN]
    for n, pair in shown:
        others = [(m, other["id"]) for m, other in numbered if m != n]
        text = (
            f"*{n}.* <@{pair['mentor_id']}> → <@{pair['mentee_id']}> · score *{float(pair['score']):g}*\n"
            + explanation(reasons_of(pair["reasons"]), mentor_id=pair["mentor_id"], mentee_id=pair["mentee_id"])
        )
        blocks.append(section(text, accessory=_adjust_menu(pair["id"], n, others), block_id=f"pair-{pair['id']}"))
    if len(pairs) > PAIRS_SHOWN:
        blocks.append(
            context(
                f"Showing the {PAIRS_SHOWN} best-scoring pairs of {len(pairs)}; *Publish* publishes all of them. "
                "`python -m bot match --dry-run` lists every pair."
            )
        )
    if not pairs:
        blocks.append(section("No pair can be made right now: see who is left out and why below."))
    blocks.append(divider())
    if unmatched:
        lines = [
            f"<@{u['user_id']}> ({SIDES.get(u['side'], u['side'])}): {REASONS.get(u['reason'], u['reason'])}"
            for u in unmatched[:LEFT_OUT_SHOWN]
        ]
        more = f"\n…and {len(unmatched) - LEFT_OUT_SHOWN} more." if len(unmatched) > LEFT_OUT_SHOWN else ""
        blocks.append(
            section(
                f"*Left out ({len(unmatched)})*, each told why and first in line next round:\n"
                + "\n".join(lines)
                + more
            )
        )
    else:
        blocks.append(context("Nobody is left out."))
    view: Block = {
        "type": "modal",
        "callback_id": PREVIEW_CALLBACK_ID,
        "title": plain("Preview matches"),
        "close": plain("Close"),
        "private_metadata": str(round_id),
        "blocks": blocks,
    }
    if pairs or unmatched:
        view["submit"] = plain("Publish")
    return view


def swap_refused(reason: str) -> str:
    return f":warning: Not changed: {SWAP_REFUSED.get(reason, reason)}."


def adjusted_notice(what: str, before: float, after: float) -> str:
    """``✅ Mentees swapped: the round's total score goes from 54 to 28.``"""
    done = "Pair dropped" if what == "drop" else "Mentees swapped"
    return f":white_check_mark: {done}: the round's total score goes from {before:g} to {after:g}."


def publishing_modal(program_name: str) -> Block:
    return message_modal(
        "Publishing",
        f"Publishing the round of *{escape(program_name)}*: introductions are on their way. "
        "This window updates when every message has gone.",
    )


def published_text(*, program_name: str, pairs: int, unmatched: int, sent: int, failed: int) -> str:
    text = (
        f":tada: *{escape(program_name)}*: {pairs} pair(s) introduced in group DMs, {unmatched} person(s) told why "
        f"they weren't paired this round. {sent} message(s) sent."
    )
    if failed:
        text += f" {failed} could not be delivered (Slack refused them); see the logs. Nothing is sent twice."
    return text


def publish_outcome_text(outcome: str, program_name: str) -> str:
    if outcome == "closed":
        return f"*{escape(program_name)}* is not open or running any more, so no round was published."
    return "This preview was already published or replaced by a newer one: nothing was sent twice."
