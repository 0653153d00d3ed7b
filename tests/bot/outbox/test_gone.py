"""A "gone" answer from Slack acts only on whom the message was for (signed requests through the real app, the fake
Web API, both databases): an admin's alert that Slack refuses (a mistyped admin id) is recorded and shown to admins,
and never ends the pair of the person the alert was about."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select, update

from bot.home import refusals
from bot.outbox.deliver import deliver
from bot.outbox.kinds import CheckinPayload, Kind
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import feedback as fb
from prompts.checkins import checkin_message
from storage import admins as admins_repo
from storage import outbox
from storage import participants as participants_repo
from storage import rounds as rounds_repo
from storage.db import Database
from storage.models import Outbox, utcnow
from tests.support.rounds import one_pair
from tests.support.signed import SlackSender, click_in_message


@pytest.mark.parametrize("error", ["user_not_found", "channel_not_found"])
async def test_an_alert_slack_refuses_for_its_admin_never_ends_the_pair_it_is_about(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str, error: str
) -> None:
    pair = await one_pair(slack, deps, team_id)
    assert pair.id is not None
    assert (await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)).sent == 1  # the intro
    key = f"{Kind.CHECKIN}:{pair.id}:2"
    async with db.session() as session:  # check-in 2 went out; the admin list holds a mistyped id
        await outbox.enqueue_many(
            session, team_id=team_id, messages=[CheckinPayload(pair_id=pair.id, period=2).message(key)]
        )
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sent"))  # type: ignore[arg-type]
        await admins_repo.promote_admin(session, team_id=team_id, user_id="UTYPO", added_by="UADMIN")
    message = checkin_message(
        pair_id=pair.id, period=2, mentor_id="UM1", mentee_id="UE1", program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, "UE1")
    [ask] = await slack.fake.wait_for(
        "chat.postMessage", where=lambda c: c["channel"] == "UE1" and "working" in c["text"]
    )
    slack.fake.fail("chat.postMessage", error=error, channel="UTYPO")  # Slack: no such person, or no such DM

    await click_in_message(slack, fb.ACTION_FIT_NO, str(pair.id), {"text": ask["text"]}, "UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "Ask for a rematch" in json.dumps(c))
    assert slack.fake.calls_to("chat.postMessage")[-1]["channel"] == "UTYPO", "the alert was tried"

    async with db.read() as session:
        [alert] = (
            await session.exec(select(Outbox).where(Outbox.team_id == team_id, Outbox.kind == Kind.FIT_ALERT))
        ).all()
        stored = await rounds_repo.get_pair(session, team_id=team_id, pair_id=pair.id)
        people = [
            p.state
            for user in ("UM1", "UE1")
            for p in await participants_repo.participants_of_user(session, team_id=team_id, user_id=user)
        ]
        trouble = await outbox.trouble(session, team_id=team_id, stuck_before=utcnow())
        refused = await refusals(session, team_id=team_id)
    assert (alert.state, alert.error) == ("failed", error), "the failure is recorded on the alert"
    assert stored is not None and stored.state == "active", "the pair it was about goes on"
    assert people == ["active", "active"]
    assert not [
        c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] in ("UM1", "UE1") and "ended" in c["text"]
    ]
    assert trouble["failed"] == 1, "admins see it among the messages not delivered"
    assert refused == [{"error": error, "user_id": "UTYPO", "outcome": "not_retried"}], "a message to that admin"
