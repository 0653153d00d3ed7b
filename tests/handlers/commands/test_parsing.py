"""``/mentor`` text → Command: subcommands, aliases, pause dates and "did you mean"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.participants import local_date
from bot.runtime.errors import PauseDateError
from handlers.commands.parsing import (
    ALIASES,
    SUBCOMMANDS,
    Command,
    UnknownCommandError,
    parse,
)
from prompts.blocks import escape
from prompts.participants import help_reply, pause_date_error_reply


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand(name: str) -> None:
    assert parse(name) == Command(name)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_bare_mentor(text: str) -> None:
    assert parse(text) == Command("")


@pytest.mark.parametrize(
    ("alias", "name"),
    [("profile", "status"), ("stop", "leave"), ("unpause", "resume"), ("delete", "delete-my-data"), ("?", "help")],
)
def test_aliases(alias: str, name: str) -> None:
    assert ALIASES[alias] == name
    assert parse(alias) == Command(name)


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
    assert parse(text) == Command(name)


def test_words_after_a_non_pause_subcommand_are_ignored() -> None:
    assert parse("help me please") == Command("help")


# --- pause ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("pause", None),
        ("pause until 2027-01-31", date(2027, 1, 31)),
        ("pause 2027-01-31", date(2027, 1, 31)),
        ("PAUSE UNTIL 2027-01-31", date(2027, 1, 31)),
        ("  pause   until   2026-06-16  ", date(2026, 6, 16)),
        ("Pause Until 2001-07-01", date(2001, 7, 1)),  # whether a date is acceptable is the service's call
    ],
)
def test_pause(text: str, until: date | None) -> None:
    assert parse(text) == Command("pause", until)


def test_pause_until_without_a_date_is_an_open_pause() -> None:
    """A dangling "until" is dropped (the reply then says "until you /mentor resume")."""
    assert parse("pause until") == Command("pause", None)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("pause until tomorrow", "tomorrow"),
        ("pause until 2027-13-01", "2027-13-01"),
        ("pause until 31/01/2027", "31/01/2027"),
        ("pause until 2027-01-31 please", "2027-01-31 please"),
        ("pause for 2027-01-31", "for 2027-01-31"),
        ("pause until until 2027-01-31", "until 2027-01-31"),
    ],
)
def test_bad_pause_dates(text: str, word: str) -> None:
    with pytest.raises(PauseDateError) as excinfo:
        parse(text)
    assert excinfo.value.reason == "format"
    assert excinfo.value.word == word


@pytest.mark.parametrize(
    ("reason", "word", "expected"),
    [
        ("format", "tomorrow", "“tomorrow” is not a date: use YYYY-MM-DD"),
        ("format", "", "Use `/mentor pause until YYYY-MM-DD`"),
        ("past", "", "That date has passed"),
        ("too_far", "", "up to a year"),
    ],
)
def test_pause_date_messages_say_how_to_fix_it(reason: str, word: str, expected: str) -> None:
    text = pause_date_error_reply(reason, word).text
    assert expected in text
    assert "\n" not in text
    assert any(hint in text for hint in ("2027-01-31", "pick", "YYYY-MM-DD"))


def test_bad_date_message_shortens_the_word() -> None:
    text = pause_date_error_reply("format", "x" * 500).text
    assert "x" * 30 in text and "x" * 31 not in text


def test_bad_date_word_is_not_live_markup_in_the_reply() -> None:
    reply = pause_date_error_reply("format", "<!channel>")
    assert "<!channel>" not in reply.blocks[0]["text"]["text"]
    assert escape("<!channel>") in reply.blocks[0]["text"]["text"]


def test_local_date_uses_the_persons_time_zone() -> None:
    from datetime import UTC, datetime

    now = datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert local_date(now, "Pacific/Kiritimati", None) == date(2027, 3, 1)
    assert local_date(now, "America/Los_Angeles", None) == date(2027, 2, 28)
    assert local_date(now, None, 14 * 3600) == date(2027, 3, 1)
    assert local_date(now, "Not/AZone", -12 * 3600) == date(2027, 2, 28)


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
        parse(text)
    assert excinfo.value.word == word
    assert excinfo.value.suggestion == suggestion
    assert str(excinfo.value) == word


def test_unknown_word_reply_suggests_the_command() -> None:
    with pytest.raises(UnknownCommandError) as excinfo:
        parse("pase")
    reply = help_reply(unknown=excinfo.value.word, suggestion=excinfo.value.suggestion)
    assert "Did you mean `/mentor pause`?" in reply.text


def test_typo_of_an_alias_does_not_suggest_the_opposite() -> None:
    with pytest.raises(UnknownCommandError) as excinfo:
        parse("unpase")
    assert excinfo.value.suggestion == "resume"


def test_topic_takes_an_optional_partner_and_ignores_other_words() -> None:
    assert parse("topic") == Command("topic")
    assert parse("topic please <@U0PARTNER|ada> <@U0PARTNER>") == Command("topic", people=("U0PARTNER",))
