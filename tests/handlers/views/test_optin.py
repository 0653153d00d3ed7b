"""Joining through the opt-in modal: signed requests to the real app, the fake Web API, a real database."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import Participant, Program
from tests.support.optin import optin_values
from tests.support.refusals import logged_text, refused_text
from tests.support.signed import SlackSender


async def open_join_modal(slack: SlackSender, user_id: str = "U100") -> dict:
    status, _ = await slack.command("join", user_id=user_id)
    assert status == 200
    calls = await slack.fake.wait_for("views.open")
    return calls[-1]["view"]


async def participants(db: Database, team_id: str) -> list[Participant]:
    async with db.session() as session:
        return list((await session.exec(select(Participant).where(Participant.team_id == team_id))).all())


async def test_join_saves_profile_and_sends_summary_dm(slack: SlackSender, db: Database, team_id: str) -> None:
    view = await open_join_modal(slack)
    assert view["callback_id"] == "mentor_optin"
    status, body = await slack.submit_view(
        view, optin_values(shares=["ai_tools"], shares_other="Figma, TikTok ads", learns=["leadership"], manager="U200")
    )
    assert status == 200
    assert body == ""  # empty ack closes the modal

    dm = (await slack.fake.wait_for("chat.postMessage"))[0]  # sent once the answers are saved
    [person] = await participants(db, team_id)
    assert person.user_id == "U100"
    assert person.role == "mentor"
    assert person.department == "Marketing"
    assert person.years_experience == 2
    assert person.shares == ["ai_tools", "Figma", "TikTok ads"]
    assert person.learns == ["leadership"]
    assert person.manager_id == "U200"
    assert person.state == "active"

    assert dm["channel"] == "U100"
    assert "Welcome" in dm["text"]
    dm_text = json.dumps(dm["blocks"])
    assert "AI tools at work" in dm_text and "Figma" in dm_text and "<@U200>" in dm_text
    assert "edit_profile" in dm_text
    # the time zone came from users.info, not from a question
    assert slack.fake.calls_to("users.info")[0]["user"] == "U100"
    [person] = await participants(db, team_id)
    assert person.timezone == "Europe/Paris" and person.tz_offset == 3600
    assert "Europe/Paris" in dm_text
    # the Home tab is refreshed to show the new profile
    home = (await slack.fake.wait_for("views.publish"))[-1]
    assert home["user_id"] == "U100" and "Edit profile" in json.dumps(home["view"])


async def test_invalid_answers_come_back_as_inline_errors_and_nothing_is_saved(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    view = await open_join_modal(slack)
    status, body = await slack.submit_view(
        view, optin_values(role="mentor", shares=[], department="", years="75", goals="x" * 1001)
    )
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"shares", "department", "years_experience", "goals"}
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert set(answer["errors"]) <= block_ids
    assert await participants(db, team_id) == []
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_mentee_must_pick_a_topic(slack: SlackSender) -> None:
    view = await open_join_modal(slack)
    _, body = await slack.submit_view(view, optin_values(role="mentee", shares=[], learns=[]))
    assert json.loads(body)["errors"] == {"learns": "As a mentee, pick at least one topic you want to learn."}


async def test_edit_reopens_prefilled_and_updates_without_duplicating(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    view = await open_join_modal(slack)
    await slack.submit_view(view, optin_values(department="Sales", learns_other="Negotiation"))
    await slack.fake.wait_for("chat.postMessage")

    await slack.click("edit_profile", hook="dm")  # the DM's Edit profile button
    calls = await slack.fake.wait_for("views.open", count=2)
    edit_view = calls[-1]["view"]
    assert edit_view["title"]["text"] == "Edit your profile"
    by_id = {b.get("block_id"): b for b in edit_view["blocks"]}
    assert by_id["department"]["element"]["initial_value"] == "Sales"
    assert by_id["learns_other"]["element"]["initial_value"] == "Negotiation"
    assert by_id["role"]["element"]["initial_option"]["value"] == "mentor"

    await slack.submit_view(edit_view, optin_values(department="Growth", role="either"))
    dms = await slack.fake.wait_for("chat.postMessage", count=2)
    assert "updated" in dms[-1]["text"]
    [person] = await participants(db, team_id)
    assert person.department == "Growth" and person.role == "either"


async def test_timezone_lookup_failure_still_saves_and_confirms(slack: SlackSender, db: Database, team_id: str) -> None:
    view = await open_join_modal(slack)
    slack.fake.fail("users.info", error="user_not_found")
    await slack.submit_view(view, optin_values())
    dm = (await slack.fake.wait_for("chat.postMessage"))[0]
    assert dm["channel"] == "U100"
    [person] = await participants(db, team_id)
    assert person.timezone is None and person.state == "active"


async def test_forged_program_id_from_another_workspace_is_refused_inline(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    async with db.session() as session:
        other = Program(team_id="TOTHER" + team_id[-4:], name="Other workspace's program")
        session.add(other)
        await session.flush()
        other_id = other.id
    view = await open_join_modal(slack)
    view["private_metadata"] = json.dumps({"program_id": other_id})
    status, body = await slack.submit_view(view, optin_values())
    assert status == 200 and json.loads(body)["errors"]["role"].startswith("This program is no longer open")
    assert await participants(db, team_id) == []


async def test_rate_limited_dm_is_retried_after_retry_after(slack: SlackSender, db: Database, team_id: str) -> None:
    view = await open_join_modal(slack)
    slack.fake.fail("chat.postMessage", error="ratelimited", retry_after=1)
    await slack.submit_view(view, optin_values())
    calls = await slack.fake.wait_for("chat.postMessage", count=2, timeout=10)
    assert [c.failed for c in slack.fake.calls if c.method == "chat.postMessage"] == [True, False]
    assert calls[1]["channel"] == "U100"


async def test_dm_refused_by_slack_is_logged_not_fatal(slack: SlackSender, db: Database, team_id: str) -> None:
    view = await open_join_modal(slack)
    slack.fake.fail("chat.postMessage", error="channel_not_found")
    status, body = await slack.submit_view(view, optin_values())
    assert status == 200 and body == ""
    await slack.fake.wait_for("views.publish")  # the work after the failed DM still happened
    [person] = await participants(db, team_id)
    assert person.state == "active"


async def test_try_again_reopens_the_form_with_the_unsaved_answers(slack: SlackSender) -> None:
    from prompts.participants import profile_not_saved_dm

    answers = {
        "role": "mentee",
        "department": "Legal",
        "years_experience": 22,
        "shares": [],
        "learns": ["ai_tools", "Notion"],
        "goals": "Catch up",
        "meeting_format": "in_person",
        "manager_id": None,
    }
    dm = profile_not_saved_dm(answers=answers, answers_json=json.dumps(answers))
    [button] = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    await slack.click(button["action_id"], value=button["value"])
    view = (await slack.fake.wait_for("views.open"))[0]["view"]
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["department"]["element"]["initial_value"] == "Legal"
    assert by_id["learns_other"]["element"]["initial_value"] == "Notion"
    assert by_id["meeting_format"]["element"]["initial_option"]["value"] == "in_person"


async def test_forged_try_again_value_opens_a_blank_form(slack: SlackSender) -> None:
    await slack.click("retry_optin_form", value=json.dumps({"shares": "not a list", "role": 5}))
    view = (await slack.fake.wait_for("views.open"))[0]["view"]
    assert view["title"]["text"] == "Join reverse mentoring"


async def test_a_nul_character_in_an_answer_is_dropped_and_the_answers_are_saved(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    """PostgreSQL refuses a NUL in text: kept, it would make every save fail (and *Try again* too)."""
    view = await open_join_modal(slack)
    status, body = await slack.submit_view(
        view, optin_values(department="Mar\x00keting", goals="Learn\x00 AI \ud800tools", shares_other="Fig\x00ma")
    )
    assert status == 200 and body == ""
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert "Welcome" in dm["text"], dm["text"]
    [person] = await participants(db, team_id)
    assert (person.department, person.goals) == ("Marketing", "Learn AI tools")
    assert "Figma" in person.shares


async def test_a_failed_save_logs_ids_and_error_classes_never_the_answers(
    slack: SlackSender, db: Database, team_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # as `python -m bot` logs
    marker = f"SECRET{uuid.uuid4().hex[:8]}"
    view = await open_join_modal(slack)
    async with refused_text(db, table="participant", column="goals", marker=marker):
        await slack.submit_view(view, optin_values(department=f"Dept {marker}", goals=f"My goal {marker}"))
        [dm] = await slack.fake.wait_for("chat.postMessage")
    assert "couldn't save your answers" in dm["text"] and marker in json.dumps(dm["blocks"]), "given back by DM"
    logged = logged_text(caplog)
    assert "Could not save the opt-in answers of U100" in logged
    assert "IntegrityError" in logged, "the error's class is logged"
    assert marker not in logged
