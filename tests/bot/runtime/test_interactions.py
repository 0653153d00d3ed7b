"""Slack's retries of an interaction are handled once (issue 13, point 12): a click, a form submission or a slash
command that Slack sends again with ``X-Slack-Retry-Num`` (same ``trigger_id``) has its effect once, in this
process or in another replica; and recording interactions never delays an ack.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode

import pytest
from aiohttp import web
from sqlmodel import select

from bot.runtime.app import close_app, start_app
from bot.runtime.context import Deps
from bot.runtime.server import build_web_app
from bot.runtime.state import AppState
from storage.db import Database
from storage.models import Participant, SlackEvent
from storage.workspaces import interaction_key
from tests.support.optin import optin_values
from tests.support.signed import SlackSender

FORM = "application/x-www-form-urlencoded"
RETRY = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}


def home_click(slack: SlackSender, action_id: str = "join_program") -> str:
    """A click on the Home tab's *Join* (it opens the sign-up form: one ``views.open`` per handling)."""
    return urlencode({"payload": json.dumps(slack.click_payload(action_id, container="view"))})


def trigger_of(body: str) -> str:
    return str(json.loads(parse_qs(body)["payload"][0])["trigger_id"])


async def recorded(db: Database, team_id: str, trigger_id: str) -> None:
    """Wait until the interaction's record is committed (Slack retries 3 s after the first delivery at the
    earliest; the record takes milliseconds)."""
    key = interaction_key(team_id=team_id, trigger_id=trigger_id)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        async with db.read() as session:
            if (await session.exec(select(SlackEvent).where(SlackEvent.event_id == key))).first() is not None:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the interaction was never recorded")


async def test_a_retried_click_is_handled_once(slack: SlackSender, db: Database, team_id: str) -> None:
    body = home_click(slack)
    assert (await slack.post(body, content_type=FORM))[0] == 200
    await slack.fake.wait_for("views.open")
    assert await slack.post(body, content_type=FORM, headers=RETRY) == (200, "")
    assert await slack.post(body, content_type=FORM, headers={**RETRY, "x-slack-retry-num": "2"}) == (200, "")
    await slack.click("join_program", container="view")  # another click is handled: it opens the form again
    await slack.fake.wait_for("views.open", count=2)
    await asyncio.sleep(0.1)
    assert len(slack.fake.calls_to("views.open")) == 2


async def test_a_retried_slash_command_is_handled_once(slack: SlackSender) -> None:
    body = slack.command_body("join", hook="cmd")
    assert (await slack.post(body, content_type=FORM))[0] == 200
    await slack.fake.wait_for("views.open")
    assert await slack.post(body, content_type=FORM, headers=RETRY) == (200, "")
    await asyncio.sleep(0.1)
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_a_retried_form_submission_is_handled_once(slack: SlackSender, db: Database, team_id: str) -> None:
    await slack.command("join")
    [opened] = await slack.fake.wait_for("views.open")
    view = {**opened["view"], "id": "VJOIN", "team_id": team_id, "state": {"values": optin_values()}, "hash": "1.2"}
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "example"},
        "user": {"id": "U100", "username": "u100", "name": "u100", "team_id": team_id},
        "api_app_id": "A0001",
        "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    body = urlencode({"payload": json.dumps(payload)})
    assert await slack.post(body, content_type=FORM) == (200, "")
    [welcome] = await slack.fake.wait_for("chat.postMessage")
    assert "Welcome" in welcome["text"]
    assert await slack.post(body, content_type=FORM, headers=RETRY) == (200, "")
    await asyncio.sleep(0.1)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    async with db.read() as session:
        people = (await session.exec(select(Participant).where(Participant.team_id == team_id))).all()
    assert [person.user_id for person in people] == ["U100"]


@pytest.fixture
async def replica(deps: Deps, team_id: str, slack: SlackSender) -> AsyncIterator[SlackSender]:
    """Another process serving the same workspace from the same database: its own app and memory."""
    other = Deps(deps.settings, deps.db, AppState())
    app, _ = await start_app(other)
    runner = web.AppRunner(build_web_app(app, other), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    sender = SlackSender(f"http://127.0.0.1:{runner.addresses[0][1]}", team_id=team_id, fake=slack.fake)
    yield sender
    await sender.close()
    await runner.cleanup()
    await close_app(app)


async def test_a_retry_reaching_another_replica_is_handled_once(
    slack: SlackSender, replica: SlackSender, db: Database, team_id: str
) -> None:
    body = home_click(slack)
    assert (await slack.post(body, content_type=FORM))[0] == 200
    await slack.fake.wait_for("views.open")
    await recorded(db, team_id, trigger_of(body))
    assert await replica.post(body, content_type=FORM, headers=RETRY) == (200, "")
    await asyncio.sleep(0.1)
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_a_retry_whose_first_delivery_never_arrived_is_handled_once(
    slack: SlackSender, replica: SlackSender
) -> None:
    body = home_click(slack)
    assert (await slack.post(body, content_type=FORM, headers=RETRY))[0] == 200
    await slack.fake.wait_for("views.open")
    assert await replica.post(body, content_type=FORM, headers={**RETRY, "x-slack-retry-num": "2"}) == (200, "")
    assert await slack.post(body, content_type=FORM, headers={**RETRY, "x-slack-retry-num": "3"}) == (200, "")
    await asyncio.sleep(0.1)
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_a_click_is_acked_while_the_database_is_busy_writing(slack: SlackSender, db: Database) -> None:
    """Recording an interaction never makes its ack wait for the database: on SQLite a write in progress holds
    the write lock (PostgreSQL has no such lock: there this only shows the click is handled)."""
    async with db.session():  # a long write elsewhere in the process
        started = time.monotonic()
        status, _ = await asyncio.wait_for(slack.click("join_program", container="view"), 2)
        assert status == 200
        assert time.monotonic() - started < 1
    await slack.fake.wait_for("views.open")  # the rest of the handling went on once the write was done
