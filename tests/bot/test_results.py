"""A program's results (bot.results) on a seeded program, both databases, against golden files: the figures, the
text and CSV renderings; groups smaller than three are suppressed and no output names anyone."""

from __future__ import annotations

import json

from bot import results
from prompts.results import report_csv, report_text
from storage import programs as programs_repo
from storage.db import Database
from storage.models import SkillRating, SurveyAnswer
from tests.support.results import GOLDEN, TODAY, seed, seed_surveys


async def test_a_seeded_programs_report_matches_the_golden_files(db: Database, team_id: str) -> None:
    await seed(db, team_id)
    await seed_surveys(db, team_id)
    async with db.read() as session:
        programs = list(await programs_repo.list_programs(session, team_id=team_id))
        found = await results.report(session, team_id=team_id, programs=programs, name=None, today=TODAY)
    assert found is not None
    data = json.loads(json.dumps(found.as_dict()))
    outputs = {
        "report.json": json.dumps(data, indent=2) + "\n",
        "report.txt": report_text(data) + "\n",
        "report.csv": report_csv(data),
    }
    for name, text in outputs.items():
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), f"{name} differs from tests/golden/{name}"
        for secret in ("UE1", "UM1", "private words", "private note", "private change"):
            assert secret not in text, "no one is named, no free text"


async def test_the_report_picks_a_program_by_name_and_knows_when_there_is_none(db: Database, team_id: str) -> None:
    await seed(db, team_id)
    async with db.read() as session:
        programs = list(await programs_repo.list_programs(session, team_id=team_id))
        pilot = await results.report(session, team_id=team_id, programs=programs, name="pilot", today=TODAY)
        missing = await results.report(session, team_id=team_id, programs=programs, name="Nope", today=TODAY)
    assert pilot is not None and pilot.current.program == "Pilot" and pilot.previous is None
    assert pilot.current.meetings == 3 and pilot.current.meetings_per_pair == 3.0
    assert missing is None


async def test_the_charts_series_counts_what_the_report_counts(db: Database, team_id: str) -> None:
    """Check-ins whose day is over; meetings by the pairs running that day; the rate never above 100%."""
    from bot.results import chart_png, chart_series

    await seed(db, team_id)
    async with db.read() as session:
        [program] = [p for p in await programs_repo.list_programs(session, team_id=team_id) if p.state == "running"]
        series = await chart_series(session, team_id=team_id, program=program, today=TODAY)
    assert series == [("2027-01-19", 4, 0.8), ("2027-02-02", 2, 0.5)], "pair 5 ended on 25 Jan: not counted after"
    plain = chart_png("P", series)
    with_confidence = chart_png("P", series, [("AI tools", 2.3, 3.7, 3)])
    for png in (plain, with_confidence):
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(png) < 2_000_000
    assert len(with_confidence) > len(plain), "the confidence panel is drawn"


async def test_topic_groups_that_differ_by_a_person_are_not_both_shown(db: Database, team_id: str) -> None:
    """Three people on one topic, the same three and one more on another: showing both would give the fourth
    person's baseline away by difference, so only one is shown."""
    await seed(db, team_id)
    async with db.session() as session:
        [program] = [p for p in await programs_repo.list_programs(session, team_id=team_id) if p.state == "running"]
        rows = [
            (user, skill, stage, value)
            for skill, people in (("ai_tools", ("UE1", "UE2", "UE3")), ("social_media", ("UE1", "UE2", "UE3", "UE4")))
            for user in people
            for stage, value in (("before", 2 if user != "UE4" else 1), ("mid", 4))
        ]
        session.add_all(
            SkillRating(team_id=team_id, program_id=program.id or 0, user_id=u, skill=k, stage=st, value=v)
            for u, k, st, v in rows
        )
        session.add_all(
            SurveyAnswer(team_id=team_id, program_id=program.id or 0, user_id=u, stage="mid", recommend=8)
            for u in ("UE1", "UE2", "UE3", "UE4")
        )
    async with db.read() as session:
        programs = list(await programs_repo.list_programs(session, team_id=team_id))
        found = await results.report(session, team_id=team_id, programs=programs, name=None, today=TODAY)
    assert found is not None
    assert [c[3] for c in found.current.confidence] == [4], "the larger group only; never both"
