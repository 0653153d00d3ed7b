"""Opt-in answers: read from the modal's state, validated on the server, turned into a profile."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from prompts import optin as ids
from prompts.catalogue import TOPICS_BY_KEY
from prompts.optin import DEPARTMENT_MAX, GOALS_MAX, OTHER_MAX, YEARS_MAX

MAX_TOPICS = 12
CUSTOM_TOPIC_MAX = 50
ROLES = frozenset({"mentor", "mentee", "either"})
FORMATS = frozenset({"video", "in_person", "either"})


@dataclass(frozen=True)
class Profile:
    role: str
    department: str
    years_experience: int
    shares: list[str]
    learns: list[str]
    goals: str
    meeting_format: str
    manager_id: str | None

    def answers(self) -> dict[str, Any]:
        return asdict(self)


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(block_id) or {}


def _text(values: dict[str, Any], block_id: str) -> str:
    return (_element(values, block_id).get("value") or "").strip()


def _selected(values: dict[str, Any], block_id: str) -> list[str]:
    return [o.get("value", "") for o in _element(values, block_id).get("selected_options") or []]


def _single(values: dict[str, Any], block_id: str) -> str:
    return ((_element(values, block_id).get("selected_option") or {}).get("value") or "").strip()


def split_custom(text: str) -> list[str]:
    """``"Figma, TikTok ads; Notion"`` → ``["Figma", "TikTok ads", "Notion"]`` (blank parts dropped)."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _merge_topics(picked: list[str], custom_text: str, block_id: str, errors: dict[str, str]) -> list[str]:
    topics: list[str] = []
    for key in picked:
        if key not in TOPICS_BY_KEY:
            errors[block_id] = "Please pick topics from the list."
        elif key not in topics:
            topics.append(key)
    custom_block = f"{block_id}_other"
    if len(custom_text) > OTHER_MAX:
        errors[custom_block] = f"Please keep this under {OTHER_MAX} characters."
        return topics
    known_labels = {TOPICS_BY_KEY[k].label.casefold(): k for k in TOPICS_BY_KEY}
    for name in split_custom(custom_text):
        if len(name) > CUSTOM_TOPIC_MAX:
            errors[custom_block] = f"“{name[:20]}…” is too long: keep each item under {CUSTOM_TOPIC_MAX} characters."
            continue
        key = known_labels.get(name.casefold(), name)
        if key.casefold() not in {t.casefold() for t in topics}:
            topics.append(key)
    if len(topics) > MAX_TOPICS:
        errors[custom_block if custom_text else block_id] = f"Please choose at most {MAX_TOPICS} in all."
    return topics


def profile_from_state(values: dict[str, Any], *, user_id: str) -> tuple[Profile | None, dict[str, str]]:
    """Validate the modal's ``state.values``; returns the profile, or inline errors keyed by block id."""
    errors: dict[str, str] = {}
    role = _single(values, ids.ROLE)
    if role not in ROLES:
        errors[ids.ROLE] = "Please choose how you'd like to take part."
    department = _text(values, ids.DEPARTMENT)
    if not department:
        errors[ids.DEPARTMENT] = "Please tell us your department or team."
    elif len(department) > DEPARTMENT_MAX:
        errors[ids.DEPARTMENT] = f"Please keep this under {DEPARTMENT_MAX} characters."
    years_text = _text(values, ids.YEARS)
    years = int(years_text) if years_text.isascii() and years_text.isdigit() else -1
    if not 0 <= years <= YEARS_MAX:
        errors[ids.YEARS] = f"Please enter a whole number of years between 0 and {YEARS_MAX}."
    shares = _merge_topics(_selected(values, ids.SHARES), _text(values, ids.SHARES_OTHER), ids.SHARES, errors)
    learns = _merge_topics(_selected(values, ids.LEARNS), _text(values, ids.LEARNS_OTHER), ids.LEARNS, errors)
    if role == "mentor" and not shares and ids.SHARES not in errors:
        errors[ids.SHARES] = "As a reverse mentor, pick at least one skill you can share."
    if role == "mentee" and not learns and ids.LEARNS not in errors:
        errors[ids.LEARNS] = "As a mentee, pick at least one topic you want to learn."
    if role == "either" and not shares and not learns and ids.SHARES not in errors:
        errors[ids.SHARES] = "Pick at least one skill to share or one topic to learn."
    goals = _text(values, ids.GOALS)
    if not goals:
        errors[ids.GOALS] = "Please tell us what you hope to get out of the program."
    elif len(goals) > GOALS_MAX:
        errors[ids.GOALS] = f"Please keep this under {GOALS_MAX} characters."
    meeting_format = _single(values, ids.FORMAT) or "either"
    if meeting_format not in FORMATS:
        errors[ids.FORMAT] = "Please choose a meeting format."
    manager_id = _element(values, ids.MANAGER).get("selected_user") or None
    if manager_id == user_id:
        errors[ids.MANAGER] = "That's you! Choose your manager, or leave this empty."
    if errors:
        return None, errors
    return Profile(role, department, years, shares, learns, goals, meeting_format, manager_id), {}
