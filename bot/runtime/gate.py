"""The gate in front of the app: every HTTP request is verified and parsed here, before Bolt or a handler sees it.

:func:`admit` takes the raw bytes and the headers and returns :class:`Admitted` (the parsed body, handed to Bolt
as JSON) or :class:`Refused` (a status and the :class:`Refusal` class, the only thing logged). In this order:

1. **Signature** (401): exactly one ``X-Slack-Request-Timestamp`` of ASCII digits, within 5 minutes of now, and
   exactly one ``X-Slack-Signature`` equal to Slack's HMAC-SHA256 of the raw bytes. It comes first, so a sender
   without the signing secret learns nothing about what else is checked, and nothing of the body is read (not even
   decoded) before it is known to come from Slack. No verification step can raise: every failure is a refusal.
2. **Content type** (415): ``application/x-www-form-urlencoded`` or ``application/json``, what Slack sends.
3. **UTF-8** (400), then **parsing** (400): a JSON body must be an object; a form must not repeat a key, and its
   ``payload`` (interactivity) must be a JSON object. Slash commands (forms without ``payload``) become an object of
   strings.
4. **Shape** (400): the fields Bolt and the handlers read must have the types Slack documents (an object where an
   object is read, a string where a string is read...). A signed payload with a ``"user": "U1"`` or an
   ``"actions": {}`` would otherwise fail inside Bolt's routing or a handler, as a 500 with a traceback.

Bolt's own signature check is off (:func:`bot.runtime.app.build_app`): it would only ever see what this gate has
verified, and on failure it logs the whole body. Socket Mode has no signatures (Slack authenticates the socket)
and does not come through here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

from multidict import MultiMapping

MAX_AGE_SECONDS = 5 * 60  # Slack's advice: refuse a timestamp more than 5 minutes from now (replays)
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Refusal(StrEnum):
    """Why a request was refused: what the log line says, and nothing else about the request."""

    UNSIGNED = "unsigned"  # a signature or timestamp header missing, repeated or empty
    BAD_TIMESTAMP = "bad-timestamp"  # not a whole number of seconds in ASCII digits
    STALE = "stale"  # more than 5 minutes from now
    BAD_SIGNATURE = "bad-signature"
    CONTENT_TYPE = "content-type"
    NOT_UTF8 = "not-utf8"
    MALFORMED = "malformed"  # not a form or not JSON, truncated, a repeated form key, nested too deep
    NOT_AN_OBJECT = "not-an-object"  # a JSON array, string, number or null where Slack sends an object
    BAD_SHAPE = "bad-shape"  # a field Bolt or a handler reads has the wrong type, or is missing

    @property
    def status(self) -> int:
        if self in _UNVERIFIED:
            return 401
        return 415 if self is Refusal.CONTENT_TYPE else 400


_UNVERIFIED = frozenset({Refusal.UNSIGNED, Refusal.BAD_TIMESTAMP, Refusal.STALE, Refusal.BAD_SIGNATURE})


@dataclass(frozen=True)
class Admitted:
    body: dict[str, Any]

    def as_json(self) -> str:
        """The body for Bolt, as a JSON text Bolt parses back to exactly :attr:`body` (its own form parsing reads
        any form containing the word "payload" as an empty interactivity payload)."""
        return json.dumps(self.body)


@dataclass(frozen=True)
class Refused:
    reason: Refusal

    @property
    def status(self) -> int:
        return self.reason.status


def admit(raw: bytes, headers: MultiMapping[str], *, signing_secret: str, now: float) -> Admitted | Refused:
    """Verify, decode, parse and check one request (see the module's docstring); never raises."""
    refusal = _verify(raw, headers, signing_secret=signing_secret, now=now)
    if refusal is not None:
        return Refused(refusal)
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in (FORM, JSON):
        return Refused(Refusal.CONTENT_TYPE)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refused(Refusal.NOT_UTF8)
    parsed = _parse_form(text) if content_type == FORM else _parse_json(text)
    if isinstance(parsed, Refusal):
        return Refused(parsed)
    if (problem := shape_problem(parsed)) is not None:
        return Refused(problem)
    return Admitted(parsed)


def _verify(raw: bytes, headers: MultiMapping[str], *, signing_secret: str, now: float) -> Refusal | None:
    timestamps = headers.getall("x-slack-request-timestamp", [])
    signatures = headers.getall("x-slack-signature", [])
    if not signing_secret or len(timestamps) != 1 or len(signatures) != 1 or not signatures[0]:
        return Refusal.UNSIGNED
    timestamp, signature = timestamps[0], signatures[0]
    # isdigit() alone accepts other scripts' digits, which int() reads too: only 0-9, and at most 12 of them.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return Refusal.BAD_TIMESTAMP
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return Refusal.STALE
    mac = hmac.new(signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
    if not (signature.isascii() and hmac.compare_digest("v0=" + mac.hexdigest(), signature)):
        return Refusal.BAD_SIGNATURE
    return None


def _parse_json(text: str) -> dict[str, Any] | Refusal:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, truncated, an integer too long to convert, nested too deep
        return Refusal.MALFORMED
    return parsed if isinstance(parsed, dict) else Refusal.NOT_AN_OBJECT


MAX_FORM_FIELDS = 50  # a slash command has about 15


def _parse_form(text: str) -> dict[str, Any] | Refusal:
    """A slash command's fields, or an interactivity request's ``payload`` (its other fields are ignored)."""
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=True, errors="strict", max_num_fields=MAX_FORM_FIELDS
        )
    except ValueError:  # a field without "=", percent-escapes that are not UTF-8, too many fields
        return Refusal.MALFORMED
    fields = dict(pairs)
    if not fields or len(fields) != len(pairs):  # empty, or a key given twice: which one would Bolt read?
        return Refusal.MALFORMED
    if "payload" in fields:
        return _parse_json(fields["payload"])
    return fields


# --- shape -------------------------------------------------------------------------------------------------------

_NONE = type(None)


@dataclass(frozen=True)
class _Field:
    """A field at ``path`` (dotted; ``*`` is every item of a list or every value of an object) must have one of
    ``types`` wherever it is present, and be present wherever its parent is when ``required``."""

    path: str
    types: tuple[type, ...]
    required: bool = False


_PICKED = ("user", "conversation", "channel")  # selected_user, selected_users, selected_conversation...


def _element(prefix: str) -> tuple[_Field, ...]:
    """What an interactive element reports (in ``actions`` and in a form's ``state.values``), as Slack documents
    it; ``prefix`` is where the element's object is."""
    return (
        _Field(f"{prefix}.type", (str,)),
        _Field(f"{prefix}.value", (str, _NONE)),
        _Field(f"{prefix}.selected_option", (dict, _NONE)),
        _Field(f"{prefix}.selected_option.value", (str,), required=True),
        _Field(f"{prefix}.selected_options", (list,)),
        _Field(f"{prefix}.selected_options.*", (dict,)),
        _Field(f"{prefix}.selected_options.*.value", (str,), required=True),
        *(_Field(f"{prefix}.selected_{one}", (str, _NONE)) for one in _PICKED),
        *(_Field(f"{prefix}.selected_{one}s", (list,)) for one in _PICKED),
        *(_Field(f"{prefix}.selected_{one}s.*", (str,)) for one in _PICKED),
        _Field(f"{prefix}.selected_date", (str, _NONE)),
        _Field(f"{prefix}.selected_time", (str, _NONE)),
        _Field(f"{prefix}.selected_date_time", (int, _NONE)),
        _Field(f"{prefix}.rich_text_value", (dict, _NONE)),
    )


def _state(prefix: str) -> tuple[_Field, ...]:
    """A form's answers: ``values`` → block id → action id → element."""
    return (
        _Field(prefix, (dict,)),
        _Field(f"{prefix}.values", (dict,)),
        _Field(f"{prefix}.values.*", (dict,)),
        _Field(f"{prefix}.values.*.*", (dict,)),
        *_element(f"{prefix}.values.*.*"),
    )


_INTERACTION: tuple[_Field, ...] = (
    _Field("type", (str,), required=True),
    _Field("api_app_id", (str,)),
    _Field("trigger_id", (str,)),
    _Field("response_url", (str,)),
    _Field("callback_id", (str,)),
    _Field("is_enterprise_install", (bool, _NONE)),
    _Field("enterprise", (dict, str, _NONE)),
    _Field("enterprise.id", (str,), required=True),
    _Field("team", (dict, _NONE)),
    _Field("team.id", (str,), required=True),
    _Field("team.enterprise_id", (str, _NONE)),
    _Field("user", (dict,)),
    _Field("user.id", (str,), required=True),
    _Field("user.team_id", (str,)),
    _Field("channel", (dict, _NONE)),
    _Field("channel.id", (str,), required=True),
    _Field("container", (dict,)),
    _Field("message", (dict,)),
    _Field("message.ts", (str,)),
    _Field("message.text", (str,)),
    _Field("message.blocks", (list,)),
    _Field("message.blocks.*", (dict,)),
    _Field("actions", (list,)),
    _Field("actions.*", (dict,)),
    _Field("actions.*.action_id", (str,), required=True),
    _Field("actions.*.block_id", (str,)),
    *_element("actions.*"),
    *_state("state"),
    _Field("view", (dict,)),
    *(_Field(f"view.{key}", (str,)) for key in ("id", "type", "callback_id", "private_metadata", "hash", "team_id")),
    _Field("view.app_installed_team_id", (str, _NONE)),
    _Field("view.blocks", (list,)),
    _Field("view.blocks.*", (dict,)),
    _Field("view.blocks.*.type", (str,)),
    _Field("view.blocks.*.block_id", (str,)),
    *_state("view.state"),
    _Field("response_urls", (list,)),
    _Field("response_urls.*", (dict,)),
    _Field("response_urls.*.response_url", (str,), required=True),
)

# What each kind of interaction must carry (Bolt routes on these, the handlers read them).
_INTERACTION_NEEDS: dict[str, tuple[str, ...]] = {
    "block_actions": ("user", "actions"),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "shortcut": ("user", "callback_id"),
    "message_action": ("user", "callback_id"),
}

_EVENTS_API: tuple[_Field, ...] = (
    _Field("type", (str,), required=True),
    _Field("token", (str,)),
    _Field("challenge", (str,)),
    _Field("api_app_id", (str,)),
    _Field("team_id", (str,)),
    _Field("enterprise_id", (str, _NONE)),
    _Field("event_id", (str,)),
    _Field("event_time", (int,)),
    _Field("is_ext_shared_channel", (bool,)),
    _Field("authorizations", (list,)),
    _Field("authorizations.*", (dict,)),
    _Field("authorizations.*.team_id", (str, _NONE)),
    _Field("authorizations.*.enterprise_id", (str, _NONE)),
    _Field("authorizations.*.user_id", (str,)),
    _Field("authorizations.*.is_enterprise_install", (bool,)),
    _Field("event", (dict,)),
    _Field("event.type", (str,), required=True),
    _Field("event.tab", (str,)),
    _Field("event.tokens", (dict,)),
    _Field("event.tokens.bot", (list,)),
    _Field("event.tokens.bot.*", (str,)),
)

_EVENTS_API_NEEDS: dict[str, tuple[str, ...]] = {
    "url_verification": ("challenge",),
    "event_callback": ("event", "event_id"),
    "app_rate_limited": (),
}

# The events the app listens to, and what their handlers read (handlers/events).
_EVENT_FIELDS: dict[str, tuple[_Field, ...]] = {
    "app_home_opened": (_Field("user", (str,), required=True),),
    "tokens_revoked": (_Field("tokens", (dict,), required=True),),
}

_COMMAND_NEEDS = ("command", "team_id", "user_id")


def shape_problem(body: Mapping[str, Any]) -> Refusal | None:
    """:attr:`Refusal.BAD_SHAPE` when a field Bolt or a handler reads has the wrong type or is missing, or when
    the body is nested deeper than Slack ever nests (so that Bolt, which parses it again, can)."""
    if not _shallow(body):
        return Refusal.BAD_SHAPE
    if "command" in body or "ssl_check" in body:  # a form (or a JSON body that claims to be one)
        needs: Sequence[str] = _COMMAND_NEEDS if "command" in body else ()
        fine = all(isinstance(value, str) for value in body.values()) and all(body.get(key) for key in needs)
        return None if fine else Refusal.BAD_SHAPE
    kind = body.get("type") if isinstance(body.get("type"), str) else None  # else _fits refuses it
    if kind in _EVENTS_API_NEEDS:
        fields, needs = _EVENTS_API, _EVENTS_API_NEEDS[kind]
    else:
        fields, needs = _INTERACTION, _INTERACTION_NEEDS.get(str(kind), ())
    if any(key not in body for key in needs) or not _fits(body, fields):
        return Refusal.BAD_SHAPE
    if kind == "block_actions" and not body["actions"]:  # Bolt routes a click by its first action
        return Refusal.BAD_SHAPE
    event = body.get("event")
    if isinstance(event, dict) and not _fits(event, _EVENT_FIELDS.get(str(event.get("type")), ())):
        return Refusal.BAD_SHAPE
    return None


MAX_DEPTH = 32  # Slack's deepest payloads (rich text inside a form's answers) nest about a dozen levels


def _shallow(body: Mapping[str, Any]) -> bool:
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        if children and depth >= MAX_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _fits(body: Mapping[str, Any], fields: Sequence[_Field]) -> bool:
    return all(_field_fits(body, field) for field in fields)


def _field_fits(body: Mapping[str, Any], field: _Field) -> bool:
    *parents, last = field.path.split(".")
    for parent in _walk([body], parents):
        if last == "*" and isinstance(parent, dict | list):
            children = list(parent.values()) if isinstance(parent, dict) else parent
        elif isinstance(parent, dict) and last in parent:
            children = [parent[last]]
        elif isinstance(parent, dict) and field.required:
            return False
        else:
            continue  # absent, or under something that is not an object: the parent's own field judges that
        if not all(isinstance(child, field.types) for child in children):
            return False
    return True


def _walk(nodes: list[Any], steps: Sequence[str]) -> list[Any]:
    """The values at ``steps`` below ``nodes``; whatever is missing, or not a container, is left out."""
    for step in steps:
        found: list[Any] = []
        for node in nodes:
            if step == "*" and isinstance(node, dict):
                found.extend(node.values())
            elif step == "*" and isinstance(node, list):
                found.extend(node)
            elif isinstance(node, dict) and step in node:
                found.append(node[step])
        nodes = found
    return nodes
