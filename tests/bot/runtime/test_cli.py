"""``python -m bot`` as a new user runs it: a real process, the fake Slack Web API, a SQLite file."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
import pytest

from bot import participants
from bot.optin import Profile
from bot.runtime.context import Deps
from bot.runtime.settings import Settings, normalize_database_url
from bot.runtime.state import AppState
from storage import workspaces as workspaces_repo
from storage.db import Database
from tests.support.cli import bot_env, run_bot
from tests.support.fake_slack import FakeSlack
from tests.support.programs import first_program_id, open_enrolment
from tests.support.signed import SlackSender

pytestmark = pytest.mark.slow  # every test runs python -m bot as a process


async def start_bot(fake: FakeSlack, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    """``python -m bot`` serving HTTP on ``port`` against ``fake``, once ``/healthz`` answers 200 (output captured,
    stderr folded into stdout)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=bot_env(fake, tmp_path, PORT=str(port)),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    process.kill()
    await process.wait()
    pytest.fail("the bot did not start listening")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_credentials_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_bot([], bot_env(None, tmp_path), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0] and ".env" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_rejected_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        result = run_bot([], bot_env(fake, tmp_path, SLACK_BOT_TOKEN="xoxb-invalid"), tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "invalid_auth" in errors[0] and "SLACK_BOT_TOKEN" in errors[0]
    assert "Traceback" not in result.stderr


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_SIGNING_SECRET=s\nPORT=notaport\n")
    result = run_bot([], bot_env(None, tmp_path), tmp_path)
    assert result.returncode == 2
    assert "PORT" in result.stderr and "SLACK_BOT_TOKEN" not in result.stderr


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = run_bot(["migrate"], bot_env(None, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bot.db").exists()
    assert "up to date" in result.stdout


async def test_serves_http_healthz_and_signed_commands(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlack(team_id="TCLI") as fake:
        process = await start_bot(fake, tmp_path, port)
        try:
            sender = SlackSender(f"http://127.0.0.1:{port}", team_id="TCLI", fake=fake)
            try:
                status, _ = await sender.command("help")
            finally:
                await sender.close()
            assert status == 200
            [reply] = await fake.wait_for("response_url")
            assert "/mentor pause" in str(reply["blocks"])
            assert fake.calls_to("auth.test")  # the token was checked at start-up
        finally:
            process.send_signal(signal.SIGTERM)
            raw, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    output = raw.decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output


def test_socket_mode_when_app_token_is_set(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = bot_env(fake, tmp_path, SLACK_APP_TOKEN="xapp-1-test")
        env.pop("SLACK_SIGNING_SECRET")  # not needed in Socket Mode
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            asyncio.run(fake.wait_for("apps.connections.open", timeout=30))
            [call] = [c for c in fake.calls if c.method == "apps.connections.open"][:1]
            assert call.token == "xapp-1-test"
        finally:
            process.kill()
            process.communicate(timeout=20)


async def test_run_due_resumes_paused_people_once(tmp_path: Path) -> None:
    url = normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}")
    with FakeSlack(team_id="TDUE") as fake:
        assert run_bot(["migrate"], bot_env(fake, tmp_path), tmp_path).returncode == 0
        db = Database(url)
        deps = Deps(Settings(database_url=url), db, AppState())  # this process's own, not the CLI's
        try:
            profile = Profile("mentee", "Sales", 20, [], ["ai_tools"], "Learn AI", "either", None)
            await participants.save_profile(
                db, team_id="TDUE", user_id="U7", program_id=await first_program_id(deps, "TDUE"), profile=profile
            )
            await participants.pause(
                deps, team_id="TDUE", user_id="U7", until=date(2027, 1, 10), now=datetime(2027, 1, 1, tzinfo=UTC)
            )
            async with db.session() as session:
                await workspaces_repo.ensure_workspace(session, team_id="TDUE")
        finally:
            await db.dispose()

        before = run_bot(["run-due", "--now", "2027-01-09T12:00:00Z"], bot_env(fake, tmp_path), tmp_path)
        assert before.returncode == 0, before.stderr
        assert "0 resumed" in before.stdout
        due = run_bot(["run-due", "--now", "2027-01-10T09:00:00+01:00"], bot_env(fake, tmp_path), tmp_path)
        assert due.returncode == 0, due.stderr
        assert "1 resumed, 1 messages sent" in due.stdout
        again = run_bot(["run-due", "--now", "2027-01-11T09:00:00Z"], bot_env(fake, tmp_path), tmp_path)
        assert "0 resumed" in again.stdout
        [dm] = fake.calls_to("chat.postMessage")
        assert dm["channel"] == "U7" and "2027-01-10" in dm["text"]
        [home] = fake.calls_to("views.publish")  # the Home tab no longer says "paused"
        assert home["user_id"] == "U7" and "taking part" in str(home["view"])

        bad = run_bot(["run-due", "--now", "yesterday"], bot_env(fake, tmp_path), tmp_path)
        assert bad.returncode == 2 and "ISO-8601" in bad.stderr
    db = Database(url)
    try:
        enrolment = await open_enrolment(Deps(Settings(database_url=url), db, AppState()), "TDUE", "U7")
    finally:
        await db.dispose()
    assert enrolment is not None and enrolment.participant is not None and enrolment.participant.state == "active"


@pytest.mark.parametrize("url", ["postgresql://someone:s3cret@127.0.0.1:1/db", "sqlite:////nonexistent/dir/x.db"])
def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path, url: str) -> None:
    with FakeSlack() as fake:
        result = run_bot([], bot_env(fake, tmp_path, DATABASE_URL=url), tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "DATABASE_URL" in errors[0]
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


def test_rejected_app_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        fake.fail("apps.connections.open", error="invalid_auth")
        result = run_bot([], bot_env(fake, tmp_path, SLACK_APP_TOKEN="xapp-1-revoked"), tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "SLACK_APP_TOKEN" in errors[0] and "invalid_auth" in errors[0]
    assert "Traceback" not in result.stderr


async def test_sigterm_right_after_an_ack_still_saves_the_answers(tmp_path: Path) -> None:
    from sqlmodel import select

    from storage.models import Participant
    from tests.support.optin import optin_values

    port = free_port()
    with FakeSlack(team_id="TSTOP") as fake:
        fake.add_user("U100")
        process = await start_bot(fake, tmp_path, port)
        sender = SlackSender(f"http://127.0.0.1:{port}", team_id="TSTOP", fake=fake)
        try:
            await sender.command("join", user_id="U100")  # first use: creates the default program
            view = (await fake.wait_for("views.open"))[-1]["view"]
            status, body = await sender.submit_view(view, optin_values(department="Shutdown"), user_id="U100")
            assert (status, body) == (200, "")
            process.send_signal(signal.SIGTERM)  # the save and the DM happen after the ack
            raw, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            await sender.close()
        assert process.returncode == 0, raw.decode()
        assert fake.calls_to("chat.postMessage"), raw.decode()
    db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
    try:
        async with db.read() as session:
            rows = (await session.exec(select(Participant).where(Participant.team_id == "TSTOP"))).all()
    finally:
        await db.dispose()
    assert [r.department for r in rows] == ["Shutdown"]
