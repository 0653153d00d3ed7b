"""Settings from the environment and ``.env``: what is required when, and one clear line when something is off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.errors import ConfigError
from bot.runtime.settings import (
    DEFAULT_SLACK_API_URL,
    Settings,
    load_settings,
    normalize_database_url,
    read_environment,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
BOT = "xoxb-1-2-abc"
APP = "xapp-1-A1-2-def"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
HTTP_ENV = {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET}
SOCKET_ENV = {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}


def config_error(env: dict[str, str], **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as excinfo:
        load_settings(env, **kwargs)
    return str(excinfo.value)


def assert_one_helpful_line(message: str, variable: str) -> None:
    assert message.strip() == message and message
    assert "\n" not in message and "\r" not in message, "one line"
    assert variable in message, "names the variable"
    assert ".env" in message, "says where to set it"


# --- Slack credentials -------------------------------------------------------------------------------------------


def test_http_mode() -> None:
    settings = load_settings(HTTP_ENV)
    assert settings == Settings(bot_token=BOT, signing_secret=SECRET, database_url="sqlite+aiosqlite:///mentor.db")
    assert settings.socket_mode is False
    assert settings.port == 3000
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL == "https://slack.com/api/"
    assert settings.admins == frozenset()


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(SOCKET_ENV)
    assert settings.socket_mode is True
    assert (settings.bot_token, settings.app_token, settings.signing_secret) == (BOT, APP, "")


def test_values_are_stripped() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": f"  {BOT}\n", "SLACK_SIGNING_SECRET": f" {SECRET} "})
    assert (settings.bot_token, settings.signing_secret) == (BOT, SECRET)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_bot_token(value: str | None) -> None:
    env = {"SLACK_SIGNING_SECRET": SECRET} | ({} if value is None else {"SLACK_BOT_TOKEN": value})
    message = config_error(env)
    assert_one_helpful_line(message, "SLACK_BOT_TOKEN")
    assert "is not set" in message
    assert "OAuth & Permissions" in message, "says where to find it"


@pytest.mark.parametrize("token", ["xoxp-user-token", "xapp-1-2", "abc", "XOXB-1-2"])
def test_bot_token_with_wrong_prefix(token: str) -> None:
    message = config_error({"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": SECRET})
    assert_one_helpful_line(message, "SLACK_BOT_TOKEN")
    assert "'xoxb-'" in message
    assert token not in message, "never echo a secret"


def test_http_mode_needs_signing_secret() -> None:
    message = config_error({"SLACK_BOT_TOKEN": BOT})
    assert_one_helpful_line(message, "SLACK_SIGNING_SECRET")
    assert "Signing Secret" in message


def test_bad_app_token_prefix_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN in \.env should start with 'xapp-'"):
        load_settings({**HTTP_ENV, "SLACK_APP_TOKEN": "xoxb-wrong"})


def test_bad_app_token_message_says_where_to_set_it() -> None:
    assert_one_helpful_line(config_error({**HTTP_ENV, "SLACK_APP_TOKEN": "xoxb-wrong"}), "SLACK_APP_TOKEN")


def test_not_serving_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": BOT}, serving=False)
    assert (settings.bot_token, settings.signing_secret, settings.app_token) == (BOT, "", "")


def test_not_serving_still_needs_the_bot_token() -> None:
    assert_one_helpful_line(config_error({}, serving=False), "SLACK_BOT_TOKEN")


def test_no_slack_needed() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "garbage", "SLACK_APP_TOKEN": "garbage"}, need_slack=False)
    assert (settings.bot_token, settings.signing_secret, settings.app_token) == ("", "", "")
    assert settings.socket_mode is False
    assert load_settings({}, need_slack=False).database_url == "sqlite+aiosqlite:///mentor.db"


# --- the rest ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("port", "expected"), [("8080", 8080), (" 443 ", 443), ("", 3000), ("1", 1), ("65535", 65535)])
def test_port(port: str, expected: int) -> None:
    assert load_settings({**HTTP_ENV, "PORT": port}).port == expected


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", "80.5", "3000x", "99999999"])
def test_bad_port(port: str) -> None:
    message = config_error({**HTTP_ENV, "PORT": port})
    assert_one_helpful_line(message, "PORT")
    assert repr(port) in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "https://slack.com/api/"),
        ("   ", "https://slack.com/api/"),
        ("http://127.0.0.1:8888/api", "http://127.0.0.1:8888/api/"),
        ("http://127.0.0.1:8888/api/", "http://127.0.0.1:8888/api/"),
        ("https://example.test/slack/api", "https://example.test/slack/api/"),
    ],
)
def test_slack_api_url(url: str, expected: str) -> None:
    assert load_settings({**HTTP_ENV, "SLACK_API_URL": url}).slack_api_url == expected


@pytest.mark.parametrize("url", ["slack.com/api", "ftp://slack.com/api/", "localhost:8888"])
def test_bad_slack_api_url(url: str) -> None:
    assert_one_helpful_line(config_error({**HTTP_ENV, "SLACK_API_URL": url}), "SLACK_API_URL")


@pytest.mark.parametrize(
    ("text", "admins"),
    [
        ("", frozenset()),
        ("U1", {"U1"}),
        (" U1 , U2,,U3 ,", {"U1", "U2", "U3"}),
        ("U1,U1", {"U1"}),
        (" , ", frozenset()),
    ],
)
def test_mentor_admins(text: str, admins: set[str]) -> None:
    assert load_settings({**HTTP_ENV, "MENTOR_ADMINS": text}).admins == frozenset(admins)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/mentor", "postgresql+asyncpg://u:p@db:5432/mentor"),
        ("postgresql://u:p@db/mentor", "postgresql+asyncpg://u:p@db/mentor"),
        ("postgresql+psycopg2://u@db/mentor", "postgresql+asyncpg://u@db/mentor"),
        ("postgresql+asyncpg://u@db/mentor", "postgresql+asyncpg://u@db/mentor"),
        ("POSTGRES://u@db/mentor", "postgresql+asyncpg://u@db/mentor"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite:////var/lib/mentor.db", "sqlite+aiosqlite:////var/lib/mentor.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("  sqlite:///x.db  ", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_normalize_database_url(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected
    assert load_settings({**HTTP_ENV, "DATABASE_URL": url}).database_url == expected


def test_database_url_default() -> None:
    assert load_settings({**HTTP_ENV, "DATABASE_URL": ""}).database_url == "sqlite+aiosqlite:///mentor.db"


@pytest.mark.parametrize("url", ["mysql://u@db/mentor", "nonsense", "mongodb+srv://x/y", "sqlite:x.db"])
def test_unsupported_database_url(url: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        normalize_database_url(url)
    assert_one_helpful_line(str(excinfo.value), "DATABASE_URL")
    assert_one_helpful_line(config_error({**HTTP_ENV, "DATABASE_URL": url}), "DATABASE_URL")


def test_unsupported_database_url_does_not_echo_the_password() -> None:
    message = config_error({**HTTP_ENV, "DATABASE_URL": "mysql://admin:hunter2@db/mentor"})
    assert "hunter2" not in message


# --- .env ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MENTOR_")) or name in ("DATABASE_URL", "PORT"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_read_environment_reads_the_env_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f'# comment\nSLACK_BOT_TOKEN={BOT}\nSLACK_SIGNING_SECRET="{SECRET}"\nPORT=4000\nMENTOR_ADMINS=U1, U2\n'
    )
    values = read_environment(env_file)
    assert values["SLACK_BOT_TOKEN"] == BOT
    assert values["SLACK_SIGNING_SECRET"] == SECRET
    assert values["PORT"] == "4000"
    assert values["MENTOR_ADMINS"] == "U1, U2"
    assert values["PATH"] == os.environ["PATH"], "the process environment is included"


def test_real_environment_wins_over_the_env_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\nSLACK_SIGNING_SECRET={SECRET}\n")
    clean_env.setenv("SLACK_BOT_TOKEN", BOT)
    clean_env.setenv("PORT", "5000")
    values = read_environment(str(env_file))
    assert values["SLACK_BOT_TOKEN"] == BOT
    assert values["PORT"] == "5000"
    assert values["SLACK_SIGNING_SECRET"] == SECRET


def test_read_environment_without_a_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SLACK_BOT_TOKEN", BOT)
    assert read_environment(tmp_path / "missing.env") == dict(os.environ)
    assert read_environment(None) == dict(os.environ)


def test_load_settings_reads_dot_env_in_the_working_directory(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT}\nSLACK_SIGNING_SECRET={SECRET}\nDATABASE_URL=postgres://u@db/m\nPORT=4000\n"
    )
    clean_env.chdir(tmp_path)
    clean_env.setenv("PORT", "5000")
    settings = load_settings()
    assert settings.bot_token == BOT
    assert settings.database_url == "postgresql+asyncpg://u@db/m"
    assert settings.port == 5000


def test_load_settings_without_dot_env_or_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.chdir(tmp_path)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        load_settings()


# --- python -m bot ------------------------------------------------------------------------------------------------


def run_bot(tmp_path: Path, extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` in an empty directory (no .env), with no Slack or database settings inherited."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
    env.update({"PYTHONPATH": str(REPO_ROOT), **extra_env})
    assert not any(k.startswith("SLACK_") or k == "DATABASE_URL" for k in env.keys() - extra_env.keys())
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def assert_config_exit(result: subprocess.CompletedProcess[str], variable: str) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"expected exactly one line on stderr, got {result.stderr!r}"
    assert variable in lines[0]
    assert ".env" in lines[0]


@pytest.mark.slow  # python -m bot as a process
def test_cli_without_settings_exits_2_with_one_line(tmp_path: Path) -> None:
    assert not (tmp_path / ".env").exists()
    result = run_bot(tmp_path, {})
    assert_config_exit(result, "SLACK_BOT_TOKEN")
    assert result.stderr.startswith("error: SLACK_BOT_TOKEN is not set")


@pytest.mark.slow  # python -m bot as a process
def test_cli_with_a_bad_database_url_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {**HTTP_ENV, "DATABASE_URL": "mysql://u@db/mentor"})
    assert_config_exit(result, "DATABASE_URL")


@pytest.mark.slow  # python -m bot as a process
def test_cli_migrate_with_a_nonsense_database_url_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {"DATABASE_URL": "nonsense"}, "migrate")
    assert_config_exit(result, "DATABASE_URL")
