"""``python -m bot import PATH.csv``: parsing and validation of each row, then the command end to end against the
fake Web API and a real SQLite file (re-import updates, bad rows reported with line numbers, time zones stored)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.importer import read_rows
from bot.runtime.errors import ConfigError
from bot.runtime.settings import normalize_database_url
from prompts.topics import CATALOGUE, program_topics
from storage import avoid as avoid_repo
from storage.db import Database
from storage.models import Participant
from tests.support.cli import bot_env, run_bot
from tests.support.fake_slack import FakeSlack
from tests.support.importer import HEADER

GOOD = (
    "U001,mentor,Marketing,2,AI tools at work; figma,,U900\n"
    "U002,mentee,Finance,24,,ai_tools;LEADERSHIP,\n"
    "U003,either,IT,9,Data literacy,Business strategy,\n"
)


def test_good_rows_match_the_catalogue_ignoring_case_and_keep_own_words() -> None:
    rows, errors = read_rows(HEADER + GOOD, CATALOGUE)
    assert errors == []
    first, second, third = rows
    assert (first.line, first.user_id, first.profile.role, first.profile.years_experience) == (2, "U001", "mentor", 2)
    assert first.profile.shares == ["ai_tools", "figma"] and first.profile.manager_id == "U900"
    assert second.profile.learns == ["ai_tools", "leadership"] and second.profile.manager_id is None
    assert third.profile.shares == ["data_literacy"] and third.profile.learns == ["business_strategy"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("bob,mentor,IT,2,ai_tools,,", "is not a Slack user ID"),
        ("U010,boss,IT,2,ai_tools,,", "role must be mentor, mentee or either"),
        ("U010,mentor,,2,ai_tools,,", "department is required"),
        ("U010,mentor,IT,two,ai_tools,,", "years_experience must be a whole number"),
        ("U010,mentor,IT,61,ai_tools,,", "years_experience must be a whole number"),
        ("U010,mentor,IT,2,,,", "a reverse mentor needs at least one skill"),
        ("U010,mentee,IT,20,,,", "a mentee needs at least one topic"),
        ("U010,either,IT,20,,,", "needs a skill to share or a topic to learn"),
        ("U010,mentor,IT,2," + "x" * 51 + ",,", "longer than 50 characters"),
        ("U010,mentor,IT,2," + ";".join(f"t{i}" for i in range(13)) + ",,", "at most 12 topics"),
        ("U010,mentor,IT,2,ai_tools,,U010", "can't be their own manager"),
        ("U010,mentor,IT,2,ai_tools,,boss", "manager_slack_user_id"),
        ("U001,mentee,IT,20,,ai_tools,", "U001 is already on line 2"),
    ],
)
def test_bad_rows_are_reported_with_their_line_and_skipped(row: str, message: str) -> None:
    rows, errors = read_rows(HEADER + GOOD + "\n" + row + "\n", CATALOGUE)
    assert len(rows) == 3, "the good rows are kept"
    [error] = errors
    assert error.line == 6 and message in error.message  # line 5 is blank


def test_a_header_without_a_column_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="lacks years_experience"):
        read_rows("slack_user_id,role,department\nU1,mentor,IT\n", CATALOGUE)


def test_topics_are_matched_against_the_programs_own_catalogue() -> None:
    catalogue = program_topics({"off": ["ai_tools"], "extra": [{"label": "Our CRM"}]})
    [row], _ = read_rows(HEADER + "U001,mentor,IT,2,our crm; AI tools at work,,\n", catalogue)
    assert row.profile.shares == ["Our CRM", "AI tools at work"], "a trimmed topic stays, in the person's words"


def participants(db_file: Path, team: str) -> list[Participant]:
    async def read() -> list[Participant]:
        db = Database(normalize_database_url(f"sqlite:///{db_file}"))
        try:
            async with db.read() as session:
                return list((await session.exec(select(Participant).where(Participant.team_id == team))).all())
        finally:
            await db.dispose()

    return asyncio.run(read())


@pytest.mark.slow  # python -m bot as a process
def test_the_command_imports_updates_and_reports(tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(HEADER + GOOD + "U404,mentee,Sales,20,,ai_tools,\nU005,boss,IT,2,,,\n", encoding="utf-8")
    with FakeSlack(team_id="TIMP") as fake:
        fake.add_user("U001", tz="Europe/Paris", tz_offset=3600)
        fake.add_user("U002", tz="America/New_York", tz_offset=-18000)
        fake.add_user("U003", tz="Asia/Tokyo", tz_offset=32400)
        env = bot_env(fake, tmp_path)
        first = run_bot(["import", str(sheet)], env, tmp_path)
        assert first.returncode == 1, first.stderr
        assert "Imported 3 people into Reverse mentoring: 3 new, 0 updated." in first.stdout
        assert "line 5: Slack has no user U404 in this workspace" in first.stdout
        assert "line 6: role must be mentor, mentee or either" in first.stdout
        people = {p.user_id: p for p in participants(tmp_path / "bot.db", "TIMP")}
        assert set(people) == {"U001", "U002", "U003"}
        assert (people["U002"].timezone, people["U002"].tz_offset) == ("America/New_York", -18000)
        assert people["U001"].shares == ["ai_tools", "figma"] and people["U001"].manager_id == "U900"

        sheet.write_text(HEADER + GOOD.replace("Marketing", "Design"), encoding="utf-8")
        again = run_bot(["import", str(sheet), "--program", "reverse MENTORING"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "3 people into Reverse mentoring: 0 new, 3 updated." in again.stdout
        people = {p.user_id: p for p in participants(tmp_path / "bot.db", "TIMP")}
        assert len(people) == 3 and people["U001"].department == "Design"

        unknown = run_bot(["import", str(sheet), "--program", "Nope"], env, tmp_path)
        assert unknown.returncode == 2 and "No program named “Nope”" in unknown.stderr
        missing = run_bot(["import", str(tmp_path / "absent.csv")], env, tmp_path)
        assert missing.returncode == 2 and "Could not read" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.slow  # python -m bot as a process
def test_match_dry_run_prints_the_proposal_and_sends_nothing(tmp_path: Path) -> None:
    import json

    sheet = tmp_path / "people.csv"
    sheet.write_text(
        HEADER
        + "U001,mentor,Marketing,2,AI tools at work; Figma,,\n"
        + "U002,mentee,Finance,24,,ai_tools,\n"
        + "U003,mentee,Finance,30,,leadership,U001\n",  # U001 is U003's manager: never paired
        encoding="utf-8",
    )
    with FakeSlack(team_id="TMATCH") as fake:
        for user in ("U001", "U002", "U003"):
            fake.add_user(user)
        env = bot_env(fake, tmp_path)
        assert run_bot(["import", str(sheet)], env, tmp_path).returncode == 0
        fake.reset()
        text = run_bot(["match", "--dry-run"], env, tmp_path)
        assert text.returncode == 0, text.stderr
        assert "Reverse mentoring: 1 pair(s)" in text.stdout and "Nothing was sent" in text.stdout
        assert (
            "@U001 → @U002" in text.stdout and "can share AI tools at work, which @U002 wants to learn" in text.stdout
        )
        assert "@U003 (mentee, no_fit)" in text.stdout
        as_json = run_bot(["match", "--dry-run", "--json"], env, tmp_path)
        data = json.loads(as_json.stdout)
        assert [(p["mentor"], p["mentee"]) for p in data["pairs"]] == [("U001", "U002")]
        assert data["unmatched"] == [
            {"user": "U003", "side": "mentee", "reason": "no_fit", "message": data["unmatched"][0]["message"]}
        ]
        assert set(fake.methods()) <= {"auth.test"}, "a dry run sends nothing to anyone"

        async def avoid() -> None:  # U002 asked (with /mentor avoid) not to be paired with U001
            db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
            try:
                async with db.session() as session:
                    await avoid_repo.add_avoid(session, team_id="TMATCH", user_id="U002", avoided_id="U001")
            finally:
                await db.dispose()

        asyncio.run(avoid())
        avoided = json.loads(run_bot(["match", "--dry-run", "--json"], env, tmp_path).stdout)
        assert avoided["pairs"] == [] and {u["user"] for u in avoided["unmatched"]} == {"U001", "U002", "U003"}
        assert run_bot(["match"], env, tmp_path).returncode == 2, "--dry-run or --publish is required"


def test_line_numbers_byte_order_marks_case_and_quoted_cells() -> None:
    text = "\ufeff" + HEADER.upper() + 'u001,mentor,"Research,\nand Development",2,ai_tools,,\nU002,boss,IT,2,,,\n'
    rows, errors = read_rows(text, CATALOGUE)
    assert [(r.line, r.user_id, r.profile.department) for r in rows] == [(2, "U001", "Research,\nand Development")]
    assert [(e.line, e.message[:4]) for e in errors] == [(4, "role")], "the row after a two-line cell is line 4"


def test_files_that_are_not_comma_separated_csv_get_one_clear_line() -> None:
    with pytest.raises(ConfigError, match="separated by “;”"):
        read_rows(HEADER.replace(",", ";") + "U1;mentor;IT;2;ai_tools;;\n", CATALOGUE)
    with pytest.raises(ConfigError, match="can't be read at line 3"):
        read_rows(HEADER + 'U1,mentor,"IT"x,2,ai_tools,,\n' + "U2,\r,IT\n", CATALOGUE)


@pytest.mark.slow  # python -m bot as a process
def test_re_import_keeps_what_people_typed_and_does_not_re_enrol_who_left(tmp_path: Path) -> None:
    from sqlmodel import update

    sheet = tmp_path / "people.csv"
    sheet.write_text(HEADER + GOOD, encoding="utf-8")
    with FakeSlack(team_id="TKEEP") as fake:
        for user in ("U001", "U002", "U003"):
            fake.add_user(user)
        env = bot_env(fake, tmp_path)
        assert run_bot(["import", str(sheet)], env, tmp_path).returncode == 0

        async def edit() -> None:
            db = Database(normalize_database_url(f"sqlite:///{tmp_path / 'bot.db'}"))
            try:
                async with db.session() as session:
                    person = Participant.user_id
                    await session.exec(
                        update(Participant).where(person == "U001").values(goals="Mine", meeting_format="video")  # type: ignore[arg-type]
                    )
                    await session.exec(update(Participant).where(person == "U002").values(state="left"))  # type: ignore[arg-type]
            finally:
                await db.dispose()

        asyncio.run(edit())
        again = run_bot(["import", str(sheet)], env, tmp_path)
        assert again.returncode == 1
        assert "line 3: U002 left this program: not enrolled again" in again.stdout
        people = {p.user_id: p for p in participants(tmp_path / "bot.db", "TKEEP")}
        assert (people["U001"].goals, people["U001"].meeting_format) == ("Mine", "video")
        assert people["U002"].state == "left"

        fake.fail("users.info", error="missing_scope")
        refused = run_bot(["import", str(sheet)], env, tmp_path)
        assert refused.returncode == 2 and "users:read" in refused.stderr and "Traceback" not in refused.stderr
