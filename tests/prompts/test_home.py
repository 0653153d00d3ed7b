"""The Home tab for each participation state."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from prompts.home import ABOUT, home_view
from prompts.messages import ACTION_EDIT_PROFILE, ACTION_JOIN

from .blockkit import assert_valid_view, buttons, walk_text
from .samples import HOSTILE, OBJECTIVES, PAUSED_UNTIL, PROGRAM, answers, escape_problems, hostile_answers


def home(state: str | None, *, objectives: str = OBJECTIVES, **kwargs: Any) -> dict[str, Any]:
    view = home_view(program_name=PROGRAM, objectives=objectives, state=state, **kwargs)
    assert_valid_view(view)
    return view


def mrkdwn(view: dict[str, Any]) -> str:
    return "\n".join(walk_text(view, "mrkdwn"))


def test_common_frame() -> None:
    view = home("active", answers=answers())
    assert view["type"] == "home"
    assert view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": PROGRAM, "emoji": True}}
    assert view["blocks"][1]["text"]["text"] == ABOUT
    assert view["blocks"][2]["text"]["text"] == f"*Objectives*\n{OBJECTIVES}"
    assert view["blocks"][3] == {"type": "divider"}
    assert view["blocks"][-1]["type"] == "context"
    assert "`/mentor help`" in view["blocks"][-1]["elements"][0]["text"]


def test_no_objectives_no_objectives_section() -> None:
    view = home(None, objectives="")
    assert "*Objectives*" not in mrkdwn(view)
    assert view["blocks"][2] == {"type": "divider"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"state": None},
        {"state": None, "answers": None},
        {"state": "active", "answers": None},
    ],
    ids=["not enrolled", "no answers", "state without answers"],
)
def test_not_taking_part_offers_join_and_shows_no_profile(kwargs: dict[str, Any]) -> None:
    view = home(**kwargs)
    text = mrkdwn(view)
    assert "*You're not taking part yet.*" in text
    assert "*Department:*" not in text
    assert "Finance" not in text, "erased answers must not be shown"
    [join] = buttons(view["blocks"])
    assert (join["action_id"], join["text"]["text"], join["style"]) == (ACTION_JOIN, "Join", "primary")


@pytest.mark.parametrize(
    ("state", "until", "status"),
    [
        ("active", None, "*Your status:* taking part"),
        ("paused", PAUSED_UNTIL, "*Your status:* paused until 2027-01-31"),
        ("paused", None, "*Your status:* paused"),
        ("left", None, "*Your status:* left the program"),
    ],
)
def test_enrolled_states(state: str, until: date | None, status: str) -> None:
    view = home(state, paused_until=until, answers=answers(), timezone="Europe/Paris")
    statuses = [
        b["text"]["text"] for b in view["blocks"] if b.get("text", {}).get("text", "").startswith("*Your status:*")
    ]
    assert statuses == [status]
    text = mrkdwn(view)
    assert "*Department:* Finance" in text
    assert "*Time zone:* Europe/Paris" in text
    assert "not taking part" not in text
    [button] = buttons(view["blocks"])
    if state == "left":
        assert (button["action_id"], button["text"]["text"], button["style"]) == (ACTION_JOIN, "Join again", "primary")
    else:
        assert (button["action_id"], button["text"]["text"]) == (ACTION_EDIT_PROFILE, "Edit profile")


def test_user_and_program_text_is_escaped() -> None:
    view = home_view(
        program_name=PROGRAM, objectives=HOSTILE, state="active", answers=hostile_answers(), timezone="<!everyone>"
    )
    assert_valid_view(view)
    texts = walk_text(view, "mrkdwn")
    assert escape_problems(texts) == []
    assert not any("<!everyone>" in t for t in texts)
    joined = "\n".join(texts)
    assert "*Department:* &lt;!channel&gt;" in joined
    assert "*Objectives*\n&lt;!channel&gt;" in joined
