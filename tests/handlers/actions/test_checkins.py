"""Answering a check-in (signed requests): the answer is logged for the pair, the message updated in place for
both, and only the pair's people can answer; *Suggest a time* shows shared working hours; a stalled pair's person
can pause or leave at once."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlmodel import select, update

from bot import rounds
from bot.programs import target_program
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from prompts.checkins import checkin_message
from storage import outbox
from storage.db import Database
from storage.models import MeetingLog, Outbox, Pair, Participant
from tests.handlers.actions.test_rounds import PEOPLE, enrol
from tests.support.signed import SlackSender


async def one_pair(slack: SlackSender, deps: Deps, team_id: str) -> Pair:
    program_id = await enrol(slack, deps, team_id, {k: v for k, v in PEOPLE.items() if k in ("UM1", "UE1")})
    program = await target_program(deps, team_id=team_id, name=None)
    assert program.id == program_id
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")
    async with deps.db.read() as session:
        [pair] = (await session.exec(select(Pair).where(Pair.team_id == team_id))).all()
    return pair


async def click_in_message(
    slack: SlackSender, action_id: str, value: str, message: dict[str, Any], user_id: str
) -> tuple[int, str]:
    """A button in a channel message (the pair's group DM), as Slack sends it: with the message itself."""
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": slack.team_id},
        "api_app_id": "A0001",
        "token": "verification-token",
        "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        "team": {"id": slack.team_id, "domain": "example"},
        "container": {
            "type": "message",
            "message_ts": "1700000001.000100",
            "channel_id": "GPAIR",
            "is_ephemeral": False,
        },
        "channel": {"id": "GPAIR", "name": "mpdm-pair"},
        "message": {**message, "ts": "1700000001.000100", "type": "message"},
        "response_url": slack.fake.webhook_url("action"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "state": {"values": {}},
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return await slack.interactive(payload)


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
