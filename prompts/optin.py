"""The opt-in / edit-profile modal."""

from __future__ import annotations

import json
from typing import Any

from prompts.blocks import Block, context, input_block, option, plain, section
from prompts.blocks import escape as esc
from prompts.surveys import confidence_block
from prompts.topics import CATALOGUE, PROGRAM_SIDE, PROGRAM_SIDE_LABEL, SIDE_LABELS, Topic, topic_label

CALLBACK_ID = "mentor_optin"

PROGRAM = "optin_program"  # the menu of open programs; picking one redraws the form for it

ROLE = "role"
DEPARTMENT = "department"
YEARS = "years_experience"
SHARES = "shares"
SHARES_OTHER = "shares_other"
LEARNS = "learns"
LEARNS_OTHER = "learns_other"
GOALS = "goals"
FORMAT = "meeting_format"
MANAGER = "manager"

DEPARTMENT_MAX = 100
OTHER_MAX = 700  # ≥ 12 items × 50 characters joined with ", ", so an edit always fits
GOALS_MAX = 1000
YEARS_MAX = 60

MAX_TOPICS = 12
CUSTOM_TOPIC_MAX = 50

# Inline errors for the form, keyed by what went wrong; bot/optin.py decides which apply.
ERRORS = {
    "role": "Please choose how you'd like to take part.",
    "department_missing": "Please tell us your department or team.",
    "too_long": "Please keep this under {limit} characters.",
    "years": f"Please enter a whole number of years between 0 and {YEARS_MAX}.",
    "not_in_catalogue": "Please pick topics from the list.",
    "custom_too_long": "“{start}…” is too long: keep each item under {limit} characters.",
    "too_many": f"Please choose at most {MAX_TOPICS} in all.",
    "mentor_needs_skill": "As a reverse mentor, pick at least one skill you can share.",
    "mentee_needs_topic": "As a mentee, pick at least one topic you want to learn.",
    "either_needs_one": "Pick at least one skill to share or one topic to learn.",
    "goals_missing": "Please tell us what you hope to get out of the program.",
    "format": "Please choose a meeting format.",
    "manager_is_self": "That's you! Choose your manager, or leave this empty.",
    "program_closed": "This program is no longer open for sign-ups: pick another one in the menu.",
    "program_closed_only": "This program is no longer open for sign-ups. Close the form; `/mentor` says what is open.",
}

ROLE_OPTIONS = (
    ("mentor", "Reverse mentor", "I share digital skills and a fresh view"),
    ("mentee", "Mentee", "I'm more experienced and want to learn"),
    ("either", "Open to either", "Match me where I help most"),
)
FORMAT_OPTIONS = (("video", "Video call"), ("in_person", "In person"), ("either", "Either"))
ROLE_LABELS = {value: label for value, label, _ in ROLE_OPTIONS}
FORMAT_LABELS = dict(FORMAT_OPTIONS)


def _topic_select(action_id: str, placeholder: str, selected: list[str], topics: tuple[Topic, ...]) -> Block:
    groups = []
    for side, label in (*SIDE_LABELS.items(), (PROGRAM_SIDE, PROGRAM_SIDE_LABEL)):
        options = [option(t.label, t.key) for t in topics if t.side == side]
        if options:
            groups.append({"label": plain(label), "options": options})
    element: Block = {
        "type": "multi_static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "option_groups": groups,
        "max_selected_items": MAX_TOPICS,
    }
    by_key = {t.key: t for t in topics}
    initial = [option(by_key[k].label, k) for k in selected if k in by_key]
    if initial:
        element["initial_options"] = initial
    return element


def _text(
    action_id: str, max_length: int, *, value: str | None, multiline: bool = False, placeholder: str = ""
) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": action_id, "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if placeholder:
        element["placeholder"] = plain(placeholder)
    if value:
        element["initial_value"] = value
    return element


