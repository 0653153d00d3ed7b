"""Confidence at sign-up (the "before" baseline) and the mid/end survey (signed requests through the real app,
the fake Web API, both databases): the baseline is kept as first given, the survey asks about the topics the
person picked, validates inline, and a second answer replaces the first."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import make_url
from sqlmodel import select

from bot.outbox.deliver import deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import surveys as sv
from storage import outbox
from storage import programs as programs_repo
from storage.db import Database
from storage.models import SkillRating, SurveyAnswer
from tests.support.optin import optin_values
from tests.support.programs import first_program_id
from tests.support.refusals import logged_text, refused_text
from tests.support.signed import SlackSender, click_in_message


def level(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


async def sign_up(slack: SlackSender, confidence: str | None) -> None:
    before = len(slack.fake.calls_to("views.open"))
    await slack.command("join")
    form = (await slack.fake.wait_for("views.open", before + 1))[-1]["view"]  # this command's form
    assert any(b.get("block_id") == sv.CONFIDENCE for b in form["blocks"]), "the form asks for a baseline"
    values = optin_values(role="mentee", years="25", shares=[], learns=["ai_tools", "social_media"])
    if confidence:
        values[sv.CONFIDENCE] = {sv.CONFIDENCE: level(confidence)}
    assert (await slack.submit_view(form, values))[0] == 200


async def ratings(db: Database, team_id: str) -> list[tuple[str, str, int]]:
    async with db.read() as session:
        rows = (await session.exec(select(SkillRating).where(SkillRating.team_id == team_id))).all()
    return sorted((r.skill, r.stage, r.value) for r in rows)


async def open_survey(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> tuple[int, dict[str, Any]]:
    """U100 (signed up) is sent the half-way survey of the running program and opens it: the program id, the form."""
    program_id = await first_program_id(deps, team_id)
    async with db.session() as session:  # the half-way milestone queued U100's survey; the program is running
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
        assert program is not None
        program.state = "running"
        session.add(program)
        message = outbox.Message(
            f"survey:{program_id}:mid:U100", "survey", {"program_id": program_id, "stage": "mid", "user_id": "U100"}
        )
        await outbox.enqueue_many(session, team_id=team_id, messages=[message])
    deps.state.programs.forget(team_id)
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == 1
    [dm] = [c for c in slack.fake.calls_to("chat.postMessage") if "Answer the survey" in json.dumps(c.get("blocks"))]
    await click_in_message(slack, sv.ACTION_OPEN, f"{program_id}:mid", {"text": dm["text"]}, "U100")
    [opened] = await slack.fake.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == sv.CALLBACK_ID)
    form = opened["view"]
    return program_id, form


def is_survey_form(call: dict[str, Any]) -> bool:
    return bool(call["view"]["title"]["text"] == "Program survey")


async def submit(slack: SlackSender, form: dict[str, Any], answers: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Send the form: the ack's answer, and (once accepted: "saving…" at once) what the form says once saved."""
    before = len([c for c in slack.fake.calls_to("views.update") if is_survey_form(c)])
    status, body = await slack.submit_view(form, answers, user_id="U100")
    assert status == 200
    ack = json.loads(body) if body else {}
    if ack.get("response_action") != "update":
        return ack, ""
    assert "Saving your answers" in json.dumps(ack["view"])
    updated = await slack.fake.wait_for("views.update", before + 1, where=is_survey_form)
    return ack, json.dumps(updated[-1]["view"])


ANSWERS = {
    f"{sv.SKILL_PREFIX}0": {f"{sv.SKILL_PREFIX}0": level("4")},
    f"{sv.SKILL_PREFIX}1": {f"{sv.SKILL_PREFIX}1": level("3")},
    sv.RECOMMEND: {sv.RECOMMEND: level("9")},
    sv.CHANGE: {sv.CHANGE: {"type": "plain_text_input", "value": "More time"}},
}


