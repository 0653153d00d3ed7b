"""Building and signing Slack requests (slash commands, interactivity, events) the way Slack sends them; a button in
the pair's group DM; a ``/mentor`` command's reply."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.support.fake_slack import FakeSlack

SIGNING_SECRET = "test-signing-secret"
EVENTS_PATH = "/slack/events"


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"x-slack-request-timestamp": ts, "x-slack-signature": signature}


class SlackSender:
    """Sends signed requests to the app under test; response URLs point at the fake Slack server."""

    def __init__(self, base_url: str, *, team_id: str, fake: FakeSlack) -> None:
        self.base_url = base_url
        self.team_id = team_id
        self.fake = fake
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()

    async def post(
        self, body: str, *, content_type: str, headers: dict[str, str] | None = None, signed: bool = True
    ) -> tuple[int, str]:
        all_headers = {"content-type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with self.session.post(self.base_url + EVENTS_PATH, data=body.encode(), headers=all_headers) as r:
            return r.status, await r.text()

    async def get(self, path: str) -> tuple[int, str]:
        async with self.session.get(self.base_url + path) as response:
            return response.status, await response.text()

    # --- slash commands -------------------------------------------------------------------------------------
    def command_body(self, text: str = "", *, user_id: str = "U100", hook: str = "cmd") -> str:
        return urlencode(
            {
                "token": "verification-token",
                "team_id": self.team_id,
                "team_domain": "example",
                "channel_id": "C2147483705",
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": "/mentor",
                "text": text,
                "api_app_id": "A0001",
                "is_enterprise_install": "false",
                "response_url": self.fake.webhook_url(hook),
                "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
            }
        )

    async def command(self, text: str = "", *, user_id: str = "U100", hook: str = "cmd") -> tuple[int, str]:
        body = self.command_body(text, user_id=user_id, hook=hook)
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    # --- interactivity --------------------------------------------------------------------------------------
    async def interactive(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    def _user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": self.team_id}

    async def submit_view(
        self, view: dict[str, Any], values: dict[str, Any], *, user_id: str = "U100"
    ) -> tuple[int, str]:
        """Submit ``view`` (as the app opened it) with ``state.values``, like Slack's view_submission payload."""
        submitted = {
            **view,
            "id": "V" + uuid.uuid4().hex[:8].upper(),
            "team_id": self.team_id,
            "state": {"values": values},
            "hash": "1.2",
            "app_id": "A0001",
            "bot_id": "B0001",
        }
        return await self.interactive(
            {
                "type": "view_submission",
                "team": {"id": self.team_id, "domain": "example"},
                "user": self._user(user_id),
                "api_app_id": "A0001",
                "token": "verification-token",
                "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
                "view": submitted,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def click_payload(
        self,
        action_id: str,
        *,
        user_id: str = "U100",
        value: str | None = None,
        hook: str = "action",
        container: str = "message",
    ) -> dict[str, Any]:
        """A button's ``block_actions`` payload, in an (ephemeral) message with a response_url or on the Home tab
        (container="view"), as Slack sends it."""
        action = {
            "action_id": action_id,
            "block_id": "b1",
            "text": {"type": "plain_text", "text": "Button"},
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": "A0001",
            "token": "verification-token",
            "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
            "team": {"id": self.team_id, "domain": "example"},
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
            "state": {"values": {}},
        }
        if container == "view":
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home", "team_id": self.team_id, "blocks": []}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": "1700000000.000100",
                "channel_id": "D100",
                "is_ephemeral": True,
            }
            payload["channel"] = {"id": "D100", "name": "directmessage"}
            payload["response_url"] = self.fake.webhook_url(hook)
        return payload

    async def click(
        self,
        action_id: str,
        *,
        user_id: str = "U100",
        value: str | None = None,
        hook: str = "action",
        container: str = "message",
    ) -> tuple[int, str]:
        """Click a button (see :meth:`click_payload`)."""
        return await self.interactive(
            self.click_payload(action_id, user_id=user_id, value=value, hook=hook, container=container)
        )

    async def open_modal(self, action_id: str, *, value: str | None = None, user_id: str = "UADMIN") -> dict[str, Any]:
        """Click a Home-tab button that opens a modal, and return the modal the app opened for this click."""
        opened = len(self.fake.calls_to("views.open"))
        await self.click(action_id, user_id=user_id, container="view", value=value)
        return (await self.fake.wait_for("views.open", count=opened + 1))[-1]["view"]

    async def view_action(
        self,
        action: dict[str, Any],
        *,
        view: dict[str, Any],
        user_id: str = "UADMIN",
        view_id: str = "VMODAL",
        view_hash: str = "123.abc",
    ) -> tuple[int, str]:
        """A block_actions payload from inside a modal (``view`` as the app opened it), as Slack sends it."""
        payload = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": "A0001",
            "token": "verification-token",
            "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
            "team": {"id": self.team_id, "domain": "example"},
            "container": {"type": "view", "view_id": view_id},
            "view": {**view, "id": view_id, "hash": view_hash, "team_id": self.team_id, "state": {"values": {}}},
            "actions": [{"block_id": "b", "action_ts": f"{time.time():.6f}", **action}],
            "state": {"values": {}},
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self.interactive(payload)

    # --- events ---------------------------------------------------------------------------------------------
    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "verification-token",
                "team_id": self.team_id,
                "api_app_id": "A0001",
                "event": event,
                "type": "event_callback",
                "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": self.team_id,
                        "user_id": "UBOT",
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
                "event_context": "4-xxx",
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> tuple[int, str]:
        headers = {"x-slack-retry-num": str(retry_num), "x-slack-retry-reason": "http_timeout"} if retry_num else {}
        return await self.post(
            self.event_body(event, event_id=event_id), content_type="application/json", headers=headers
        )


async def click_in_message(
    slack: SlackSender, action_id: str, value: str, message: dict[str, Any], user_id: str
) -> tuple[int, str]:
    """A button in a channel message (the pair's group DM), as Slack sends it: with the message itself."""
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": slack.team_id},
        "api_app_id": "A0001",
        "token": "verification-token",
        "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        "team": {"id": slack.team_id, "domain": "example"},
        "container": {
            "type": "message",
            "message_ts": "1700000001.000100",
            "channel_id": "GPAIR",
            "is_ephemeral": False,
        },
        "channel": {"id": "GPAIR", "name": "mpdm-pair"},
        "message": {**message, "ts": "1700000001.000100", "type": "message"},
        "response_url": slack.fake.webhook_url("action"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "state": {"values": {}},
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return await slack.interactive(payload)


async def reply_to(slack: SlackSender, text: str, user_id: str = "U100") -> dict:
    """Send ``/mentor text`` and return the ephemeral reply posted to the response_url."""
    hook = f"h{time.monotonic_ns()}"
    status, body = await slack.command(text, user_id=user_id, hook=hook)
    assert status == 200 and body == ""  # acked at once, the answer follows on the response_url
    return (await slack.fake.wait_for("response_url", where=lambda c: c["_hook"] == hook))[0]
