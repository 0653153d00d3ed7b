"""Every builder's output against Slack's documented Block Kit limits, and the checker itself against bad input."""

from __future__ import annotations

import inspect
import json
from datetime import date
from typing import Any

import pytest

from prompts import blocks as bk
from prompts import participants
from prompts.blocks import Reply
from prompts.home import home_view
from prompts.optin import optin_modal
from tests.support.blockkit import MESSAGE_LIMIT, VIEW_LIMIT, assert_valid_blocks, assert_valid_reply, assert_valid_view
from tests.support.samples import (
    OBJECTIVES,
    PAUSED_UNTIL,
    PROGRAM,
    answers,
    hostile_answers,
    long_answers,
    program_item,
)

# --- the checker catches what it claims to catch ----------------------------------------------------------------


def _button(text: str = "Go", action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def _option(text: str = "One", value: str = "one") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _select(**overrides: Any) -> dict[str, Any]:
    element = {"type": "static_select", "action_id": "pick", "options": [_option()]}
    element.update(overrides)
    return {"type": "input", "block_id": "pick", "label": {"type": "plain_text", "text": "Pick"}, "element": element}


def _text_input(**overrides: Any) -> dict[str, Any]:
    element = {"type": "plain_text_input", "action_id": "t"}
    element.update(overrides)
    return {"type": "input", "block_id": "t", "label": {"type": "plain_text", "text": "Text"}, "element": element}


def _section(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": "section", "text": {"type": kind, "text": text}}


VALID_BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "H" * 150}},
    _section("S" * 3000),
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 10},
    {"type": "actions", "elements": [_button("B" * 75, f"a{i}") for i in range(25)]},
    {"type": "divider"},
    _select(options=[_option("O" * 75, f"{i:0>150}") for i in range(100)]),
    _text_input(max_length=3000, initial_value="x" * 3000),
    {
        "type": "input",
        "block_id": "L" * 255,
        "label": {"type": "plain_text", "text": "L" * 2000},
        "element": {"type": "users_select", "action_id": "A" * 255},
    },
]

BROKEN: dict[str, tuple[list[dict[str, Any]], int, str]] = {
    "51 blocks in a message": ([{"type": "divider"}] * 51, MESSAGE_LIMIT, "51 blocks, limit 50"),
    "101 blocks in a view": ([{"type": "divider"}] * 101, VIEW_LIMIT, "101 blocks, limit 100"),
    "section text 3001": ([_section("x" * 3001)], 50, "3001 characters, limit 3000"),
    "empty section text": ([_section("")], 50, "non-empty"),
    "header 151": ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], 50, "limit 150"),
    "mrkdwn header": ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], 50, "must be plain_text"),
    "11 context elements": (
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
        50,
        "11 context elements",
    ),
    "26 actions": ([{"type": "actions", "elements": [_button(action_id=f"a{i}") for i in range(26)]}], 50, "limit 25"),
    "button text 76": ([{"type": "actions", "elements": [_button("x" * 76)]}], 50, "76 characters, limit 75"),
    "option text 76": ([_select(options=[_option("x" * 76)])], 50, "76 characters, limit 75"),
    "option value 151": ([_select(options=[_option("ok", "v" * 151)])], 50, "151 characters, limit 150"),
    "101 options": ([_select(options=[_option(str(i), str(i)) for i in range(101)])], 50, "101 options"),
    "101 options in a group": (
        [
            _select(
                type="multi_static_select",
                options=None,
                option_groups=[
                    {
                        "label": {"type": "plain_text", "text": "G"},
                        "options": [_option(str(i), str(i)) for i in range(101)],
                    }
                ],
            )
        ],
        50,
        "101 options",
    ),
    "initial option not offered": ([_select(initial_option=_option("Two", "two"))], 50, "is not one of"),
    "label 2001": (
        [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "x" * 2001},
                "element": {"type": "users_select", "action_id": "u"},
            }
        ],
        VIEW_LIMIT,
        "2001 characters, limit 2000",
    ),
    "max_length 3001": ([_text_input(max_length=3001)], VIEW_LIMIT, "not between 1 and 3000"),
    "initial_value over max_length": ([_text_input(max_length=5, initial_value="123456")], VIEW_LIMIT, "max_length 5"),
    "block_id 256": ([{"type": "divider", "block_id": "b" * 256}], 50, "block_id is 256"),
    "action_id 256": ([{"type": "actions", "elements": [_button(action_id="a" * 256)]}], 50, "action_id is 256"),
    "duplicate action_id": (
        [
            {"type": "actions", "elements": [_button(action_id="same")]},
            {"type": "actions", "elements": [_button(action_id="same")]},
        ],
        50,
        "'same' is not unique",
    ),
    "duplicate block_id": (
        [{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}],
        50,
        "not unique",
    ),
    "unknown text type": ([_section("hi", kind="markdown")], 50, "'markdown' is not plain_text or mrkdwn"),
    "unknown block type": ([{"type": "rich_text_everything"}], 50, "unexpected block type"),
}


