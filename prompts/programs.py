"""The admin's program settings modal and the admin part of the Home tab."""

from __future__ import annotations

import json
import re
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
from prompts.feedback import fit_concern_blocks
from prompts.participants import ACTION_JOIN
from prompts.roster import ACTION_OPEN_ROSTER
from prompts.rounds import ACTION_PREVIEW
from prompts.topics import CATALOGUE, program_topics

SETTINGS_CALLBACK_ID = "program_settings"
ACTION_EDIT_SETTINGS = "edit_program_settings"
ACTION_ANNOUNCE = "announce_program"
ACTION_AUDIT = "open_audit_log"
ACTION_NEW_PROGRAM = "new_program"
ACTION_PROGRAM_STATE = "move_program"  # draft → open → running
ACTION_END_PROGRAM = "end_program"  # from any state but ended; same handler, its own id so both fit one block
ACTION_REFRESH_HOME = "refresh_home"
PROGRAM_STATE_WORDS = {"draft": "draft", "open": "open for sign-ups", "running": "running", "ended": "ended"}
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
TOPICS_OFFERED = "topics_offered"
EXTRA_TOPICS = "extra_topics"
CLEAR_CHANNEL = "clear_channel"
EXTRA_TOPICS_MAX_CHARS = 3000
MIN_TOPICS = 3

