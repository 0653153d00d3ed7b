"""``python -m bot import PATH.csv [--program NAME]``: enrol people from an HR spreadsheet.

The file has a header row with the columns in :data:`COLUMNS` (any order, extra columns ignored). ``role`` is
``mentor``, ``mentee`` or ``either``; ``years_experience`` a whole number from 0 to 60; ``skills_to_share`` and
``topics_to_learn`` are lists separated by ``;`` whose names are matched to the program's topics by label or key,
ignoring case (anything else is kept as the person's own words, which still counts for matching);
``manager_slack_user_id`` may be empty. The same rules as the sign-up form apply (a reverse mentor shares at least
one skill, a mentee wants at least one topic, ...). Bad rows are reported with their line numbers and skipped;
good rows are saved. Importing again updates people rather than adding them twice. Time zones come from Slack
(``users.info``), one person at a time within Slack's rate limits, so a large file takes minutes: a progress line
is printed every :data:`PROGRESS_EVERY` rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.errors import ConfigError
from bot.profile import Profile
from bot.programs import target_program
from bot.slack import user_info
from prompts.catalogue import Topic, program_topics
from prompts.optin import CUSTOM_TOPIC_MAX, DEPARTMENT_MAX, MAX_TOPICS, YEARS_MAX
from storage import repositories as repo

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

    user_id, role, department = cell("slack_user_id"), cell("role").casefold(), cell("department")
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
    manager = cell("manager_slack_user_id") or None
    if manager is not None and not SLACK_USER_ID.match(manager):
        return RowError(line, f"manager_slack_user_id “{manager[:30]}” is not a Slack user ID")
    if manager == user_id:
        return RowError(line, "a person can't be their own manager")
    profile = Profile(role, department, int(years_text), shares, learns, IMPORTED_GOALS, "either", manager)
    return Row(line, user_id, profile)


def read_rows(text: str, catalogue: tuple[Topic, ...]) -> tuple[list[Row], list[RowError]]:
    """Valid rows and the errors of the others; ConfigError when the header lacks a column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel's byte-order mark, if any
    missing = [c for c in COLUMNS if c not in {(h or "").strip() for h in reader.fieldnames or []}]
    if missing:
        raise ConfigError(
            f"The CSV file's header row lacks {', '.join(missing)}: the columns are {', '.join(COLUMNS)}."
        )
    rows: list[Row] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        clean = {(k or "").strip(): v for k, v in raw.items()}
        if not any((v or "").strip() for v in clean.values() if isinstance(v, str)):
            continue  # a blank line
        parsed = _row(line, clean, catalogue)
        if isinstance(parsed, RowError):
            errors.append(parsed)
        elif parsed.user_id in first_line:
            errors.append(RowError(line, f"{parsed.user_id} is already on line {first_line[parsed.user_id]}"))
        else:
            first_line[parsed.user_id] = line
            rows.append(parsed)
    return rows, errors


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
    say(f"Importing {len(rows):,} people into {program.name}…")
    for done, row in enumerate(rows, start=1):
        user = await user_info(client, team_id=team_id, user_id=row.user_id)
        if user is None or user.get("deleted"):
            report.errors.append(RowError(row.line, f"Slack has no active user {row.user_id} in this workspace"))
            continue
        async with deps.db.session() as session:
            before = await repo.get_participant(session, team_id=team_id, program_id=program.id, user_id=row.user_id)
            saved = await repo.upsert_profile(
                session, team_id=team_id, program_id=program.id, user_id=row.user_id, answers=row.profile.answers()
            )
            assert saved.id is not None
            await repo.set_timezone(
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
