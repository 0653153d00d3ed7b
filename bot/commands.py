"""Parsing ``/mentor`` text into a subcommand, with "did you mean" for typos."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import InvalidCommandError
from prompts.blocks import escape

SUBCOMMANDS = ("join", "status", "edit", "pause", "resume", "leave", "delete-my-data", "help")
ALIASES = {"": "", "profile": "status", "stop": "leave", "unpause": "resume", "delete": "delete-my-data", "?": "help"}
MAX_PAUSE_DAYS = 366


@dataclass(frozen=True)
class Command:
    name: str  # one of SUBCOMMANDS, or "" for a bare /mentor
    pause_until: date | None = None


class UnknownCommandError(InvalidCommandError):
    def __init__(self, word: str, suggestion: str | None) -> None:
        super().__init__(word)
        self.word = word
        self.suggestion = suggestion


class BadPauseDateError(InvalidCommandError):
    """``/mentor pause until …`` with a date that is not YYYY-MM-DD, in the past, or too far ahead."""


def parse_pause_until(words: list[str], today: date) -> date | None:
    if words and words[0].lower() == "until":
        words = words[1:]
    if not words:
        return None
    if len(words) != 1:
        raise BadPauseDateError("Use `/mentor pause until YYYY-MM-DD`, for example `/mentor pause until 2027-01-31`.")
    try:
        until = date.fromisoformat(words[0])
    except ValueError:
        raise BadPauseDateError(
            f"“{escape(words[0][:30])}” is not a date: use YYYY-MM-DD, for example `/mentor pause until 2027-01-31`."
        ) from None
    if until <= today:
        raise BadPauseDateError("That date has passed: pick a day after today, or use `/mentor pause` with no date.")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise BadPauseDateError("You can pause for up to a year at a time: pick an earlier date.")
    return until


def parse(text: str, *, today: date) -> Command:
    words = text.split()
    head = words[0].lower() if words else ""
    name = ALIASES.get(head, head)
    if name and name not in SUBCOMMANDS:
        words_known = [*SUBCOMMANDS, *(alias for alias in ALIASES if len(alias) > 2)]
        close = difflib.get_close_matches(name, words_known, n=1, cutoff=0.6)
        raise UnknownCommandError(head, ALIASES.get(close[0], close[0]) if close else None)
    if name == "pause":
        return Command("pause", parse_pause_until(words[1:], today))
    return Command(name)
