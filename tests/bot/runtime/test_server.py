"""The HTTP transport: signatures, health check, URL verification, ack timing."""

from __future__ import annotations

import json
import time

from tests.support.signed import SlackSender, sign


async def test_healthz(slack: SlackSender) -> None:
    status, body = await slack.get("/healthz")
    assert status == 200
    assert json.loads(body) == {"ok": True, "database": "ok"}


async def test_bad_signature_is_rejected_and_does_nothing(slack: SlackSender) -> None:
    body = slack.command_body("join")
    headers = sign(body, secret="not-the-secret")
    status, _ = await slack.post(body, content_type="application/x-www-form-urlencoded", headers=headers)
    assert status == 401
    status, _ = await slack.post(body, content_type="application/x-www-form-urlencoded", signed=False)
    assert status == 401
    assert slack.fake.calls_to("views.open") == []


async def test_stale_signature_is_rejected(slack: SlackSender) -> None:
    body = slack.command_body("join")
    headers = sign(body, timestamp=int(time.time()) - 10 * 60)
    status, _ = await slack.post(body, content_type="application/x-www-form-urlencoded", headers=headers)
    assert status == 401
    headers = sign(body, timestamp=int(time.time()) + 10 * 60)
    status, _ = await slack.post(body, content_type="application/x-www-form-urlencoded", headers=headers)
    assert status == 401


async def test_tampered_body_is_rejected(slack: SlackSender) -> None:
    body = slack.command_body("join")
    headers = sign(body)
    tampered = body.replace("U100", "U999")
    status, _ = await slack.post(tampered, content_type="application/x-www-form-urlencoded", headers=headers)
    assert status == 401


async def test_url_verification_echoes_the_challenge(slack: SlackSender) -> None:
    body = json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    )
    status, text = await slack.post(body, content_type="application/json")
    assert status == 200
    assert json.loads(text)["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
