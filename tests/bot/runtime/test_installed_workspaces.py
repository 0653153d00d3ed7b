"""Only the workspace the app is installed in (issue 13, point 11): a correctly signed request from another
workspace, or naming another Enterprise Grid org, is refused, and leaves no row anywhere.

The installation is the fake's ``auth.test`` answer: the test's ``team_id``, no enterprise.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlmodel import SQLModel, func, select

from bot.runtime.app import build_app, close_app, start_app
from bot.runtime.context import Deps
from bot.runtime.server import build_web_app
from storage.db import Database
from tests.support.fake_slack import FakeSlack
from tests.support.signed import SlackSender

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def stranger(slack: SlackSender) -> AsyncIterator[SlackSender]:
    """Signed requests, as Slack sends them, from a workspace the app is not installed in."""
    sender = SlackSender(slack.base_url, team_id="T" + uuid.uuid4().hex[:10].upper(), fake=slack.fake)
    yield sender
    await sender.close()


async def rows_of(db: Database, team_id: str) -> dict[str, int]:
    """Every table with a ``team_id`` column: how many rows name ``team_id`` (only those with any)."""
    found = {}
    async with db.read() as session:
        for table in SQLModel.metadata.sorted_tables:
            if "team_id" in table.c:
                count = (await session.exec(select(func.count()).where(table.c.team_id == team_id))).one()
                if count:
                    found[table.name] = count
    return found


def command_with(slack: SlackSender, text: str, **changes: str) -> str:
    fields = {k: v[0] for k, v in parse_qs(slack.command_body(text, hook="stranger"), keep_blank_values=True).items()}
    return urlencode({**fields, **changes})


def click_payload(slack: SlackSender, action_id: str = "join_program", **changes: Any) -> dict[str, Any]:
    """A Home-tab button, as :meth:`SlackSender.click` sends it."""
    return {**slack.click_payload(action_id, container="view"), **changes}


async def settle(slack: SlackSender, before: int) -> list[str]:
    await asyncio.sleep(0.1)  # what a request had set off would have reached the fake by now
    return slack.fake.methods()[before:]


async def test_a_command_and_a_click_from_another_workspace_are_refused_and_leave_no_row(
    slack: SlackSender, stranger: SlackSender, db: Database
) -> None:
    before = len(slack.fake.methods())
    assert await stranger.command("") == (403, "")
    assert await stranger.command("join") == (403, "")
    assert (await stranger.click("join_program", container="view"))[0] == 403
    assert (await stranger.click("confirm_leave", hook="stranger"))[0] == 403
    assert await settle(slack, before) == []  # no modal, no answer on the response_url
    assert await rows_of(db, stranger.team_id) == {}


async def test_events_from_another_workspace_are_acknowledged_and_ignored(
    slack: SlackSender, stranger: SlackSender, db: Database
) -> None:
    """Answered 200 (Slack would retry anything else), and nothing done: no Home tab, no workspace row."""
    before = len(slack.fake.methods())
    home = {"type": "app_home_opened", "user": "U100", "channel": "D100", "tab": "home", "event_ts": "1.2"}
    assert await stranger.event(home) == (200, "")
    assert await stranger.event({"type": "app_uninstalled", "event_ts": "1.2"}) == (200, "")
    assert await stranger.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}, "event_ts": "1.3"}) == (200, "")
    assert await settle(slack, before) == []
    assert await rows_of(db, stranger.team_id) == {}


async def test_requests_naming_an_unknown_enterprise_are_refused(slack: SlackSender, db: Database) -> None:
    """The installation is a workspace outside any Enterprise Grid org: a request naming one is not for it."""
    before = len(slack.fake.methods())
    body = command_with(slack, "join", enterprise_id="E999", enterprise_name="Other Org")
    assert await slack.post(body, content_type=FORM) == (403, "")
    body = command_with(slack, "join", is_enterprise_install="true")
    assert await slack.post(body, content_type=FORM) == (403, "")
    for changes in (
        {"enterprise": {"id": "E999", "name": "Other Org"}},
        {"enterprise": "E999"},
        {"team": {"id": slack.team_id, "domain": "example", "enterprise_id": "E999"}},
        {"is_enterprise_install": True},
    ):
        payload = click_payload(slack, **changes)
        status, _ = await slack.post(urlencode({"payload": json.dumps(payload)}), content_type=FORM)
        assert status == 403, changes
    event = json.loads(slack.event_body({"type": "app_home_opened", "user": "U100", "tab": "home"}))
    event["authorizations"][0]["enterprise_id"] = "E999"
    assert await slack.post(json.dumps(event), content_type="application/json") == (200, "")
    assert await settle(slack, before) == []
    assert await rows_of(db, slack.team_id) == {"workspace": 1}  # the installation's own, from start-up


async def test_a_payload_naming_two_workspaces_is_refused(
    slack: SlackSender, stranger: SlackSender, db: Database
) -> None:
    """Bolt reads a modal's ``view.app_installed_team_id`` first, the handlers read ``team.id``: whichever one
    names another workspace, the request is refused."""
    before = len(slack.fake.methods())
    ours_for_bolt = click_payload(
        stranger, view={"id": "V1", "type": "home", "team_id": slack.team_id, "app_installed_team_id": slack.team_id}
    )
    ours_for_handlers = click_payload(
        slack, view={"id": "V1", "type": "home", "team_id": slack.team_id, "app_installed_team_id": stranger.team_id}
    )
    no_team = click_payload(stranger, team=None)  # the handlers read user.team_id then
    no_team["view"] = {"id": "V1", "type": "home", "app_installed_team_id": slack.team_id}
    for payload in (ours_for_bolt, ours_for_handlers, no_team):
        status, _ = await slack.post(urlencode({"payload": json.dumps(payload)}), content_type=FORM)
        assert status == 403
    command = command_with(slack, "join", team_id=stranger.team_id)
    assert await slack.post(command, content_type=FORM) == (403, "")
    assert await settle(slack, before) == []
    assert await rows_of(db, stranger.team_id) == {}


async def test_the_installed_workspace_is_served(slack: SlackSender) -> None:
    """The same requests from the installed workspace work (the refusals above are about the workspace)."""
    status, _ = await slack.post(urlencode({"payload": json.dumps(click_payload(slack))}), content_type=FORM)
    assert status == 200
    [call] = await slack.fake.wait_for("views.open")
    assert call["view"]["callback_id"] == "mentor_optin"


@pytest.fixture
async def unconfirmed(deps: Deps, fake_slack: FakeSlack, team_id: str) -> AsyncIterator[SlackSender]:
    """The app as it runs when Slack was unreachable at start-up: the installation is still to be confirmed."""
    app = build_app(deps)
    runner = web.AppRunner(build_web_app(app, deps), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    sender = SlackSender(f"http://127.0.0.1:{runner.addresses[0][1]}", team_id=team_id, fake=fake_slack)
    yield sender
    await sender.close()
    await runner.cleanup()
    await close_app(app)


async def test_when_slack_cannot_confirm_the_installation_nothing_is_answered(
    unconfirmed: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    unconfirmed.fake.fail("auth.test", error="invalid_auth", times=2)
    assert await unconfirmed.command("join", hook="unconfirmed") == (503, "")
    assert (await unconfirmed.click("confirm_leave", hook="unconfirmed"))[0] == 503
    assert await settle(unconfirmed, 0) == ["auth.test", "auth.test"]  # no answer on the response_url
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    # Once Slack answers, the installation is confirmed and the same requests are served.
    assert (await unconfirmed.command("join"))[0] == 200
    await unconfirmed.fake.wait_for("views.open")


async def test_socket_mode_requests_are_served_from_the_installed_workspace_only(
    deps: Deps, slack: SlackSender, stranger: SlackSender, db: Database
) -> None:
    """Socket Mode requests carry no signature (Slack authenticates the connection): they reach the app without
    the HTTP gate, and only the installed workspace is served."""
    app, _ = await start_app(deps)
    try:

        def socket_request(sender: SlackSender) -> AsyncBoltRequest:
            body = {k: v[0] for k, v in parse_qs(sender.command_body("join"), keep_blank_values=True).items()}
            return AsyncBoltRequest(mode="socket_mode", body=body)

        assert (await app.async_dispatch(socket_request(slack))).status == 200
        await slack.fake.wait_for("views.open")
        assert (await app.async_dispatch(socket_request(stranger))).status == 403
        await asyncio.sleep(0.1)
        assert len(slack.fake.calls_to("views.open")) == 1
        assert await rows_of(db, stranger.team_id) == {}
    finally:
        await close_app(app)
