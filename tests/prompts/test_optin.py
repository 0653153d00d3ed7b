"""The opt-in / edit-profile modal: its fields, its pre-filled values, and the round trip through the server check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.optin import profile_from_state
from prompts import optin as ids
from prompts.optin import optin_modal, program_id_from_metadata
from prompts.surveys import CONFIDENCE
from prompts.topics import CATALOGUE, SIDE_LABELS, TOPICS_BY_KEY
from tests.support.blockkit import assert_valid_view, walk_text
from tests.support.samples import HOSTILE, OBJECTIVES, PROGRAM, answers, escape_problems, long_answers

INPUT_IDS = [
    ids.ROLE,
    ids.DEPARTMENT,
    ids.YEARS,
    ids.SHARES,
    ids.SHARES_OTHER,
    ids.LEARNS,
    ids.LEARNS_OTHER,
    ids.GOALS,
    CONFIDENCE,
    ids.FORMAT,
    ids.MANAGER,
]
OPTIONAL_IDS = {ids.SHARES, ids.SHARES_OTHER, ids.LEARNS, ids.LEARNS_OTHER, CONFIDENCE, ids.MANAGER}


def modal(answers: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    view = optin_modal(
        program_id=kwargs.get("program_id", 42),
        program_name=kwargs.get("program_name", PROGRAM),
        objectives=kwargs.get("objectives", OBJECTIVES),
        answers=answers,
    )
    assert_valid_view(view)
    return view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Input blocks by block_id."""
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return inputs(view)[block_id]["element"]


