"""A round of matching driven through signed requests: an admin previews (nothing sent), swaps and drops pairs,
publishes; pairs get their introduction in a group DM, people left out are told, Home tabs update; publishing twice
sends nothing twice; the introduction's buttons; rematch requests; leaving ends a pair. Non-admins change nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot import participants
from bot.runtime.context import Deps
from prompts.blocks import escape
from prompts.participants import NOT_ADMIN
from prompts.topics import TOPICS_BY_KEY
from storage import admins as admins_repo
from storage import avoid as avoid_repo
from storage.db import Database
from storage.models import MatchRound, Outbox, Pair, RematchRequest
from tests.support.rounds import PEOPLE, enrol
from tests.support.signed import SlackSender


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_preview(call: dict[str, Any]) -> bool:
    return call["view"].get("callback_id") == "publish_round"


async def preview(slack: SlackSender, program_id: int, *, count: int = 1) -> dict[str, Any]:
    """An admin clicks *Preview matches*: the modal opens at once, then shows the stored preview."""
    await slack.click("preview_matches", user_id="UADMIN", container="view", value=str(program_id))
    return (await slack.fake.wait_for("views.update", count, where=is_preview))[-1]["view"]


async def adjust(slack: SlackSender, view: dict[str, Any], value: str, count: int) -> dict[str, Any]:
    action = {"action_id": "adjust_pair", "type": "static_select", "selected_option": {"value": value}}
    status, _ = await slack.view_action(action, view=view)
    assert status == 200
    return (await slack.fake.wait_for("views.update", count, where=is_preview))[-1]["view"]


async def round_pairs(db: Database, team_id: str, state: str | None = None) -> list[Pair]:
    async with db.read() as session:
        query = select(Pair).where(Pair.team_id == team_id)
        rows = (await session.exec(query.order_by(Pair.id))).all()  # type: ignore[arg-type]
    return [p for p in rows if state is None or p.state == state]


def pair_ids(view: dict[str, Any]) -> list[int]:
    return [
        int(b["block_id"].removeprefix("pair-")) for b in view["blocks"] if b.get("block_id", "").startswith("pair-")
    ]


def intros(slack: SlackSender) -> list[dict[str, Any]]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if "Meet your reverse mentoring partner" in c["text"]]


async def test_preview_adjust_publish_introduces_each_pair_once(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    program_id = await enrol(slack, deps, team_id)
    view = await preview(slack, program_id)
    text = dumps(view)
    assert "Nothing has been sent yet" in text and "2 pair(s)" in text and "1 left out" in text
    assert "not enough reverse mentors" in text
    assert "<@UM2> → <@UE2>" in text and "can share Data literacy" in text
    assert slack.fake.calls_to("chat.postMessage") == [] and slack.fake.calls_to("conversations.open") == []
    first, second = pair_ids(view)

    async with db.session() as session:  # UE2 asked not to be paired with UM1: the swap would break that
        await avoid_repo.add_avoid(session, team_id=team_id, user_id="UE2", avoided_id="UM1")
    pairs_before = {(p.mentor_id, p.mentee_id) for p in await round_pairs(db, team_id)}
    um1_pair, um2_pair = sorted((first, second), key=lambda pid: 0 if "UM1" in dumps(_block(view, pid)) else 1)
    refused = await adjust(slack, view, f"swap:{um1_pair}:{um2_pair}", 2)
    assert "Not changed: one of them asked not to be paired with the other" in dumps(refused)
    assert {(p.mentor_id, p.mentee_id) for p in await round_pairs(db, team_id)} == pairs_before
    async with db.session() as session:
        await avoid_repo.remove_avoid(session, team_id=team_id, user_id="UE2", avoided_id="UM1")
    swapped = await adjust(slack, view, f"swap:{um1_pair}:{um2_pair}", 3)
    assert "Mentees swapped: the round's total score goes from" in dumps(swapped) and "<@UM1> → <@UE2>" in dumps(
        swapped
    )
    assert ("UM1", "UE2") in {(p.mentor_id, p.mentee_id) for p in await round_pairs(db, team_id)}

    dropped = await adjust(slack, swapped, f"drop:{um1_pair}", 4)
    assert "Pair dropped" in dumps(dropped) and "1 pair(s)" in dumps(dropped) and "3 left out" in dumps(dropped)
    assert "pair dropped by an admin" in dumps(dropped)

    status, body = await slack.submit_view(dropped, {}, user_id="UADMIN")
    assert status == 200 and json.loads(body)["response_action"] == "update"
    done = await slack.fake.wait_for("views.update", where=lambda c: c["view"]["title"]["text"] == "Published")
    assert "1 pair(s) introduced" in dumps(done[-1]["view"]) and "3 person(s) told" in dumps(done[-1])
    [opened] = slack.fake.calls_to("conversations.open")
    [active] = await round_pairs(db, team_id, "active")
    assert sorted(opened["users"].split(",")) == sorted([active.mentor_id, active.mentee_id])
    [intro] = intros(slack)
    assert intro["channel"] == slack.fake.dm_channel_id(opened["users"])
    intro_text = dumps(intro["blocks"])
    assert "Kick-off checklist" in intro_text and "Three first topics" in intro_text and "Objectives" in intro_text
    assert {"intro_scheduled", "intro_another_topic", "intro_not_working"} <= {
        e["action_id"] for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    told = {c["channel"]: c["text"] for c in slack.fake.calls_to("chat.postMessage") if c["channel"].startswith("U")}
    assert active.mentor_id == "UM2" and set(told) == {"UM1", "UE1", "UE2", "UE3"} - {active.mentee_id}
    assert "held your proposed pair back" in told["UM1"] and "first in line" in told["UM1"]
    home = await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == active.mentee_id)
    assert f"<@{active.mentor_id}> (your reverse mentor)" in dumps(home[-1]["view"])

    sent = len(slack.fake.calls_to("chat.postMessage"))
    status, body = await slack.submit_view(dropped, {}, user_id="UADMIN")  # a double click on Publish
    again = await slack.fake.wait_for("views.update", 2, where=lambda c: c["view"]["title"]["text"] == "Published")
    assert "already published" in dumps(again[-1]["view"])
    assert len(slack.fake.calls_to("chat.postMessage")) == sent and len(slack.fake.calls_to("conversations.open")) == 1
    async with db.read() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.team_id == team_id))).all()
    assert sorted(r.state for r in rows) == ["sent"] * 4 and len({r.key for r in rows}) == 4


def _block(view: dict[str, Any], pair_id: int) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == f"pair-{pair_id}")


async def test_only_admins_preview_and_publish(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    program_id = await enrol(slack, deps, team_id)
    await slack.click("preview_matches", user_id="UE1", container="view", value=str(program_id))
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UE1")
    assert slack.fake.calls_to("views.open") == []
    view = await preview(slack, program_id)
    status, body = await slack.submit_view(view, {}, user_id="UE1")  # a forged submission
    assert status == 200 and NOT_ADMIN in json.loads(body)["view"]["blocks"][0]["text"]["text"]
    async with db.read() as session:
        [stored] = (await session.exec(select(MatchRound).where(MatchRound.team_id == team_id))).all()
    assert stored.state == "preview" and slack.fake.calls_to("conversations.open") == []
    forged = {"action_id": "adjust_pair", "type": "static_select", "selected_option": {"value": "drop:1"}}
    await slack.view_action(forged, view=view, user_id="UE1")
    await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: c["channel"] == "UE1")
    assert len(await round_pairs(db, team_id, "proposed")) == 2


async def publish_all(slack: SlackSender, db: Database, program_id: int, count: int = 1) -> None:
    view = await preview(slack, program_id, count=count)
    await slack.submit_view(view, {}, user_id="UADMIN")
    await slack.fake.wait_for("views.update", count, where=lambda c: c["view"]["title"]["text"] == "Published")


async def test_introduction_buttons_and_a_private_rematch(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    program_id = await enrol(slack, deps, team_id, {k: v for k, v in PEOPLE.items() if k in ("UM1", "UE1")})
    await publish_all(slack, db, program_id)
    [pair] = await round_pairs(db, team_id, "active")
    assert pair.topics[:2] == ["ai_tools", "leadership"], "their overlap first, then the mentee's other wishes"

    async def click(action: str, user: str) -> None:
        status, _ = await slack.click(action, user_id=user, value=str(pair.id))
        assert status == 200

    await click("intro_scheduled", "UE1")
    [said] = await slack.fake.wait_for("chat.postMessage", where=lambda c: "first meeting is scheduled" in c["text"])
    assert said["channel"] == "D100", "told in the conversation the button was clicked in"
    await click("intro_scheduled", "UM1")
    await slack.fake.wait_for("response_url", where=lambda c: "already noted" in dumps(c))
    await click("intro_another_topic", "UM1")
    [topic] = await slack.fake.wait_for("chat.postMessage", where=lambda c: "asked for another topic" in c["text"])
    assert pair.topics == ["ai_tools", "leadership", "social_media"], "then the mentor's other skills"
    [after] = await round_pairs(db, team_id, "active")
    assert len(after.topics) == 4 and len(set(after.topics)) == 4, "a suggested topic is never suggested again"
    assert escape(TOPICS_BY_KEY[after.topics[3]].label) in topic["text"], "then the program's catalogue"

    await click("intro_scheduled", "USTRANGER")
    await slack.fake.wait_for("response_url", where=lambda c: "for the two people in this pair" in dumps(c))

    await click("intro_not_working", "UM1")
    [modal] = await slack.fake.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == "rematch_request")
    assert modal["view"]["callback_id"] == "rematch_request" and "<@UE1>" in dumps(modal["view"])
    values = {"rematch_reason": {"rematch_reason": {"type": "plain_text_input", "value": "We never overlap"}}}
    status, _ = await slack.submit_view(modal["view"], values, user_id="UM1")
    assert status == 200
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == "UM1" and "rematch" in c["text"])
    assert not [c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UE1"], "the partner is not told"
    async with db.read() as session:
        [request] = (await session.exec(select(RematchRequest).where(RematchRequest.team_id == team_id))).all()
    assert (request.user_id, request.reason, request.pair_id) == ("UM1", "We never overlap", pair.id)
    await slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})
    home = await slack.fake.wait_for("views.publish", where=lambda c: "Rematch requests (1)" in dumps(c["view"]))
    assert "We never overlap" in dumps(home[-1]["view"])
    async with db.session() as session:  # the partner is a program admin too: they still never see the request
        await admins_repo.promote_admin(session, team_id=team_id, user_id="UE1", added_by="UADMIN")
    await slack.event({"type": "app_home_opened", "user": "UE1", "tab": "home"})
    partner = await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == "UE1" and "Admin" in dumps(c))
    assert "Rematch requests" not in dumps(partner[-1]["view"]) and "We never overlap" not in dumps(partner[-1])


async def test_a_rematch_ends_the_pair_at_the_next_round_never_the_same_partner(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    people = {k: v for k, v in PEOPLE.items() if k in ("UM1", "UM2", "UE1", "UE2")}
    program_id = await enrol(slack, deps, team_id, people)
    assert (await slack.command("rematch", user_id="UE1"))[0] == 200
    await slack.fake.wait_for("response_url", where=lambda c: "not in a pair" in dumps(c))
    await publish_all(slack, db, program_id)
    before = {(p.mentor_id, p.mentee_id) for p in await round_pairs(db, team_id, "active")}
    assert before == {("UM1", "UE1"), ("UM2", "UE2")}
    await slack.command("status", user_id="UE1")
    await slack.fake.wait_for(
        "response_url", where=lambda c: "Your pair in Reverse mentoring: <@UM1> (your reverse mentor)" in dumps(c)
    )
    await slack.command("rematch Not the right fit", user_id="UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "rematch request is noted" in dumps(c))
    view = await preview(slack, program_id, count=2)
    assert "1 current pair(s) end" in dumps(view)
    await slack.submit_view(view, {}, user_id="UADMIN")
    await slack.fake.wait_for("views.update", 2, where=lambda c: c["view"]["title"]["text"] == "Published")
    pairs = await round_pairs(db, team_id)
    assert {(p.mentor_id, p.mentee_id, p.state) for p in pairs} >= {("UM1", "UE1", "ended"), ("UM2", "UE2", "active")}
    assert ("UM1", "UE1", "active") not in {(p.mentor_id, p.mentee_id, p.state) for p in pairs}
    async with db.read() as session:
        [request] = (await session.exec(select(RematchRequest).where(RematchRequest.team_id == team_id))).all()
    assert request.handled_at is not None and request.reason == "Not the right fit"


async def test_an_admin_never_sees_in_the_preview_that_their_partner_asked_for_a_rematch(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    program_id = await enrol(
        slack, deps, team_id, {k: v for k, v in PEOPLE.items() if k in ("UM1", "UM2", "UE1", "UE2")}
    )
    await publish_all(slack, db, program_id)
    assert {(p.mentor_id, p.mentee_id) for p in await round_pairs(db, team_id, "active")} == {
        ("UM1", "UE1"),
        ("UM2", "UE2"),
    }
    await enrol(slack, deps, team_id, {"UE3": PEOPLE["UE3"]})  # joins later: UM1's next mentee
    async with db.session() as session:  # UE1's partner is a program admin, and so is another reverse mentor
        for admin in ("UM1", "UM2"):
            await admins_repo.promote_admin(session, team_id=team_id, user_id=admin, added_by="UADMIN")
    await slack.command("rematch Not the right fit", user_id="UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "rematch request is noted" in dumps(c))

    async def preview_by(admin: str) -> dict[str, Any]:
        before = len([c for c in slack.fake.calls_to("views.update") if is_preview(c)])
        await slack.click("preview_matches", user_id=admin, container="view", value=str(program_id))
        return (await slack.fake.wait_for("views.update", before + 1, where=is_preview))[-1]["view"]

    other = await preview_by("UM2")
    assert "1 current pair(s) end when this round is published: someone asked for a rematch" in dumps(other)
    partner = await preview_by("UM1")
    assert "rematch" not in dumps(partner) and "current pair(s) end" not in dumps(partner)
    [proposed] = pair_ids(partner)
    assert "<@UM1> → <@UE3>" in dumps(partner)
    before = len([c for c in slack.fake.calls_to("views.update") if is_preview(c)])
    action = {"action_id": "adjust_pair", "type": "static_select", "selected_option": {"value": f"drop:{proposed}"}}
    await slack.view_action(action, view=partner, user_id="UM1")  # redrawn for the partner: still hidden
    redrawn = (await slack.fake.wait_for("views.update", before + 1, where=is_preview))[-1]["view"]
    assert "Pair dropped" in dumps(redrawn) and "rematch" not in dumps(redrawn)


async def test_leaving_ends_the_pair_and_the_partner_is_first_in_line(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    people = {k: v for k, v in PEOPLE.items() if k in ("UM1", "UE1")}
    program_id = await enrol(slack, deps, team_id, people)
    await publish_all(slack, db, program_id)
    await participants.leave(deps, team_id=team_id, user_id="UM1")
    [ended] = await round_pairs(db, team_id)
    assert (ended.state, ended.ended_reason) == ("ended", "left")
    newcomers = {  # a new reverse mentor, and a newcomer who would score higher with them than UE1 does
        "UM3": ("mentor", "Marketing", 2, ["ai_tools"], [], 1),
        "UE9": ("mentee", "Finance", 30, [], ["ai_tools"], 1),
    }
    await enrol(slack, deps, team_id, newcomers)
    view = await preview(slack, program_id, count=2)
    text = dumps(view)
    assert "<@UM3> → <@UE1>" in text and "<@UE9> (mentee)" in text, "UE1, whose partner left, goes first"


async def test_mentor_topic_posts_the_pairs_next_topic_for_both(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    program_id = await enrol(slack, deps, team_id, {k: v for k, v in PEOPLE.items() if k in ("UM1", "UE1")})
    await slack.command("topic", user_id="UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "not in a pair right now" in dumps(c))
    await publish_all(slack, db, program_id)
    [pair] = await round_pairs(db, team_id, "active")
    had = list(pair.topics)
    slack.fake.reset()
    assert (await slack.command("topic please", user_id="UE1"))[0] == 200
    [posted] = await slack.fake.wait_for("chat.postMessage", where=lambda c: "asked for another topic" in c["text"])
    assert posted["channel"] == pair.channel_id and "<@UE1>" in posted["text"], "in the pair's conversation"
    await slack.fake.wait_for(
        "response_url", where=lambda c: "Posted a new topic in your conversation with <@UM1>" in dumps(c)
    )
    [after] = await round_pairs(db, team_id, "active")
    assert after.topics[: len(had)] == had and len(after.topics) == len(had) + 1, "recorded, never one they've had"
    assert after.topics[-1] not in had
    await slack.command("topic <@UE1|me>", user_id="UE1")  # naming yourself names no one
    await slack.fake.wait_for("chat.postMessage", 2, where=lambda c: "asked for another topic" in c["text"])
    await slack.command("topic <@USTRANGER|stranger>", user_id="UE1")
    await slack.fake.wait_for("response_url", where=lambda c: "not paired with <@USTRANGER>" in dumps(c))
    assert len(slack.fake.calls_to("chat.postMessage")) == 2
