"""Opt-in answers: read from the modal's state, validated on the server, turned into a profile."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from prompts import optin as ids
from prompts.optin import CUSTOM_TOPIC_MAX, DEPARTMENT_MAX, ERRORS, GOALS_MAX, MAX_TOPICS, OTHER_MAX, YEARS_MAX
from prompts.topics import CATALOGUE, Topic
from storage.models import MeetingFormat, Role

ROLES = frozenset(Role)
FORMATS = frozenset(MeetingFormat)


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


SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def _clean_topics(value: Any) -> list[str] | None:
    if not isinstance(value, list) or len(value) > MAX_TOPICS:
        return None
    if not all(isinstance(item, str) and 0 < len(item) <= CUSTOM_TOPIC_MAX for item in value):
        return None
    return value


def answers_from_json(text: str) -> dict[str, Any] | None:
    """Answers carried in a button value, to pre-fill the form again. Anything that doesn't look like a valid
    answer is dropped (the form is validated again on submit anyway); None if nothing usable is left."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    checks: dict[str, Callable[[Any], bool]] = {
        "role": lambda v: v in ROLES,
        "department": lambda v: isinstance(v, str) and len(v) <= DEPARTMENT_MAX,
        "years_experience": lambda v: type(v) is int and 0 <= v <= YEARS_MAX,
        "shares": lambda v: _clean_topics(v) is not None,
        "learns": lambda v: _clean_topics(v) is not None,
        "goals": lambda v: isinstance(v, str) and len(v) <= GOALS_MAX,
        "meeting_format": lambda v: v in FORMATS,
        "manager_id": lambda v: isinstance(v, str) and bool(SLACK_USER_ID.match(v)),
    }
    clean = {key: data[key] for key, ok in checks.items() if key in data and ok(data[key])}
    return clean or None


def program_id_from_json(text: str) -> int | None:
    """The program a *Try again* button's answers were meant for (None if absent or not a plausible id)."""
    try:
        value = json.loads(text).get("program_id")
    except (ValueError, AttributeError):
        return None
    return value if type(value) is int and 0 < value < 10**11 else None


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


def _merge_topics(
    picked: list[str], custom_text: str, block_id: str, errors: dict[str, str], catalogue: tuple[Topic, ...]
) -> list[str]:
    by_key = {t.key: t for t in catalogue}
    topics: list[str] = []
    for key in picked:
        if key not in by_key:
            errors[block_id] = ERRORS["not_in_catalogue"]
        elif key not in topics:
            topics.append(key)
    custom_block = f"{block_id}_other"
    if len(custom_text) > OTHER_MAX:
        errors[custom_block] = ERRORS["too_long"].format(limit=OTHER_MAX)
        return topics
    known_labels = {t.label.casefold(): t.key for t in catalogue}
    for name in split_custom(custom_text):
        if len(name) > CUSTOM_TOPIC_MAX:
            errors[custom_block] = ERRORS["custom_too_long"].format(start=name[:20], limit=CUSTOM_TOPIC_MAX)
            continue
        key = known_labels.get(name.casefold(), name)
        if key.casefold() not in {t.casefold() for t in topics}:
            topics.append(key)
    if len(topics) > MAX_TOPICS:
        errors[custom_block if custom_text else block_id] = ERRORS["too_many"]
    return topics


def profile_from_state(
    values: dict[str, Any], *, user_id: str, catalogue: tuple[Topic, ...] = CATALOGUE
) -> tuple[Profile | None, dict[str, str]]:
    """Validate the modal's ``state.values`` against the program's ``catalogue``; returns the profile, or inline
    errors keyed by block id."""
    errors: dict[str, str] = {}
    role = _single(values, ids.ROLE)
    if role not in ROLES:
        errors[ids.ROLE] = ERRORS["role"]
    department = _text(values, ids.DEPARTMENT)
    if not department:
        errors[ids.DEPARTMENT] = ERRORS["department_missing"]
    elif len(department) > DEPARTMENT_MAX:
        errors[ids.DEPARTMENT] = ERRORS["too_long"].format(limit=DEPARTMENT_MAX)
    years_text = _text(values, ids.YEARS)
    years = int(years_text) if years_text.isascii() and years_text.isdigit() else -1
    if not 0 <= years <= YEARS_MAX:
        errors[ids.YEARS] = ERRORS["years"]
    shares = _merge_topics(
        _selected(values, ids.SHARES), _text(values, ids.SHARES_OTHER), ids.SHARES, errors, catalogue
    )
    learns = _merge_topics(
        _selected(values, ids.LEARNS), _text(values, ids.LEARNS_OTHER), ids.LEARNS, errors, catalogue
    )
    if role == Role.MENTOR and not shares and ids.SHARES not in errors:
        errors[ids.SHARES] = ERRORS["mentor_needs_skill"]
    if role == Role.MENTEE and not learns and ids.LEARNS not in errors:
        errors[ids.LEARNS] = ERRORS["mentee_needs_topic"]
    if role == Role.EITHER and not shares and not learns and ids.SHARES not in errors:
        errors[ids.SHARES] = ERRORS["either_needs_one"]
    goals = _text(values, ids.GOALS)
    if not goals:
        errors[ids.GOALS] = ERRORS["goals_missing"]
    elif len(goals) > GOALS_MAX:
        errors[ids.GOALS] = ERRORS["too_long"].format(limit=GOALS_MAX)
    meeting_format = _single(values, ids.FORMAT) or MeetingFormat.EITHER.value
    if meeting_format not in FORMATS:
        errors[ids.FORMAT] = ERRORS["format"]
    manager_id = _element(values, ids.MANAGER).get("selected_user") or None
    if manager_id == user_id:
        errors[ids.MANAGER] = ERRORS["manager_is_self"]
    if errors:
        return None, errors
    return Profile(role, department, years, shares, learns, goals, meeting_format, manager_id), {}