async def test_the_baseline_then_the_half_way_survey(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    await sign_up(slack, "2")
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "U100")
    assert await ratings(db, team_id) == [("ai_tools", "before", 2), ("social_media", "before", 2)]
    await sign_up(slack, "5")  # editing the profile later doesn't move the baseline
    await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: c["channel"] == "U100")
    assert await ratings(db, team_id) == [("ai_tools", "before", 2), ("social_media", "before", 2)]

    program_id, form = await open_survey(slack, db, deps, settings, team_id)
    labels = [b["label"]["text"] for b in form["blocks"] if b.get("type") == "input"]
    assert labels[:2] == ["Confidence with AI tools at work", "Confidence with Social media & personal branding"]

    _, body = await slack.submit_view(
        form, {f"{sv.SKILL_PREFIX}0": {f"{sv.SKILL_PREFIX}0": level("4")}}, user_id="U100"
    )
    assert json.loads(body)["errors"] == {
        f"{sv.SKILL_PREFIX}1": sv.ERRORS["level"],
        sv.RECOMMEND: sv.ERRORS["recommend"],
    }
    answers = dict(ANSWERS)
    _, shown = await submit(slack, form, answers)
    assert "your answers are saved" in shown
    answers[sv.RECOMMEND] = {sv.RECOMMEND: level("10")}
    _, shown = await submit(slack, form, answers)
    assert "Your answers are updated" in shown
    assert await ratings(db, team_id) == [
        ("ai_tools", "before", 2),
        ("ai_tools", "mid", 4),
        ("social_media", "before", 2),
        ("social_media", "mid", 3),
    ]
    async with db.read() as session:
        [survey] = (await session.exec(select(SurveyAnswer).where(SurveyAnswer.team_id == team_id))).all()
    assert (survey.stage, survey.recommend, survey.change) == ("mid", 10, "More time")
    assert survey.change_for_admins, "answered on the form that says admins read it word for word"

    await click_in_message(slack, sv.ACTION_OPEN, f"{program_id}:end", {"text": "x"}, "U100")  # never sent
    await slack.fake.wait_for("response_url", where=lambda c: "isn't for you" in json.dumps(c))
    forged = sv.survey_modal(program_id=program_id, stage="end", skills=[])
    _, body = await slack.submit_view(forged, answers, user_id="U100")
    assert json.loads(body)["errors"] == {sv.RECOMMEND: sv.ERRORS["closed"]}
    await click_in_message(slack, sv.ACTION_OPEN, f"{program_id}:mid", {"text": "x"}, "USTRANGER")
    await slack.fake.wait_for("response_url", 2, where=lambda c: "isn't for you" in json.dumps(c))


@pytest.mark.slow  # holds SQLite's write lock for 3.5 s of real time
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_survey_is_answered_in_time_while_another_process_holds_the_write_lock(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    await sign_up(slack, "2")
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "U100")
    _, form = await open_survey(slack, db, deps, settings, team_id)
    await asyncio.sleep(0.2)  # what followed the click is done: the lock is the other process's
    holder = sqlite3.connect(str(make_url(db.url).database), isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing: nobody else can write for 3.5 s
        locked_at = time.monotonic()
        asyncio.get_running_loop().call_later(3.5, holder.rollback)
        status, body = await slack.submit_view(form, ANSWERS, user_id="U100")
        answered = time.monotonic() - locked_at
        assert status == 200 and answered < 2.5, f"Slack waits 3 s; answered after {answered:.1f} s"
        assert json.loads(body)["response_action"] == "update"
        [shown] = await slack.fake.wait_for("views.update", where=is_survey_form, timeout=10)
        assert time.monotonic() - locked_at >= 3.4, "saved once the lock was released"
    finally:
        holder.close()
    assert "your answers are saved" in json.dumps(shown["view"])
    async with db.read() as session:
        [survey] = (await session.exec(select(SurveyAnswer).where(SurveyAnswer.team_id == team_id))).all()
    assert (survey.stage, survey.recommend, survey.change) == ("mid", 9, "More time")


async def test_survey_answers_that_cannot_be_saved_come_back_by_dm_and_stay_out_of_the_log(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # as `python -m bot` logs
    await sign_up(slack, None)
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "U100")
    program_id, form = await open_survey(slack, db, deps, settings, team_id)
    marker = f"SECRET{uuid.uuid4().hex[:8]}"
    answers = {**ANSWERS, sv.CHANGE: {sv.CHANGE: {"type": "plain_text_input", "value": f"Less {marker}"}}}
    async with refused_text(db, table="survey_answer", column="change", marker=marker):
        _, shown = await submit(slack, form, answers)
    assert "couldn't save your answers" in shown
    [dm] = await slack.fake.wait_for("chat.postMessage", where=lambda c: "couldn't save your survey" in c["text"])
    blocks = json.dumps(dm["blocks"], ensure_ascii=False)
    assert dm["channel"] == "U100" and marker in blocks and "4 · Quite" in blocks and "9 / 10" in blocks
    assert f"{program_id}:mid" in blocks, "a button opens the survey again"
    async with db.read() as session:
        assert (await session.exec(select(SurveyAnswer).where(SurveyAnswer.team_id == team_id))).all() == []
    logged = logged_text(caplog)
    assert "Could not save the mid survey of U100" in logged and marker not in logged
