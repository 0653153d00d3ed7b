"""Parsing ``/mentor`` text into a subcommand, with "did you mean" for typos."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from bot.runtime.errors import InvalidCommandError, PauseDateError, PauseProblem

SUBCOMMANDS = (
    "join",
    "status",
    "edit",
    "pause",
    "resume",
    "leave",
    "delete-my-data",
    "avoid",
    "rematch",
    "topic",
    "help",
)
MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$")
REMOVE_WORDS = frozenset({"remove", "rm", "delete", "unavoid"})
ALIASES = {"": "", "profile": "status", "stop": "leave", "unpause": "resume", "delete": "delete-my-data", "?": "help"}


@dataclass(frozen=True)
class Command:
    name: str  # one of SUBCOMMANDS, or "" for a bare /mentor
    pause_until: date | None = None
    people: tuple[str, ...] = ()  # avoid, topic: the user ids mentioned
    remove: bool = False  # avoid remove @someone
    stray: tuple[str, ...] = ()  # avoid: words that are not @-mentions
    reason: str = ""  # rematch: the optional private reason, as typed


class UnknownCommandError(InvalidCommandError):
    def __init__(self, word: str, suggestion: str | None) -> None:
        super().__init__(word)
        self.word = word
        self.suggestion = suggestion


def parse_pause_until(words: list[str]) -> date | None:
    """``[]``, ``["until", "2027-01-31"]`` or ``["2027-01-31"]``; whether the date is acceptable depends on the
    person's time zone and is checked by :func:`bot.participants.pause`."""
    if words and words[0].lower() == "until":
        words = words[1:]
    if not words:
        return None
    if len(words) != 1:
        raise PauseDateError(PauseProblem.FORMAT, " ".join(words))
    try:
        return date.fromisoformat(words[0])
    except ValueError:
        raise PauseDateError(PauseProblem.FORMAT, words[0]) from None


def parse(text: str) -> Command:
    words = text.split()
    head = words[0].lower() if words else ""
    name = ALIASES.get(head, head)
    if name and name not in SUBCOMMANDS:
        known = [*SUBCOMMANDS, *(alias for alias in ALIASES if len(alias) > 2)]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        raise UnknownCommandError(head, ALIASES.get(close[0], close[0]) if close else None)
    if name == "pause":
        return Command("pause", parse_pause_until(words[1:]))
    if name == "avoid":
        return parse_avoid(words[1:])
    if name == "rematch":
        return Command("rematch", reason=text.strip()[len(words[0]) :].strip())
    if name == "topic":  # ``topic [@partner]``: other words are ignored ("topic please")
        mentioned = (found.group(1) for found in map(MENTION.match, words[1:]) if found)
        return Command("topic", people=tuple(dict.fromkeys(mentioned)))
    return Command(name)


def parse_avoid(words: list[str]) -> Command:
    """``avoid``, ``avoid @a @b``, ``avoid remove @a``: Slack sends mentions as ``<@U123|name>``."""
    remove = bool(words) and words[0].casefold() in REMOVE_WORDS
    people: list[str] = []
    stray: list[str] = []
    for word in words[1:] if remove else words:
        found = MENTION.match(word)
        if found and found.group(1) not in people:
            people.append(found.group(1))
        elif not found:
            stray.append(word)
    return Command("avoid", people=tuple(people), remove=remove, stray=tuple(stray))
