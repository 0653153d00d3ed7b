"""The app's own error tree::

    MentorError                     every error this app raises on purpose
    ├── ConfigError                 a setting is missing or wrong (the CLI: one line, exit 2)
    ├── NotEnrolledError            the person needs a profile and has none
    ├── ProgramClosedError          the program no longer takes sign-ups
    └── InvalidCommandError         a ``/mentor`` argument could not be understood
        ├── PauseDateError          a pause date that is not a date, already past, or too far ahead
        └── UnknownCommandError     (handlers.commands.parsing) no such subcommand, with a "did you mean"

Handlers catch the ones they answer (an ephemeral reply, an inline modal error); anything else propagates to the
single ``@app.error`` handler (``bot/runtime/app.py``), which logs where it happened (:func:`describe`) and
shows the person a short apology. The database's own failures are ``storage.db.DatabaseError``; Slack's are
slack_sdk's ``SlackApiError`` and ``SlackClientError`` (``bot.slack.pacing.PacedOut`` among them), caught where
the call is made.
"""

import traceback
from enum import StrEnum


class MentorError(Exception):
    """Base class of every error this app raises on purpose."""


class ConfigError(MentorError):
    """A setting is missing or wrong; the message says what to set and where."""


class NotEnrolledError(MentorError):
    """The person asked for something that needs a profile, and has none."""


class ProgramClosedError(MentorError):
    """The program a form was filled in for no longer takes sign-ups (ended, or moved back by an admin)."""


class InvalidCommandError(MentorError):
    """A ``/mentor`` argument could not be understood; the message is shown to the person."""


class PauseProblem(StrEnum):
    FORMAT = "format"  # not a date
    PAST = "past"  # already past where the person is
    TOO_FAR = "too_far"  # more than a year ahead


class PauseDateError(InvalidCommandError):
    """``/mentor pause until`` (or the pause form) with a bad date: ``reason`` says what is wrong with it, ``word``
    is what the person typed."""

    def __init__(self, reason: PauseProblem, word: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.word = word


def describe(error: BaseException) -> str:
    """An error as the log shows it: the class of the error and of each error behind it, with the traceback's
    frames (file, line, function, code), never an error's message. Messages quote what was being handled: a failed
    statement's values or the whole failing row (PostgreSQL's DETAIL), a value that didn't parse; often someone's
    answers. The database's SQLSTATE code is kept, when there is one."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        name = f"{kind.__module__}.{kind.__qualname__}"
        code = getattr(current, "sqlstate", None) or getattr(getattr(current, "orig", None), "sqlstate", None)
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{name}{f' (SQLSTATE {code})' if isinstance(code, str) else ''}\n{frames}".rstrip())
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\ncaused by ".join(parts)
