"""``manifest.yml`` is valid for Slack and matches what the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest: dict) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"Slack's manifest schema is not at {SCHEMA} (the shared/ folder comes with CI)")
    import jsonschema

    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_manifest_declares_what_the_app_needs(manifest: dict) -> None:
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    [command] = features["slash_commands"]
    assert command["command"] == "/mentor" and "pause" in command["usage_hint"]
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }


def test_scopes_are_exactly_the_ones_the_code_uses(manifest: dict) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    source = "\n".join(p.read_text() for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py"))
    methods = set(re.findall(r"client\.(\w+)\(", source))
    needed = {"commands"}  # the slash command itself
    scope_of = {
        "chat_postMessage": "chat:write",
        "chat_update": "chat:write",
        "users_info": "users:read",
        "files_upload_v2": "files:write",  # exports and charts, to the admin who asked
        "conversations_open": "mpim:write",  # a pair's group DM (two users and the app)
        "conversations_history": "mpim:history",  # that group DM, to find a post Slack may have made
        "views_open": None,
        "views_publish": None,
        "views_update": None,
        "auth_test": None,
    }
    unknown = methods - scope_of.keys()
    assert not unknown, f"add the scopes for {unknown} to this test and to manifest.yml"
    needed |= {scope for method, scope in scope_of.items() if method in methods and scope}
    assert scopes == needed


def test_readme_explains_every_scope(manifest: dict) -> None:
    readme = (ROOT / "README.md").read_text()
    for scope in manifest["oauth_config"]["scopes"]["bot"]:
        assert f"`{scope}`" in readme
