"""``python -m bot``: serve (default), ``migrate``, ``run-due [--now ISO-8601]``, ``import PATH.csv [--program NAME]``,
``match --dry-run [--json] [--program NAME]``, ``match --publish [--program NAME]``,
``report [--program NAME] [--format text|json|csv] [--out DIR]``.

Settings come from the environment and ``.env``; a missing or wrong one prints one line and exits with code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import reports
from bot.home import refresh_homes
from bot.importer import import_people
from bot.outbox.deliver import deliver
from bot.outbox.due import run_due
from bot.rounds import preview_for_cli, proposal_json, proposal_text, propose, publish
from bot.runtime.app import close_app, start_app
from bot.runtime.context import Deps
from bot.runtime.errors import ConfigError
from bot.runtime.scheduler import start_scheduler
from bot.runtime.server import build_web_app
from bot.runtime.settings import Settings, load_settings
from bot.slack.client import make_client, slack_error
from prompts.results import no_program_text, report_csv, report_text
from storage.db import Database
from storage.migrate import upgrade
from storage.repositories import list_programs

logger = logging.getLogger("bot")
EXIT_CONFIG = 2
SHUTDOWN_GRACE_SECONDS = 10


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def open_database(settings: Settings) -> Database:
    """The database, migrated; ConfigError (one line, no password) if it cannot be reached or opened."""
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
    except (SQLAlchemyError, OSError) as exc:
        await db.dispose()
        await asyncio.sleep(0.1)  # let aiosqlite's worker thread finish while the loop is still open
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise ConfigError(f"Could not open the database {where} ({reason}): check DATABASE_URL in .env.") from None
    return db


async def check_app_token(settings: Settings) -> None:
    """Socket Mode: make sure Slack accepts SLACK_APP_TOKEN before connecting (the SDK would retry forever)."""
    try:
        await make_client(settings, with_token=False).apps_connections_open(app_token=settings.app_token)
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack rejected SLACK_APP_TOKEN ({slack_error(exc)}): create an app-level token with the "
            "connections:write scope under Basic Information → App-Level Tokens and put it in .env."
        ) from None


async def serve(settings: Settings) -> None:
    db = await open_database(settings)
    try:
        await _serve(settings, db)
    finally:
        await db.dispose()


async def _serve(settings: Settings, db: Database) -> None:
    app, team_id = await start_app(settings, db)
    scheduler = None
    try:
        if settings.socket_mode:
            await check_app_token(settings)
        client = make_client(settings, session=app.client.session)
        scheduler = start_scheduler(Deps(settings, db), client, team_id)
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(app, settings.app_token)
            try:
                await handler.connect_async()
                logger.info("Connected to Slack over Socket Mode (workspace %s)", team_id)
                await _wait_for_signal()
            finally:
                await handler.close_async()
        else:
            runner = web.AppRunner(build_web_app(app, db), access_log=None)
            await runner.setup()
            try:
                await web.TCPSite(runner, "0.0.0.0", settings.port).start()
                logger.info("Listening on http://0.0.0.0:%d/slack/events (workspace %s)", settings.port, team_id)
                await _wait_for_signal()
            finally:
                await runner.cleanup()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await _finish_follow_up_work()
        await close_app(app)


async def _finish_follow_up_work() -> None:
    """Let work that runs after acks (Bolt runs it as untracked tasks) finish before connections close, so an
    acknowledged submission is not lost on shutdown."""
    others = {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}
    if others:
        _done, pending = await asyncio.wait(others, timeout=SHUTDOWN_GRACE_SECONDS)
        if pending:
            logger.warning("Shutting down with %d unfinished tasks", len(pending))


async def migrate(settings: Settings) -> None:
    db = await open_database(settings)
    await db.dispose()
    print("Database is up to date.")


async def due(settings: Settings, now: datetime) -> None:
    db = await open_database(settings)
    try:
        app, team_id = await start_app(settings, db)  # checks the token, so a bad one is one clear line
        try:
            client = make_client(settings, session=app.client.session)
            report = await run_due(Deps(settings, db), client, now=now, team_id=team_id)
        finally:
            await close_app(app)
    finally:
        await db.dispose()
    print(f"run-due at {now.isoformat()}: {report.resumed} resumed, {report.messages_sent} messages sent.")


@dataclass(frozen=True)
class Workspace:
    """What a CLI command that works on the bot token's workspace needs."""

    deps: Deps
    client: AsyncWebClient
    team_id: str


@asynccontextmanager
async def bot_workspace(settings: Settings) -> AsyncIterator[Workspace]:
    """The database, the app (its token checked) and the workspace the bot token belongs to; closed after."""
    db = await open_database(settings)
    try:
        app, team_id = await start_app(settings, db)
        try:
            if team_id is None:
                raise ConfigError("Slack could not be reached to check SLACK_BOT_TOKEN's workspace: try again.")
            yield Workspace(Deps(settings, db), make_client(settings, session=app.client.session), team_id)
        finally:
            await close_app(app)
    finally:
        await db.dispose()


async def dry_run(settings: Settings, program: str | None, as_json: bool) -> None:
    async with bot_workspace(settings) as ws:
        found, proposal = await propose(ws.deps, team_id=ws.team_id, program_name=program)
    print(json.dumps(proposal_json(found, proposal), indent=2) if as_json else proposal_text(found, proposal))


