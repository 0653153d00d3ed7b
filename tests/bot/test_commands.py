"""``/mentor`` text → Command: subcommands, aliases, pause dates and "did you mean"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.commands import (
    ALIASES,
    MAX_PAUSE_DAYS,
    SUBCOMMANDS,
    BadPauseDateError,
    Command,
    UnknownCommandError,
    parse,
)
from bot.errors import InvalidCommandError, MentorError
from prompts.blocks import escape
from prompts.messages import error_reply, help_reply

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand(name: str) -> None:
    assert parse(name, today=TODAY) == Command(name)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_bare_mentor(text: str) -> None:
    assert parse(text, today=TODAY) == Command("")


@pytest.mark.parametrize(
    ("alias", "name"),
    [("profile", "status"), ("stop", "leave"), ("unpause", "resume"), ("delete", "delete-my-data"), ("?", "help")],
)
def test_aliases(alias: str, name: str) -> None:
    assert ALIASES[alias] == name
    assert parse(alias, today=TODAY) == Command(name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("JOIN", "join"),
        ("Status", "status"),
        ("  eDiT  ", "edit"),
        ("Delete-My-Data", "delete-my-data"),
        ("STOP", "leave"),
    ],
)
def test_case_and_whitespace_insensitive(text: str, name: str) -> None:
    assert parse(text, today=TODAY) == Command(name)


def test_words_after_a_non_pause_subcommand_are_ignored() -> None:
    assert parse("help me please", today=TODAY) == Command("help")


# --- pause ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("pause", None),
        ("pause until 2027-01-31", date(2027, 1, 31)),
        ("pause 2027-01-31", date(2027, 1, 31)),
        ("PAUSE UNTIL 2027-01-31", date(2027, 1, 31)),
        ("  pause   until   2026-06-16  ", date(2026, 6, 16)),
        ("Pause Until 2026-07-01", date(2026, 7, 1)),
    ],
)
def test_pause(text: str, until: date | None) -> None:
    assert parse(text, today=TODAY) == Command("pause", until)


def test_pause_accepts_up_to_a_year_ahead() -> None:
    last = TODAY + timedelta(days=MAX_PAUSE_DAYS)
    assert parse(f"pause until {last.isoformat()}", today=TODAY).pause_until == last


def test_pause_until_without_a_date_is_an_open_pause() -> None:
    """Current behaviour: a dangling "until" is dropped (the reply then says "until you /mentor resume")."""
    assert parse("pause until", today=TODAY) == Command("pause", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pause until tomorrow", "“tomorrow” is not a date: use YYYY-MM-DD"),
        ("pause until 2027-13-01", "“2027-13-01” is not a date"),
        ("pause until 31/01/2027", "is not a date"),
        ("pause until 2026-06-15", "That date has passed"),
        ("pause until 2026-06-14", "That date has passed"),
        ("pause until 2020-01-01", "That date has passed"),
        (f"pause until {(TODAY + timedelta(days=MAX_PAUSE_DAYS + 1)).isoformat()}", "up to a year"),
        ("pause until 2099-01-01", "up to a year"),
        ("pause until 2027-01-31 please", "Use `/mentor pause until YYYY-MM-DD`"),
        ("pause for 2027-01-31", "Use `/mentor pause until YYYY-MM-DD`"),
        ("pause until until 2027-01-31", "Use `/mentor pause until YYYY-MM-DD`"),
    ],
)
def test_bad_pause_dates(text: str, expected: str) -> None:
    with pytest.raises(BadPauseDateError) as excinfo:
        parse(text, today=TODAY)
    message = str(excinfo.value)
    assert expected in message
    assert "\n" not in message
    assert any(hint in message for hint in ("2027-01-31", "pick", "YYYY-MM-DD")), "says how to fix it"


def test_bad_date_message_shortens_the_word() -> None:
    with pytest.raises(BadPauseDateError) as excinfo:
        parse("pause until " + "x" * 500, today=TODAY)
    assert "x" * 30 in str(excinfo.value)
    assert "x" * 31 not in str(excinfo.value)


def test_error_classes() -> None:
    assert issubclass(BadPauseDateError, InvalidCommandError)
    assert issubclass(UnknownCommandError, InvalidCommandError)
    assert issubclass(InvalidCommandError, MentorError)


def test_bad_date_word_is_not_live_markup_in_the_reply() -> None:
    with pytest.raises(BadPauseDateError) as excinfo:
        parse("pause until <!channel>", today=TODAY)
    reply = error_reply(str(excinfo.value))  # what handlers/commands/mentor.py sends
    assert "<!channel>" not in reply.blocks[0]["text"]["text"]
    assert escape("<!channel>") in reply.blocks[0]["text"]["text"]


# --- unknown words -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "suggestion"),
    [
        ("stauts", "stauts", "status"),
        ("satus", "satus", "status"),
        ("pase", "pase", "pause"),
        ("jion", "jion", "join"),
        ("hepl", "hepl", "help"),
        ("resum", "resum", "resume"),
        ("delet-my-data", "delet-my-data", "delete-my-data"),
        ("STAUTS now", "stauts", "status"),
        ("xyz", "xyz", None),
        ("banana", "banana", None),
        ("2027-01-31", "2027-01-31", None),
    ],
)
def test_unknown_words_suggest_the_closest_command(text: str, word: str, suggestion: str | None) -> None:
    with pytest.raises(UnknownCommandError) as excinfo:
        parse(text, today=TODAY)
    assert excinfo.value.word == word
    assert excinfo.value.suggestion == suggestion
    assert str(excinfo.value) == word


def test_unknown_word_reply_suggests_the_command() -> None:
    with pytest.raises(UnknownCommandError) as excinfo:
        parse("pase", today=TODAY)
    reply = help_reply(unknown=excinfo.value.word, suggestion=excinfo.value.suggestion)
    assert "Did you mean `/mentor pause`?" in reply.text


def test_typo_of_an_alias_does_not_suggest_the_opposite() -> None:
    with pytest.raises(UnknownCommandError) as excinfo:
        parse("unpase", today=TODAY)
    assert excinfo.value.suggestion == "resume"
