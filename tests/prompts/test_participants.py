"""What the ``/mentor`` replies and profile DMs say, and that user text in them is escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from prompts import participants
from prompts.blocks import Reply
from tests.support.blockkit import assert_valid_reply, buttons, walk_text
from tests.support.samples import HOSTILE, PAUSED_UNTIL, PROGRAM, answers, escape_problems, hostile_answers


def mrkdwn(reply: Reply) -> str:
    return "\n".join(walk_text(reply.blocks, "mrkdwn"))


def test_help_lists_every_subcommand() -> None:
    reply = participants.help_reply()
    assert_valid_reply(reply)
    text = mrkdwn(reply)
    for word in ("join", "status", "edit", "pause [until YYYY-MM-DD]", "resume", "leave", "delete-my-data", "help"):
        assert f"`/mentor {word}`" in text
    assert reply.text == "Type /mentor help to see what you can do."
    assert len(reply.blocks) == 1


def test_help_for_a_typo_suggests_the_command() -> None:
    reply = participants.help_reply(unknown="stauts", suggestion="status")
    assert_valid_reply(reply)
    assert reply.blocks[0]["text"]["text"] == "I don't know `stauts`. Did you mean `/mentor status`?"
    assert reply.text.startswith("I don't know `stauts`. Did you mean `/mentor status`?")
    assert len(reply.blocks) == 2


def test_help_for_unknown_word_without_suggestion() -> None:
    reply = participants.help_reply(unknown="xyz")
    assert reply.blocks[0]["text"]["text"] == "I don't know `xyz`."
    assert "Did you mean" not in reply.text


def test_help_escapes_and_shortens_the_unknown_word() -> None:
    reply = participants.help_reply(unknown="<!channel>" + "x" * 100)
    assert escape_problems([*walk_text(reply.blocks), reply.text]) == []
    assert "&lt;!channel&gt;" in reply.blocks[0]["text"]["text"]
    assert "x" * 31 not in reply.text


def test_error_reply_shows_the_message() -> None:
    reply = participants.error_reply("That date has passed.")
    assert_valid_reply(reply)
    assert reply.text == "That date has passed."
    assert reply.blocks[0]["text"]["text"] == ":warning: That date has passed."


@pytest.mark.parametrize("joined", [True, False])
def test_profile_saved_dm(joined: bool) -> None:
    reply = participants.profile_saved_dm(
        program_name=PROGRAM, answers=answers(), timezone="Europe/Paris", joined=joined
    )
    assert_valid_reply(reply)
    title = f"Welcome to {PROGRAM}! :tada:" if joined else "Your profile is updated."
    assert reply.blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}
    assert reply.text == f"{title} Your profile is saved."
    [edit] = buttons(reply.blocks)
    assert (edit["action_id"], edit["text"]["text"], edit["style"]) == (
        participants.ACTION_EDIT_PROFILE,
        "Edit profile",
        "primary",
    )
    assert ("next round" in mrkdwn(reply)) is joined


def test_profile_fields_show_labels_not_keys() -> None:
    text = participants.profile_fields(answers(), "Europe/Paris")
    assert text.splitlines() == [
        "*Role:* Mentee",
        "*Department:* Finance",
        "*Experience:* 25 years",
        "*Can share:* Leadership, Excel macros",
        "*Wants to learn:* AI tools at work, Social media &amp; personal branding, TikTok ads, Notion",
        f"*Goals:* {answers()['goals']}",
        "*Meeting format:* In person",
        "*Manager:* <@U0MANAGER>",
        "*Time zone:* Europe/Paris (from your Slack profile)",
    ]


def test_profile_fields_with_nothing_filled_in() -> None:
    text = participants.profile_fields({"manager_id": None}, None)
    assert "*Role:* —" in text
    assert "*Can share:* _none_" in text
    assert "*Wants to learn:* _none_" in text
    assert "*Manager:* not given" in text
    assert "*Time zone:* from your Slack profile" in text


def test_user_text_is_escaped_in_profile_dm_and_status() -> None:
    replies = [
        participants.profile_saved_dm(program_name=PROGRAM, answers=hostile_answers(), timezone="<!here>", joined=True),
        participants.status_reply(programs=[_item(state="active")], answers=hostile_answers(), timezone="<!here>"),
    ]
    for reply in replies:
        assert_valid_reply(reply)
        texts = walk_text(reply.blocks, "mrkdwn")
        assert escape_problems(texts) == []
        joined = "\n".join(texts)
        assert "*Department:* &lt;!channel&gt;" in joined
        assert "&lt;https://evil.example|free stuff&gt;" in joined
        assert "&lt;!channel&gt; tips" in joined
        assert "*Manager:* <@U0MANAGER>" in joined, "the manager mention is ours, not user text"
        assert escape_problems([reply.text]) == []


def _item(name: str = PROGRAM, *, state: str = "active", until: date | None = None, program_state: str = "open"):
    return {"id": 3, "name": name, "state": program_state, "my_state": state, "paused_until": until}


def test_status_escapes_the_program_name() -> None:
    reply = participants.status_reply(programs=[_item(HOSTILE)], answers=answers(), timezone=None)
    assert escape_problems(walk_text(reply.blocks, "mrkdwn")) == []


@pytest.mark.parametrize(
    ("state", "until", "where"),
    [
        ("active", None, "taking part"),
        ("paused", PAUSED_UNTIL, "paused until 2027-01-31"),
        ("paused", None, "paused until you `/mentor resume`"),
        ("left", None, "left the program"),
    ],
)
def test_status_reply(state: str, until: date | None, where: str) -> None:
    reply = participants.status_reply(programs=[_item(state=state, until=until)], answers=answers(), timezone=None)
    assert_valid_reply(reply)
    assert reply.blocks[0]["text"]["text"] == f"*{PROGRAM}*: you are {where}."
    assert reply.text == f"{PROGRAM}: you are {where}."
    assert "*Department:* Finance" in reply.blocks[1]["text"]["text"]
    footer = reply.blocks[2]["elements"][0]["text"]
    assert ("`/mentor join`" in footer) is (state == "left")
    expected = participants.ACTION_JOIN if state == "left" else participants.ACTION_EDIT_PROFILE
    assert [b["action_id"] for b in buttons(reply.blocks)] == [expected]


def test_not_enrolled_offers_join() -> None:
    reply = participants.not_enrolled_reply()
    assert_valid_reply(reply)
    [join] = buttons(reply.blocks)
    assert (join["action_id"], join["style"]) == (participants.ACTION_JOIN, "primary")


def test_paused_replies_name_the_date_or_how_to_come_back() -> None:
    assert "until 2027-01-31" in participants.paused_reply(PAUSED_UNTIL).text
    assert "automatically" in participants.paused_reply(PAUSED_UNTIL).text
    assert "`/mentor resume`" in participants.paused_reply(None).text
    resumed = participants.auto_resumed_dm(PAUSED_UNTIL, ["Digital", "<AI>"]).text
    assert "2027-01-31" in resumed and "back in Digital, &lt;AI&gt;." in resumed


@pytest.mark.parametrize(
    ("reply", "danger_action", "danger_text", "cancel_text"),
    [
        (
            participants.leave_confirm_reply([(4, PROGRAM)]),
            participants.ACTION_CONFIRM_LEAVE,
            "Leave the program",
            "Stay",
        ),
        (participants.delete_confirm_reply(), participants.ACTION_CONFIRM_DELETE, "Erase my data", "Keep my data"),
    ],
)
def test_confirmations_have_a_danger_and_a_cancel_button(
    reply: Reply, danger_action: str, danger_text: str, cancel_text: str
) -> None:
    assert_valid_reply(reply)
    danger, cancel = buttons(reply.blocks)
    assert (danger["action_id"], danger["text"]["text"], danger["style"]) == (danger_action, danger_text, "danger")
    assert (cancel["action_id"], cancel["text"]["text"]) == (participants.ACTION_CANCEL, cancel_text)
    assert "style" not in cancel
    assert reply.blocks[0]["text"]["text"] == reply.text


def test_delete_confirmation_says_what_is_erased_and_that_it_is_final() -> None:
    text = participants.delete_confirm_reply().text
    for word in ("answers", "feedback", "manager", "cannot be undone"):
        assert word in text


@pytest.mark.parametrize(
    "builder",
    [
        participants.resumed_reply,
        participants.already_active_reply,
        participants.left_reply,
        participants.deleted_reply,
        participants.nothing_to_delete_reply,
        participants.cancelled_reply,
        participants.form_failed_reply,
        participants.apology_reply,
    ],
)
def test_text_only_replies(builder: Callable[[], Reply]) -> None:
    reply = builder()
    assert_valid_reply(reply)
    assert reply.blocks == []
    assert reply.as_kwargs() == {"text": reply.text}


def test_replies_for_people_who_left_say_how_to_rejoin() -> None:
    for reply in (participants.left_reply(), participants.deleted_reply()):
        assert "`/mentor join`" in reply.text


def test_status_lists_every_program_and_offers_the_right_button() -> None:
    items = [
        _item("Digital 2027", state="paused", until=PAUSED_UNTIL),
        _item("AI 2026", state="left", program_state="ended"),
    ]
    reply = participants.status_reply(programs=items, answers=answers(), timezone=None)
    lines = reply.blocks[0]["text"]["text"].splitlines()
    assert lines == [
        "*Digital 2027*: you are paused until 2027-01-31.",
        "*AI 2026* has ended: thank you for taking part.",
    ]
    [edit] = buttons(reply.blocks)
    assert (edit["action_id"], edit["value"]) == (participants.ACTION_EDIT_PROFILE, "3")
    left = participants.status_reply(programs=[_item(state="left")], answers=answers(), timezone=None)
    assert [b["action_id"] for b in buttons(left.blocks)] == [participants.ACTION_JOIN]


def test_leaving_several_programs_offers_one_button_each() -> None:
    reply = participants.leave_confirm_reply([(1, "Digital"), (2, "<!channel>")])
    assert_valid_reply(reply)
    leave = [b for b in buttons(reply.blocks) if b["action_id"] == participants.ACTION_CONFIRM_LEAVE]
    assert [(b["text"]["text"], b["value"], b["style"]) for b in leave] == [
        ("Leave Digital", "1", "danger"),
        ("Leave <!channel>", "2", "danger"),
    ]
    assert buttons(reply.blocks)[-1]["action_id"] == participants.ACTION_CANCEL


def test_paused_and_resumed_name_the_programs_when_there_are_several() -> None:
    assert " in A, B until 2027-01-31" in participants.paused_reply(PAUSED_UNTIL, ["A", "B"]).text
    assert " in " not in participants.paused_reply(PAUSED_UNTIL, ["A"]).text
    assert "active again in A, &lt;B&gt;" in participants.resumed_reply(["A", "<B>"]).text
