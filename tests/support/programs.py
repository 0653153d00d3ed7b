"""Programs: the settings modal's ``state.values`` as Slack sends them, and a workspace's programs as stored."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.runtime.context import Deps
from prompts import programs as ids
from prompts.topics import CATALOGUE
from storage.db import Database
from storage.models import Program


def settings_values(
    *,
    name: str = "Digital skills 2027 H1",
    objectives: str = "Spread AI skills upward",
    start: str | None = "2027-01-11",
    end: str | None = "2027-04-05",
    cadence: str = "biweekly",
    weekday: str = "1",
    checkin: str | None = "10:00",
    quiet_start: str | None = "09:00",
    quiet_end: str | None = "18:00",
    flags: tuple[str, ...] = ("avoid_reporting_line", "prefer_other_departments"),
    min_gap: str = "5",
    capacity: str = "1",
    repeat: str = "2",
    channel: str | None = "C0ANNOUNCE",
    topics: tuple[str, ...] | None = None,
    extra: str | None = None,
    clear_channel: bool = False,
) -> dict[str, Any]:
    """``topics``: the catalogue keys kept (all by default); ``extra``: the added-topics text."""

    def opt(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    fields: dict[str, dict[str, Any]] = {
        ids.NAME: {"type": "plain_text_input", "value": name},
        ids.OBJECTIVES: {"type": "plain_text_input", "value": objectives},
        ids.START: {"type": "datepicker", "selected_date": start},
        ids.END: {"type": "datepicker", "selected_date": end},
        ids.CADENCE: {"type": "static_select", "selected_option": opt(cadence)},
        ids.WEEKDAY: {"type": "static_select", "selected_option": opt(weekday)},
        ids.TIME: {"type": "timepicker", "selected_time": checkin},
        ids.QUIET_START: {"type": "timepicker", "selected_time": quiet_start},
        ids.QUIET_END: {"type": "timepicker", "selected_time": quiet_end},
        ids.RULE_FLAGS: {"type": "checkboxes", "selected_options": [opt(f) for f in flags]},
        ids.MIN_GAP: {"type": "number_input", "value": min_gap},
        ids.CAPACITY: {"type": "number_input", "value": capacity},
        ids.REPEAT: {"type": "number_input", "value": repeat},
        ids.CHANNEL: {"type": "conversations_select", "selected_conversation": channel},
        ids.TOPICS_OFFERED: {
            "type": "multi_static_select",
            "selected_options": [opt(t.key) for t in CATALOGUE if topics is None or t.key in topics],
        },
        ids.EXTRA_TOPICS: {"type": "plain_text_input", "value": extra},
    }
    if clear_channel:
        fields[ids.CLEAR_CHANNEL] = {"type": "checkboxes", "selected_options": [opt("clear")]}
    return {block_id: {block_id: state} for block_id, state in fields.items()}


async def first_program_id(deps: Deps, team_id: str) -> int:
    """The workspace's first open program: the default one, created on first use as ``/mentor`` would."""
    from bot import participants

    enrolments = await participants.programs_for(deps, team_id=team_id, user_id="USEED")
    assert enrolments and enrolments[0].program.id is not None
    return enrolments[0].program.id


async def open_enrolment(deps: Deps, team_id: str, user_id: str) -> Any:
    """The person's enrolment in the program a form would be for (None when no program is open)."""
    from bot import participants

    return participants.form_target(await participants.programs_for(deps, team_id=team_id, user_id=user_id))


async def programs(db: Database, team_id: str) -> dict[str, Program]:
    """The workspace's programs by name."""
    async with db.read() as session:
        return {p.name: p for p in (await session.exec(select(Program).where(Program.team_id == team_id))).all()}
