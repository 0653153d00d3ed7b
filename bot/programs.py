"""Program settings: validation of the admin's modal and saving with an audit trail; moving a program along its
life cycle, announcing it, and the audit log, with what follows each for admins and the program's people."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import participants
from bot.runtime.context import Deps
from bot.runtime.errors import ConfigError
from bot.slack.client import slack_error
from prompts import programs as ids
from prompts.blocks import Reply
from prompts.optin import CUSTOM_TOPIC_MAX
from prompts.participants import DEFAULT_OBJECTIVES
from prompts.programs import (
    CADENCES,
    ERRORS,
    FLAGS,
    NUMBER_LIMITS,
    WEEKDAYS,
    announce_closed_reply,
    announce_result_reply,
    announcement,
    program_gone_reply,
)
from prompts.topics import CATALOGUE, EXTRA_QUESTION_MAX, MAX_EXTRA_TOPICS, TOPICS_BY_KEY
from storage import audit as audit_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.db import ConstraintError
from storage.models import JOINABLE_STATES, NEXT_STATES, Program, ProgramState, default_rules

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
    "topics",
)


# What a running program's check-ins are numbered from (bot.checkins.checkin_dates; outbox keys, meeting log):
# changing one part-way would renumber them, so it is refused with an inline error while the program runs.
RHYTHM_FIELDS = {ids.START, ids.CADENCE, ids.WEEKDAY}


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


def settings_from_state(
    values: dict[str, Any], *, earliest_start: date | None = None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The modal's answers as program fields, or inline errors keyed by block id. ``earliest_start``: for a new
    program, the first start date allowed (an existing one may well have started already)."""
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
    if start and earliest_start and start < earliest_start:
        errors[ids.START] = ERRORS["start_past"]
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
    if any(o.get("value") == "clear" for o in _el(values, ids.CLEAR_CHANNEL).get("selected_options") or []):
        channel = None
    topics = _topics(values, errors)
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
        "topics": topics,
    }, {}


