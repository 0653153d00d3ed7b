"""Server-side validation of the opt-in modal's ``state.values`` (bot/optin.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.optin import Profile, profile_from_state, split_custom
from prompts import optin as ids
from prompts.optin import CUSTOM_TOPIC_MAX, MAX_TOPICS, optin_modal
from prompts.surveys import CONFIDENCE
from prompts.topics import CATALOGUE
from tests.support.optin import optin_values

USER = "U0SELF"
KEYS = [t.key for t in CATALOGUE]
MODAL_BLOCK_IDS = {
    b["block_id"] for b in optin_modal(program_id=1, program_name="P", objectives="")["blocks"] if b["type"] == "input"
}


def values(**answers: Any) -> dict[str, Any]:
    """``view.state.values`` in Slack's shape (tests/support/optin.py), with one skill shared by default."""
    answers.setdefault("shares", ["ai_tools"])
    return optin_values(**answers)


def ok(**kwargs: Any) -> Profile:
    profile, errors = profile_from_state(values(**kwargs), user_id=USER)
    assert errors == {}
    assert profile is not None
    return profile


def errors_for(**kwargs: Any) -> dict[str, str]:
    profile, errors = profile_from_state(values(**kwargs), user_id=USER)
    assert profile is None
    assert errors
    assert set(errors) <= MODAL_BLOCK_IDS, "Slack only shows errors keyed by a block_id of the modal"
    assert all(isinstance(m, str) and m.strip() and "\n" not in m for m in errors.values())
    return errors


# --- happy paths ---------------------------------------------------------------------------------------------------


def test_mentor() -> None:
    profile = ok(
        role="mentor",
        department="  Marketing  ",
        years="2",
        shares=["ai_tools", "social_media"],
        goals="  Teach AI tools  ",
        meeting_format="video",
        manager="U0BOSS",
    )
    assert profile == Profile(
        role="mentor",
        department="Marketing",
        years_experience=2,
        shares=["ai_tools", "social_media"],
        learns=[],
        goals="Teach AI tools",
        meeting_format="video",
        manager_id="U0BOSS",
    )
    assert profile.answers() == {
        "role": "mentor",
        "department": "Marketing",
        "years_experience": 2,
        "shares": ["ai_tools", "social_media"],
        "learns": [],
        "goals": "Teach AI tools",
        "meeting_format": "video",
        "manager_id": "U0BOSS",
    }


def test_mentee() -> None:
    profile = ok(
        role="mentee", years="25", shares=[], learns=["ai_tools"], learns_other="TikTok ads", meeting_format="in_person"
    )
    assert (profile.role, profile.years_experience, profile.shares) == ("mentee", 25, [])
    assert profile.learns == ["ai_tools", "TikTok ads"]
    assert profile.meeting_format == "in_person"
    assert profile.manager_id is None


@pytest.mark.parametrize(
    ("shares", "learns"), [(["leadership"], []), ([], ["ai_tools"]), (["leadership"], ["ai_tools"])]
)
def test_either_needs_one_side(shares: list[str], learns: list[str]) -> None:
    profile = ok(role="either", shares=shares, learns=learns, meeting_format="either")
    assert (profile.role, profile.shares, profile.learns) == ("either", shares, learns)


@pytest.mark.parametrize(("years", "expected"), [("0", 0), ("60", 60), (" 7 ", 7), ("15", 15)])
def test_years(years: str, expected: int) -> None:
    assert ok(years=years).years_experience == expected


# --- required fields and limits ------------------------------------------------------------------------------------


def test_everything_empty() -> None:
    profile, errors = profile_from_state({}, user_id=USER)
    assert profile is None
    assert set(errors) == {ids.ROLE, ids.DEPARTMENT, ids.YEARS, ids.GOALS}


@pytest.mark.parametrize("role", [None, "", "boss", "MENTOR"])
def test_role_required_and_checked(role: str | None) -> None:
    assert ids.ROLE in errors_for(role=role)


@pytest.mark.parametrize("department", [None, "", "   "])
def test_department_required(department: str | None) -> None:
    assert errors_for(department=department) == {ids.DEPARTMENT: "Please tell us your department or team."}