def test_checker_accepts_blocks_at_every_limit() -> None:
    assert_valid_blocks(VALID_BLOCKS, VIEW_LIMIT)


@pytest.mark.parametrize("case", list(BROKEN))
def test_checker_rejects(case: str) -> None:
    blocks, limit, expected = BROKEN[case]
    blocks = [{k: v for k, v in b.items() if v is not None} for b in blocks]
    for b in blocks:
        if isinstance(b.get("element"), dict):
            b["element"] = {k: v for k, v in b["element"].items() if v is not None}
    with pytest.raises(AssertionError) as excinfo:
        assert_valid_blocks(blocks, limit)
    assert expected in str(excinfo.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"title": bk.plain("x" * 25)}, "view.title: text is 25 characters, limit 24"),
        ({"submit": bk.plain("x" * 25)}, "view.submit: text is 25 characters, limit 24"),
        ({"close": bk.plain("x" * 25)}, "view.close: text is 25 characters, limit 24"),
        ({"title": bk.mrkdwn("Title")}, "must be plain_text"),
        ({"private_metadata": "m" * 3001}, "3001 characters, limit 3000"),
        ({"callback_id": "c" * 256}, "view.callback_id"),
        ({"type": "dialog"}, "not modal or home"),
    ],
)
def test_view_checker_rejects(change: dict[str, Any], expected: str) -> None:
    view = {**optin_modal(program_id=1, program_name=PROGRAM, objectives=OBJECTIVES), **change}
    with pytest.raises(AssertionError) as excinfo:
        assert_valid_view(view)
    assert expected in str(excinfo.value)


@pytest.mark.parametrize("reply", [Reply(""), Reply("   "), Reply("", [bk.section("hi")])])
def test_reply_checker_wants_fallback_text(reply: Reply) -> None:
    with pytest.raises(AssertionError, match="fallback text"):
        assert_valid_reply(reply)


# --- the helpers in prompts/blocks.py keep content inside the limits ---------------------------------------------


def test_truncate_keeps_exact_limit_and_marks_cut() -> None:
    assert bk.truncate("abc", 3) == "abc"
    assert bk.truncate("abcd", 3) == "ab…"
    assert len(bk.truncate("x" * 10_000, 3000)) == 3000


def test_helpers_truncate_long_text() -> None:
    blocks = [
        bk.header("h" * 400),
        bk.section("s" * 9000),
        bk.context("c" * 9000),
        bk.actions(bk.button("b" * 200, "act")),
        {
            "type": "input",
            "label": bk.plain("Pick"),
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [bk.option("o" * 200, "v", "d" * 200)],
            },
        },
    ]
    assert_valid_blocks(blocks, MESSAGE_LIMIT)
    assert blocks[0]["text"]["text"] == "h" * 149 + "…"
    assert len(blocks[1]["text"]["text"]) == 3000
    assert blocks[3]["elements"][0]["text"]["text"].endswith("…")