def _topics(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The program's catalogue setting from the two topic fields: default topics trimmed, and added ones."""
    kept = {o.get("value") for o in _el(values, ids.TOPICS_OFFERED).get("selected_options") or []}
    if not kept <= TOPICS_BY_KEY.keys():
        errors[ids.TOPICS_OFFERED] = ERRORS["choice"]
    off = [t.key for t in CATALOGUE if t.key not in kept]
    # An added topic may not repeat a kept topic's label, nor any catalogue key (its key is its label).
    known = {t.label.casefold() for t in CATALOGUE if t.key in kept} | {key.casefold() for key in TOPICS_BY_KEY}
    extra: list[dict[str, str]] = []
    text = _el(values, ids.EXTRA_TOPICS).get("value") or ""
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        label, _, question = (part.strip() for part in line.partition(":"))
        if not label or len(label) > CUSTOM_TOPIC_MAX or len(question) > EXTRA_QUESTION_MAX:
            errors[ids.EXTRA_TOPICS] = ERRORS["extra_format"].format(line=number)
            break
        if label.casefold() in known:
            errors[ids.EXTRA_TOPICS] = ERRORS["extra_duplicate"].format(line=number, label=label[:50])
            break
        known.add(label.casefold())
        extra.append({"label": label, "question": question})
    if len(extra) > MAX_EXTRA_TOPICS:
        errors[ids.EXTRA_TOPICS] = ERRORS["extra_too_many"]
    if len(kept) + len(extra) < ids.MIN_TOPICS and ids.TOPICS_OFFERED not in errors:
        errors[ids.TOPICS_OFFERED] = ERRORS["too_few_topics"]
    return {"off": off, "extra": extra} if off or extra else {}


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def settings_version(fields: dict[str, Any]) -> str:
    """A short fingerprint of a program's editable settings, carried by the settings form: a save from a form
    opened before another admin's change is refused, instead of silently undoing that change."""
    data = json.dumps(_jsonable({key: fields.get(key) for key in EDITABLE}), sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


async def save_settings(
    deps: Deps,
    *,
    team_id: str,
    program_id: int | None,
    actor_id: str,
    fields: dict[str, Any],
    version: str | None = None,
) -> tuple[int | None, dict[str, str]]:
    """Apply validated settings (``program_id`` None: create a draft program) and record the change in the audit
    log. Returns the program's id when something changed, and errors keyed by block id: name taken, a form that
    is out of date (another admin saved since ``version``), or an ended program (read-only)."""
    try:
        if program_id is None:
            program_id, errors = await _create(deps, team_id=team_id, actor_id=actor_id, fields=fields)
        else:
            changed, errors = await _update(
                deps, team_id=team_id, program_id=program_id, actor_id=actor_id, fields=fields, version=version
            )
            program_id = program_id if changed else None
    except ConstraintError:  # another admin saved the same name a moment ago
        return None, {ids.NAME: ERRORS["name_taken"]}
    if errors or program_id is None:
        return None, errors
    deps.state.programs.forget(team_id)  # once committed, so no reader caches the old settings again
    return program_id, {}


async def _create(
    deps: Deps, *, team_id: str, actor_id: str, fields: dict[str, Any]
) -> tuple[int | None, dict[str, str]]:
    async with deps.db.session() as session:
        if await programs_repo.program_named(session, team_id=team_id, name=fields["name"]):
            return None, {ids.NAME: ERRORS["name_taken"]}
        program = await programs_repo.create_program(session, team_id=team_id, fields=fields)
        assert program.id is not None
        await _audit(session, team_id, actor_id, "program.create", program.id, {}, _jsonable(fields))
        return program.id, {}


async def _update(
    deps: Deps, *, team_id: str, program_id: int, actor_id: str, fields: dict[str, Any], version: str | None
) -> tuple[bool, dict[str, str]]:
    """Whether anything changed, and errors keyed by block id."""
    async with deps.db.session() as session:
        found = await programs_repo.get_program(session, team_id=team_id, program_id=program_id, for_update=True)
        if found is None:  # another workspace's program, or one that no longer exists
            return False, {ids.NAME: ERRORS["stale"]}
        if found.state == ProgramState.ENDED:
            return False, {ids.NAME: ERRORS["ended"]}
        if version is not None and settings_version(program_fields(found)) != version:
            return False, {ids.NAME: ERRORS["changed_meanwhile"]}
        if fields["name"] != found.name and await programs_repo.program_named(
            session, team_id=team_id, name=fields["name"]
        ):
            return False, {ids.NAME: ERRORS["name_taken"]}
        before = {k: v for k, v in program_fields(found).items() if k in fields}
        changed = {k: v for k, v in fields.items() if before.get(k) != v}
        if found.state == ProgramState.RUNNING and (locked := RHYTHM_FIELDS & changed.keys()):
            return False, dict.fromkeys(sorted(locked), ERRORS["rhythm_locked"])
        if not changed:
            return False, {}
        for key, value in changed.items():
            setattr(found, key, value)
        session.add(found)
        before_changed = _jsonable({k: before[k] for k in changed})
        await _audit(session, team_id, actor_id, "program.settings", program_id, before_changed, _jsonable(changed))
    return True, {}


async def _audit(
    session: AsyncSession,
    team_id: str,
    actor_id: str,
    action: str,
    program_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    await audit_repo.record_audit(
        session,
        team_id=team_id,
        actor_id=actor_id,
        action=action,
        target=f"program:{program_id}",
        before=before,
        after=after,
    )


def default_fields(today: date) -> dict[str, Any]:
    """What the *New program* form starts from: the defaults the README lists, starting next Monday."""
    start = today + timedelta(days=7 - today.weekday())
    return {
        "id": None,
        "state": ProgramState.DRAFT,
        "name": "",
        "objectives": DEFAULT_OBJECTIVES,
        "start_date": start,
        "end_date": start + timedelta(weeks=programs_repo.DEFAULT_PROGRAM_WEEKS),
        "cadence": "biweekly",
        "checkin_weekday": 1,
        "checkin_time": "10:00",
        "quiet_start": "09:00",
        "quiet_end": "18:00",
        "rules": default_rules(),
        "channel_id": None,
        "topics": {},
    }


class ProgramMove(StrEnum):
    """What a program's move (:func:`move`) came to."""

    MOVED = "moved"
    DISCARDED = "discarded"  # a draft ended: deleted, as nobody could have joined it; its name is free again
    UNCHANGED = "unchanged"  # someone else moved it first, or the button was stale
    NOT_ALLOWED = "not_allowed"  # no such move, or not this workspace's program


async def move(
    deps: Deps, *, team_id: str, actor_id: str, program_id: int, from_state: str, to_state: str
) -> ProgramMove:
    """Move a program along draft → open → running → ended."""
    if to_state not in NEXT_STATES.get(from_state, ()):  # StrEnum keys: a plain (or forged) string looks up fine
        return ProgramMove.NOT_ALLOWED
    async with deps.db.session() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id, for_update=True)
        if program is None:
            return ProgramMove.NOT_ALLOWED
        if from_state == ProgramState.DRAFT and to_state == ProgramState.ENDED:
            if not await programs_repo.discard_draft(session, team_id=team_id, program_id=program_id):
                return ProgramMove.UNCHANGED
            await _audit(session, team_id, actor_id, "program.discard", program_id, {"name": program.name}, {})
            outcome = ProgramMove.DISCARDED
        elif await programs_repo.move_program(
            session, team_id=team_id, program_id=program_id, from_state=from_state, to_state=to_state
        ):
            await _audit(
                session, team_id, actor_id, "program.state", program_id, {"state": from_state}, {"state": to_state}
            )
            if to_state == ProgramState.ENDED:  # its pairs end with it (and its open previews go)
                await rounds_repo.end_pairs(session, team_id=team_id, program_id=program_id, reason="program_ended")
                await rounds_repo.discard_previews(session, team_id=team_id, program_id=program_id)
            outcome = ProgramMove.MOVED
        else:
            return ProgramMove.UNCHANGED
    deps.state.programs.forget(team_id)  # once committed, so no reader caches the old state again
    return outcome


async def settings_of(deps: Deps, *, team_id: str, program_id: int | None) -> dict[str, Any] | None:
    """*Edit settings*: the settings of one of the workspace's programs, as the form shows them (None: no such
    program, or a stale button)."""
    if not program_id:
        return None
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    return program_fields(program) if program is not None else None


@dataclass(frozen=True)
class Moved:
    """What an admin's move of a program came to (see :func:`move`)."""

    program_id: int
    program_name: str
    to_state: str
    outcome: ProgramMove


async def move_program(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    actor_id: str,
    program_id: int,
    from_state: str,
    to_state: str,
) -> Moved | None:
    """An admin's *Open*, *Start* or *End* (confirmed in Slack first): the move (see :func:`move`), then the admin's
    Home tab republished. None when the workspace has no such program. :func:`after_move` follows once the admin
    has been told."""
    from bot.home import publish_home  # bot.home reads this module

    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    if program is None:
        return None
    outcome = await move(
        deps, team_id=team_id, actor_id=actor_id, program_id=program_id, from_state=from_state, to_state=to_state
    )
    await publish_home(client, deps, team_id=team_id, user_id=actor_id)
    return Moved(program_id, program.name, to_state, outcome)


async def after_move(deps: Deps, client: AsyncWebClient, moved: Moved, *, team_id: str, actor_id: str) -> None:
    """What follows a move: when a program ends, the pairs that completed it together are celebrated and its chart
    and summary go to whoever ended it; the Home tabs of everyone in it are republished (after the admin's)."""
    from bot import recognition, results  # these read bot.intros, which reads this module
    from bot.home import refresh_program_homes  # bot.home and the outbox read this module
    from bot.outbox.deliver import deliver

    if moved.outcome != ProgramMove.MOVED:
        return
    if moved.to_state == ProgramState.ENDED:
        keys = await recognition.completions(deps, team_id=team_id, program_id=moved.program_id)
        await deliver(deps, client, team_id=team_id, keys=keys)
        await results.send_files(
            deps, client, team_id=team_id, user_id=actor_id, program_id=moved.program_id, what="chart"
        )
    await refresh_program_homes(client, deps, team_id=team_id, program_id=moved.program_id, skip=actor_id)


async def announce(deps: Deps, client: AsyncWebClient, *, team_id: str, actor_id: str, program_id: int) -> Reply:
    """Post a program's invitation in its announcement channel; what to tell the admin."""
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    if program is None:
        return program_gone_reply()
    if program.state not in JOINABLE_STATES:
        return announce_closed_reply(program.name)
    if not program.channel_id:
        return announce_result_reply(channel_id=None, error=None)
    post = announcement(program_fields(program))
    try:
        await client.chat_postMessage(channel=program.channel_id, **post.as_kwargs())
    except SlackApiError as exc:
        return announce_result_reply(channel_id=program.channel_id, error=slack_error(exc))
    async with deps.db.session() as session:
        await _audit(session, team_id, actor_id, "program.announce", program_id, {}, {"channel_id": program.channel_id})
    return announce_result_reply(channel_id=program.channel_id, error=None)


async def announce_program(
    deps: Deps, client: AsyncWebClient, *, team_id: str, actor_id: str, program_id: int
) -> Reply:
    """*Announce*: :func:`announce`, then the admin's Home tab republished (its audit log); what to tell them."""
    from bot.home import publish_home  # bot.home reads this module

    reply = await announce(deps, client, team_id=team_id, actor_id=actor_id, program_id=program_id)
    await publish_home(client, deps, team_id=team_id, user_id=actor_id)
    return reply


async def audit_log(deps: Deps, *, team_id: str, limit: int) -> list[dict[str, Any]]:
    """The workspace's latest admin changes, newest first (the audit log modal)."""
    async with deps.db.read() as session:
        entries = await audit_repo.audit_entries(session, team_id=team_id, limit=limit)
    return [entry.model_dump() for entry in entries]


async def target_program(deps: Deps, *, team_id: str, name: str | None) -> Program:
    """The program named ``name`` (any state but ended; case ignored), or else the first one open for sign-ups
    (created on a workspace's first use)."""
    every = await participants.programs_or_default(deps, team_id=team_id)
    programs = [p for p in every if p.state != ProgramState.ENDED]
    if name is not None:
        found = next((p for p in programs if p.name.casefold() == name.strip().casefold()), None)
        if found is None:
            names = ", ".join(p.name for p in programs) or "none"
            raise ConfigError(
                f"No program named “{name}” that hasn't ended: the programs are {names} (--program NAME)."
            )
        return found
    open_ones = [p for p in programs if p.state in (ProgramState.OPEN, ProgramState.RUNNING)]
    if not open_ones:
        raise ConfigError("No program is open for sign-ups: name one with --program NAME.")
    return open_ones[0]
