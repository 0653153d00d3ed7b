"""Feedback in both directions (signed requests through the real app, the fake Web API, both databases): after
*We met* each person is asked privately, the form validates inline, one feedback per person per meeting, a note
reaches the partner only when shared (never the rating), and the pairing-fit question alerts admins, never the
partner."""

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
from sqlmodel import select, update

from bot.outbox.deliver import deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import feedback as fb
from prompts.checkins import checkin_message
from storage import admins as admins_repo
from storage import outbox
from storage.db import Database
from storage.models import Feedback, FitAnswer, Outbox, Pair
from tests.support.refusals import logged_text, refused_text
from tests.support.rounds import one_pair
from tests.support.signed import SlackSender, click_in_message


async def met(slack: SlackSender, deps: Deps, settings: Settings, team_id: str) -> Pair:
    """A pair whose check-in 2 went out, answered *We met* by the mentee."""
    pair = await one_pair(slack, deps, team_id)
    client = make_client(settings, deps.state.pacers)
    assert (await deliver(deps, client, team_id=team_id)).sent == 1  # the introduction
    key = f"checkin:{pair.id}:2"
    async with deps.db.session() as session:
        await outbox.enqueue_many(session, team_id=team_id, messages=[outbox.Message(key, "checkin", {})])
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sent"))  # type: ignore[arg-type]
    assert pair.id is not None
    message = checkin_message(
        pair_id=pair.id, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")
    return pair


def values(rating: str | None = "4", topic: str = "", learned: str = "", note: str = "", share: bool = False) -> dict:
    def el(block: str, element: dict[str, Any]) -> dict[str, Any]:
        return {block: {block: element}}

    picked = {"text": {"type": "plain_text", "text": rating}, "value": rating} if rating else None
    ticked = [{"text": {"type": "plain_text", "text": "Share"}, "value": "share"}] if share else []
    return {
        **el(fb.RATING, {"type": "static_select", "selected_option": picked}),
        **el(fb.TOPIC, {"type": "plain_text_input", "value": topic}),
        **el(fb.LEARNED, {"type": "plain_text_input", "value": learned}),
        **el(fb.NOTE, {"type": "plain_text_input", "value": note}),
        **el(fb.SHARE, {"type": "checkboxes", "selected_options": ticked}),
    }


def dms(slack: SlackSender, user: str, containing: str) -> list[dict[str, Any]]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == user and containing in c["text"]]


async def open_form(slack: SlackSender, pair: Pair, user: str) -> dict[str, Any]:
    """*Give feedback* in the DM; the form it opens (waits for this click's form, not an earlier one)."""
    ask = dms(slack, user, "How was your meeting")[-1]

    def is_form(c: dict[str, Any]) -> bool:
        return bool(c["view"].get("callback_id") == fb.CALLBACK_ID)

    before = len([c for c in slack.fake.calls_to("views.open") if is_form(c)])
    await click_in_message(slack, fb.ACTION_OPEN, f"{pair.id}:2", {"text": ask["text"], "blocks": ask["blocks"]}, user)
    opened = await slack.fake.wait_for("views.open", before + 1, where=is_form)
    return opened[-1]["view"]


def is_feedback_form(call: dict[str, Any]) -> bool:
    return bool(call["view"]["title"]["text"] == "Meeting feedback")


async def submit(slack: SlackSender, form: dict[str, Any], answers: dict, user: str) -> tuple[dict[str, Any], str]:
    """Send the form: the ack's answer, and (once accepted: "saving…" at once) what the form says once saved."""
    before = len([c for c in slack.fake.calls_to("views.update") if is_feedback_form(c)])
    status, body = await slack.submit_view(form, answers, user_id=user)
    assert status == 200
    ack = json.loads(body) if body else {}
    if ack.get("response_action") != "update":
        return ack, ""
    assert "Saving your feedback" in json.dumps(ack["view"])
    updated = await slack.fake.wait_for("views.update", before + 1, where=is_feedback_form)
    return ack, json.dumps(updated[-1]["view"])