def submit_unchanged(view: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as Slack sends them when the person submits the modal without touching anything."""
    values: dict[str, Any] = {}
    for block_id, block in inputs(view).items():
        el = block["element"]
        state: dict[str, Any] = {"type": el["type"]}
        if el["type"] in ("plain_text_input", "number_input"):
            state["value"] = el.get("initial_value")
        elif el["type"] in ("radio_buttons", "static_select"):
            state["selected_option"] = el.get("initial_option")
        elif el["type"] == "multi_static_select":
            state["selected_options"] = el.get("initial_options", [])
        elif el["type"] == "users_select":
            state["selected_user"] = el.get("initial_user")
        values[block_id] = {el["action_id"]: state}
    return values


# --- shape --------------------------------------------------------------------------------------------------------


def test_blank_modal_frame() -> None:
    view = modal()
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.CALLBACK_ID
    assert view["title"]["text"] == "Join reverse mentoring"
    assert view["submit"]["text"] == "Join"
    assert view["close"]["text"] == "Cancel"
    assert json.loads(view["private_metadata"]) == {"program_id": 42}
    assert program_id_from_metadata(view["private_metadata"]) == 42


def test_edit_modal_frame() -> None:
    view = modal(answers())
    assert view["title"]["text"] == "Edit your profile"
    assert view["submit"]["text"] == "Save"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [('{"program_id": 7}', 7), ("", None), ("not json", None), ("[1]", None), ('{"program_id": "7"}', None)],
)
def test_program_id_from_metadata(metadata: str, expected: int | None) -> None:
    assert program_id_from_metadata(metadata) == expected


def test_inputs_in_order_with_action_id_equal_to_block_id() -> None:
    """bot/optin.py reads ``values[block_id][block_id]``: the two must match for every input."""
    view = modal()
    assert list(inputs(view)) == INPUT_IDS
    for block_id, block in inputs(view).items():
        assert block["element"]["action_id"] == block_id
        assert block.get("optional", False) is (block_id in OPTIONAL_IDS), block_id


def test_element_types_and_limits() -> None:
    view = modal()
    kinds = {block_id: element(view, block_id)["type"] for block_id in INPUT_IDS}
    assert kinds == {
        ids.ROLE: "radio_buttons",
        ids.DEPARTMENT: "plain_text_input",
        ids.YEARS: "number_input",
        ids.SHARES: "multi_static_select",
        ids.SHARES_OTHER: "plain_text_input",
        ids.LEARNS: "multi_static_select",
        ids.LEARNS_OTHER: "plain_text_input",
        ids.GOALS: "plain_text_input",
        CONFIDENCE: "static_select",
        ids.FORMAT: "static_select",
        ids.MANAGER: "users_select",
    }
    assert [o["value"] for o in element(view, CONFIDENCE)["options"]] == ["1", "2", "3", "4", "5"]
    assert element(view, ids.DEPARTMENT)["max_length"] == ids.DEPARTMENT_MAX
    assert element(view, ids.SHARES_OTHER)["max_length"] == ids.OTHER_MAX
    assert element(view, ids.LEARNS_OTHER)["max_length"] == ids.OTHER_MAX
    assert element(view, ids.GOALS)["max_length"] == ids.GOALS_MAX
    assert element(view, ids.GOALS)["multiline"] is True
    years = element(view, ids.YEARS)
    assert (years["is_decimal_allowed"], years["min_value"], years["max_value"]) == (False, "0", "60")
    assert [o["value"] for o in element(view, ids.ROLE)["options"]] == ["mentor", "mentee", "either"]
    assert [o["value"] for o in element(view, ids.FORMAT)["options"]] == ["video", "in_person", "either"]


@pytest.mark.parametrize("block_id", [ids.SHARES, ids.LEARNS])
def test_topic_selects_offer_the_whole_catalogue_grouped_by_side(block_id: str) -> None:
    groups = element(modal(), block_id)["option_groups"]
    assert [g["label"]["text"] for g in groups] == list(SIDE_LABELS.values())
    offered = [(o["value"], o["text"]["text"]) for g in groups for o in g["options"]]
    assert sorted(offered) == sorted((t.key, t.label) for t in CATALOGUE)
    for side, group in zip(SIDE_LABELS, groups, strict=True):
        assert {o["value"] for o in group["options"]} == {t.key for t in CATALOGUE if t.side == side}


def test_blank_modal_has_no_initial_values() -> None:
    view = modal()
    for block_id in INPUT_IDS:
        el = element(view, block_id)
        present = {"initial_value", "initial_option", "initial_options", "initial_user"} & set(el)
        if block_id == ids.FORMAT:
            assert el["initial_option"]["value"] == "either", "the format defaults to either"
        else:
            assert not present, f"{block_id} has {present}"


def test_program_text_is_shown_and_escaped() -> None:
    view = modal(program_name="Pilot <!channel>", objectives=HOSTILE)
    first = view["blocks"][0]["text"]["text"]
    assert first.startswith("*Pilot &lt;!channel&gt;*\n")
    assert "&lt;!here&gt;" in first
    assert escape_problems(walk_text(view, "mrkdwn")) == []


def test_no_objectives_shows_only_program_name() -> None:
    assert modal(objectives="")["blocks"][0]["text"]["text"] == f"*{PROGRAM}*"


# --- pre-filled ---------------------------------------------------------------------------------------------------


def test_prefilled_modal_carries_every_saved_answer() -> None:
    view = modal(answers())
    role = element(view, ids.ROLE)
    assert role["initial_option"]["value"] == "mentee"
    assert role["initial_option"] in role["options"]
    assert element(view, ids.DEPARTMENT)["initial_value"] == "Finance"
    assert element(view, ids.YEARS)["initial_value"] == "25"
    assert [o["value"] for o in element(view, ids.SHARES)["initial_options"]] == ["leadership"]
    assert element(view, ids.SHARES)["initial_options"][0]["text"]["text"] == "Leadership"
    assert element(view, ids.SHARES_OTHER)["initial_value"] == "Excel macros"
    assert [o["value"] for o in element(view, ids.LEARNS)["initial_options"]] == ["ai_tools", "social_media"]
    assert element(view, ids.LEARNS_OTHER)["initial_value"] == "TikTok ads, Notion"
    assert element(view, ids.GOALS)["initial_value"] == answers()["goals"]
    fmt = element(view, ids.FORMAT)
    assert fmt["initial_option"] == {
        "text": {"type": "plain_text", "text": "In person", "emoji": True},
        "value": "in_person",
    }
    assert element(view, ids.MANAGER)["initial_user"] == "U0MANAGER"


@pytest.mark.parametrize("role", ["mentor", "mentee", "either"])
def test_prefilled_role(role: str) -> None:
    el = element(modal(answers(role=role)), ids.ROLE)
    assert el["initial_option"]["value"] == role
    assert el["initial_option"] in el["options"]


@pytest.mark.parametrize("fmt", ["video", "in_person", "either"])
def test_prefilled_format(fmt: str) -> None:
    el = element(modal(answers(meeting_format=fmt)), ids.FORMAT)
    assert el["initial_option"]["value"] == fmt
    assert el["initial_option"] in el["options"]


def test_zero_years_is_prefilled_as_the_string_zero() -> None:
    assert element(modal(answers(years_experience=0)), ids.YEARS)["initial_value"] == "0"


def test_custom_topics_only() -> None:
    view = modal(answers(shares=["Figma", "Canva"], learns=["Board meetings"]))
    assert "initial_options" not in element(view, ids.SHARES), "Slack rejects an empty initial_options list"
    assert element(view, ids.SHARES_OTHER)["initial_value"] == "Figma, Canva"
    assert element(view, ids.LEARNS_OTHER)["initial_value"] == "Board meetings"


def test_catalogue_topics_only_leave_other_fields_empty() -> None:
    view = modal(answers(shares=["ai_tools"], learns=["leadership"]))
    assert "initial_value" not in element(view, ids.SHARES_OTHER)
    assert "initial_value" not in element(view, ids.LEARNS_OTHER)


def test_long_answers_are_prefilled_in_full() -> None:
    a = long_answers()
    view = modal(a)
    assert element(view, ids.GOALS)["initial_value"] == "G" * 1000
    assert element(view, ids.DEPARTMENT)["initial_value"] == "D" * 100
    assert len(element(view, ids.SHARES)["initial_options"]) == 6
    assert len(element(view, ids.LEARNS)["initial_options"]) == 6
    assert element(view, ids.YEARS)["initial_value"] == "60"


def test_no_manager_no_initial_user() -> None:
    assert "initial_user" not in element(modal(answers(manager_id=None)), ids.MANAGER)


# --- the round trip: open the edit modal, submit it unchanged, get the same profile back --------------------------


@pytest.mark.parametrize(
    "saved",
    [
        answers(),
        long_answers(),
        answers(role="mentor", shares=["ai_tools", "Figma"], learns=[], manager_id=None, years_experience=0),
        answers(role="either", shares=[], learns=["Board meetings"], meeting_format="either"),
    ],
    ids=["typical", "long", "mentor", "either"],
)
def test_unchanged_edit_modal_round_trips(saved: dict[str, Any]) -> None:
    profile, errors = profile_from_state(submit_unchanged(modal(saved)), user_id="U0ME")
    assert errors == {}
    assert profile is not None
    assert profile.answers() == saved


def test_blank_modal_submitted_unchanged_asks_for_the_required_fields() -> None:
    profile, errors = profile_from_state(submit_unchanged(modal()), user_id="U0ME")
    assert profile is None
    assert set(errors) == {ids.ROLE, ids.DEPARTMENT, ids.YEARS, ids.GOALS}
    assert set(errors) <= set(inputs(modal()))


def test_accepted_custom_topics_fit_the_edit_modal() -> None:
    typed = ";".join(f"Custom skill number {i:02d}.." for i in range(12))
    assert len(typed) <= ids.OTHER_MAX
    values = submit_unchanged(modal(answers(role="mentor")))
    values[ids.SHARES] = {ids.SHARES: {"type": "multi_static_select", "selected_options": []}}
    values[ids.SHARES_OTHER] = {ids.SHARES_OTHER: {"type": "plain_text_input", "value": typed}}
    profile, errors = profile_from_state(values, user_id="U0ME")
    assert errors == {} and profile is not None
    assert len(profile.shares) == 12

    view = optin_modal(program_id=1, program_name=PROGRAM, objectives="", answers=profile.answers())
    assert len(element(view, ids.SHARES_OTHER)["initial_value"]) <= ids.OTHER_MAX
    assert_valid_view(view)


def test_saved_catalogue_keys_missing_from_catalogue_are_not_offered_as_initial_options() -> None:
    """A key renamed in a later release must not become an initial option that isn't in the list."""
    el = element(modal(answers(learns=["ai_tools", "retired_topic_key"])), ids.LEARNS)
    assert [o["value"] for o in el["initial_options"]] == ["ai_tools"]
    assert "retired_topic_key" not in TOPICS_BY_KEY


def test_several_open_programs_give_a_menu_starting_with_the_one_asked_for() -> None:
    view = optin_modal(program_id=2, program_name="B", objectives="", choices=[(1, "A"), (2, "B"), (3, "<C>")])
    assert_valid_view(view)
    menu = view["blocks"][0]
    assert menu["block_id"] == "optin_program" and menu["element"]["initial_option"]["value"] == "2"
    assert menu["dispatch_action"] is True
    assert [o["text"]["text"] for o in menu["element"]["options"]] == ["A", "B", "<C>"]
    single = optin_modal(program_id=2, program_name="B", objectives="", choices=[(2, "B")])
    assert "optin_program" not in {b.get("block_id") for b in single["blocks"]}


def test_the_program_catalogue_decides_the_options_and_what_counts_as_own_words() -> None:
    from prompts.topics import program_topics

    topics = program_topics({"off": [t.key for t in CATALOGUE[2:]], "extra": [{"label": "Our CRM"}]})
    saved = {"shares": [CATALOGUE[0].key, "Our CRM", CATALOGUE[5].key], "learns": []}
    view = optin_modal(program_id=1, program_name="P", objectives="", answers=saved, topics=topics)
    assert_valid_view(view)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    groups = by_id["shares"]["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups][-1] == "Added for this program"
    assert [o["value"] for o in by_id["shares"]["element"]["initial_options"]] == [CATALOGUE[0].key, "Our CRM"]
    assert by_id["shares_other"]["element"]["initial_value"] == CATALOGUE[5].label, "a trimmed topic stays, in words"
