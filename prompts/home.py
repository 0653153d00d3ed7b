"""The app's Home tab, as each person sees it: their place in each program, then (admins only) the admin part."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from prompts.blocks import Block, actions, button, context, divider, header, input_block, plain, section, truncate
from prompts.blocks import escape as esc
from prompts.checkins import ANSWER_WORDS
from prompts.matching import explanation, reasons_of
from prompts.participants import ACTION_CONFIRM_LEAVE, ACTION_EDIT_PROFILE, ACTION_JOIN, STATE_LABELS, profile_fields

ACTION_PAUSE = "home_pause"
ACTION_RESUME = "home_resume"
PROGRAMS_SHOWN = 5  # the employee part: at most this many programs, open ones first

ABOUT = (
    "In *reverse mentoring* a junior colleague mentors a senior one: digital tools, social media, AI, new ways "
    "of working and a fresh view of the company. The senior shares business experience back. "
    "We match pairs across departments, never inside a reporting line, and help you keep meeting."
)
CADENCE_WORDS = {"weekly": "every week", "biweekly": "every 2 weeks", "monthly": "every month"}
PROGRAM_STATE_WORDS = {"open": "open for sign-ups", "running": "running, sign-ups welcome", "ended": "ended"}


def time_frame(program: dict[str, Any]) -> str:
    """``2027-01-11 → 2027-04-05 · pairs meet every 2 weeks``."""
    start, end = program.get("start_date"), program.get("end_date")
    frame = f"{start.isoformat()} → {end.isoformat()}" if isinstance(start, date) and isinstance(end, date) else ""
    cadence = CADENCE_WORDS.get(program.get("cadence") or "")
    parts = [frame, f"pairs meet {cadence}" if cadence else ""]
    return " · ".join(p for p in parts if p)


def leave_button(program_id: int, program_name: str) -> Block:
    """*Leave* with Slack's own confirmation dialog, so one click never drops anyone by mistake."""
    element = button("Leave", ACTION_CONFIRM_LEAVE, value=str(program_id))
    element["confirm"] = {
        "title": plain("Leave the program?"),
        "text": plain(
            f"You won't be matched or get check-ins in {program_name[:150]} any more. Your history is kept; "
            "you can rejoin any time."
        ),
        "confirm": plain("Leave"),
        "deny": plain("Stay"),
        "style": "danger",
    }
    return element


def _program_blocks(program: dict[str, Any]) -> list[Block]:
    """One program as the person sees it. ``program``: id, name, objectives, state, start_date, end_date,
    cadence, and the person's ``my_state`` (None if they never joined) and ``paused_until``."""
    pid, name, mine = program["id"], program["name"], program.get("my_state")
    frame = time_frame(program)
    state = PROGRAM_STATE_WORDS.get(program.get("state") or "", "")
    lines = [" · ".join(part for part in (f"*{esc(name)}*", state, frame) if part)]
    if program.get("state") == "ended":
        lines.append("This program has ended. Thank you for taking part!")
        return [section("\n".join(lines))]
    if mine in ("active", "paused"):
        where = STATE_LABELS[mine]
        if mine == "paused":
            until = program.get("paused_until")
            where += f" until {until.isoformat()}" if until else " until you resume"
        lines.append(f"*Your status:* {where}")
        lines += pair_lines(program.get("pairs") or [])
        toggle = (
            button("Resume", ACTION_RESUME, value=str(pid), style="primary")
            if mine == "paused"
            else button("Pause", ACTION_PAUSE, value=str(pid))
        )
        buttons = [button("Edit profile", ACTION_EDIT_PROFILE, value=str(pid)), toggle, leave_button(pid, name)]
    else:
        if program.get("objectives"):
            lines.append(f"*Objectives:* {esc(program['objectives'])}")
        lines.append(
            "*Your status:* you left this program. Join again whenever you like."
            if mine == "left"
            else "*You're not taking part yet.* It takes two minutes to join."
        )
        buttons = [button("Join again" if mine == "left" else "Join", ACTION_JOIN, value=str(pid), style="primary")]
    return [section("\n".join(lines)), actions(*buttons, block_id=f"me-{pid}")]


