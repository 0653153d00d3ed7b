"""The admin's program settings modal and the admin part of the Home tab."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from prompts.blocks import (
    Block,
    Reply,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    option,
    plain,
    section,
)
from prompts.blocks import escape as esc
from prompts.messages import ACTION_JOIN
from prompts.roster import ACTION_OPEN_ROSTER

SETTINGS_CALLBACK_ID = "program_settings"
ACTION_EDIT_SETTINGS = "edit_program_settings"
ACTION_ANNOUNCE = "announce_program"
ACTION_AUDIT = "open_audit_log"
AUDIT_MODAL_ENTRIES = 50

NAME = "program_name"
OBJECTIVES = "objectives"
START = "start_date"
END = "end_date"
CADENCE = "cadence"
WEEKDAY = "checkin_weekday"
TIME = "checkin_time"
QUIET_START = "quiet_start"
QUIET_END = "quiet_end"
RULE_FLAGS = "rule_flags"
MIN_GAP = "min_experience_gap"
CAPACITY = "mentor_capacity"
REPEAT = "avoid_repeat_rounds"
CHANNEL = "channel"

NAME_MAX = 100
OBJECTIVES_MAX = 1000
CADENCES = {"weekly": "Every week", "biweekly": "Every 2 weeks", "monthly": "Every month"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
FLAGS = {
    "avoid_reporting_line": "Never pair people within a reporting line",
    "prefer_other_departments": "Prefer pairs from different departments",
}
NUMBER_LIMITS = {MIN_GAP: (0, 40), CAPACITY: (1, 5), REPEAT: (0, 10)}

ERRORS = {
    "name_missing": "Please give the program a name.",
    "name_too_long": f"Please keep the name under {NAME_MAX} characters.",
    "name_taken": "Another program in this workspace already has this name.",
    "objectives_too_long": f"Please keep the objectives under {OBJECTIVES_MAX} characters.",
    "date_missing": "Please pick a date.",
    "end_before_start": "The program must end after it starts.",
    "too_short": "The time frame must hold at least two meetings at this cadence: end later or meet more often.",
    "too_long": "Programs last at most two years: pick an earlier end date.",
    "time_missing": "Please pick a time.",
    "quiet_order": "The end of the day must come after its start.",
    "checkin_outside": "Check-ins must fall inside the hours messages may be sent.",
    "number": "Please enter a whole number from {low} to {high}.",
    "choice": "Please choose one of the options.",
    "channel": "Please pick a channel.",
    "stale": "This form is out of date: close it and open the program settings again.",
}


def _select(action_id: str, choices: dict[str, str], selected: str) -> Block:
    options = [option(label, value) for value, label in choices.items()]
    element: Block = {"type": "static_select", "action_id": action_id, "options": options}
    if selected in choices:
        element["initial_option"] = option(choices[selected], selected)
    return element


def _number(action_id: str, value: int) -> Block:
    low, high = NUMBER_LIMITS[action_id]
    return {
        "type": "number_input",
        "action_id": action_id,
        "is_decimal_allowed": False,
        "min_value": str(low),
        "max_value": str(high),
        "initial_value": str(value),
    }


def _date(action_id: str, value: date | None) -> Block:
    element: Block = {"type": "datepicker", "action_id": action_id}
    if value:
        element["initial_date"] = value.isoformat()
    return element


def _time(action_id: str, value: str) -> Block:
    return {"type": "timepicker", "action_id": action_id, "initial_time": value}


def settings_modal(program: dict[str, Any]) -> Block:
    """``program``: the program's fields (id, name, objectives, dates, cadence, times, rules, channel_id)."""
    rules = program.get("rules") or {}
    flags = [option(label, key) for key, label in FLAGS.items()]
    flag_element: Block = {"type": "checkboxes", "action_id": RULE_FLAGS, "options": flags}
    ticked = [option(label, key) for key, label in FLAGS.items() if rules.get(key)]
    if ticked:
        flag_element["initial_options"] = ticked
    channel: Block = {
        "type": "conversations_select",
        "action_id": CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if program.get("channel_id"):
        channel["initial_conversation"] = program["channel_id"]
    weekdays = {str(i): day for i, day in enumerate(WEEKDAYS)}
    name_el: Block = {
        "type": "plain_text_input",
        "action_id": NAME,
        "max_length": NAME_MAX,
        "initial_value": program.get("name") or "",
    }
    objectives_el: Block = {
        "type": "plain_text_input",
        "action_id": OBJECTIVES,
        "multiline": True,
        "max_length": OBJECTIVES_MAX,
    }
    if program.get("objectives"):
        objectives_el["initial_value"] = program["objectives"]
    blocks = [
        input_block(NAME, "Program name", name_el),
        input_block(OBJECTIVES, "Objectives", objectives_el, hint="Shown to everyone who joins.", optional=True),
        input_block(START, "Starts on", _date(START, program.get("start_date"))),
        input_block(END, "Ends on", _date(END, program.get("end_date")), hint="A set time frame; 12 weeks by default."),
        input_block(CADENCE, "Pairs meet", _select(CADENCE, CADENCES, program.get("cadence") or "biweekly")),
        input_block(WEEKDAY, "Check-in day", _select(WEEKDAY, weekdays, str(program.get("checkin_weekday", 1)))),
        input_block(
            TIME,
            "Check-in time",
            _time(TIME, program.get("checkin_time") or "10:00"),
            hint="In each person's own time zone.",
        ),
        input_block(QUIET_START, "Send messages from", _time(QUIET_START, program.get("quiet_start") or "09:00")),
        input_block(
            QUIET_END,
            "…until",
            _time(QUIET_END, program.get("quiet_end") or "18:00"),
            hint="Local time, weekdays only: nothing is sent outside these hours.",
        ),
        input_block(RULE_FLAGS, "Matching rules", flag_element, optional=True),
        input_block(MIN_GAP, "Minimum experience gap (years)", _number(MIN_GAP, int(rules.get(MIN_GAP, 5)))),
        input_block(CAPACITY, "Mentees per reverse mentor", _number(CAPACITY, int(rules.get(CAPACITY, 1)))),
        input_block(REPEAT, "Avoid repeat pairs for this many rounds", _number(REPEAT, int(rules.get(REPEAT, 2)))),
        input_block(
            CHANNEL,
            "Announcement channel",
            channel,
            optional=True,
            hint="Invite the app to the channel so it can post there.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "title": plain("Program settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"program_id": program["id"]}),
        "blocks": blocks,
    }


