"""Realistic, extreme and hostile inputs for the builders."""

from __future__ import annotations

from datetime import date
from typing import Any

from prompts.topics import CATALOGUE

PROGRAM = "Reverse Mentoring 2026"
OBJECTIVES = "Spread digital skills upward and business experience back."
PAUSED_UNTIL = date(2027, 1, 31)
HOSTILE = "<!channel> <!here> <@U0BOSS> <https://evil.example|click me> & co"
RAW_MARKUP = ("<!channel>", "<!here>", "<@U0BOSS>", "<https://evil.example")
FRESH_KEYS = [t.key for t in CATALOGUE if t.side == "fresh"]
EXPERIENCE_KEYS = [t.key for t in CATALOGUE if t.side == "experience"]


def answers(**overrides: Any) -> dict[str, Any]:
    """A mentee's saved answers, as ``Profile.answers()`` returns them."""
    base: dict[str, Any] = {
        "role": "mentee",
        "department": "Finance",
        "years_experience": 25,
        "shares": ["leadership", "Excel macros"],
        "learns": ["ai_tools", "social_media", "TikTok ads", "Notion"],
        "goals": "Get comfortable with AI tools; understand how new hires see us.",
        "meeting_format": "in_person",
        "manager_id": "U0MANAGER",
    }
    base.update(overrides)
    return base


def long_answers() -> dict[str, Any]:
    """At the modal's limits: department 100, years 60, goals 1000, 12 topics each side, custom text of 298 chars.

    Every value is one the server accepts (see tests/prompts/test_optin.py), typed with ", " between custom items.
    """
    return answers(
        role="either",
        department="D" * 100,
        years_experience=60,
        shares=[*FRESH_KEYS[:6], *[f"custom skill {i} " + "s" * 32 for i in range(6)]],
        learns=[*EXPERIENCE_KEYS, "ai_tools", *[f"custom topic {i} " + "t" * 32 for i in range(6)]],
        goals="G" * 1000,
        meeting_format="video",
    )


def hostile_answers() -> dict[str, Any]:
    """Markup a person could type into free-text fields; it must never be live in mrkdwn."""
    return answers(
        department=HOSTILE[:100],
        shares=["leadership", "<!channel> tips"],
        learns=["ai_tools", "<https://evil.example|free stuff>"],
        goals=HOSTILE,
    )


def escape_problems(texts: list[str]) -> list[str]:
    """Raw Slack markup (mentions, links) found in mrkdwn texts that should have been escaped."""
    return [f"{markup!r} in {text!r}" for text in texts for markup in RAW_MARKUP if markup in text]


def program_item(mine: str | None = None, *, state: str = "open", **extra: Any) -> dict[str, Any]:
    """A program as the Home tab's employee part gets it (``mine``: the person's state in it)."""
    return {
        "id": 7,
        "name": PROGRAM,
        "objectives": OBJECTIVES,
        "state": state,
        "start_date": date(2027, 1, 11),
        "end_date": date(2027, 4, 5),
        "cadence": "biweekly",
        "my_state": mine,
        "paused_until": None,
        **extra,
    }