def pair_lines(pairs: list[dict[str, Any]]) -> list[str]:
    """``*Your pair:* <@U> (your reverse mentor) · why``; or not matched yet."""
    if not pairs:
        return ["*Your pair:* not matched yet. We'll introduce you both in a group DM when the next round is matched."]
    lines = []
    for pair in pairs:
        role = "your mentee" if pair["i_mentor"] else "your reverse mentor"
        why = explanation(reasons_of(pair["reasons"]), mentor_id=pair["mentor_id"], mentee_id=pair["mentee_id"])
        lines.append(f"*Your pair:* <@{pair['partner']}> ({role}) · {why}")
        if last := pair.get("last_checkin"):
            lines.append(f"*Last check-in:* {ANSWER_WORDS.get(last[1], last[1])} (check-in {last[0]})")
    return lines


def home_view(
    *,
    programs: list[dict[str, Any]],
    answers: dict[str, Any] | None = None,
    timezone: str | None = None,
    history: list[dict[str, Any]] | None = None,
) -> Block:
    """The employee part: what reverse mentoring is, then each program the person can see (open and running
    ones, and ended ones they took part in), their history (pairs, meetings, topics, notes shared with them), then
    their latest answers. No program at all: a short note."""
    blocks: list[Block] = [header("Reverse mentoring"), section(ABOUT), divider()]
    if not programs:
        blocks.append(
            section("No program is open for sign-ups right now. Your program admins will announce the next one.")
        )
    # the programs the person takes part in first, then open ones to join, then ended ones
    rank = {"active": 0, "paused": 0}
    programs = sorted(programs, key=lambda p: (p.get("state") == "ended", rank.get(p.get("my_state") or "", 1)))
    for program in programs[:PROGRAMS_SHOWN]:
        blocks += _program_blocks(program)
    if len(programs) > PROGRAMS_SHOWN:
        blocks.append(context(f"…and {len(programs) - PROGRAMS_SHOWN} more: type `/mentor status` to see them all."))
    blocks += history_blocks(history or [])
    if answers is not None:
        blocks += [divider(), section("*Your profile*\n" + profile_fields(answers, timezone))]
    blocks.append(context("Type `/mentor help` in any channel to see every command."))
    return {"type": "home", "blocks": blocks}


def history_blocks(pairs: list[dict[str, Any]]) -> list[Block]:
    """*Your history*: each pair with its meetings, the topics covered and the notes the partner shared."""
    if not pairs:
        return []
    blocks: list[Block] = [divider(), section("*Your history*")]
    for p in pairs:
        when = "now" if p.get("active") else "ended"
        meetings = p.get("meetings", 0)
        lines = [f"*<@{p['partner']}>* · {esc(p.get('program') or '')} ({when}) · {meetings} meeting(s)"]
        if p.get("topics"):
            lines.append("Topics: " + esc(", ".join(p["topics"][-8:])))
        for note in (p.get("notes") or [])[:2]:
            lines.append(f"Shared with you: “{esc(truncate(note, 280))}”")
        blocks.append(section("\n".join(lines)))
    return blocks


PAUSE_CALLBACK_ID = "pause_participation"
PAUSE_UNTIL = "pause_until"


def pause_modal(*, program_id: int, program_name: str) -> Block:
    """*Pause* on the Home tab: an optional date to come back on (checked in the person's own time zone)."""
    return {
        "type": "modal",
        "callback_id": PAUSE_CALLBACK_ID,
        "title": plain("Take a break"),
        "submit": plain("Pause"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"program_id": program_id}),
        "blocks": [
            section(
                f"Pause {esc(program_name)}: no matching or check-ins while you're away. Your profile and history "
                "are kept."
            ),
            input_block(
                PAUSE_UNTIL,
                "Back on",
                {"type": "datepicker", "action_id": PAUSE_UNTIL},
                hint="Optional, at most a year ahead. Leave it empty to pause until you resume.",
                optional=True,
            ),
        ],
    }


PAUSE_ERRORS = {
    "past": "That date has passed where you are: pick a day after today, or leave it empty.",
    "too_far": "You can pause for up to a year at a time: pick an earlier date.",
    "format": "Please pick a date, or leave it empty.",
    "not_enrolled": "You're not taking part in this program any more: close this and open the Home tab again.",
}
