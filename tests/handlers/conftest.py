"""Every handler test starts with Slack's workspace roles unknown, so admin checks really ask the fake Slack."""

from __future__ import annotations

import pytest

from bot.slack.client import _user_cache


@pytest.fixture(autouse=True)
def fresh_role_cache() -> None:
    _user_cache.clear()
