"""The request gate in front of the app (issue 13, points 1, 2 and 8): nothing acts on a request that is not
verified, a malformed request gets a 4xx, and no refusal logs a traceback or a word of the body.

Every request goes through the real HTTP server to the real app (the ``slack`` fixture). The bodies carry a
``response_url`` pointing at the fake Slack and a marker text, so an answer posted there, any Web API call, or the
body in the log would show. Each test sends all its cases, then checks once that nothing happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from multidict import CIMultiDict

from bot.runtime.gate import Admitted, Refusal, Refused, admit
from tests.support.signed import EVENTS_PATH, SIGNING_SECRET, SlackSender

SECRET = "SECRET-GOAL-TEXT"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SHARED_PAYLOADS = Path(__file__).resolve().parents[4] / "shared" / "slack" / "payloads"


def signature(data: bytes, *, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + data
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(data: bytes, content_type: str | None = FORM) -> dict[str, str]:
    """Correct signature headers for exactly these bytes; ``content_type`` None sends an empty one."""
    timestamp = str(int(time.time()))
    return {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature(data, timestamp=timestamp),
        "content-type": content_type or "",
    }


async def post_raw(slack: SlackSender, data: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with slack.session.post(slack.base_url + EVENTS_PATH, data=data, headers=headers) as response:
        return response.status, await response.text()


def button_payload(slack: SlackSender, **changes: Any) -> dict[str, Any]:
    """*Leave* confirmed in an ephemeral message, whose answer would go to the fake's response_url."""
    payload = slack.click_payload("confirm_leave", value=SECRET, hook="attack")
    payload["container"] = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "D100"}
    return {**payload, **changes}


def submission_payload(slack: SlackSender, **view_changes: Any) -> dict[str, Any]:
    """The sign-up form submitted, with the marker as an answer."""
    view = {
        "id": "VSUB",
        "type": "modal",
        "callback_id": "mentor_optin",
        "private_metadata": "{}",
        "team_id": slack.team_id,
        "blocks": [{"type": "input", "block_id": "goals"}],
        "state": {"values": {"goals": {"goals": {"type": "plain_text_input", "value": SECRET}}}},
        **view_changes,
    }
    return {
        "type": "view_submission",
        "team": {"id": slack.team_id, "domain": "example"},
        "user": {"id": "U100", "username": "u100", "name": "u100", "team_id": slack.team_id},
        "api_app_id": "A0001",
        "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        "view": view,
        "response_urls": [{"response_url": slack.fake.webhook_url("attack"), "block_id": "b", "action_id": "a"}],
    }


def form(payload: Any) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything logged, at every level. Asked for before ``slack``, so the app's loggers are at DEBUG too (Bolt
    sets each one's level when the app is built)."""
    caplog.set_level(logging.DEBUG)
    return caplog


async def send_all(
    slack: SlackSender, cases: dict[str, tuple[bytes, dict[str, str]]], expected: dict[str, int]
) -> dict[str, tuple[int, str]]:
    """Send every case; the cases whose status was not the expected one, or whose answer shows the marker."""
    wrong = {}
    for name, (data, headers) in cases.items():
        status, text = await post_raw(slack, data, headers)
        if status != expected[name] or SECRET in text:
            wrong[name] = (status, text[:200])
    return wrong


async def assert_nothing_happened(
    slack: SlackSender, logs: pytest.LogCaptureFixture, *, methods_before: int, refusals: int
) -> None:
    """No Web API call and no post to a response_url; no traceback, no error; exactly one log line (a warning)
    per refused request, and no word of any body in the log."""
    await asyncio.sleep(0.1)  # anything a request had set off would have reached the fake by now
    assert slack.fake.methods()[methods_before:] == []
    assert [r.getMessage() for r in logs.records if r.exc_info or r.levelno >= logging.ERROR] == []
    warnings = [r for r in logs.records if r.levelno >= logging.WARNING]
    assert len(warnings) == refusals, [r.getMessage() for r in warnings]
    assert SECRET not in logs.text
    assert "U100" not in logs.text  # nor any other part of a body


# --- 1. nothing acts on an unverified request ------------------------------------------------------------------