def admin_section(
    program: dict[str, Any], counts: dict[tuple[str, str], int], audit: list[dict[str, Any]] | None = None
) -> list[Block]:
    """The admin's part of the Home tab: headline figures and the program's settings."""

    def total(state: str | None = None, role: str | None = None) -> int:
        return sum(n for (s, r), n in counts.items() if (state is None or s == state) and (role is None or r == role))

    taking_part = total("active") + total("paused")
    by_role = ", ".join(
        f"{label} {total('active', role) + total('paused', role)}"
        for role, label in (("mentor", "reverse mentors"), ("mentee", "mentees"), ("either", "either"))
    )
    start, end = program.get("start_date"), program.get("end_date")
    frame = f"{start.isoformat()} → {end.isoformat()}" if start and end else "not set"
    rules = program.get("rules") or {}
    rule_lines = [label for key, label in FLAGS.items() if rules.get(key)]
    rule_lines.append(f"experience gap ≥ {rules.get(MIN_GAP, 5)} years")
    rule_lines.append(f"{rules.get(CAPACITY, 1)} mentee(s) per reverse mentor")
    channel = f"<#{program['channel_id']}>" if program.get("channel_id") else "none yet"
    weekday = WEEKDAYS[int(program.get("checkin_weekday", 1)) % len(WEEKDAYS)]
    return [
        divider(),
        header("Admin: " + (program.get("name") or "")),
        section(f"*Taking part:* {taking_part} ({by_role}) · *paused:* {total('paused')} · *left:* {total('left')}"),
        section(
            f"*Time frame:* {frame} · *state:* {esc(str(program.get('state', '')))}\n"
            f"*Meetings:* {CADENCES.get(program.get('cadence') or '', '?').lower()}, check-ins on {weekday} at "
            f"{program.get('checkin_time')} local · messages only {program.get('quiet_start')}–"
            f"{program.get('quiet_end')} on weekdays\n"
            f"*Matching:* {'; '.join(rule_lines)}\n*Announcement channel:* {channel}"
        ),
        actions(
            button("Edit program settings", ACTION_EDIT_SETTINGS, value=str(program.get("id"))),
            button("Announce", ACTION_ANNOUNCE, value=str(program.get("id"))),
            button("Roster", ACTION_OPEN_ROSTER),
            button("Audit log", ACTION_AUDIT),
        ),
        context("Only admins see this part. Every change is recorded in the audit log."),
        *audit_blocks(audit or []),
    ]


