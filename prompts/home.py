"""The app's Home tab, as each person sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

from prompts.blocks import Block, actions, button, context, divider, header, section
from prompts.blocks import escape as esc
from prompts.messages import ACTION_EDIT_PROFILE, ACTION_JOIN, STATE_LABELS, profile_fields

ABOUT = (
    "In *reverse mentoring* a junior colleague mentors a senior one: digital tools, social media, AI, new ways "
    "of working and a fresh view of the company. The senior shares business experience back. "
    "We match pairs across departments, never inside a reporting line, and help you keep meeting."
)


def home_view(
    *,
    program_name: str,
    objectives: str,
    state: str | None,
    paused_until: date | None = None,
    answers: dict[str, Any] | None = None,
    timezone: str | None = None,
) -> Block:
    """``state`` is None for someone with no profile (never joined, or erased their data)."""
    blocks: list[Block] = [header(program_name), section(ABOUT)]
    if objectives:
        blocks.append(section(f"*Objectives*\n{esc(objectives)}"))
    blocks.append(divider())
    if state is None or answers is None:
        blocks += [
            section("*You're not taking part yet.* It takes two minutes to join."),
            actions(button("Join", ACTION_JOIN, style="primary")),
        ]
    else:
        where = STATE_LABELS.get(state, state)
        if state == "paused" and paused_until:
            where += f" until {paused_until.isoformat()}"
        blocks += [
            section(f"*Your status:* {where}"),
            section(profile_fields(answers, timezone)),
            actions(
                button("Join again", ACTION_JOIN, style="primary")
                if state == "left"
                else button("Edit profile", ACTION_EDIT_PROFILE)
            ),
        ]
    blocks.append(context("Type `/mentor help` in any channel to see every command."))
    return {"type": "home", "blocks": blocks}
