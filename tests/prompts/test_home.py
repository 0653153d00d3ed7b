"""The Home tab: each program as the person sees it, for each participation state, and the pause modal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from prompts.home import ABOUT, ACTION_PAUSE, ACTION_RESUME, PROGRAMS_SHOWN, home_view, pause_modal
from prompts.participants import ACTION_CONFIRM_LEAVE, ACTION_EDIT_PROFILE, ACTION_JOIN
from tests.support.blockkit import assert_valid_view, buttons, walk_text
from tests.support.samples import (
    HOSTILE,
    OBJECTIVES,
    PAUSED_UNTIL,
    PROGRAM,
    answers,
    escape_problems,
    hostile_answers,
)
from tests.support.samples import (
    program_item as program,
)


def home(*programs: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    view = home_view(programs=list(programs), **kwargs)
    assert_valid_view(view)
    return view


def mrkdwn(view: dict[str, Any]) -> str:
    return "\n".join(walk_text(view, "mrkdwn"))


def test_common_frame() -> None:
    view = home(program("active"), answers=answers())
    assert view["type"] == "home"
    assert view["blocks"][0]["text"]["text"] == "Reverse mentoring"
    assert ABOUT in mrkdwn(view)
    assert "`/mentor help`" in view["blocks"][-1]["elements"][0]["text"]


def test_someone_not_enrolled_sees_the_program_its_objectives_time_frame_and_join() -> None:
    view = home(program())
    text = mrkdwn(view)
    assert f"*{PROGRAM}* · open for sign-ups · 2027-01-11 → 2027-04-05 · pairs meet every 2 weeks" in text
    assert f"*Objectives:* {OBJECTIVES}" in text and "not taking part yet" in text
    [join] = buttons(view["blocks"])
    assert (join["action_id"], join["value"], join["style"]) == (ACTION_JOIN, "7", "primary")
    assert "Your profile" not in text


def test_no_program_open() -> None:
    view = home()
    assert "No program is open for sign-ups" in mrkdwn(view)
    assert buttons(view["blocks"]) == []


@pytest.mark.parametrize(
    ("mine", "until", "status", "toggle"),
    [
        ("active", None, "*Your status:* taking part", ACTION_PAUSE),
        ("paused", PAUSED_UNTIL, "*Your status:* paused until 2027-01-31", ACTION_RESUME),
        ("paused", None, "*Your status:* paused until you resume", ACTION_RESUME),
    ],
)
def test_taking_part_shows_status_pair_and_the_mentor_actions(
    mine: str, until: date | None, status: str, toggle: str
) -> None:
    view = home(program(mine, paused_until=until), answers=answers(), timezone="Europe/Paris")
    text = mrkdwn(view)
    assert status in text and "*Your pair:* not matched yet" in text
    assert "*Department:* Finance" in text and "Europe/Paris" in text
    ids = [(b["action_id"], b["value"]) for b in buttons(view["blocks"])]
    assert ids == [(ACTION_EDIT_PROFILE, "7"), (toggle, "7"), (ACTION_CONFIRM_LEAVE, "7")]
    leave = buttons(view["blocks"])[-1]
    assert leave["confirm"]["style"] == "danger" and PROGRAM in leave["confirm"]["text"]["text"]


def test_left_offers_join_again_and_ended_offers_nothing() -> None:
    view = home(program("left"), program("active", state="ended", id=8, name="Old"), answers=answers())
    text = mrkdwn(view)
    assert "you left this program" in text and "*Old* · " in text and "has ended" in text
    assert [(b["text"]["text"], b["value"]) for b in buttons(view["blocks"])] == [("Join again", "7")]


def test_many_programs_are_capped_with_a_pointer_to_status() -> None:
    many = [program("active", id=i, name=f"P{i}") for i in range(PROGRAMS_SHOWN + 3)]
    view = home(*many, answers=answers())
    assert "…and 3 more" in mrkdwn(view)
    assert len({b["value"] for b in buttons(view["blocks"])}) == PROGRAMS_SHOWN


def test_user_and_program_text_is_escaped() -> None:
    view = home(program("active", name=HOSTILE, objectives=HOSTILE), answers=hostile_answers(), timezone="<!here>")
    assert escape_problems(walk_text(view, "mrkdwn")) == []


def test_pause_modal() -> None:
    view = pause_modal(program_id=7, program_name=HOSTILE)
    assert_valid_view(view)
    assert view["private_metadata"] == '{"program_id": 7}'
    assert escape_problems(walk_text(view, "mrkdwn")) == []
    [date_input] = [b for b in view["blocks"] if b["type"] == "input"]
    assert date_input["optional"] is True and date_input["element"]["type"] == "datepicker"