AUDIT_SHOWN = 5


def audit_blocks(entries: list[dict[str, Any]]) -> list[Block]:
    """The latest admin changes: ``entries`` have actor_id, action, at (datetime) and after (dict)."""
    if not entries:
        return []
    lines = []
    for entry in entries[:AUDIT_SHOWN]:
        changed = ", ".join(sorted(entry.get("after") or {})) or "—"
        when = entry["at"].strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"{when} · <@{entry['actor_id']}> · {esc(entry['action'])} · {esc(changed)}")
    return [context("*Recent admin changes*\n" + "\n".join(lines))]


def _audit_line(entry: dict[str, Any]) -> str:
    changed = ", ".join(
        f"{k}: {_short(entry.get('before', {}).get(k))} → {_short(v)}" for k, v in (entry.get("after") or {}).items()
    )
    when = entry["at"].strftime("%Y-%m-%d %H:%M UTC")
    who = f"<@{entry['actor_id']}>"
    return f"*{when}* · {who} · {esc(entry['action'])} · {esc(entry.get('target') or '')}\n{esc(changed) or '—'}"


def _short(value: Any) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def audit_modal(entries: list[dict[str, Any]]) -> Block:
    """The latest admin changes with what each changed (before → after)."""
    blocks: list[Block] = [section(_audit_line(e)) for e in entries[:AUDIT_MODAL_ENTRIES]]
    if not blocks:
        blocks = [section("No admin changes yet.")]
    blocks.append(context(f"The latest {AUDIT_MODAL_ENTRIES} changes, newest first. Visible to admins only."))
    return {"type": "modal", "title": plain("Audit log"), "close": plain("Done"), "blocks": blocks}


def announcement(program: dict[str, Any]) -> Reply:
    """The invitation posted in the announcement channel, with a *Join* button that opens the sign-up form."""
    name = program.get("name") or "Reverse mentoring"
    start, end = program.get("start_date"), program.get("end_date")
    frame = f"from {start.isoformat()} to {end.isoformat()}" if start and end else ""
    cadence = CADENCES.get(program.get("cadence") or "", "").lower()
    lines = [
        "Reverse mentoring pairs a junior colleague, who shares digital skills and a fresh view, with a senior "
        "one, who shares business experience back. Pairs are matched on what one can teach and the other wants "
        "to learn, never inside a reporting line.",
    ]
    if program.get("objectives"):
        lines.append(f"*Objectives:* {esc(program['objectives'])}")
    if frame or cadence:
        lines.append(f"*When:* {frame}{', ' if frame and cadence else ''}{'pairs meet ' + cadence if cadence else ''}")
    text = f"Join {name}: reverse mentoring is open for sign-ups."
    blocks = [
        header(f"Join {name}"),
        section("\n".join(lines)),
        actions(button("Join", ACTION_JOIN, style="primary")),
        context("Takes two minutes. Or type `/mentor` anywhere."),
    ]
    return Reply(text, blocks)


def announce_result_reply(*, channel_id: str | None, error: str | None) -> Reply:
    """What the admin is told after *Announce*."""
    if channel_id is None:
        return Reply("Pick an announcement channel in the program settings first.")
    if error is None:
        return Reply(f"The invitation is posted in <#{channel_id}>.")
    if error in ("not_in_channel", "channel_not_found"):
        return Reply(
            f"I can't post in <#{channel_id}>: invite me there (`/invite @Reverse Mentoring`), then try again."
        )
    if error == "is_archived":
        return Reply(f"<#{channel_id}> is archived: pick another announcement channel in the program settings.")
    return Reply(f"Slack refused the announcement ({esc(error)}). Please try again in a moment.")
