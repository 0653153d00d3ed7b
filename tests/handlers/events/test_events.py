"""Events API: the Home tab, uninstalls, and Slack's retries."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.runtime.app import start_app
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from storage.db import Database
from storage.models import SlackEvent, Workspace
from tests.support.signed import SlackSender

HOME_OPENED = {"type": "app_home_opened", "user": "U100", "channel": "D100", "tab": "home", "event_ts": "1.2"}


async def test_home_opened_publishes_the_home_view(slack: SlackSender) -> None:
    status, _ = await slack.event(HOME_OPENED)
    assert status == 200
    [call] = await slack.fake.wait_for("views.publish")
    assert call["user_id"] == "U100"
    view = json.dumps(call["view"])
    assert call["view"]["type"] == "home"
    assert "join_program" in view and "reverse mentoring" in view.lower()


async def test_messages_tab_does_not_publish(slack: SlackSender) -> None:
    status, _ = await slack.event({**HOME_OPENED, "tab": "messages"})
    assert status == 200
    await slack.event(HOME_OPENED)  # a later event proves the first was processed without publishing
    calls = await slack.fake.wait_for("views.publish")
    assert len(calls) == 1


async def test_retried_event_is_processed_once(slack: SlackSender, db: Database, team_id: str) -> None:
    await slack.event(HOME_OPENED, event_id="EvRETRY1")
    await slack.fake.wait_for("views.publish")
    status, _ = await slack.event(HOME_OPENED, event_id="EvRETRY1", retry_num=1)
    assert status == 200
    status, _ = await slack.event(HOME_OPENED, event_id="EvRETRY1", retry_num=2)
    assert status == 200
    await slack.event(HOME_OPENED, event_id="EvOTHER")
    await slack.fake.wait_for("views.publish", count=2)
    assert len(slack.fake.calls_to("views.publish")) == 2
    async with db.session() as session:
        rows = (await session.exec(select(SlackEvent).where(SlackEvent.team_id == team_id))).all()
    assert sorted(r.event_id for r in rows) == ["EvOTHER", "EvRETRY1"]


async def _workspace(db: Database, team_id: str) -> Workspace | None:
    async with db.session() as session:
        return (await session.exec(select(Workspace).where(Workspace.team_id == team_id))).first()


async def _wait_inactive(db: Database, team_id: str) -> Workspace:
    import asyncio

    for _ in range(300):
        workspace = await _workspace(db, team_id)
        if workspace is not None and not workspace.active:
            return workspace
        await asyncio.sleep(0.01)
    raise AssertionError("workspace was not marked inactive")


async def test_app_uninstalled_marks_workspace_inactive(
    slack: SlackSender, db: Database, team_id: str, settings: Settings
) -> None:
    status, _ = await slack.event({"type": "app_uninstalled", "event_ts": "1.2"})
    assert status == 200
    workspace = await _wait_inactive(db, team_id)
    assert workspace.deactivated_at is not None

    # A late request does not bring it back…
    await slack.command("status")
    await slack.fake.wait_for("response_url")
    still = await _workspace(db, team_id)
    assert still is not None and not still.active
    # …a start-up with a token Slack accepts (a reinstall) does.
    await start_app(Deps(settings, db, AppState()))  # a new process
    again = await _workspace(db, team_id)
    assert again is not None and again.active and again.deactivated_at is None


async def test_bot_tokens_revoked_marks_inactive_but_user_tokens_do_not(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    await slack.event({"type": "tokens_revoked", "tokens": {"oauth": ["U100"]}, "event_ts": "1.2"})
    await slack.event(HOME_OPENED)
    await slack.fake.wait_for("views.publish")
    workspace = await _workspace(db, team_id)
    assert workspace is not None and workspace.active
    await slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}, "event_ts": "1.3"})
    await _wait_inactive(db, team_id)


async def test_join_button_on_home_opens_the_form(slack: SlackSender) -> None:
    status, _ = await slack.click("join_program", container="view")
    assert status == 200
    [call] = await slack.fake.wait_for("views.open")
    assert call["view"]["callback_id"] == "mentor_optin"
    assert call["view"]["title"]["text"] == "Join reverse mentoring"
