"""The global error handler: a person who hits a failure sees a short apology; the log gets the error's class and
where it happened (never its message, which may quote people's answers).

The failure here is real: the app is pointed at a database that has only its ``program`` table (one open
program, id 1), so reading programs works and everything about people fails.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.runtime.app import build_app
from bot.runtime.context import Deps
from bot.runtime.server import build_web_app
from bot.runtime.settings import Settings, normalize_database_url
from bot.runtime.state import AppState
from prompts.programs import SETTINGS_CALLBACK_ID
from storage.db import Database
from storage.models import Program
from tests.support.fake_slack import FakeSlack
from tests.support.optin import optin_values
from tests.support.refusals import logged_text, refused_text
from tests.support.rounds import one_pair
from tests.support.signed import SIGNING_SECRET, SlackSender


@pytest.fixture
async def broken_slack(tmp_path: Path, fake_slack: FakeSlack, team_id: str) -> AsyncIterator[SlackSender]:
    url = normalize_database_url(f"sqlite:///{tmp_path / 'empty.db'}")
    settings = Settings(
        bot_token="xoxb-test", signing_secret=SIGNING_SECRET, database_url=url, slack_api_url=fake_slack.url
    )
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.run_sync(lambda sync: Program.__table__.create(sync))  # type: ignore[attr-defined]
    async with db.session() as session:
        session.add(Program(id=1, team_id=team_id, name="P", state="open"))

    deps = Deps(settings, db, AppState())
    app = build_app(deps)
    runner = web.AppRunner(build_web_app(app, deps), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sender = SlackSender(f"http://127.0.0.1:{runner.addresses[0][1]}", team_id=team_id, fake=fake_slack)
    yield sender
    await sender.close()
    await runner.cleanup()
    await db.dispose()


async def test_command_failure_gets_an_apology_and_a_logged_error_class_and_frames(
    broken_slack: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    status, _ = await broken_slack.command("status")
    assert status == 200
    [reply] = await broken_slack.fake.wait_for("response_url")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Sorry, something went wrong")
    [logged] = [r.getMessage() for r in caplog.records if "Unhandled error" in r.getMessage()]
    assert "sqlalchemy.exc.OperationalError" in logged and "handlers/commands/mentor.py" in logged
    assert "no such table" not in logged, "an error's message is never logged (it may quote people's answers)"


async def test_answers_that_cannot_be_saved_come_back_by_dm(broken_slack: SlackSender) -> None:
    view = {"type": "modal", "callback_id": "mentor_optin", "private_metadata": '{"program_id": 1}', "blocks": []}
    status, body = await broken_slack.submit_view(view, optin_values(department="Design", goals="Learn Figma"))
    assert status == 200 and body == ""
    [dm] = await broken_slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and "couldn't save your answers" in dm["text"]
    blocks = json.dumps(dm["blocks"])
    assert "Design" in blocks and "Learn Figma" in blocks
    [retry] = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert retry["action_id"] == "retry_optin_form"
    assert json.loads(retry["value"])["department"] == "Design"


async def test_modal_failure_before_the_ack_keeps_the_modal_open(broken_slack: SlackSender) -> None:
    """A submission that fails before the ack (here: checking who may save a program's settings reads the admin
    table, which this database lacks): the modal stays, with a message."""
    view = {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "private_metadata": '{"program_id": 1}',
        "blocks": [{"type": "input", "block_id": "role", "label": {"type": "plain_text", "text": "Role"}}],
    }
    status, body = await broken_slack.submit_view(view, {"role": {"role": {"type": "plain_text_input", "value": "x"}}})
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["role"].startswith("Sorry, something went wrong")


async def test_button_failure_gets_an_apology(broken_slack: SlackSender) -> None:
    await broken_slack.click("confirm_leave", hook="leave")
    [reply] = await broken_slack.fake.wait_for("response_url")
    assert reply["text"].startswith("Sorry, something went wrong")


async def test_home_button_failure_gets_an_apology_by_dm(broken_slack: SlackSender) -> None:
    await broken_slack.click("edit_profile", container="view")
    [dm] = await broken_slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and dm["text"].startswith("Sorry, something went wrong")


async def test_an_unhandled_database_error_logs_no_personal_text(
    slack: SlackSender, deps: Deps, db: Database, team_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The failing statement's values, and the failing row PostgreSQL quotes, stay out of the log."""
    caplog.set_level(logging.INFO)  # as `python -m bot` logs
    await one_pair(slack, deps, team_id)
    marker = f"SECRET{uuid.uuid4().hex[:8]}"
    async with refused_text(db, table="rematch_request", column="reason", marker=marker):
        await slack.command(f"rematch my partner {marker} is rude", user_id="UE1")
        [reply] = await slack.fake.wait_for("response_url")
    assert reply["text"].startswith("Sorry, something went wrong")
    logged = logged_text(caplog)
    assert "Unhandled error in a Slack listener (/mentor)" in logged and "IntegrityError" in logged
    assert marker not in logged
