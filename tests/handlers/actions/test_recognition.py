"""Celebrating milestones in the announcement channel (signed requests, the fake Web API, both databases): asked
once per person after the first meeting, posted only when both said yes and the program celebrates, each milestone
once."""

from __future__ import annotations

import json

from sqlmodel import update

from bot.outbox.deliver import deliver
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import recognition as rc
from prompts.checkins import checkin_message
from storage import outbox
from storage.db import Database
from storage.models import Outbox, Program
from tests.support.rounds import one_pair
from tests.support.signed import SlackSender, click_in_message


def posts(slack: SlackSender) -> list[str]:
    return [c["text"] for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "C0ANNOUNCE"]


async def test_milestones_are_celebrated_with_both_peoples_consent(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await one_pair(slack, deps, team_id)
    async with db.session() as session:
        await session.exec(update(Program).where(Program.id == pair.program_id).values(channel_id="C0ANNOUNCE"))  # type: ignore[arg-type]
        key = f"checkin:{pair.id}:2"
        await outbox.enqueue_many(session, team_id=team_id, messages=[outbox.Message(key, "checkin", {})])
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sent"))  # type: ignore[arg-type]
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == 1  # the intro
    message = checkin_message(
        pair_id=pair.id or 0, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")
    asks = await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: "May we celebrate" in c["text"])
    assert sorted(c["channel"] for c in asks) == ["UE1", "UM1"] and "<#C0ANNOUNCE>" in asks[0]["text"]

    await click_in_message(slack, rc.ACTION_YES, str(pair.id), {"text": asks[0]["text"]}, "UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "once your partner agrees" in json.dumps(c))
    assert posts(slack) == [], "one yes is not enough"
    await click_in_message(slack, rc.ACTION_YES, str(pair.id), {"text": asks[0]["text"]}, "UM1")
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "C0ANNOUNCE")
    assert posts(slack) == [":tada: <@UM1> (reverse mentor) and <@UE1> had their first reverse-mentoring meeting!"]
    await click_in_message(slack, rc.ACTION_YES, str(pair.id), {"text": asks[0]["text"]}, "UM1")  # again
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UM1")
    await slack.fake.wait_for("chat.update", 2)
    assert len(posts(slack)) == 1, "each milestone once"
    assert len([c for c in slack.fake.calls_to("chat.postMessage") if "May we celebrate" in c["text"]]) == 2

    slack.fake.add_user("UADMIN", is_admin=True)
    await slack.click("end_program", user_id="UADMIN", container="view", value=f"{pair.program_id}:open:ended")
    await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: c["channel"] == "C0ANNOUNCE")
    assert "completed *Reverse mentoring* together" in posts(slack)[-1]


async def test_a_no_means_nothing_is_posted(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    pair = await one_pair(slack, deps, team_id)
    async with db.session() as session:
        await session.exec(update(Program).where(Program.id == pair.program_id).values(channel_id="C0ANNOUNCE"))  # type: ignore[arg-type]
        key = f"checkin:{pair.id}:2"
        await outbox.enqueue_many(session, team_id=team_id, messages=[outbox.Message(key, "checkin", {})])
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sent"))  # type: ignore[arg-type]
    message = checkin_message(
        pair_id=pair.id or 0, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")
    await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: "May we celebrate" in c["text"])
    await click_in_message(slack, rc.ACTION_NO, str(pair.id), {"text": "x"}, "UE1")
    await click_in_message(slack, rc.ACTION_YES, str(pair.id), {"text": "x"}, "UM1")
    await slack.fake.wait_for("response_url", 2)
    assert posts(slack) == []
