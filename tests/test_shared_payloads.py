"""Real Slack payloads from ``../shared/slack/payloads`` reach the right listener (skipped without shared/).

The app serves only the workspace it is installed in (the fake's ``auth.test`` says which: the test's), so each
payload's own workspace id is replaced by the test's."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

from tests.support.signed import SlackSender

FORM = "application/x-www-form-urlencoded"
PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "slack" / "payloads"
pytestmark = pytest.mark.skipif(not PAYLOADS.exists(), reason=f"{PAYLOADS} is absent (shared/ comes with CI)")


async def test_slash_command_payload_opens_the_modal(slack: SlackSender) -> None:
    form = parse_qs((PAYLOADS / "slash_command_mentor.form.txt").read_text().strip(), keep_blank_values=True)
    fields = {k: v[0] for k, v in form.items()}
    fields["response_url"] = slack.fake.webhook_url("shared")  # never call the real Slack
    fields["team_id"] = slack.team_id
    status, _ = await slack.post(urlencode(fields), content_type="application/x-www-form-urlencoded")
    assert status == 200
    [call] = await slack.fake.wait_for("views.open")
    assert call["trigger_id"] == fields["trigger_id"]


@pytest.mark.parametrize("name", ["event_app_home_opened.json", "event_app_home_opened_first_time.json"])
async def test_app_home_opened_payloads_publish_home(slack: SlackSender, name: str) -> None:
    body = (PAYLOADS / name).read_text()
    body = body.replace(json.loads(body)["team_id"], slack.team_id)
    status, _ = await slack.post(body, content_type="application/json")
    assert status == 200
    [call] = await slack.fake.wait_for("views.publish")
    assert call["user_id"] == json.loads(body)["event"]["user"]


async def test_url_verification_payload(slack: SlackSender) -> None:
    body = (PAYLOADS / "url_verification.json").read_text()
    status, text = await slack.post(body, content_type="application/json")
    assert status == 200 and json.loads(text)["challenge"] == json.loads(body)["challenge"]


async def test_unhandled_button_payload_is_answered_where_it_was_clicked(slack: SlackSender) -> None:
    """A real button this app does not have (as from a message posted by an older version): a 200 and a private
    "that no longer works" (bot.runtime.unhandled), not Bolt's 404."""
    payload = json.loads(parse_qs((PAYLOADS / "block_actions_dm_button.form.txt").read_text().strip())["payload"][0])
    payload["team"]["id"] = slack.team_id
    payload["response_url"] = slack.fake.webhook_url("shared")  # never call the real Slack
    status, _ = await slack.post(urlencode({"payload": json.dumps(payload)}), content_type=FORM)
    assert status == 200
    [reply] = await slack.fake.wait_for("response_url", where=lambda call: call["_hook"] == "shared")
    assert "no longer works" in reply["text"]
