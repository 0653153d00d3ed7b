"""One typed settings object, read once from the environment (and ``.env``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.runtime.errors import ConfigError
from storage.db import is_valid_url

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///mentor.db"
APP_SETTINGS_HINT = "https://api.slack.com/apps → your app"


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    database_url: str = field(default_factory=lambda: normalize_database_url(DEFAULT_DATABASE_URL))
    slack_api_url: str = DEFAULT_SLACK_API_URL
    admins: frozenset[str] = field(default_factory=frozenset)
    port: int = 3000

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


def normalize_database_url(url: str) -> str:
    """Map the URLs people paste (``postgres://``, ``postgresql://``, ``sqlite:///``) to async drivers."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            "DATABASE_URL is not a URL: set it in .env to sqlite:///mentor.db or postgresql://user@host/db"
        )
    base = scheme.split("+", 1)[0].lower()
    if base in ("postgres", "postgresql"):
        normalized = f"postgresql+asyncpg://{rest}"
        if not is_valid_url(normalized):
            raise ConfigError("DATABASE_URL is not a valid PostgreSQL URL: fix it in .env.")
        return normalized
    if base == "sqlite":
        folder = Path(rest.removeprefix("/").split("?", 1)[0] or ".").parent
        if rest.removeprefix("/") and not folder.is_dir():
            raise ConfigError(f"DATABASE_URL points into {str(folder)!r}, which does not exist: fix it in .env.")
        return f"sqlite+aiosqlite://{rest}"
    raise ConfigError(
        f"DATABASE_URL uses {scheme!r}, which is not supported: set it in .env to sqlite:///… or postgresql://…"
    )


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The process environment over the values of ``.env`` (real environment variables win)."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def _require(env: Mapping[str, str], name: str, prefix: str, where: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set: add it to .env (see .env.example); find it in {where}.")
    if prefix and not value.startswith(prefix):
        raise ConfigError(f"{name} should start with {prefix!r}: copy it again from {where} into .env.")
    return value


def load_settings(env: Mapping[str, str] | None = None, *, need_slack: bool = True, serving: bool = True) -> Settings:
    """Build :class:`Settings`, raising :class:`ConfigError` with one clear line when something is off.

    ``need_slack=False`` is for commands that only touch the database (``migrate``); ``serving=False`` for CLI
    commands that call Slack but receive no requests, so need no signing secret.
    """
    env = read_environment() if env is None else env
    bot_token = signing_secret = app_token = ""
    if need_slack:
        bot_token = _require(
            env, "SLACK_BOT_TOKEN", "xoxb-", f"{APP_SETTINGS_HINT} → OAuth & Permissions → Bot User OAuth Token"
        )
        app_token = env.get("SLACK_APP_TOKEN", "").strip()
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError(
                "SLACK_APP_TOKEN in .env should start with 'xapp-': create an app-level token with the "
                f"connections:write scope in {APP_SETTINGS_HINT} → Basic Information → App-Level Tokens, "
                "or leave it empty to serve HTTP."
            )
        if serving and not app_token:
            signing_secret = _require(
                env, "SLACK_SIGNING_SECRET", "", f"{APP_SETTINGS_HINT} → Basic Information → Signing Secret"
            )
        else:
            signing_secret = env.get("SLACK_SIGNING_SECRET", "").strip()
    port_text = env.get("PORT", "3000").strip() or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"PORT {port_text!r} is not a TCP port: set PORT in .env to a number such as 3000.")
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL {api_url!r} is not an http(s) URL: fix it in .env or leave it unset.")
    admins = frozenset(a.strip() for a in env.get("MENTOR_ADMINS", "").split(",") if a.strip())
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        database_url=normalize_database_url(env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL),
        slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
        admins=admins,
        port=int(port_text),
    )
