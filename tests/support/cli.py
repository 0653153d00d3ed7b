"""``python -m bot`` as a process: its environment (the fake Web API, a SQLite file in the test's directory) and a
run that captures its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.fake_slack import FakeSlack
from tests.support.signed import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]


def bot_env(fake: FakeSlack | None, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "MENTOR_", "PORT"))}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    if fake is not None:
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.url)
    env.update(extra)
    return env


def run_bot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