def unverified_headers(data: bytes) -> dict[str, dict[str, str]]:
    """Name → headers whose signature or timestamp is missing, malformed, stale or wrong for ``data``."""
    now = str(int(time.time()))
    good = signature(data, timestamp=now)
    stale = str(int(time.time()) - 10 * 60)
    future = str(int(time.time()) + 10 * 60)
    return {
        "non-numeric timestamp": {"x-slack-request-timestamp": "abc", "x-slack-signature": good},
        "empty timestamp": {"x-slack-request-timestamp": "", "x-slack-signature": good},
        "fullwidth-digit timestamp": {"x-slack-request-timestamp": "１２３", "x-slack-signature": good},
        "negative timestamp": {"x-slack-request-timestamp": "-" + now, "x-slack-signature": good},
        "fractional timestamp": {"x-slack-request-timestamp": now + ".5", "x-slack-signature": good},
        "huge timestamp": {"x-slack-request-timestamp": "9" * 5000, "x-slack-signature": good},
        "no headers": {},
        "no signature": {"x-slack-request-timestamp": now},
        "no timestamp": {"x-slack-signature": good},
        "empty signature": {"x-slack-request-timestamp": now, "x-slack-signature": ""},
        "stale timestamp": {"x-slack-request-timestamp": stale, "x-slack-signature": signature(data, timestamp=stale)},
        "future timestamp": {
            "x-slack-request-timestamp": future,
            "x-slack-signature": signature(data, timestamp=future),
        },
        "wrong secret": {
            "x-slack-request-timestamp": now,
            "x-slack-signature": signature(data, timestamp=now, secret="not-the-secret"),
        },
        "signature without v0=": {"x-slack-request-timestamp": now, "x-slack-signature": good[3:]},
        "non-ASCII signature": {"x-slack-request-timestamp": now, "x-slack-signature": good[:-1] + "\u00e9"},
    }


async def test_an_unverified_request_gets_401_and_does_nothing(
    logs: pytest.LogCaptureFixture, slack: SlackSender
) -> None:
    bodies = {
        "command": slack.command_body(f"pause {SECRET}", hook="attack").encode(),
        "button": form(button_payload(slack)),
        "submission": form(submission_payload(slack)),
        "event": slack.event_body({"type": "app_home_opened", "user": "U100", "tab": SECRET}).encode(),
    }
    cases = {}
    for kind, data in bodies.items():
        content_type = JSON if kind == "event" else FORM
        for name, headers in unverified_headers(data).items():
            cases[f"{kind}: {name}"] = (data, {"content-type": content_type, **headers})
    before = len(slack.fake.methods())
    assert await send_all(slack, cases, dict.fromkeys(cases, 401)) == {}
    await assert_nothing_happened(slack, logs, methods_before=before, refusals=len(cases))


async def test_a_repeated_signature_header_gets_401(logs: pytest.LogCaptureFixture, slack: SlackSender) -> None:
    """Two timestamps (or signatures): whichever one a reader takes, the gate takes neither."""
    data = slack.command_body("help", hook="attack").encode()
    headers = CIMultiDict(signed_headers(data))
    headers.add("x-slack-request-timestamp", "abc")
    async with slack.session.post(slack.base_url + EVENTS_PATH, data=data, headers=headers) as response:
        assert response.status == 401
    headers = CIMultiDict(signed_headers(data))
    headers.add("x-slack-signature", "v0=00")
    async with slack.session.post(slack.base_url + EVENTS_PATH, data=data, headers=headers) as response:
        assert response.status == 401
    await assert_nothing_happened(slack, logs, methods_before=len(slack.fake.methods()), refusals=2)


async def test_a_verified_request_still_works(slack: SlackSender) -> None:
    data = slack.command_body("help", hook="ok").encode()
    status, _ = await post_raw(slack, data, signed_headers(data))
    assert status == 200
    await slack.fake.wait_for("response_url", where=lambda call: call["_hook"] == "ok")


# --- 2. malformed bodies get a 4xx ---------------------------------------------------------------------------


