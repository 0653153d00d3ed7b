"""Verified requests no listener handles: a button in a message from an older version of the app, an event type
the app does not listen to, a modal closed, a menu's search. Each is logged as one warning line naming its kind
and the ids the app or Slack defined (``action_id``, ``callback_id``, the event's type, the command), never a
value, a text or the body; and each gets an answer Slack takes as handled. Bolt's own would be a 404, which Slack
shows the person as an error, retries (an event) and counts against the app's event subscription (which it turns
off when failures pile up); and Bolt's own warning logs what a person typed into a menu's search.

======================================================  =====================================================
request                                                 answer
======================================================  =====================================================
a button, menu or shortcut the app does not have        200, and the person is told "that no longer works"
                                                        where they are (an ephemeral reply, or a DM)
a form the app does not have (opened before an          200, the form stays open with an inline "out of date"
upgrade)                                                error (closing it would lose the answers unsaid)
a slash command the app does not have                   200, an ephemeral "that no longer works"
a menu's search (``block_suggestion``)                  200 with no options: the menu shows none, not an error
an event of another type, ``view_closed``, anything     an empty 200: nobody waits for it, and Slack would
else                                                    retry an event answered otherwise
======================================================  =====================================================

The first three have a person waiting: :mod:`handlers.unknown` answers them, as listeners registered after the
others. The rest reach the app's error handler (``raise_error_for_unhandled_request``), which calls
:func:`answer_unhandled`: no call to Slack. So does a request whose listener did not ack in time.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)

MAX_ID = 64  # longer than any id the app or Slack defines; a log line stays a line


class Outcome(StrEnum):
    """What the app did about an unhandled request: the end of its log line."""

    IGNORED = "ignored"
    NO_OPTIONS = "answered with no options"
    FORM_KEPT_OPEN = "kept the form open with an inline error"
    TOLD = "told the person it no longer works"


def _id(value: Any) -> str:
    """An id as logged: quoted, control characters escaped, cut to :data:`MAX_ID`; ``-`` when absent."""
    return repr(value[:MAX_ID]) if isinstance(value, str) and value else "-"


def _field(node: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and len(node) > step:
            node = node[step]
        else:
            return None
    return node


def request_ids(body: dict[str, Any]) -> str:
    """A request's kind and the one id that says which listener it was for, e.g. ``block_actions 'old_button'``."""
    if "command" in body:
        return f"command {_id(body.get('command'))}"
    kind = body.get("type")
    if kind == "event_callback":
        which = _field(body, "event", "type")
    elif kind == "block_actions":
        which = _field(body, "actions", 0, "action_id")
    elif kind == "block_suggestion":
        which = body.get("action_id")
    elif kind in ("view_submission", "view_closed"):
        which = _field(body, "view", "callback_id")
    else:  # shortcuts, legacy attachments and dialogs
        which = body.get("callback_id")
    return f"{_id(kind)} {_id(which)}"


def log_unhandled(body: dict[str, Any], team_id: str | None, outcome: Outcome) -> None:
    logger.warning("No listener answered request %s in workspace %s: %s", request_ids(body), team_id, outcome.value)


def first_input_block(body: dict[str, Any]) -> str | None:
    """The block_id of a submitted modal's first input block (where an inline error shows), if it has one."""
    view = body.get("view")
    for block in view.get("blocks") or [] if isinstance(view, dict) else []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return str(block["block_id"])
    return None


def answer_unhandled(body: dict[str, Any], team_id: str | None) -> BoltResponse:
    """Log the request (one line) and answer it: no options for a menu's search, else an empty 200."""
    if body.get("type") == "block_suggestion":
        log_unhandled(body, team_id, Outcome.NO_OPTIONS)
        return BoltResponse(status=200, body={"options": []})  # a dict body is sent as JSON
    log_unhandled(body, team_id, Outcome.IGNORED)
    return BoltResponse(status=200, body="")