def test_department_length() -> None:
    assert ok(department="D" * ids.DEPARTMENT_MAX).department == "D" * 100
    assert errors_for(department="D" * 101) == {ids.DEPARTMENT: "Please keep this under 100 characters."}


@pytest.mark.parametrize("years", ["abc", "-1", "61", "", None, "3.5", "1e2", "100"])
def test_bad_years(years: str | None) -> None:
    errors = errors_for(years=years)
    assert errors == {ids.YEARS: "Please enter a whole number of years between 0 and 60."}


def test_mentor_without_skills() -> None:
    assert errors_for(role="mentor", shares=[], learns=["ai_tools"]) == {
        ids.SHARES: "As a reverse mentor, pick at least one skill you can share."
    }


def test_mentee_without_topics() -> None:
    assert errors_for(role="mentee", shares=["ai_tools"], learns=[]) == {
        ids.LEARNS: "As a mentee, pick at least one topic you want to learn."
    }


def test_either_with_nothing() -> None:
    assert errors_for(role="either", shares=[], learns=[]) == {
        ids.SHARES: "Pick at least one skill to share or one topic to learn."
    }


def test_custom_text_alone_is_enough() -> None:
    assert ok(role="mentor", shares=[], shares_other="Figma").shares == ["Figma"]


@pytest.mark.parametrize("goals", [None, "", "  \n "])
def test_goals_required(goals: str | None) -> None:
    assert errors_for(goals=goals) == {ids.GOALS: "Please tell us what you hope to get out of the program."}


def test_goals_length() -> None:
    assert ok(goals="g" * ids.GOALS_MAX).goals == "g" * 1000
    assert errors_for(goals="g" * 1001) == {ids.GOALS: "Please keep this under 1000 characters."}


def test_manager_cannot_be_yourself() -> None:
    assert errors_for(manager=USER) == {ids.MANAGER: "That's you! Choose your manager, or leave this empty."}
    assert ok(manager="U0BOSS").manager_id == "U0BOSS"
    assert ok(manager=None).manager_id is None


def test_meeting_format_defaults_to_either() -> None:
    assert ok(meeting_format=None).meeting_format == "either"
    state = values()
    del state[ids.FORMAT]
    profile, errors = profile_from_state(state, user_id=USER)
    assert errors == {} and profile is not None and profile.meeting_format == "either"


@pytest.mark.parametrize("fmt", ["video", "in_person", "either"])
def test_meeting_formats(fmt: str) -> None:
    assert ok(meeting_format=fmt).meeting_format == fmt


@pytest.mark.parametrize("fmt", ["phone", "VIDEO", "carrier pigeon"])
def test_forged_meeting_format(fmt: str) -> None:
    assert errors_for(meeting_format=fmt) == {ids.FORMAT: "Please choose a meeting format."}


# --- topics ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Figma, TikTok ads; Notion\nCanva", ["Figma", "TikTok ads", "Notion", "Canva"]),
        (" , ;\n\n;; ", []),
        ("", []),
        ("Excel", ["Excel"]),
        ("  Power BI  ,Looker", ["Power BI", "Looker"]),
    ],
)
def test_split_custom(text: str, parts: list[str]) -> None:
    assert split_custom(text) == parts


def test_custom_topics_are_split_and_appended_after_picked_ones() -> None:
    profile = ok(shares=["ai_tools"], shares_other="Figma, TikTok ads; Notion\nCanva")
    assert profile.shares == ["ai_tools", "Figma", "TikTok ads", "Notion", "Canva"]


def test_custom_topics_are_deduplicated_case_insensitively() -> None:
    assert ok(shares=[], shares_other="Figma, figma; FIGMA\n Figma ").shares == ["Figma"]


def test_picked_topics_are_deduplicated() -> None:
    assert ok(shares=["ai_tools", "ai_tools", "data_literacy"]).shares == ["ai_tools", "data_literacy"]