def optin_modal(
    *,
    program_id: int,
    program_name: str,
    objectives: str,
    answers: dict[str, Any] | None = None,
    topics: tuple[Topic, ...] = CATALOGUE,
    choices: list[tuple[int, str]] | None = None,
    editing: bool | None = None,
) -> Block:
    """The modal; ``answers`` (a participant's saved answers) pre-fills it for editing. ``topics`` is the
    program's catalogue; ``choices`` (id, name) are the programs open for sign-ups, offered in a menu when there
    are several (the form is opened for ``program_id``, which comes first)."""
    a = answers or {}
    offered = {t.key for t in topics}
    editing = answers is not None if editing is None else editing
    shares = list(a.get("shares") or [])
    learns = list(a.get("learns") or [])
    role_value = a.get("role")
    role_element: Block = {
        "type": "radio_buttons",
        "action_id": ROLE,
        "options": [option(label, value, desc) for value, label, desc in ROLE_OPTIONS],
    }
    if role_value in ROLE_LABELS:
        role_element["initial_option"] = next(
            option(label, value, desc) for value, label, desc in ROLE_OPTIONS if value == role_value
        )
    years_element: Block = {
        "type": "number_input",
        "action_id": YEARS,
        "is_decimal_allowed": False,
        "min_value": "0",
        "max_value": str(YEARS_MAX),
        "placeholder": plain("e.g. 3"),
    }
    if a.get("years_experience") is not None:
        years_element["initial_value"] = str(a["years_experience"])
    format_value = str(a.get("meeting_format")) if a.get("meeting_format") in FORMAT_LABELS else "either"
    format_element: Block = {
        "type": "static_select",
        "action_id": FORMAT,
        "options": [option(label, value) for value, label in FORMAT_OPTIONS],
        "initial_option": option(FORMAT_LABELS[format_value], format_value),
    }
    manager_element: Block = {
        "type": "users_select",
        "action_id": MANAGER,
        "placeholder": plain("Choose someone"),
    }
    if a.get("manager_id"):
        manager_element["initial_user"] = a["manager_id"]

    blocks: list[Block] = []
    if choices and len(choices) > 1:
        menu = input_block(PROGRAM, "Program", _program_select(program_id, choices))
        menu["dispatch_action"] = True
        blocks.append(menu)
    blocks += [
        section(f"*{esc(program_name)}*\n{esc(objectives)}" if objectives else f"*{esc(program_name)}*"),
        context(
            "In reverse mentoring the junior colleague is the mentor: they share digital skills and a fresh view, "
            "and the senior colleague shares experience back. Your answers are used to find you a good match."
        ),
        input_block(ROLE, "How would you like to take part?", role_element),
        input_block(
            DEPARTMENT,
            "Department or team",
            _text(DEPARTMENT, DEPARTMENT_MAX, value=a.get("department"), placeholder="e.g. Marketing"),
            hint="We prefer to pair people from different departments.",
        ),
        input_block(YEARS, "Years of work experience", years_element, hint="Your whole career, not only here."),
        input_block(
            SHARES,
            "Skills you can share",
            _topic_select(SHARES, "Pick what you could teach", shares, topics),
            hint="Reverse mentors: pick at least one.",
            optional=True,
        ),
        input_block(
            SHARES_OTHER,
            "Anything else you can share?",
            _text(
                SHARES_OTHER,
                OTHER_MAX,
                value=", ".join(topic_label(s) for s in shares if s not in offered),
                placeholder="Separate with commas, e.g. Figma, TikTok ads",
            ),
            optional=True,
        ),
        input_block(
            LEARNS,
            "Topics you want to learn",
            _topic_select(LEARNS, "Pick what you'd like to learn", learns, topics),
            hint="Mentees: pick at least one.",
            optional=True,
        ),
        input_block(
            LEARNS_OTHER,
            "Anything else you want to learn?",
            _text(
                LEARNS_OTHER,
                OTHER_MAX,
                value=", ".join(topic_label(s) for s in learns if s not in offered),
                placeholder="Separate with commas",
            ),
            optional=True,
        ),
        input_block(
            GOALS,
            "What do you hope to get out of the program?",
            _text(
                GOALS,
                GOALS_MAX,
                value=a.get("goals"),
                multiline=True,
                placeholder="e.g. Get comfortable with AI tools; understand how new hires see us",
            ),
            hint="Your partner sees this, so they know where to start.",
        ),
        confidence_block(),
        input_block(FORMAT, "Preferred meeting format", format_element),
        input_block(
            MANAGER,
            "Who is your manager?",
            manager_element,
            hint="Optional. We never pair you with your manager or anyone in your reporting line.",
            optional=True,
        ),
        context("Your time zone comes from your Slack profile. You can edit, pause or leave at any time."),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Edit your profile" if editing else "Join reverse mentoring"),
        "submit": plain("Save" if editing else "Join"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"program_id": program_id}),
        "blocks": blocks,
    }


MAX_PROGRAM_CHOICES = 100


def _program_select(program_id: int, choices: list[tuple[int, str]]) -> Block:
    options = [option(name, str(pid)) for pid, name in choices[:MAX_PROGRAM_CHOICES]]
    element: Block = {"type": "static_select", "action_id": PROGRAM, "options": options}
    element["initial_option"] = next((o for o in options if o["value"] == str(program_id)), options[0])
    return element


def program_id_from_metadata(private_metadata: str) -> int | None:
    try:
        value = json.loads(private_metadata or "{}").get("program_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None