def malformed(slack: SlackSender) -> dict[str, tuple[bytes, str | None, int]]:
    """Name → (a correctly signed body, its content type, the status it must get)."""
    command = slack.command_body(f"pause {SECRET}", hook="attack").encode()
    good = json.dumps(button_payload(slack))
    event = json.dumps({"type": "event_callback", "text": SECRET}).encode()
    return {
        "form not UTF-8": (command.replace(b"pause", b"pa\xffse"), FORM, 400),
        "form escapes not UTF-8": (command.replace(b"pause", b"pa%FFse"), FORM, 400),
        "form field without =": (command + b"&" + SECRET.encode(), FORM, 400),
        "form key twice": (command + b"&user_id=U200", FORM, 400),
        "form of 1000 fields": (b"&".join(b"k%d=v" % i for i in range(1000)), FORM, 400),
        "payload= not JSON": (urlencode({"payload": f"{SECRET} {{not json"}).encode(), FORM, 400),
        "payload= truncated": (urlencode({"payload": good[: len(good) // 2]}).encode(), FORM, 400),
        "payload= an array": (form([button_payload(slack)]), FORM, 400),
        "payload= a string": (form(SECRET), FORM, 400),
        "payload= null": (form(None), FORM, 400),
        "payload twice": (form(button_payload(slack)) + b"&" + form(button_payload(slack)), FORM, 400),
        "JSON array": (json.dumps([{"type": "event_callback", "text": SECRET}]).encode(), JSON, 400),
        "JSON string": (json.dumps(SECRET).encode(), JSON, 400),
        "JSON number": (b"12345", JSON, 400),
        "JSON null": (b"null", JSON, 400),
        "JSON truncated": (event[:-5], JSON, 400),
        "JSON nested too deep": (b'{"type": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", JSON, 400),
        "JSON nested deeper than Slack does": (b'{"type": "x", "a": ' + b"[" * 500 + b"]" * 500 + b"}", JSON, 400),
        "JSON integer of 5000 digits": (b'{"type": "event_callback", "n": ' + b"9" * 5000 + b"}", JSON, 400),
        "JSON not UTF-8": (b'{"type": "event_callback", "text": "\xff\xfe"}', JSON, 400),
        "JSON in UTF-16": (json.dumps({"type": "event_callback", "text": SECRET}).encode("utf-16"), JSON, 400),
        "empty JSON body": (b"", JSON, 400),
        "empty form": (b"", FORM, 400),
        "text/plain": (command, "text/plain", 415),
        "multipart": (command, "multipart/form-data; boundary=x", 415),
        "no content type": (command, None, 415),
    }


async def test_a_malformed_body_gets_a_4xx_and_does_nothing(logs: pytest.LogCaptureFixture, slack: SlackSender) -> None:
    table = malformed(slack)
    cases = {name: (data, signed_headers(data, content_type)) for name, (data, content_type, _) in table.items()}
    before = len(slack.fake.methods())
    assert await send_all(slack, cases, {name: status for name, (_, _, status) in table.items()}) == {}
    await assert_nothing_happened(slack, logs, methods_before=before, refusals=len(cases))


def wrongly_typed(slack: SlackSender) -> dict[str, dict[str, Any]]:
    """Name → a correctly signed interactivity payload with one value of the wrong type, or one missing."""
    action = button_payload(slack)["actions"][0]
    submission = submission_payload(slack)

    def answer(value: dict[str, Any]) -> dict[str, Any]:
        return submission_payload(slack, state={"values": {"goals": {"goals": value}}})

    return {
        "user a string": button_payload(slack, user="U100"),
        "user id a number": button_payload(slack, user={"id": 100, "team_id": slack.team_id}),
        "user without id": button_payload(slack, user={"team_id": slack.team_id}),
        "no user": {k: v for k, v in button_payload(slack).items() if k != "user"},
        "team a number": button_payload(slack, team=5),
        "team id a list": button_payload(slack, team={"id": [slack.team_id]}),
        "type a number": button_payload(slack, type=5),
        "type a list": button_payload(slack, type=["block_actions"]),
        "type an object": button_payload(slack, type={"block_actions": 1}),
        "actions an object": button_payload(slack, actions={}),
        "actions empty": button_payload(slack, actions=[]),
        "no actions": {k: v for k, v in button_payload(slack).items() if k != "actions"},
        "action a string": button_payload(slack, actions=["confirm_leave"]),
        "action without action_id": button_payload(slack, actions=[{"value": SECRET}]),
        "action_id a number": button_payload(slack, actions=[{**action, "action_id": 5}]),
        "action value an object": button_payload(slack, actions=[{**action, "value": {"x": SECRET}}]),
        "selected_option a string": button_payload(slack, actions=[{**action, "selected_option": SECRET}]),
        "selected_options of strings": button_payload(slack, actions=[{**action, "selected_options": [SECRET]}]),
        "selected_users a string": button_payload(slack, actions=[{**action, "selected_users": "U100"}]),
        "view a list": button_payload(slack, view=[]),
        "channel a string": button_payload(slack, channel="D100"),
        "response_url a number": button_payload(slack, response_url=5),
        "trigger_id a list": button_payload(slack, trigger_id=["1"]),
        "enterprise a number": button_payload(slack, enterprise=5),
        "is_enterprise_install a string": button_payload(slack, is_enterprise_install="yes"),
        "container a string": button_payload(slack, container="message"),
        "message a list": button_payload(slack, message=[]),
        "state values a list": button_payload(slack, state={"values": []}),
        "submission view a string": {**submission, "view": SECRET},
        "submission without view": {k: v for k, v in submission.items() if k != "view"},
        "submission state a string": submission_payload(slack, state=SECRET),
        "submission values a list": submission_payload(slack, state={"values": [SECRET]}),
        "submission block a string": submission_payload(slack, state={"values": {"goals": SECRET}}),
        "submission answer a string": submission_payload(slack, state={"values": {"goals": {"goals": SECRET}}}),
        "submission value a number": answer({"type": "plain_text_input", "value": 5}),
        "submission selected_option a list": answer({"type": "static_select", "selected_option": [SECRET]}),
        "submission option without value": answer({"type": "static_select", "selected_option": {"text": SECRET}}),
        "submission selected_options a string": answer({"type": "checkboxes", "selected_options": SECRET}),
        "submission selected_user a number": answer({"type": "users_select", "selected_user": 5}),
        "submission selected_date a number": answer({"type": "datepicker", "selected_date": 20240101}),
        "submission private_metadata an object": submission_payload(slack, private_metadata={"x": SECRET}),
        "submission blocks an object": submission_payload(slack, blocks={"x": SECRET}),
        "submission block_id a number": submission_payload(slack, blocks=[{"type": "input", "block_id": 5}]),
        "submission callback_id a number": submission_payload(slack, callback_id=5),
        "submission app_installed_team_id a number": submission_payload(slack, app_installed_team_id=5),
        "submission response_urls a string": {**submission, "response_urls": SECRET},
        "command claimed in JSON, team a number": {"command": "/mentor", "team_id": 5, "user_id": "U100"},
        "command without user": {"command": "/mentor", "team_id": slack.team_id},
    }


async def test_a_signed_payload_with_wrongly_typed_values_gets_400_and_does_nothing(
    logs: pytest.LogCaptureFixture, slack: SlackSender
) -> None:
    cases = {}
    for name, payload in wrongly_typed(slack).items():
        data = form(payload)
        cases[name] = (data, signed_headers(data))
    before = len(slack.fake.methods())
    assert await send_all(slack, cases, dict.fromkeys(cases, 400)) == {}
    await assert_nothing_happened(slack, logs, methods_before=before, refusals=len(cases))


async def test_a_signed_command_form_missing_what_handlers_read_gets_400(
    logs: pytest.LogCaptureFixture, slack: SlackSender
) -> None:
    full = parse_qs(slack.command_body(f"pause {SECRET}", hook="attack"), keep_blank_values=True)
    cases = {}
    for missing in ("team_id", "user_id", "command"):
        data = urlencode({k: v[0] for k, v in full.items() if k != missing}).encode()
        cases[f"without {missing}"] = (data, signed_headers(data))
    before = len(slack.fake.methods())
    assert await send_all(slack, cases, dict.fromkeys(cases, 400)) == {}
    await assert_nothing_happened(slack, logs, methods_before=before, refusals=len(cases))


def wrongly_typed_events(slack: SlackSender) -> dict[str, dict[str, Any]]:
    body = json.loads(slack.event_body({"type": "app_home_opened", "user": "U100", "tab": "home"}))
    return {
        "event a string": {**body, "event": SECRET},
        "no event": {k: v for k, v in body.items() if k != "event"},
        "event type a number": {**body, "event": {"type": 5, "user": "U100"}},
        "home opened by an object": {**body, "event": {"type": "app_home_opened", "user": {"id": "U100"}}},
        "home opened by nobody": {**body, "event": {"type": "app_home_opened", "tab": "home"}},
        "tokens revoked without tokens": {**body, "event": {"type": "tokens_revoked"}},
        "revoked bot tokens a string": {**body, "event": {"type": "tokens_revoked", "tokens": {"bot": "UBOT"}}},
        "authorizations an object": {**body, "authorizations": {"team_id": slack.team_id}},
        "authorization team a number": {**body, "authorizations": [{"team_id": 5, "user_id": "UBOT"}]},
        "team_id a number": {**body, "team_id": 5, "authorizations": []},
        "event_id a number": {**body, "event_id": 5},
        "challenge a number": {"type": "url_verification", "challenge": 5},
        "no challenge": {"type": "url_verification"},
    }


async def test_a_signed_event_with_wrongly_typed_values_gets_400_and_does_nothing(
    logs: pytest.LogCaptureFixture, slack: SlackSender
) -> None:
    cases = {}
    for name, body in wrongly_typed_events(slack).items():
        data = json.dumps(body).encode()
        cases[name] = (data, signed_headers(data, JSON))
    before = len(slack.fake.methods())
    assert await send_all(slack, cases, dict.fromkeys(cases, 400)) == {}
    await assert_nothing_happened(slack, logs, methods_before=before, refusals=len(cases))


async def test_a_command_mentioning_payload_is_still_a_command(slack: SlackSender) -> None:
    """Bolt reads any form body containing the word "payload" as an interactivity payload (and finds none); the
    gate parses the form itself and hands Bolt JSON, so ``/mentor`` is answered whatever its text says."""
    status, _ = await slack.command("help payload", hook="payload-word")
    assert status == 200
    await slack.fake.wait_for("response_url", where=lambda call: call["_hook"] == "payload-word")


@pytest.mark.skipif(not SHARED_PAYLOADS.exists(), reason=f"{SHARED_PAYLOADS} is absent (shared/ comes with CI)")
def test_real_slack_payloads_pass_the_gate() -> None:
    """Slack's own payloads (documentation and SDK captures) have the shape the gate expects."""
    files = sorted(SHARED_PAYLOADS.glob("*.form.txt")) + [
        SHARED_PAYLOADS / name
        for name in ("event_app_home_opened.json", "event_app_home_opened_first_time.json", "url_verification.json")
    ]
    for path in files:
        data = path.read_bytes().strip()
        headers = CIMultiDict(signed_headers(data, FORM if path.suffix == ".txt" else JSON))
        verdict = admit(data, headers, signing_secret=SIGNING_SECRET, now=time.time())
        assert isinstance(verdict, Admitted), (path.name, verdict)


def test_every_refusal_has_a_client_error_status() -> None:
    headers = CIMultiDict({"content-type": FORM})
    assert admit(b"", headers, signing_secret=SIGNING_SECRET, now=time.time()) == Refused(Refusal.UNSIGNED)
    assert admit(b"a=b", CIMultiDict(signed_headers(b"a=b")), signing_secret="", now=time.time()) == Refused(
        Refusal.UNSIGNED
    )  # no secret configured: nothing is verified, so nothing is admitted
    assert {reason.status for reason in Refusal} == {400, 401, 415}


async def test_slacks_ssl_check_is_answered(slack: SlackSender) -> None:
    """Slack's periodic certificate check (a signed form naming no workspace) gets its 200."""
    data = b"ssl_check=1&token=verification-token"
    assert await post_raw(slack, data, signed_headers(data)) == (200, "")