@pytest.mark.parametrize("typed", ["AI tools at work", "ai TOOLS at work", "  AI tools at work  "])
def test_custom_name_equal_to_a_label_becomes_its_key(typed: str) -> None:
    assert ok(shares=[], shares_other=f"Figma, {typed}").shares == ["Figma", "ai_tools"]
    assert ok(shares=["ai_tools"], shares_other=typed).shares == ["ai_tools"], "not twice"


def test_learns_custom_topics() -> None:
    profile = ok(role="mentee", shares=[], learns=["leadership"], learns_other="Business strategy; Board meetings")
    assert profile.learns == ["leadership", "business_strategy", "Board meetings"]


@pytest.mark.parametrize(("picked", "block_id"), [("shares", ids.SHARES), ("learns", ids.LEARNS)])
def test_forged_option_value(picked: str, block_id: str) -> None:
    kwargs: dict[str, Any] = {"role": "either", picked: ["ai_tools", "not_a_topic"]}
    assert errors_for(**kwargs) == {block_id: "Please pick topics from the list."}


def test_at_most_twelve_topics_picked() -> None:
    assert len(ok(shares=KEYS[:MAX_TOPICS]).shares) == 12
    assert errors_for(shares=KEYS[: MAX_TOPICS + 1]) == {ids.SHARES: "Please choose at most 12 in all."}


def test_at_most_twelve_topics_with_custom_ones() -> None:
    assert len(ok(shares=KEYS[:10], shares_other="Figma, Canva").shares) == 12
    errors = errors_for(shares=KEYS[:10], shares_other="Figma, Canva, Notion")
    assert errors == {ids.SHARES_OTHER: "Please choose at most 12 in all."}
    errors = errors_for(role="mentee", shares=[], learns=[], learns_other=", ".join(f"Topic {i}" for i in range(13)))
    assert errors == {ids.LEARNS_OTHER: "Please choose at most 12 in all."}


def test_custom_item_length() -> None:
    assert ok(shares=[], shares_other="x" * CUSTOM_TOPIC_MAX).shares == ["x" * 50]
    errors = errors_for(shares=[], shares_other="Figma, " + "y" * 51)
    assert list(errors) == [ids.SHARES_OTHER]
    assert "y" * 20 in errors[ids.SHARES_OTHER] and "50 characters" in errors[ids.SHARES_OTHER]


def test_custom_text_length() -> None:
    errors = errors_for(role="mentee", shares=[], learns=["ai_tools"], learns_other="a, " * (ids.OTHER_MAX // 3 + 1))
    assert errors == {ids.LEARNS_OTHER: f"Please keep this under {ids.OTHER_MAX} characters."}


def test_many_errors_at_once_all_map_to_modal_blocks() -> None:
    errors = errors_for(
        role="boss",
        department="D" * 101,
        years="61",
        shares=["nope"],
        shares_other="z" * (ids.OTHER_MAX + 1),
        learns=["nada"],
        learns_other="w" * 51,
        goals="g" * 1001,
        meeting_format="phone",
        manager=USER,
    )
    assert set(errors) == MODAL_BLOCK_IDS - {CONFIDENCE}, "every block but the optional confidence pick can be wrong"


def test_answers_from_json_keeps_only_valid_answers() -> None:
    from bot.optin import answers_from_json

    good = {
        "role": "mentee",
        "department": "Légal",
        "years_experience": 22,
        "shares": [],
        "learns": ["ai_tools"],
        "goals": "日本語の目標",
        "meeting_format": "video",
        "manager_id": "U123ABC",
    }
    assert answers_from_json(json.dumps(good, ensure_ascii=False)) == good
    forged = {
        "role": "boss",
        "department": "D" * 101,
        "years_experience": True,
        "shares": "x",
        "learns": [1],
        "goals": 5,
        "meeting_format": "zoom",
        "manager_id": "<!channel>",
        "extra": "field",
    }
    assert answers_from_json(json.dumps(forged)) is None
    assert answers_from_json(json.dumps({**forged, "department": "Ops"})) == {"department": "Ops"}
    assert answers_from_json("not json") is None
    assert answers_from_json("[1, 2]") is None
