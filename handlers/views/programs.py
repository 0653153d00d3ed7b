"""The program settings modal's submission (editing a program, or creating one): admins only (:mod:`handlers.access`),
validated inline, audited; then the admin's Home tab, and those of the program's people, refreshed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.home import refresh_after_change
from bot.programs import save_settings, settings_from_state
from bot.runtime.context import deps
from handlers.common import team_and_user
from prompts.optin import program_id_from_metadata
from prompts.programs import ERRORS, NAME


def _metadata(private_metadata: str) -> dict[str, Any]:
    try:
        meta = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


async def handle_settings_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    team_id, user_id = team_and_user(body)
    meta = _metadata(view.get("private_metadata", ""))
    new = meta.get("new") is True
    program_id = program_id_from_metadata(view.get("private_metadata", ""))
    version = meta.get("version") if isinstance(meta.get("version"), str) else None
    # a new program starts today or later (a day's grace, as the admin's today may be UTC's yesterday)
    earliest = datetime.now(UTC).date() - timedelta(days=1) if new else None
    fields, errors = settings_from_state(view["state"]["values"], earliest_start=earliest)
    changed: int | None = None
    if program_id is None and not new:
        errors = {NAME: ERRORS["stale"]}
    elif fields is not None:
        changed, errors = await save_settings(
            deps(context),
            team_id=team_id,
            program_id=None if new else program_id,
            actor_id=user_id,
            fields=fields,
            version=version,
        )
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await refresh_after_change(
        client,
        deps(context),
        team_id=team_id,
        actor_id=user_id,
        program_id=program_id if changed is not None else None,
    )
