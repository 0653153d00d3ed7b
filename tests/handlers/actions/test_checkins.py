"""Answering a check-in (signed requests): the answer is logged for the pair, the message updated in place for
both, and only the pair's people can answer; *Suggest a time* shows shared working hours; a stalled pair's person
can pause or leave at once."""

from __future__ import annotations

import json

from sqlmodel import select, update

from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from prompts.checkins import checkin_message
from storage import outbox
from storage.db import Database
from storage.models import MeetingLog, Outbox, Participant
from tests.support.rounds import one_pair
from tests.support.signed import SlackSender, click_in_message


async def test_a_check_in_answer_is_logged_and_shown_to_both(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await one_pair(slack, deps, team_id)
    assert pair.id is not None
    reply = checkin_message(
        pair_id=pair.id, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    )
    message = reply.as_kwargs()
    status, _ = await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")  # not sent yet
    await slack.fake.wait_for("response_url", where=lambda c: "isn't open for this pair" in json.dumps(c))
    async with db.session() as session:  # check-in 2 is queued for this pair, not sent yet
        key = f"checkin:{pair.id}:2"
        await outbox.enqueue_many(session, team_id=team_id, messages=[outbox.Message(key, "checkin", {})])
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "isn't open for this pair" in json.dumps(c), count=2)
    async with db.session() as session:  # its batch is being sent: the answer counts before the batch is recorded
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sending"))  # type: ignore[arg-type]
    status, _ = await click_in_message(slack, "checkin_not_yet", f"{pair.id}:2", message, "UE1")
    assert status == 200
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UM1")  # corrected: the latest counts
    updates = await slack.fake.wait_for("chat.update", 2)
    assert updates[-1]["channel"] == "GPAIR" and updates[-1]["ts"] == "1700000001.000100"
    assert "<@UM1> answered: *we met" in json.dumps(updates[-1]["blocks"])
    assert any(b["type"] == "actions" for b in updates[-1]["blocks"]), "buttons stay, to correct an answer"
    async with db.read() as session:
        [log] = (await session.exec(select(MeetingLog).where(MeetingLog.team_id == team_id))).all()
    assert (log.pair_id, log.period, log.answer, log.by_user) == (pair.id, 2, "met", "UM1")
    home = await slack.fake.wait_for(
        "views.publish", where=lambda c: c["user_id"] == "UE1" and "Last check-in:* we met" in json.dumps(c["view"])
    )
    assert "(check-in 2)" in json.dumps(home[-1]["view"]), "both Home tabs show the latest answer"

    await click_in_message(slack, "checkin_skip", f"{pair.id}:99999999999", message, "UM1")  # forged period
    await slack.fake.wait_for("response_url", 2, where=lambda c: "isn't open for this pair" in json.dumps(c))
    await click_in_message(slack, "checkin_skip", f"{pair.id}:2", message, "UE2")  # not in this pair
    await slack.fake.wait_for("response_url", where=lambda c: "for the two people in this pair" in json.dumps(c))
    async with db.read() as session:
        assert (await session.exec(select(MeetingLog.answer).where(MeetingLog.team_id == team_id))).all() == ["met"]


async def test_suggest_a_time_and_the_stalled_question(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await one_pair(slack, deps, team_id)
    await click_in_message(slack, "nudge_meeting_times", f"{pair.id}:3", {"text": "nudge", "blocks": []}, "UM1")
    [opened] = await slack.fake.wait_for("views.open", where=lambda c: c["view"]["title"]["text"] == "Meeting times")
    text = json.dumps(opened["view"])
    assert "<@UM1>:" in text and "<@UE1>:" in text and "both within working hours" in text
    await click_in_message(slack, "stalled_pause", str(pair.program_id), {"text": "stalled", "blocks": []}, "UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "paused" in json.dumps(c))
    async with db.read() as session:
        query = select(Participant.state).where(Participant.team_id == team_id, Participant.user_id == "UE1")
        assert (await session.exec(query)).all() == ["paused"]
