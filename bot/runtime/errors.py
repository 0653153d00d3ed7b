"""The app's own error tree.

Handlers let these propagate to the single ``@app.error`` handler (``bot/runtime/app.py``), which logs the traceback and
shows the person a short apology; the CLI turns :class:`ConfigError` into one line and exit code 2.

``DatabaseError`` (any failure of the database, from ``storage.db``) is re-exported here, so a handler that must
answer a failed write itself can catch it without importing ``storage``.
"""

from storage.db import DatabaseError as DatabaseError


class MentorError(Exception):
    """Base class of every error this app raises on purpose."""


class ConfigError(MentorError):
    """A setting is missing or wrong; the message says what to set and where."""


class NotEnrolledError(MentorError):
    """The person asked for something that needs a profile, and has none."""


class ProgramClosedError(MentorError):
    """The program a form was filled in for no longer takes sign-ups (ended, or moved back by an admin)."""


class NotFoundError(MentorError):
    """An admin action names a program or person this workspace does not have (stale or forged)."""


class InvalidCommandError(MentorError):
    """A ``/mentor`` argument could not be understood; the message is shown to the person."""


class PauseDateError(InvalidCommandError):
    """``/mentor pause until`` with a date that is not a date, already past, or too far ahead.

    ``reason`` is one of ``"format"``, ``"past"``, ``"too_far"``; ``word`` is what the person typed.
    """

    def __init__(self, reason: str, word: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.word = word
