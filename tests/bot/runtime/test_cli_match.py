"""``python -m bot match --publish`` end to end: a real SQLite file, the fake Web API, the bot as a process.
Introductions and "not paired" DMs go out once each; what Slack refuses for a while is retried by ``run-due``;
what it refuses for good is recorded and not retried."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.home import refusals
from bot.runtime.settings import normalize_database_url
from storage.db import Database
from storage.models import Outbox, Pair
from tests.support.cli import bot_env, run_bot
from tests.support.fake_slack import FakeSlack
from tests.support.importer import HEADER

pytestmark = pytest.mark.slow  # python -m bot as a process

SHEET = (
    "U001,mentor,Marketing,2,AI tools at work; Figma,,\n"
    "U002,mentor,IT,3,Data literacy,,\n"
    "U011,mentee,Finance,24,,ai_tools,\n"
    "U012,mentee,Sales,30,,data_literacy,\n"
    "U013,mentee,Legal,28,,leadership,\n"
)


def stored(tmp_path: Path) -> tuple[list[Pair], list[Outbox]]:
    async def read() -> tuple[list[Pair], list[Outbox]]:
        db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
        try:
            async with db.read() as session:
                pairs = list((await session.exec(select(Pair))).all())
                rows = list((await session.exec(select(Outbox))).all())
                return pairs, rows
        finally:
            await db.dispose()

    return asyncio.run(read())


def refused(tmp_path: Path, team_id: str) -> list[dict[str, Any]]:
    """What the admins' Home tab lists under the latest refusals."""

    async def read() -> list[dict[str, Any]]:
        db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
        try:
            async with db.read() as session:
                return await refusals(session, team_id=team_id)
        finally:
            await db.dispose()

    return asyncio.run(read())


def intros(fake: FakeSlack) -> list[str]:
    return [c["channel"] for c in fake.calls_to("chat.postMessage") if "Meet your reverse" in c["text"]]


def test_publish_introduces_pairs_and_tells_who_waits_once_each(tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(HEADER + SHEET, encoding="utf-8")
    with FakeSlack(team_id="TPUB") as fake:
        for user in ("U001", "U002", "U011", "U012", "U013"):
            fake.add_user(user)
        env = bot_env(fake, tmp_path)
        assert run_bot(["import", str(sheet)], env, tmp_path).returncode == 0
        fake.reset()
        # The first pair's group DM can't be opened for a while (retried later); the second pair's introduction is
        # refused for good (recorded, never retried); U013's "not paired" DM goes through.
        fake.fail("conversations.open", error="internal_error")
        fake.fail("chat.postMessage", error="channel_not_found")
        done = run_bot(["match", "--publish"], env, tmp_path)
        assert done.returncode == 1, done.stderr
        assert "published 2 pair(s), 1 left out. 1 message(s) sent, 1 refused by Slack, 1 to retry" in done.stdout
        pairs, rows = stored(tmp_path)
        assert {(p.mentor_id, p.mentee_id, p.state, p.ended_reason) for p in pairs} == {
            ("U001", "U011", "active", None),
            ("U002", "U012", "ended", "slack_channel_not_found"),  # its conversation is gone: nothing more is tried
        }
        assert sorted((r.kind, r.state) for r in rows) == [
            ("intro", "failed"),
            ("intro", "pending"),
            ("unmatched", "sent"),
        ]
        attempts = len(intros(fake))

        again = run_bot(["run-due"], env, tmp_path)
        assert again.returncode == 0 and "1 messages sent" in again.stdout, again.stdout + again.stderr
        assert len(intros(fake)) == attempts + 1, "the pending introduction, and only it, goes out"
        assert "0 messages sent" in run_bot(["run-due"], env, tmp_path).stdout, "nothing left to send"
        assert len(intros(fake)) == attempts + 1
        _, rows = stored(tmp_path)
        assert sorted(r.state for r in rows) == ["failed", "sent", "sent"]
        [failed] = [r for r in rows if r.state == "failed"]
        assert (failed.kind, failed.error, failed.attempts) == ("intro", "channel_not_found", 1)
        assert refused(tmp_path, "TPUB") == [
            {"error": "channel_not_found", "people": ("U002", "U012"), "outcome": "pair_ended"}
        ]

        fake.reset()
        second = run_bot(["match", "--publish"], env, tmp_path)  # U001–U011 stays; the others are matched again
        assert "published 1 pair(s), 1 left out" in second.stdout
        [opened] = fake.calls_to("conversations.open")
        assert opened["users"] == "U002,U013", "U002 and U012 are never paired again, whatever ended their pair"
        [told] = [c for c in fake.calls_to("chat.postMessage") if c["channel"] == "U012"]
        assert "first in line" in told["text"]