async def publish_round(settings: Settings, program: str | None) -> int:
    """``match --publish``: a fresh proposal, published at once; introductions and DMs go out (exactly once)."""
    async with bot_workspace(settings) as ws:
        stored = await preview_for_cli(ws.deps, team_id=ws.team_id, program_name=program)
        assert stored.id is not None
        result = await publish(ws.deps, team_id=ws.team_id, round_id=stored.id, actor_id="cli")
        if result.outcome != "published":
            print(f"Nothing published: {result.outcome}.")
            return 1
        delivered = await deliver(ws.deps, ws.client, team_id=ws.team_id, keys=result.keys)
        await refresh_homes(ws.client, ws.deps, team_id=ws.team_id, user_ids=result.people)
    print(
        f"{result.program_name}: published {result.pairs:,} pair(s), {result.unmatched:,} left out. "
        f"{delivered.sent:,} message(s) sent, {delivered.failed:,} refused by Slack, "
        f"{delivered.retry_later:,} to retry (run-due retries them)."
    )
    return 1 if delivered.failed or delivered.retry_later else 0


REPORT_FILES = {"text": "report.txt", "json": "report.json", "csv": "report.csv"}


async def load_report(settings: Settings, program: str | None) -> reports.Report | None:
    """``report``: the program's results (see :mod:`bot.reports`), or None when there is no such program."""
    async with bot_workspace(settings) as ws, ws.deps.db.read() as session:
        programs = list(await list_programs(session, team_id=ws.team_id))
        return await reports.report(
            session, team_id=ws.team_id, programs=programs, name=program, today=datetime.now(UTC).date()
        )


def emit_report(found: reports.Report | None, program: str | None, fmt: str, out: str | None) -> int:
    """Print the report, or write it to ``DIR/report.<ext>``; exit 1 when there is no such program."""
    if found is None:
        print(no_program_text(program), file=sys.stderr)
        return 1
    data = found.as_dict()
    text = report_text(data) if fmt == "text" else report_csv(data) if fmt == "csv" else json.dumps(data, indent=2)
    text = text if text.endswith("\n") else text + "\n"
    if out is None:
        print(text, end="")
        return 0
    path = Path(out) / REPORT_FILES[fmt]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Could not write {path} ({type(exc).__name__}): give a writable folder.") from None
    print(f"Wrote {path}.")
    return 0


def read_csv(path: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Could not read {path} ({type(exc).__name__}): give the path of a UTF-8 CSV file.") from None


async def import_csv(settings: Settings, text: str, program: str | None) -> int:
    """Exit code 0 when every row was imported, 1 when some were skipped (listed with their line numbers)."""
    async with bot_workspace(settings) as ws:
        report = await import_people(ws.deps, ws.client, team_id=ws.team_id, text=text, program_name=program)
    imported = report.created + report.updated
    print(
        f"Imported {imported:,} people into {report.program_name}: {report.created:,} new, {report.updated:,} updated."
    )
    if report.errors:
        print(f"{len(report.errors):,} row(s) skipped:")
        for error in report.errors:
            print(f"  line {error.line}: {error.message}")
    return 1 if report.errors else 0


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO-8601 time such as 2027-01-05T09:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Reverse mentoring Slack app.")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve Slack requests (the default)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    run_due_parser = sub.add_parser("run-due", help="run, once, all scheduled work due at an instant, then exit")
    run_due_parser.add_argument("--now", type=_instant, default=None, help="ISO-8601 instant (default: now)")
    import_parser = sub.add_parser("import", help="enrol people from a CSV file (see bot/importer.py)")
    import_parser.add_argument("path", help="CSV file with a header row")
    import_parser.add_argument("--program", default=None, help="program name (default: the first open one)")
    match_parser = sub.add_parser("match", help="the next round's pairs: --dry-run prints them, --publish sends")
    mode = match_parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="print the proposal; store and send nothing")
    mode.add_argument("--publish", action="store_true", help="publish a fresh proposal: introductions go out")
    match_parser.add_argument("--json", action="store_true", help="JSON instead of text")
    match_parser.add_argument("--program", default=None, help="program name (default: the first open one)")
    report_parser = sub.add_parser("report", help="a program's results: people, pairs, meetings, usefulness")
    report_parser.add_argument("--program", default=None, help="program name (default: the running one)")
    report_parser.add_argument("--format", choices=sorted(REPORT_FILES), default="text", help="default: text")
    report_parser.add_argument("--out", default=None, help="write DIR/report.<ext> instead of printing")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "migrate":
            asyncio.run(migrate(load_settings(need_slack=False)))
        elif args.command == "run-due":
            asyncio.run(due(load_settings(serving=False), args.now or datetime.now(UTC)))
        elif args.command == "match" and args.publish:
            return asyncio.run(publish_round(load_settings(serving=False), args.program))
        elif args.command == "match":
            asyncio.run(dry_run(load_settings(serving=False), args.program, args.json))
        elif args.command == "report":
            found = asyncio.run(load_report(load_settings(serving=False), args.program))
            return emit_report(found, args.program, args.format, args.out)
        elif args.command == "import":
            settings = load_settings(serving=False)
            return asyncio.run(import_csv(settings, read_csv(args.path), args.program))
        else:
            asyncio.run(serve(load_settings()))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0
    return 0
