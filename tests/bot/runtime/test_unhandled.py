"""Verified requests no listener handles (issue 13, point 8): one log line with the request's kind and the app's
own ids (never a typed value, a text or the body), and an answer Slack takes as handled: never a 404 or a 5xx,
which Slack shows the person as an error, retries (events) and counts against the app's event subscription.

Each request goes through the real HTTP server to the real app, signed, and carries a marker where people's words
would be, so the marker in the log (at the app's level, INFO) would show.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

import pytest

from prompts.participants import ACTION_CANCEL
from tests.support.signed import SlackSender

SECRET = "SECRET-TYPED-TEXT"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def interaction(slack: SlackSender, kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "user": {"id": "U100", "username": "u100", "name": "u100", "team_id": slack.team_id},
        "api_app_id": "A0001",
        "token": "verification-token",
        "team": {"id": slack.team_id, "domain": "example"},
        "enterprise": None,
        "is_enterprise_install": False,
        **fields,
    }


def modal(slack: SlackSender, callback_id: str, *, with_input: bool = True) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "x"}}]
    if with_input:
        element = {"type": "plain_text_input", "action_id": "answer"}
        blocks.append(
            {"type": "input", "block_id": "answer", "label": {"type": "plain_text", "text": "A"}, "element": element}
        )
    return {
        "id": "VOLD",
        "type": "modal",
        "callback_id": callback_id,
        "team_id": slack.team_id,
        "private_metadata": "",
        "hash": "1.2",
        "blocks": blocks,
        "state": {"values": {"answer": {"answer": {"type": "plain_text_input", "value": SECRET}}}},
    }


def trigger() -> str:
    return f"1337.{uuid.uuid4().hex[:8]}"


async def one_line_logged(logs: pytest.LogCaptureFixture, since: int) -> str:
    """The request's log: exactly one line, a warning, with no traceback and no word of the body."""
    await asyncio.sleep(0.1)  # anything the request set off has run by now
    records = logs.records[since:]
    assert [r.getMessage() for r in records if r.levelno >= logging.INFO] == [records[-1].getMessage()]
    [record] = [r for r in records if r.levelno >= logging.INFO]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "\n" not in record.getMessage()
    assert SECRET not in logs.text
    return record.getMessage()


async def test_an_event_of_a_type_the_app_does_not_listen_to_gets_an_empty_200(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    """Anything else would make Slack retry it, and turn the app's events off if it kept happening."""
    before = len(slack.fake.methods())
    since = len(logs.records)
    event = {"type": "member_joined_channel", "user": "U100", "channel": "C1", "text": SECRET}
    assert await slack.event(event) == (200, "")
    line = await one_line_logged(logs, since)
    assert "member_joined_channel" in line
    assert slack.fake.methods()[before:] == []


async def test_a_closed_modal_gets_an_empty_200(slack: SlackSender, logs: pytest.LogCaptureFixture) -> None:
    since = len(logs.records)
    payload = interaction(slack, "view_closed", view=modal(slack, "old_form"), is_cleared=False)
    assert await slack.interactive(payload) == (200, "")
    assert "old_form" in await one_line_logged(logs, since)


async def test_a_menu_search_gets_no_options_and_what_was_typed_is_not_logged(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    """``block_suggestion``: what the person typed into a menu's search is its ``value``."""
    since = len(logs.records)
    payload = interaction(
        slack,
        "block_suggestion",
        action_id="old_menu",
        block_id="b1",
        value=SECRET,
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": "D100"},
        channel={"id": "D100", "name": "directmessage"},
    )
    status, text = await slack.interactive(payload)
    assert SECRET not in logs.text
    assert (status, json.loads(text)) == (200, {"options": []})
    assert "old_menu" in await one_line_logged(logs, since)


async def test_a_button_the_app_no_longer_has_is_answered_where_it_was_clicked(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    """A button in an old message (after an upgrade): the person is told it no longer works, privately."""
    since = len(logs.records)
    before = len(slack.fake.calls_to("response_url"))
    assert await slack.click("old_button", value=SECRET, hook="old") == (200, "")
    [reply] = (await slack.fake.wait_for("response_url", before + 1))[before:]
    assert reply["_hook"] == "old" and reply["response_type"] == "ephemeral" and "no longer works" in reply["text"]
    assert reply.get("replace_original") in (None, False, "false")
    assert "old_button" in await one_line_logged(logs, since)


async def test_a_home_tab_button_the_app_no_longer_has_is_answered_by_dm(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    before = len(slack.fake.calls_to("chat.postMessage"))
    assert await slack.click("old_button", container="view") == (200, "")
    [dm] = (await slack.fake.wait_for("chat.postMessage", before + 1))[before:]
    assert dm["channel"] == "U100" and "no longer works" in dm["text"]


async def test_a_shortcut_the_app_does_not_have_is_answered(slack: SlackSender, logs: pytest.LogCaptureFixture) -> None:
    since = len(logs.records)
    before = len(slack.fake.calls_to("chat.postMessage"))
    payload = interaction(slack, "shortcut", callback_id="old_shortcut", trigger_id=trigger(), action_ts="1.2")
    assert await slack.interactive(payload) == (200, "")
    [dm] = (await slack.fake.wait_for("chat.postMessage", before + 1))[before:]
    assert dm["channel"] == "U100" and "no longer works" in dm["text"]
    assert "old_shortcut" in await one_line_logged(logs, since)


async def test_a_form_the_app_no_longer_has_is_kept_open_with_an_inline_error(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    """A modal opened before an upgrade: closing it silently would lose the answers without a word."""
    since = len(logs.records)
    before = len(slack.fake.methods())
    payload = interaction(slack, "view_submission", view=modal(slack, "old_form"), trigger_id=trigger())
    status, text = await slack.interactive(payload)
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors" and "out of date" in answer["errors"]["answer"]
    assert "old_form" in await one_line_logged(logs, since)
    payload = interaction(
        slack, "view_submission", view=modal(slack, "old_form", with_input=False), trigger_id=trigger()
    )
    assert await slack.interactive(payload) == (200, "")  # nothing typed: the modal closes
    assert slack.fake.methods()[before:] == []


async def test_a_command_the_app_does_not_have_is_answered_privately(
    slack: SlackSender, logs: pytest.LogCaptureFixture
) -> None:
    since = len(logs.records)
    body = slack.command_body(SECRET, hook="old").replace("%2Fmentor", "%2Fmentoring")
    status, text = await slack.post(body, content_type="application/x-www-form-urlencoded")
    assert status == 200
    answer = json.loads(text)
    assert answer["response_type"] == "ephemeral" and "/mentor" in answer["text"]
    assert "/mentoring" in await one_line_logged(logs, since)


async def test_a_known_button_is_still_handled(slack: SlackSender) -> None:
    """The catch-all comes after every listener: *Cancel* still answers "cancelled", not "no longer works"."""
    before = len(slack.fake.calls_to("response_url"))
    started = time.monotonic()
    assert (await slack.click(ACTION_CANCEL, hook="known"))[0] == 200
    [reply] = (await slack.fake.wait_for("response_url", before + 1))[before:]
    assert "no longer works" not in reply["text"]
    assert time.monotonic() - started < 5