def test_escape_neutralises_mentions_and_links() -> None:
    assert bk.escape("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
    assert bk.escape("&lt;") == "&amp;lt;"  # escaping twice is visible, so it must happen exactly once


def test_reply_as_kwargs() -> None:
    assert Reply("hi").as_kwargs() == {"text": "hi"}
    assert Reply("hi", [bk.divider()]).as_kwargs() == {"text": "hi", "blocks": [{"type": "divider"}]}


# --- every surface the app sends ---------------------------------------------------------------------------------

MODAL_ANSWERS: dict[str, dict[str, Any] | None] = {
    "blank": None,
    "empty answers": {},
    "typical": answers(),
    "custom topics only": answers(shares=["Figma", "Canva"], learns=["Accounting", "Board meetings"]),
    "long goals and limits": long_answers(),
    "hostile text": hostile_answers(),
    **{f"role {role}": answers(role=role) for role in ("mentor", "mentee", "either")},
    **{f"format {fmt}": answers(meeting_format=fmt) for fmt in ("video", "in_person", "either")},
    "no manager": answers(manager_id=None),
    "zero years": answers(years_experience=0),
}


@pytest.mark.parametrize("case", list(MODAL_ANSWERS))
def test_optin_modal_is_valid(case: str) -> None:
    view = optin_modal(program_id=123, program_name=PROGRAM, objectives=OBJECTIVES, answers=MODAL_ANSWERS[case])
    assert_valid_view(view)
    assert json.loads(view["private_metadata"]) == {"program_id": 123}


def test_optin_modal_with_huge_program_texts_is_valid() -> None:
    view = optin_modal(program_id=2**40, program_name="N" * 500, objectives="<&>" * 3000, answers=long_answers())
    assert_valid_view(view)


def _all_replies() -> dict[str, Reply]:
    today = date(2026, 6, 15)
    replies: dict[str, Reply] = {
        "help": participants.help_reply(),
        "help unknown": participants.help_reply(unknown="stauts", suggestion="status"),
        "help unknown no suggestion": participants.help_reply(unknown="<!channel>" * 20),
        "error": participants.error_reply("That date has passed."),
        "not enrolled": participants.not_enrolled_reply(),
        "no open program": participants.no_open_program_reply(),
        "avoid list": participants.avoid_list_reply([f"U{i:04d}" for i in range(50)], added=["U0001"], removed=["U9"]),
        "avoid empty": participants.avoid_list_reply([]),
        **{f"avoid {p}": participants.avoid_problem_reply(p, ["<!channel>" * 20]) for p in ("stray", "self", "full")},
        "paused until": participants.paused_reply(PAUSED_UNTIL),
        "paused": participants.paused_reply(None),
        "paused in several": participants.paused_reply(PAUSED_UNTIL, ["P" * 100, "<!channel>"]),
        "resumed": participants.resumed_reply(),
        "resumed in several": participants.resumed_reply(["A", "B" * 100]),
        "auto resumed": participants.auto_resumed_dm(today, [PROGRAM]),
        "auto resumed, several": participants.auto_resumed_dm(today, ["<!channel>" * 10, "P" * 100]),
        "program closed": participants.program_closed_reply("<!here>" * 30),
        "program closed, unnamed": participants.program_closed_reply(None),
        "already active": participants.already_active_reply(),
        "pause date past": participants.pause_date_error_reply("past"),
        "pause date too far": participants.pause_date_error_reply("too_far"),
        "pause date format": participants.pause_date_error_reply("format", "<!channel>" * 10),
        "pause date words": participants.pause_date_error_reply("format"),
        "leave confirm": participants.leave_confirm_reply([(1, PROGRAM)]),
        "leave confirm, several": participants.leave_confirm_reply([(i, "P" * 100) for i in range(1, 9)]),
        "left": participants.left_reply(),
        "left named": participants.left_reply(["<!channel>" * 20]),
        "delete confirm": participants.delete_confirm_reply(),
        "deleted": participants.deleted_reply(),
        "nothing to delete": participants.nothing_to_delete_reply(),
        "cancelled": participants.cancelled_reply(),
        "form failed": participants.form_failed_reply(),
        "apology": participants.apology_reply(),
        "no longer works": participants.no_longer_works_reply(),
        "not admin": participants.not_admin_reply(),
        **{f"admin {v}": participants.admin_changed_you_dm(v, "<!channel>" * 20) for v in participants.ADMIN_CHANGES},
    }
    for name, a in (("typical", answers()), ("long", long_answers()), ("hostile", hostile_answers()), ("empty", {})):
        for joined in (True, False):
            replies[f"saved {name} joined={joined}"] = participants.profile_saved_dm(
                program_name=PROGRAM, answers=a, timezone="Europe/Paris", joined=joined
            )
        for state, until in (("active", None), ("paused", PAUSED_UNTIL), ("paused", None), ("left", None)):
            replies[f"status {name} {state} {until}"] = participants.status_reply(
                programs=[{"id": 1, "name": PROGRAM, "state": "open", "my_state": state, "paused_until": until}],
                answers=a,
                timezone=None,
            )
    for name, a in (("typical", answers()), ("long", long_answers()), ("hostile", hostile_answers())):
        replies[f"not saved {name}"] = participants.profile_not_saved_dm(answers=a, answers_json=json.dumps(a))
    many = [
        {"id": i, "name": "<P>" * 40, "state": ps, "my_state": st, "paused_until": PAUSED_UNTIL}
        for i, (ps, st) in enumerate([("open", "active"), ("running", "paused"), ("ended", "left")] * 10, start=1)
    ]
    replies["status, 30 programs, long profile"] = participants.status_reply(
        programs=many, answers=long_answers(), timezone="<!channel>"
    )
    replies["saved long program name"] = participants.profile_saved_dm(
        program_name="P" * 400, answers=answers(), timezone=None, joined=True
    )
    return replies


ALL_REPLIES = _all_replies()


@pytest.mark.parametrize("case", list(ALL_REPLIES))
def test_every_reply_is_valid(case: str) -> None:
    assert_valid_reply(ALL_REPLIES[case])


def test_every_reply_builder_is_covered() -> None:
    """A new builder in prompts/participants.py must be added to _all_replies (and so to the limit checks)."""
    builders = {
        name
        for name, fn in inspect.getmembers(participants, inspect.isfunction)
        if fn.__module__ == participants.__name__
        and not name.startswith("_")
        and inspect.signature(fn).return_annotation in ("Reply", Reply)
    }
    covered = {
        "help_reply",
        "error_reply",
        "not_enrolled_reply",
        "paused_reply",
        "resumed_reply",
        "auto_resumed_dm",
        "already_active_reply",
        "pause_date_error_reply",
        "profile_not_saved_dm",
        "not_admin_reply",
        "admin_changed_you_dm",
        "no_open_program_reply",
        "program_closed_reply",
        "avoid_list_reply",
        "avoid_problem_reply",
        "leave_confirm_reply",
        "left_reply",
        "delete_confirm_reply",
        "deleted_reply",
        "nothing_to_delete_reply",
        "cancelled_reply",
        "form_failed_reply",
        "apology_reply",
        "no_longer_works_reply",
        "profile_saved_dm",
        "status_reply",
    }
    assert builders == covered


HOME_CASES: dict[str, dict[str, Any]] = {
    "no program": {"programs": []},
    "not enrolled": {"programs": [program_item()]},
    "active": {"programs": [program_item("active")], "answers": answers(), "timezone": "Europe/Paris"},
    "paused until": {
        "programs": [program_item("paused", state="running", paused_until=PAUSED_UNTIL)],
        "answers": answers(),
    },
    "paused": {"programs": [program_item("paused")], "answers": answers()},
    "left": {"programs": [program_item("left")], "answers": answers()},
    "ended": {"programs": [program_item("active", state="ended")], "answers": answers()},
    "long": {
        "programs": [program_item("active", name="P" * 1000, objectives="<&>" * 2000)],
        "answers": long_answers(),
    },
    "hostile": {
        "programs": [program_item("active", name="<!channel>", objectives="<@U1>")],
        "answers": hostile_answers(),
        "timezone": "<!channel>",
    },
    "many programs": {
        "programs": [{**program_item("active", name=f"P{i}" * 40), "id": i} for i in range(40)],
        "answers": long_answers(),
    },
}


@pytest.mark.parametrize("case", list(HOME_CASES))
def test_home_view_is_valid(case: str) -> None:
    view = home_view(**HOME_CASES[case])
    assert view["type"] == "home"
    assert_valid_view(view)


def test_message_surfaces_stay_well_under_block_limit() -> None:
    """Headroom: no reply is anywhere near 50 blocks, so adding a line later cannot silently break one."""
    assert max(len(r.blocks) for r in ALL_REPLIES.values()) <= 10
