"""Program settings: validation of the admin's modal and saving with an audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import IntegrityError

from bot import participation
from bot.deps import Deps
from bot.slack import slack_error
from prompts import program as ids
from prompts.blocks import Reply
from prompts.program import CADENCES, ERRORS, FLAGS, NUMBER_LIMITS, WEEKDAYS, announce_result_reply, announcement
from storage import repositories as repo
from storage.models import Program

MIN_MEETINGS = 2
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
MAX_PROGRAM_DAYS = 731
EDITABLE = (
    "name",
    "objectives",
    "start_date",
    "end_date",
    "cadence",
    "checkin_weekday",
    "checkin_time",
    "quiet_start",
    "quiet_end",
    "rules",
    "channel_id",
)


def program_fields(program: Program) -> dict[str, Any]:
    """What the settings modal and the admin Home section show."""
    return {"id": program.id, "state": program.state, **{key: getattr(program, key) for key in EDITABLE}}


def _el(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(block_id) or {}


def _date(values: dict[str, Any], block_id: str) -> date | None:
    try:
        return date.fromisoformat(_el(values, block_id).get("selected_date") or "")
    except ValueError:
        return None


def _number(values: dict[str, Any], block_id: str, errors: dict[str, str]) -> int:
    text = (_el(values, block_id).get("value") or "").strip()
    low, high = NUMBER_LIMITS[block_id]
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        errors[block_id] = ERRORS["number"].format(low=low, high=high)
        return low
    return int(text)


def settings_from_state(values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The modal's answers as program fields, or inline errors keyed by block id."""
    errors: dict[str, str] = {}
    name = (_el(values, ids.NAME).get("value") or "").strip()
    if not name:
        errors[ids.NAME] = ERRORS["name_missing"]
    elif len(name) > ids.NAME_MAX:
        errors[ids.NAME] = ERRORS["name_too_long"]
    objectives = (_el(values, ids.OBJECTIVES).get("value") or "").strip()
    if len(objectives) > ids.OBJECTIVES_MAX:
        errors[ids.OBJECTIVES] = ERRORS["objectives_too_long"]
    start, end = _date(values, ids.START), _date(values, ids.END)
    cadence = (_el(values, ids.CADENCE).get("selected_option") or {}).get("value", "")
    if cadence not in CADENCES:
        errors[ids.CADENCE] = ERRORS["choice"]
    for block_id, day in ((ids.START, start), (ids.END, end)):
        if day is None:
            errors[block_id] = ERRORS["date_missing"]
    if start and end:
        if end <= start:
            errors[ids.END] = ERRORS["end_before_start"]
        elif (end - start).days > MAX_PROGRAM_DAYS:
            errors[ids.END] = ERRORS["too_long"]
        elif cadence in CADENCES and (end - start).days < MIN_MEETINGS * CADENCE_DAYS[cadence]:
            errors[ids.END] = ERRORS["too_short"]
    weekday_text = (_el(values, ids.WEEKDAY).get("selected_option") or {}).get("value", "")
    if weekday_text not in {str(i) for i in range(len(WEEKDAYS))}:
        errors[ids.WEEKDAY] = ERRORS["choice"]
    times = {}
    for block_id in (ids.TIME, ids.QUIET_START, ids.QUIET_END):
        value = _el(values, block_id).get("selected_time") or ""
        if len(value) != 5 or value[2] != ":" or not (value[:2] + value[3:]).isdigit():
            errors[block_id] = ERRORS["time_missing"]
        times[block_id] = value
    if not {ids.QUIET_START, ids.QUIET_END, ids.TIME} & errors.keys():
        if times[ids.QUIET_END] <= times[ids.QUIET_START]:
            errors[ids.QUIET_END] = ERRORS["quiet_order"]
        elif not times[ids.QUIET_START] <= times[ids.TIME] < times[ids.QUIET_END]:
            errors[ids.TIME] = ERRORS["checkin_outside"]
    ticked = {o.get("value") for o in _el(values, ids.RULE_FLAGS).get("selected_options") or []}
    if not ticked <= FLAGS.keys():
        errors[ids.RULE_FLAGS] = ERRORS["choice"]
    rules: dict[str, Any] = {key: key in ticked for key in FLAGS}
    for block_id in (ids.MIN_GAP, ids.CAPACITY, ids.REPEAT):
        rules[block_id] = _number(values, block_id, errors)
    channel = _el(values, ids.CHANNEL).get("selected_conversation") or None
    if channel is not None and not (isinstance(channel, str) and channel[:1] in "CG" and channel.isalnum()):
        errors[ids.CHANNEL] = ERRORS["channel"]
    if errors:
        return None, errors
    return {
        "name": name,
        "objectives": objectives,
        "start_date": start,
        "end_date": end,
        "cadence": cadence,
        "checkin_weekday": int(weekday_text),
        "checkin_time": times[ids.TIME],
        "quiet_start": times[ids.QUIET_START],
        "quiet_end": times[ids.QUIET_END],
        "rules": rules,
        "channel_id": channel,
    }, {}


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


async def save_settings(
    deps: Deps, *, team_id: str, program_id: int, actor_id: str, fields: dict[str, Any]
) -> dict[str, str]:
    """Apply validated settings and record the change in the audit log; errors (name taken) keyed by block id."""
    try:
        async with deps.db.session() as session:
            program = await repo.get_program(session, team_id=team_id, program_id=program_id)
            if program is None:  # another workspace's program, or one that no longer exists
                return {ids.NAME: ERRORS["stale"]}
            renamed = fields["name"] != program.name
            if renamed and await repo.program_named(session, team_id=team_id, name=fields["name"]):
                return {ids.NAME: ERRORS["name_taken"]}
            before = {k: v for k, v in program_fields(program).items() if k in fields}
            changed = {k: v for k, v in fields.items() if before.get(k) != v}
            if not changed:
                return {}
            for key, value in changed.items():
                setattr(program, key, value)
            session.add(program)
            await repo.record_audit(
                session,
                team_id=team_id,
                actor_id=actor_id,
                action="program.settings",
                target=f"program:{program_id}",
                before=_jsonable({k: before[k] for k in changed}),
                after=_jsonable(changed),
            )
    except IntegrityError:  # another admin saved the same name a moment ago
        return {ids.NAME: ERRORS["name_taken"]}
    return {}


async def announce(deps: Deps, client: AsyncWebClient, *, team_id: str, actor_id: str) -> Reply:
    """Post the open program's invitation in its announcement channel; what to tell the admin."""
    enrolment = await participation.current(deps.db, team_id=team_id, user_id=actor_id)
    program = enrolment.program
    if not program.channel_id:
        return announce_result_reply(channel_id=None, error=None)
    post = announcement(program_fields(program))
    try:
        await client.chat_postMessage(channel=program.channel_id, **post.as_kwargs())
    except SlackApiError as exc:
        return announce_result_reply(channel_id=program.channel_id, error=slack_error(exc))
    async with deps.db.session() as session:
        await repo.record_audit(
            session,
            team_id=team_id,
            actor_id=actor_id,
            action="program.announce",
            target=f"program:{program.id}",
            before={},
            after={"channel_id": program.channel_id},
        )
    return announce_result_reply(channel_id=program.channel_id, error=None)