NAME_MAX = 100
OBJECTIVES_MAX = 1000
CADENCES = {"weekly": "Every week", "biweekly": "Every 2 weeks", "monthly": "Every month"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
FLAGS = {
    "avoid_reporting_line": "Never pair people within a reporting line",
    "prefer_other_departments": "Prefer pairs from different departments",
    "celebrate_milestones": "Celebrate milestones in the announcement channel (with both people's consent)",
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
    "changed_meanwhile": "Another admin changed this program after you opened this form, so saving would undo "
    "their change. Copy what you need, close the form and open Settings again.",
    "ended": "This program has ended, so its settings can no longer change.",
    "rhythm_locked": (
        "This program is running and its check-ins are numbered from this: it can't change now (end the program and "
        "start a new one to change it). The end date, times and everything else can."
    ),
    "start_past": "A new program can't start in the past: pick today or later.",
    "too_few_topics": f"Offer at least {MIN_TOPICS} topics in all, so pairs have something to choose from.",
    "extra_format": "Line {line}: write a topic of up to 50 characters, optionally “: an opening question” "
    "(up to 200).",
    "extra_duplicate": "Line {line}: “{label}” is already a topic.",
    "extra_too_many": "At most 20 added topics.",
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


def settings_modal(program: dict[str, Any], version: str | None = None) -> Block:
    """``program``: the program's fields (id, name, objectives, dates, cadence, times, rules, channel_id, topics);
    ``version``: the fingerprint of those settings (see ``bot.programs.settings_version``), sent back on save."""
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
    extra_el: Block = {
        "type": "plain_text_input",
        "action_id": EXTRA_TOPICS,
        "multiline": True,
        "max_length": EXTRA_TOPICS_MAX_CHARS,
    }
    extra_text = extra_topics_text(program.get("topics") or {})
    if extra_text:
        extra_el["initial_value"] = extra_text
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
            TOPICS_OFFERED,
            "Topics offered",
            _topics_element(program.get("topics") or {}),
            hint="Trim the default catalogue: people pick from these when they join, and pairs get them as "
            "suggestions.",
            optional=True,
        ),
        input_block(
            EXTRA_TOPICS,
            "Topics added for this program",
            extra_el,
            hint="One per line, optionally with an opening question: “Our CRM: which report do you trust?”",
            optional=True,
        ),
        input_block(
            CHANNEL,
            "Announcement channel",
            channel,
            optional=True,
            hint="Invite the app to the channel so it can post there.",
        ),
    ]
    if program.get("channel_id"):
        clear: Block = {
            "type": "checkboxes",
            "action_id": CLEAR_CHANNEL,
            "options": [option("Stop using an announcement channel", "clear")],
        }
        blocks.append(input_block(CLEAR_CHANNEL, "No channel", clear, optional=True))
    new = program.get("id") is None
    if new:
        blocks.insert(0, context("A new program starts as a draft: only admins see it until you open it for sign-ups."))
    return {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "title": plain("New program" if new else "Program settings"),
        "submit": plain("Create" if new else "Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"new": True} if new else {"program_id": program["id"], "version": version}),
        "blocks": blocks,
    }


def _topics_element(setting: dict[str, Any]) -> Block:
    off = set(setting.get("off") or [])
    options = [option(t.label, t.key) for t in CATALOGUE]
    element: Block = {
        "type": "multi_static_select",
        "action_id": TOPICS_OFFERED,
        "placeholder": plain("Pick the topics this program offers"),
        "options": options,
    }
    kept = [o for o, t in zip(options, CATALOGUE, strict=True) if t.key not in off]
    if kept:
        element["initial_options"] = kept
    return element


def extra_topics_text(setting: dict[str, Any]) -> str:
    """The added topics as the admin typed them: ``Label: question`` per line."""
    lines = []
    for item in setting.get("extra") or []:
        if isinstance(item, dict) and item.get("label"):
            lines.append(item["label"] + (f": {item['question']}" if item.get("question") else ""))
    return "\n".join(lines)


ADMIN_PROGRAMS_SHOWN = 12
STATE_MOVES = {  # (from, to): button label, confirmation text
    ("draft", "open"): ("Open for sign-ups", "People can join it with `/mentor` and from its announcement."),
    ("draft", "ended"): ("Discard", "The draft ends without anyone having joined. This cannot be undone."),
    ("open", "running"): (
        "Start the program",
        "Pairs will be matched and meet; people can still join and are matched in the next round.",
    ),
    ("open", "ended"): ("End the program", "Sign-ups close and nothing more is sent. This cannot be undone."),
    ("running", "ended"): (
        "End the program",
        "Sign-ups close, check-ins stop and the program becomes read-only. This cannot be undone.",
    ),
}


def _tally(counts: dict[tuple[str, str], int], state: str | None = None, role: str | None = None) -> int:
    return sum(n for (s, r), n in counts.items() if (state is None or s == state) and (role is None or r == role))


def figures(counts: dict[tuple[str, str], int]) -> str:
    """``*Taking part:* 12 (reverse mentors 5, mentees 6, either 1) · *paused:* 1 · *left:* 2``."""
    taking_part = _tally(counts, "active") + _tally(counts, "paused")
    by_role = ", ".join(
        f"{label} {_tally(counts, 'active', role) + _tally(counts, 'paused', role)}"
        for role, label in (("mentor", "reverse mentors"), ("mentee", "mentees"), ("either", "either"))
    )
    return (
        f"*Taking part:* {taking_part} ({by_role}) · *paused:* {_tally(counts, 'paused')} · "
        f"*left:* {_tally(counts, 'left')}"
    )


def state_button(program_id: int, name: str, from_state: str, to_state: str) -> Block:
    label, consequence = STATE_MOVES[(from_state, to_state)]
    element = button(
        label,
        ACTION_END_PROGRAM if to_state == "ended" else ACTION_PROGRAM_STATE,
        value=f"{program_id}:{from_state}:{to_state}",
        style="danger" if to_state == "ended" else "primary",
    )
    element["confirm"] = {
        "title": plain(label + "?"),
        "text": plain(f"{name[:100]}: {consequence}"),
        "confirm": plain(label),
        "deny": plain("Cancel"),
        **({"style": "danger"} if to_state == "ended" else {}),
    }
    return element


def _program_card(
    program: dict[str, Any], counts: dict[tuple[str, str], int], pairs: int = 0, stalled: int = 0
) -> list[Block]:
    pid, name, state = program["id"], program.get("name") or "", str(program.get("state", ""))
    start, end = program.get("start_date"), program.get("end_date")
    frame = f"{start.isoformat()} → {end.isoformat()}" if start and end else "not set"
    rules = program.get("rules") or {}
    rule_lines = [label for key, label in FLAGS.items() if rules.get(key)]
    rule_lines.append(f"experience gap ≥ {rules.get(MIN_GAP, 5)} years")
    rule_lines.append(f"{rules.get(CAPACITY, 1)} mentee(s) per reverse mentor")
    channel = f"<#{program['channel_id']}>" if program.get("channel_id") else "none yet"
    weekday = WEEKDAYS[int(program.get("checkin_weekday", 1)) % len(WEEKDAYS)]
    topics = len(program_topics(program.get("topics")))
    buttons = [button("Roster", ACTION_OPEN_ROSTER, value=str(pid))]
    if state != "ended":  # an ended program is read-only
        buttons.insert(0, button("Settings", ACTION_EDIT_SETTINGS, value=str(pid)))
    if state in ("open", "running"):
        buttons.insert(0, button("Preview matches", ACTION_PREVIEW, value=str(pid), style="primary"))
        buttons.append(button("Announce", ACTION_ANNOUNCE, value=str(pid)))
    buttons += [state_button(pid, name, state, to) for (frm, to) in STATE_MOVES if frm == state]
    return [
        section(
            f"*{esc(name)}* · {PROGRAM_STATE_WORDS.get(state, esc(state))} · {frame}\n{figures(counts)} · "
            f"*pairs:* {pairs}"
            + (
                f" · :warning: *stalled:* {stalled} (three check-ins unanswered; each person was asked privately)"
                if stalled
                else ""
            )
        ),
        context(
            f"*Meetings:* {CADENCES.get(program.get('cadence') or '', '?').lower()}, check-ins on {weekday} at "
            f"{program.get('checkin_time')} local · messages only {program.get('quiet_start')}–"
            f"{program.get('quiet_end')} on weekdays · *Matching:* {'; '.join(rule_lines)} · *Topics:* {topics} · "
            f"*Announcement channel:* {channel}"
        ),
        actions(*buttons, block_id=f"admin-{pid}"),
    ]


def admin_section(
    programs: list[dict[str, Any]],
    counts: dict[int, dict[tuple[str, str], int]],
    audit: list[dict[str, Any]] | None = None,
    *,
    pairs: dict[int, int] | None = None,
    rematch_requests: list[dict[str, Any]] | None = None,
    delivery: dict[str, int] | None = None,
    refused: list[dict[str, Any]] | None = None,
    fit_concerns: list[dict[str, Any]] | None = None,
    stalled: dict[int, int] | None = None,
) -> list[Block]:
    """The admin's part of the Home tab: every program (not-ended first, newest ended last) with its headline
    figures, settings summary and buttons, messages not delivered and whom the latest refusals were about, then
    open rematch requests, then the latest admin changes."""
    live = [p for p in programs if p.get("state") != "ended"]
    ended = [p for p in programs if p.get("state") == "ended"][::-1]
    shown = (live + ended)[:ADMIN_PROGRAMS_SHOWN]
    blocks: list[Block] = [
        divider(),
        header("Admin"),
        actions(
            button("New program", ACTION_NEW_PROGRAM, style="primary"),
            button("Audit log", ACTION_AUDIT),
            button("Refresh", ACTION_REFRESH_HOME),
            block_id="admin-tools",
        ),
    ]
    if not programs:
        blocks.append(section("No programs yet: *New program* sets one up."))
    for program in shown:
        blocks += _program_card(
            program,
            counts.get(program["id"], {}),
            (pairs or {}).get(program["id"], 0),
            (stalled or {}).get(program["id"], 0),
        )
    hidden = len(programs) - len(shown)
    note = "Only admins see this part. Every change is recorded in the audit log."
    if hidden:
        note = f"{hidden} more program(s) not shown (the oldest ended ones go first). " + note
    blocks.append(context(note))
    if problem := delivery_problems(delivery or {}):
        blocks.append(context(problem))
    blocks += refusal_blocks(refused or [])
    return (
        blocks
        + rematch_blocks(rematch_requests or [])
        + fit_concern_blocks(fit_concerns or [])
        + audit_blocks(audit or [])
    )


def delivery_problems(delivery: dict[str, int]) -> str:
    """``⚠️ Messages not delivered: 2 refused by Slack, 1 uncertain …`` (empty when all is well)."""
    parts = []
    if delivery.get("failed"):
        parts.append(f"{delivery['failed']} refused by Slack (a person or conversation gone)")
    if delivery.get("uncertain"):
        parts.append(f"{delivery['uncertain']} whose delivery Slack could not confirm (not resent, to avoid doubles)")
    if delivery.get("stuck"):
        parts.append(f"{delivery['stuck']} interrupted by a restart mid-send (not resent, to avoid doubles)")
    return (":warning: *Messages not delivered:* " + "; ".join(parts) + ".") if parts else ""


GONE_WORDS = {
    "user_not_found": "Slack has no such person any more",
    "user_disabled": "their Slack account is deactivated",
    "channel_not_found": "Slack can't find the conversation",
    "is_archived": "the conversation is archived",
}


def refusal_blocks(refused: list[dict[str, Any]]) -> list[Block]:
    """Whom Slack's refusals were about (``refused``: error, user_id or people, and the outcome: left, pair_ended
    or not_retried), and what the bot did."""
    lines = []
    for r in refused:
        why = GONE_WORDS.get(r["error"], r["error"])
        if r.get("outcome") == "pair_ended" and r.get("people"):
            first, second = r["people"]
            lines.append(f"• <@{first}> and <@{second}>: {why}, so the pair ended (both are first in line next round).")
        elif r.get("outcome") == "left":
            lines.append(f"• <@{r['user_id']}>: {why}, so they were taken out of their programs.")
        elif r.get("user_id"):
            lines.append(f"• A message to <@{r['user_id']}>: {why}; it won't be tried again.")
    return [context("*Latest refusals*\n" + "\n".join(lines))] if lines else []


REQUESTS_SHOWN = 5


def rematch_blocks(requests: list[dict[str, Any]]) -> list[Block]:
    """Open rematch requests (user_id, program, reason, created_at): private to admins; the next round of the
    program ends those pairs and rematches both people."""
    if not requests:
        return []
    lines = []
    for r in requests[:REQUESTS_SHOWN]:
        reason = f": “{esc(r['reason'][:200])}”" if r.get("reason") else " (no reason given)"
        lines.append(f"• <@{r['user_id']}> in *{esc(r.get('program') or '')}*{reason}")
    more = f"\n…and {len(requests) - REQUESTS_SHOWN} more." if len(requests) > REQUESTS_SHOWN else ""
    return [
        section(f"*Rematch requests ({len(requests)})*\n" + "\n".join(lines) + more),
        context(
            "Private: partners are never told. The program's next round (*Preview matches*) ends these pairs "
            "and matches both people again, never with each other."
        ),
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
        lines.append(f"{when} · {_who(entry['actor_id'])} · {esc(entry['action'])} · {esc(changed)}")
    return [context("*Recent admin changes*\n" + "\n".join(lines))]


USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def _who(actor_id: str) -> str:
    """Who made a change: a mention, or as stored when it is no Slack user ID ("cli", "erased person")."""
    return f"<@{actor_id}>" if USER_ID.match(actor_id) else esc(actor_id)


def _audit_line(entry: dict[str, Any]) -> str:
    changed = ", ".join(
        f"{k}: {_short(entry.get('before', {}).get(k))} → {_short(v)}" for k, v in (entry.get("after") or {}).items()
    )
    when = entry["at"].strftime("%Y-%m-%d %H:%M UTC")
    who = _who(entry["actor_id"])
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
    text = f"Join {esc(name)}: reverse mentoring is open for sign-ups."
    blocks = [
        header(f"Join {name}"),  # plain text, where markup is never live
        section("\n".join(lines)),
        actions(button("Join", ACTION_JOIN, value=str(program["id"]) if program.get("id") else None, style="primary")),
        context("Takes two minutes. Or type `/mentor` anywhere."),
    ]
    return Reply(text, blocks)


def announce_closed_reply(name: str) -> Reply:
    return Reply(f"{esc(name)} isn't taking sign-ups, so there is nothing to announce: open it for sign-ups first.")


def program_gone_reply() -> Reply:
    return Reply("That program no longer exists in this workspace: open the Home tab again to see the current ones.")


MOVE_RESULTS = {
    "discarded": "The draft {name} is discarded. Its name is free again.",
    "open": "{name} is open for sign-ups. *Announce* posts the invitation in its channel.",
    "running": "{name} is running. People can still join; they are matched in the next round.",
    "ended": "{name} has ended: no more sign-ups or messages. Its figures stay on the Home tab.",
}


def move_result_reply(name: str, to_state: str, outcome: str) -> Reply:
    """What the admin is told after a state button: ``outcome`` is moved, unchanged or not_allowed."""
    if outcome in ("moved", "discarded"):
        return Reply(MOVE_RESULTS["discarded" if outcome == "discarded" else to_state].format(name=esc(name)))
    if outcome == "unchanged":
        return Reply(f"{esc(name)} had already changed state (another admin?): the Home tab now shows where it is.")
    return Reply("That change isn't possible for this program. Open the Home tab again to see where it stands.")


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
