"""``python -m bot report`` as a process on a seeded SQLite file: text, JSON and CSV, ``--out``, a missing program."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.runtime.settings import normalize_database_url
from storage.db import Database
from tests.support.cli import bot_env, run_bot
from tests.support.fake_slack import FakeSlack
from tests.support.results import GOLDEN, seed, seed_surveys

pytestmark = pytest.mark.slow  # python -m bot as a process


def seeded(tmp_path: Path, team_id: str) -> None:
    async def go() -> None:
        db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
        try:
            await seed(db, team_id)
            await seed_surveys(db, team_id)
        finally:
            await db.dispose()

    asyncio.run(go())


def test_report_prints_or_writes_the_programs_results(tmp_path: Path) -> None:
    with FakeSlack(team_id="TREPORT") as fake:
        env = bot_env(fake, tmp_path)
        assert run_bot(["migrate"], env, tmp_path).returncode == 0
        seeded(tmp_path, "TREPORT")
        text = run_bot(["report"], env, tmp_path)
        assert text.returncode == 0, text.stderr
        assert text.stdout.startswith("Digital skills 2027 (running, 2027-01-04 → 2027-03-29)")
        assert "Meetings per pair" in text.stdout and "UE1" not in text.stdout
        as_json = run_bot(["report", "--format", "json", "--program", "pilot"], env, tmp_path)
        assert json.loads(as_json.stdout)["current"]["program"] == "Pilot"
        written = run_bot(["report", "--format", "csv", "--out", str(tmp_path / "out")], env, tmp_path)
        assert written.returncode == 0 and "report.csv" in written.stdout
        rows = (tmp_path / "out" / "report.csv").read_text(encoding="utf-8").splitlines()
        assert rows[0] == "figure,Digital skills 2027,Pilot" and len(rows) == len(
            (GOLDEN / "report.csv").read_text(encoding="utf-8").splitlines()
        )
        missing = run_bot(["report", "--program", "Nope"], env, tmp_path)
        assert missing.returncode == 1 and "No program named 'Nope'" in missing.stderr
        bad = run_bot(["report", "--format", "pdf"], env, tmp_path)
        assert bad.returncode == 2 and "invalid choice" in bad.stderr