async def test_both_people_are_asked_once_and_give_feedback_privately(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await met(slack, deps, settings, team_id)
    await slack.fake.wait_for("chat.postMessage", 4, where=lambda c: c["channel"] in ("UM1", "UE1"))
    assert len(dms(slack, "UM1", "How was your meeting with <@UE1>")) == 1
    assert len(dms(slack, "UE1", "How was your meeting with <@UM1>")) == 1
    assert len(dms(slack, "UE1", "Is this pairing working")) == 1, "after the first meeting: the fit question"
    message = checkin_message(
        pair_id=pair.id or 0, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UM1")  # the partner clicks too
    await slack.fake.wait_for("chat.update", 2)
    assert len(dms(slack, "UM1", "How was your meeting")) == 1, "asked once per meeting, whoever clicks"

    form = await open_form(slack, pair, "UE1")
    topic = next(b for b in form["blocks"] if b.get("block_id") == fb.TOPIC)["element"].get("initial_value")
    assert topic, "pre-filled with the topic suggested to the pair"
    ack, _ = await submit(slack, form, values(rating=None), "UE1")
    assert ack == {"response_action": "errors", "errors": {fb.RATING: fb.ERRORS["rating"]}}
    ack, _ = await submit(slack, form, values(share=True), "UE1")
    assert ack["errors"] == {fb.NOTE: fb.ERRORS["share_empty"]}
    _, shown = await submit(slack, form, values(rating="5", note="Your TikTok demo was gold", share=True), "UE1")
    assert "Your note goes to <@UM1>" in shown
    [note] = await slack.fake.wait_for(
        "chat.postMessage", where=lambda c: c["channel"] == "UM1" and "shared a note" in c["text"]
    )
    assert "Your TikTok demo was gold" in note["text"] and "5" not in note["text"], "the note, never the rating"

    form = await open_form(slack, pair, "UM1")
    _, shown = await submit(slack, form, values(rating="2", note="Slow start", learned="Budget cycles"), "UM1")
    assert "Nothing was shared" in shown
    again = await open_form(slack, pair, "UE1")  # editing replaces
    assert "editing your feedback" in json.dumps(again)
    _, shown = await submit(slack, again, values(rating="3", note="Edited", share=True), "UE1")
    assert "Your feedback is updated" in shown and "already passed on to <@UM1>" in shown
    async with db.read() as session:
        rows = (await session.exec(select(Feedback).where(Feedback.team_id == team_id))).all()
    assert sorted((r.author_id, r.author_role, r.rating, r.share_note) for r in rows) == [
        ("UE1", "mentee", 3, True),
        ("UM1", "mentor", 2, False),
    ]
    assert not dms(slack, "UE1", "shared a note"), "an unshared note stays private"
    assert len(dms(slack, "UM1", "shared a note")) == 1, "a note is passed on once per meeting"
    history = await slack.fake.wait_for(
        "views.publish", where=lambda c: c["user_id"] == "UM1" and "Your history" in json.dumps(c["view"])
    )
    shown = json.dumps(history[-1]["view"])
    assert "Shared with you" in shown and "Your TikTok demo was gold" in shown and "1 meeting(s)" in shown
    await slack.event({"type": "app_home_opened", "user": "UE1", "tab": "home"})
    mine = await slack.fake.wait_for(
        "views.publish", where=lambda c: c["user_id"] == "UE1" and "Your history" in json.dumps(c["view"])
    )
    assert "Slow start" not in json.dumps(mine[-1]["view"]), "a note its author didn't share never shows"
    assert "Budget cycles" not in json.dumps(mine[-1]["view"]) and "rating" not in json.dumps(mine[-1]["view"])


async def test_feedback_only_for_the_pairs_people_and_meetings_that_happened(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await met(slack, deps, settings, team_id)
    await slack.fake.wait_for("chat.postMessage", 4, where=lambda c: c["channel"] in ("UM1", "UE1"))
    await click_in_message(slack, fb.ACTION_OPEN, f"{pair.id}:2", {"text": "x"}, "USTRANGER")
    await slack.fake.wait_for("response_url", where=lambda c: "for the two people in this pair" in json.dumps(c))
    await click_in_message(slack, fb.ACTION_OPEN, f"{pair.id}:1", {"text": "x"}, "UE1")  # no meeting then
    await slack.fake.wait_for("response_url", where=lambda c: "isn't recorded as a meeting" in json.dumps(c))
    forged = fb.feedback_modal(pair_id=pair.id or 0, period=1, partner_id="UM1", role="mentee", topic="")
    _, body = await slack.submit_view(forged, values(), user_id="UE1")
    assert json.loads(body)["errors"] == {fb.RATING: fb.ERRORS["closed"]}
    assert slack.fake.calls_to("views.open") == []


async def test_a_pairing_that_isnt_working_alerts_admins_never_the_partner(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await met(slack, deps, settings, team_id)
    async with db.session() as session:  # two promoted admins; one of them is the partner
        for admin in ("UPROMO", "UM1"):
            await admins_repo.promote_admin(session, team_id=team_id, user_id=admin, added_by="UADMIN")
    [ask] = await slack.fake.wait_for(
        "chat.postMessage", where=lambda c: c["channel"] == "UE1" and "working" in c["text"]
    )
    status, _ = await click_in_message(slack, fb.ACTION_FIT_NO, str(pair.id), {"text": ask["text"]}, "UE1")
    assert status == 200
    [answer] = await slack.fake.wait_for("response_url", where=lambda c: "Ask for a rematch" in json.dumps(c))
    assert answer.get("replace_original") is True
    await click_in_message(slack, fb.ACTION_FIT_YES, str(pair.id), {"text": ask["text"]}, "UM1")
    await slack.fake.wait_for("response_url", where=lambda c: "Great, thanks" in json.dumps(c))
    async with db.read() as session:
        rows = (await session.exec(select(FitAnswer).where(FitAnswer.team_id == team_id))).all()
    assert sorted((r.user_id, r.working) for r in rows) == [("UE1", False), ("UM1", True)]
    await slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})
    home = await slack.fake.wait_for(
        "views.publish", where=lambda c: "Pairings not working (1)" in json.dumps(c["view"])
    )
    assert "<@UE1>" in json.dumps(home[-1]["view"])
    assert "*Results" in json.dumps(home[-1]["view"]) and "Meetings per pair" in json.dumps(home[-1]["view"])
    [alert] = await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UPROMO")
    assert "<@UE1> said their pairing" in alert["text"], "admins are told at once"
    await slack.event({"type": "app_home_opened", "user": "UM1", "tab": "home"})
    partner = await slack.fake.wait_for(
        "views.publish", where=lambda c: c["user_id"] == "UM1" and "Admin" in json.dumps(c["view"])
    )
    assert "not working" not in json.dumps(partner[-1]["view"]), "not even to a partner who is an admin"
    assert not [
        c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UM1" and "isn't working" in c["text"]
    ]


async def test_erasing_my_data_erases_my_feedback_not_my_partners(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await met(slack, deps, settings, team_id)
    await slack.fake.wait_for("chat.postMessage", 4, where=lambda c: c["channel"] in ("UM1", "UE1"))
    for user, rating in (("UE1", "4"), ("UM1", "5")):
        form = await open_form(slack, pair, user)
        _, shown = await submit(slack, form, values(rating=rating, learned="x"), user)
        assert "your feedback is saved" in shown
    [fit] = [c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UE1" and "working" in c["text"]]
    await click_in_message(slack, fb.ACTION_FIT_NO, str(pair.id), {"text": fit["text"]}, "UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "Ask for a rematch" in json.dumps(c))
    await slack.command("delete-my-data", user_id="UE1", hook="erase")
    await slack.fake.wait_for("response_url", where=lambda c: "confirm_delete_data" in json.dumps(c))
    await slack.click("confirm_delete_data", user_id="UE1", hook="confirm")
    await slack.fake.wait_for(
        "response_url", where=lambda c: "erased" in json.dumps(c).lower() or "deleted" in json.dumps(c).lower()
    )
    async with db.read() as session:
        left = (await session.exec(select(Feedback).where(Feedback.team_id == team_id))).all()
        fits = (await session.exec(select(FitAnswer).where(FitAnswer.team_id == team_id))).all()
    assert [r.author_id for r in left] == ["UM1"] and fits == []


@pytest.mark.slow  # holds SQLite's write lock for 3.5 s of real time
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_feedback_is_answered_in_time_while_another_process_holds_the_write_lock(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await met(slack, deps, settings, team_id)
    await slack.fake.wait_for("chat.postMessage", 4, where=lambda c: c["channel"] in ("UM1", "UE1"))
    form = await open_form(slack, pair, "UE1")
    await asyncio.sleep(0.2)  # what followed the click (its Home tab) is done: the lock is the other process's
    holder = sqlite3.connect(str(make_url(db.url).database), isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing: nobody else can write for 3.5 s
        locked_at = time.monotonic()
        asyncio.get_running_loop().call_later(3.5, holder.rollback)
        status, body = await slack.submit_view(
            form, values(rating="5", note="Saved once free", share=True), user_id="UE1"
        )
        answered = time.monotonic() - locked_at
        assert status == 200 and answered < 2.5, f"Slack waits 3 s; answered after {answered:.1f} s"
        assert json.loads(body)["response_action"] == "update"
        [shown] = await slack.fake.wait_for("views.update", where=is_feedback_form, timeout=10)
        assert time.monotonic() - locked_at >= 3.4, "saved once the lock was released"
    finally:
        holder.close()
    assert "Your note goes to <@UM1>" in json.dumps(shown["view"])
    async with db.read() as session:
        [row] = (await session.exec(select(Feedback).where(Feedback.team_id == team_id))).all()
    assert (row.author_id, row.rating, row.note) == ("UE1", 5, "Saved once free")
    await slack.fake.wait_for(
        "chat.postMessage", where=lambda c: c["channel"] == "UM1" and "Saved once free" in c["text"]
    )


async def test_feedback_that_cannot_be_saved_comes_back_by_dm_and_stays_out_of_the_log(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # as `python -m bot` logs
    pair = await met(slack, deps, settings, team_id)
    await slack.fake.wait_for("chat.postMessage", 4, where=lambda c: c["channel"] in ("UM1", "UE1"))
    form = await open_form(slack, pair, "UE1")
    marker = f"SECRET{uuid.uuid4().hex[:8]}"
    async with refused_text(db, table="feedback", column="note", marker=marker):
        _, shown = await submit(slack, form, values(rating="2", learned="Pivot tables", note=f"Note {marker}"), "UE1")
    assert "couldn't save your feedback" in shown
    [dm] = await slack.fake.wait_for("chat.postMessage", where=lambda c: "couldn't save your feedback" in c["text"])
    blocks = json.dumps(dm["blocks"], ensure_ascii=False)
    assert dm["channel"] == "UE1" and marker in blocks and "Pivot tables" in blocks and "Not very useful" in blocks
    assert fb.ACTION_OPEN in blocks, "a button opens the form again"
    async with db.read() as session:
        assert (await session.exec(select(Feedback).where(Feedback.team_id == team_id))).all() == []
    logged = logged_text(caplog)
    assert "Could not save the feedback of UE1" in logged and marker not in logged
