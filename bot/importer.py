"""``python -m bot import PATH.csv [--program NAME]``: enrol people from an HR spreadsheet.

The file has a header row with the columns in :data:`COLUMNS` (any order, extra columns ignored). ``role`` is
``mentor``, ``mentee`` or ``either``; ``years_experience`` a whole number from 0 to 60; ``skills_to_share`` and
``topics_to_learn`` are lists separated by ``;`` whose names are matched to the program's topics by label or key,
ignoring case (anything else is kept as the person's own words, which still counts for matching);
``manager_slack_user_id`` may be empty. The same rules as the sign-up form apply (a reverse mentor shares at least
one skill, a mentee wants at least one topic, ...). Bad rows are reported with their line numbers and skipped;
good rows are saved. Importing again updates people rather than adding them twice, and changes only what the
sheet holds (goals and meeting format stay as people set them); someone who left the program is not enrolled
again by a spreadsheet (they rejoin with ``/mentor join``), nor is someone who erased their data (they can join
again themselves). Time zones come from Slack (``users.info``), one
person at a time within Slack's rate limits, so a large file takes minutes: a progress line is printed every
:data:`PROGRESS_EVERY` rows. A token Slack refuses stops the import with one line (exit 2).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.optin import Profile
from bot.programs import target_program
from bot.runtime.context import Deps
from bot.runtime.errors import ConfigError
from bot.slack.client import SLACK_FAILURES, slack_error
from prompts.optin import CUSTOM_TOPIC_MAX, DEPARTMENT_MAX, MAX_TOPICS, YEARS_MAX
from prompts.topics import Topic, program_topics
from storage import erasures as erasures_repo
from storage import participants as participants_repo
from storage.models import ParticipantState

COLUMNS = (
    "slack_user_id",
    "role",
    "department",
    "years_experience",
    "skills_to_share",
    "topics_to_learn",
    "manager_slack_user_id",
)
PROGRESS_EVERY = 100
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
IMPORTED_GOALS = ""  # the spreadsheet has no goals: people add theirs with /mentor edit
# What a re-import changes; what people typed themselves (goals, meeting format) stays as they left it.
ERASED_ROW = "{user_id} asked to have their data erased: not enrolled (they can join again themselves with /mentor)"
FROM_THE_SHEET = ("role", "department", "years_experience", "shares", "learns", "manager_id")


@dataclass(frozen=True)
class Row:
    line: int
    user_id: str
    profile: Profile


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    program_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def _topics(cell: str, catalogue: tuple[Topic, ...]) -> tuple[list[str], str | None]:
    """Topic keys (own words kept as typed) from ``a; b; c``, or an error message."""
    known = {t.key.casefold(): t.key for t in catalogue} | {t.label.casefold(): t.key for t in catalogue}
    topics: list[str] = []
    for name in (part.strip() for part in cell.split(";")):
        if not name:
            continue
        if len(name) > CUSTOM_TOPIC_MAX:
            return [], f"“{name[:20]}…” is longer than {CUSTOM_TOPIC_MAX} characters"
        key = known.get(name.casefold(), name)
        if key.casefold() not in {t.casefold() for t in topics}:
            topics.append(key)
    if len(topics) > MAX_TOPICS:
        return [], f"at most {MAX_TOPICS} topics per list"
    return topics, None


def _row(line: int, raw: dict[str, str | None], catalogue: tuple[Topic, ...]) -> Row | RowError:
    def cell(name: str) -> str:
        return (raw.get(name) or "").strip()

    user_id, role, department = cell("slack_user_id").upper(), cell("role").casefold(), cell("department")
    if not SLACK_USER_ID.match(user_id):
        return RowError(line, f"slack_user_id “{user_id[:30]}” is not a Slack user ID (like U012AB3CD)")
    if role not in ("mentor", "mentee", "either"):
        return RowError(line, f"role must be mentor, mentee or either (got “{role[:20]}”)")
    if not department or len(department) > DEPARTMENT_MAX:
        return RowError(line, f"department is required, at most {DEPARTMENT_MAX} characters")
    years_text = cell("years_experience")
    if not (years_text.isascii() and years_text.isdigit() and int(years_text) <= YEARS_MAX):
        return RowError(
            line, f"years_experience must be a whole number from 0 to {YEARS_MAX} (got “{years_text[:10]}”)"
        )
    shares, problem = _topics(cell("skills_to_share"), catalogue)
    if problem:
        return RowError(line, f"skills_to_share: {problem}")
    learns, problem = _topics(cell("topics_to_learn"), catalogue)
    if problem:
        return RowError(line, f"topics_to_learn: {problem}")
    if role == "mentor" and not shares:
        return RowError(line, "a reverse mentor needs at least one skill to share")
    if role == "mentee" and not learns:
        return RowError(line, "a mentee needs at least one topic to learn")
    if role == "either" and not (shares or learns):
        return RowError(line, "someone open to either needs a skill to share or a topic to learn")
    manager = cell("manager_slack_user_id").upper() or None
    if manager is not None and not SLACK_USER_ID.match(manager):
        return RowError(line, f"manager_slack_user_id “{manager[:30]}” is not a Slack user ID")
    if manager == user_id:
        return RowError(line, "a person can't be their own manager")
    profile = Profile(role, department, int(years_text), shares, learns, IMPORTED_GOALS, "either", manager)
    return Row(line, user_id, profile)


def read_rows(text: str, catalogue: tuple[Topic, ...]) -> tuple[list[Row], list[RowError]]:
    """Valid rows and the errors of the others; ConfigError when the file can't be read as this kind of CSV."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # Excel's byte-order mark, if any
    try:
        header = [h.strip().casefold() for h in next(reader, [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            hint = (
                " (it looks separated by “;”: save it as comma-separated CSV)"
                if len(header) == 1 and ";" in header[0]
                else ""
            )
            raise ConfigError(
                f"The CSV file's header row lacks {', '.join(missing)}{hint}: the columns are {', '.join(COLUMNS)}."
            )
        rows: list[Row] = []
        errors: list[RowError] = []
        first_line: dict[str, int] = {}
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num  # a quoted cell may span lines: report where the row starts
            if not any(c.strip() for c in cells):
                continue  # a blank line
            parsed = _row(start, dict(zip(header, cells, strict=False)), catalogue)
            if isinstance(parsed, RowError):
                errors.append(parsed)
            elif parsed.user_id in first_line:
                errors.append(RowError(start, f"{parsed.user_id} is already on line {first_line[parsed.user_id]}"))
            else:
                first_line[parsed.user_id] = start
                rows.append(parsed)
    except csv.Error as exc:
        raise ConfigError(
            f"The CSV file can't be read at line {reader.line_num} ({exc}): save it as UTF-8 CSV."
        ) from None
    return rows, errors


async def _slack_user(client: AsyncWebClient, user_id: str) -> tuple[dict[str, Any], str | None]:
    """The person's Slack user object, or why the row can't be imported; ConfigError when the token itself is
    refused (every row would fail the same way)."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        code = slack_error(exc)
        if code in ("user_not_found", "users_not_found"):
            return {}, f"Slack has no user {user_id} in this workspace"
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "missing_scope"):
            raise ConfigError(
                f"Slack refused users.info ({code}): check SLACK_BOT_TOKEN and its users:read scope."
            ) from None
        return {}, f"Slack couldn't say who {user_id} is ({code}): import the file again to retry"
    except SLACK_FAILURES as exc:
        return {}, f"Slack couldn't be reached about {user_id} ({slack_error(exc)}): import the file again to retry"
    user = response.get("user") or {}
    if user.get("deleted"):
        return {}, f"{user_id} is deactivated in Slack"
    if user.get("is_bot"):
        return {}, f"{user_id} is a bot"
    return user, None


async def import_people(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    text: str,
    program_name: str | None = None,
    say: Callable[[str], None] = print,
) -> ImportReport:
    program = await target_program(deps, team_id=team_id, name=program_name)
    assert program.id is not None
    rows, errors = read_rows(text, program_topics(program.topics))
    report = ImportReport(program.name, rows=len(rows) + len(errors), errors=errors)
    async with deps.db.read() as session:
        erased = await erasures_repo.erased_among(session, team_id=team_id, user_ids=[row.user_id for row in rows])
    say(f"Importing {len(rows):,} people into {program.name}…")
    for done, row in enumerate(rows, start=1):
        if row.user_id in erased:
            report.errors.append(RowError(row.line, ERASED_ROW.format(user_id=row.user_id)))
            continue
        user, problem = await _slack_user(client, row.user_id)
        if problem is not None:
            report.errors.append(RowError(row.line, problem))
            continue
        async with deps.db.session() as session:
            before = await participants_repo.get_participant(
                session, team_id=team_id, program_id=program.id, user_id=row.user_id
            )
            if before is not None and before.state == ParticipantState.LEFT:
                report.errors.append(
                    RowError(row.line, f"{row.user_id} left this program: not enrolled again (they can /mentor join)")
                )
                continue
            saved = await participants_repo.upsert_profile(
                session,
                team_id=team_id,
                program_id=program.id,
                user_id=row.user_id,
                answers=row.profile.answers(),
                update=FROM_THE_SHEET,
            )
            assert saved.id is not None
            await participants_repo.set_timezone(
                session,
                team_id=team_id,
                participant_id=saved.id,
                timezone=user.get("tz"),
                tz_offset=user.get("tz_offset"),
            )
        if before is None:
            report.created += 1
        else:
            report.updated += 1
        if done % PROGRESS_EVERY == 0 and done < len(rows):
            say(f"… {done:,} of {len(rows):,}")
    report.errors.sort(key=lambda e: e.line)
    return report
