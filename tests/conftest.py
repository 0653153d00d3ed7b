"""Shared fixtures: a real SQLite file and a real PostgreSQL database, the fake Slack Web API, the real app
served over HTTP on loopback, and a client that sends correctly signed Slack requests to it.

The run has one event loop and one :class:`Database` per database, as a process has; each test gets its own
workspace, fake Slack, app and :class:`AppState`, and what it leaves running is cancelled when it ends.

PostgreSQL: ``TEST_POSTGRES_URL`` (default ``postgresql://127.0.0.1:5432/test``) is used to create a throw-away
database for the run, dropped at the end. If it cannot be reached the PostgreSQL half of the suite is skipped with
the reason, unless ``MENTOR_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.runtime.app import close_app, start_app
from bot.runtime.context import Deps
from bot.runtime.server import build_web_app
from bot.runtime.settings import Settings, normalize_database_url
from bot.runtime.state import AppState
from storage.db import Database
from storage.migrate import upgrade
from tests.support.fake_slack import FakeSlack
from tests.support.signed import SIGNING_SECRET, SlackSender

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_TEST_POSTGRES = "postgresql://127.0.0.1:5432/test"


def _postgres_required() -> bool:
    return os.environ.get("MENTOR_REQUIRE_POSTGRES", "") not in ("", "0", "false")


async def _admin_execute(admin_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = normalize_database_url(f"sqlite:///{tmp_path_factory.mktemp('db') / 'mentor.db'}")
    asyncio.run(_migrate(url))
    return url


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    admin_url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)
    name = f"mentor_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin_execute(admin_url, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable, login refused, no such database, no driver: all mean "no PostgreSQL"
        reason = f"PostgreSQL not reachable at {admin_url} ({exc!r}); set TEST_POSTGRES_URL to run these tests"
        if _postgres_required():
            pytest.fail(f"MENTOR_REQUIRE_POSTGRES is set but {reason}", pytrace=False)
        pytest.skip(reason)
    base, _, _ = normalize_database_url(admin_url).rpartition("/")
    url = f"{base}/{name}"
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that uses the database runs once on SQLite and once on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(scope="session")
async def databases() -> AsyncIterator[dict[str, Database]]:
    """One :class:`Database` per URL for the whole run, as a process has one: its engine keeps its connections and
    its compiled statements from test to test (tests share no rows: each has a workspace of its own)."""
    opened: dict[str, Database] = {}
    yield opened
    for database in opened.values():
        await database.dispose()


@pytest.fixture
def db(database_url: str, databases: dict[str, Database]) -> Database:
    if database_url not in databases:
        databases[database_url] = Database(database_url)
    return databases[database_url]


@pytest.fixture(autouse=True)
async def no_task_outlives_its_test(databases: dict[str, Database]) -> AsyncIterator[None]:
    """The tests share one event loop (``asyncio_default_test_loop_scope``): what a test left running, such as its
    app's work after an ack, is cancelled when the test ends, as closing a loop of its own would do. A database
    connection such work still held is not reused: that database's engine starts afresh."""
    yield
    current = asyncio.current_task()
    leftover = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftover:
        task.cancel()
    await asyncio.gather(*leftover, return_exceptions=True)
    for url, database in list(databases.items()):
        if database.engine.pool.checkedout():  # type: ignore[attr-defined]
            databases[url] = Database(url)
            await database.dispose()


@pytest.fixture
def team_id() -> str:
    """A fresh workspace per test: rows of other tests live in other workspaces, which also tests scoping."""
    return "T" + uuid.uuid4().hex[:10].upper()


@pytest.fixture
def fake_slack(team_id: str) -> Iterator[FakeSlack]:
    with FakeSlack(team_id=team_id) as fake:
        fake.add_user("U100", tz="Europe/Paris", tz_offset=3600, real_name="Ada Junior")
        fake.add_user("U200", tz="America/New_York", tz_offset=-18000, real_name="Grace Senior")
        yield fake
        assert not fake.errors, f"the fake Slack server hit errors: {fake.errors!r}"


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return Settings(
        bot_token="xoxb-test",
        signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=fake_slack.url,
    )


@pytest.fixture
def deps(settings: Settings, db: Database) -> Deps:
    """The test's dependencies, with a fresh :class:`AppState` (nothing remembered from another test, whose fake
    Slack may even have had the same port). The app that ``slack`` starts is given the same, so a test reads or
    forgets what the app remembers through ``deps.state``."""
    return Deps(settings, db, AppState())


@pytest.fixture
async def slack(deps: Deps, fake_slack: FakeSlack, team_id: str) -> AsyncIterator[SlackSender]:
    """The real app behind the real aiohttp server on a free loopback port, and a signed-request sender."""
    app, workspace = await start_app(deps)
    assert workspace == team_id
    runner = web.AppRunner(build_web_app(app, deps), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    sender = SlackSender(f"http://127.0.0.1:{port}", team_id=team_id, fake=fake_slack)
    try:
        yield sender
    finally:
        await sender.close()
        await runner.cleanup()
        await close_app(app)
