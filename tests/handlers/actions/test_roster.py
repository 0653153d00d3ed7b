"""The admin's roster: paging, search, and actions on a person, all authorized on the server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot import participants
from bot.optin import Profile
from bot.runtime.context import Deps
from storage.db import Database
from storage.models import Admin, AuditLog, Participant
from tests.support.programs import first_program_id
from tests.support.signed import SlackSender

DEPARTMENTS = ("Legal", "Sales", "IT")


async def seed(deps: Deps, team_id: str, count: int) -> None:
    program_id = await first_program_id(deps, team_id)
    for i in range(count):
        profile = Profile("mentor", DEPARTMENTS[i % 3], i % 40, ["ai_tools"], [], "Share", "video", None)
        await participants.save_profile(
            deps.db, team_id=team_id, user_id=f"U{i:04d}", program_id=program_id, profile=profile
        )


async def block_action(
    slack: SlackSender, action: dict[str, Any], *, view: dict[str, Any], user_id: str = "UADMIN"
) -> None:
    """An action inside the roster modal."""
    status, _ = await slack.view_action(action, view=view, user_id=user_id, view_id="VROSTER")
    assert status == 200


def people_in(view: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"].split(" · ")[0] for b in view["blocks"] if b.get("accessory", {}).get("type") == "overflow"
    ]


async def open_roster(slack: SlackSender, deps: Deps) -> dict[str, Any]:
    slack.fake.add_user("UADMIN", is_admin=True)
    program_id = await first_program_id(deps, slack.team_id)
    await slack.click("open_roster", user_id="UADMIN", container="view", value=str(program_id))
    return (await slack.fake.wait_for("views.open"))[-1]["view"]


async def test_roster_pages_and_searches(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    await seed(deps, team_id, 45)
    view = await open_roster(slack, deps)
    assert view["callback_id"] == "roster"
    assert "*45 people* · page 1 of 3" in json.dumps(view, ensure_ascii=False)
    assert people_in(view)[:2] == ["<@U0000>", "<@U0001>"] and len(people_in(view)) == 20
    assert "Legal 15" in json.dumps(view, ensure_ascii=False)

    nxt = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]][-1]
    await block_action(slack, {"type": "button", "action_id": nxt["action_id"], "value": nxt["value"]}, view=view)
    update = (await slack.fake.wait_for("views.update"))[-1]
    assert update["view_id"] == "VROSTER" and update["hash"] == "123.abc"
    assert (
        "page 2 of 3" in json.dumps(update["view"], ensure_ascii=False) and people_in(update["view"])[0] == "<@U0020>"
    )

    await block_action(slack, {"type": "plain_text_input", "action_id": "roster_search", "value": "legal"}, view=view)
    found = (await slack.fake.wait_for("views.update", count=2))[-1]["view"]
    assert "*15 people matching “legal”* · page 1 of 1" in json.dumps(found, ensure_ascii=False)
    assert all(f"<@U{i:04d}>" in people_in(found) for i in range(0, 45, 3))

    status, body = await slack.submit_view(
        view, {"roster_search": {"roster_search": {"value": "U0044"}}}, user_id="UADMIN"
    )
    answer = json.loads(body)
    assert status == 200 and answer["response_action"] == "update"
    assert people_in(answer["view"]) == ["<@U0044>"]


async def test_actions_on_a_person_are_applied_and_audited(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await seed(deps, team_id, 3)
    view = await open_roster(slack, deps)
    async with db.read() as session:
        person = (
            await session.exec(
                select(Participant).where(Participant.team_id == team_id, Participant.user_id == "U0001")
            )
        ).one()
    for verb, expected in (("pause", "paused"), ("resume", "active"), ("remove", "left")):
        option = {"text": {"type": "plain_text", "text": verb}, "value": f"{verb}:{person.id}"}
        await block_action(
            slack, {"type": "overflow", "action_id": "roster_person", "selected_option": option}, view=view
        )
        update = await slack.fake.wait_for("views.update")
        [told] = await slack.fake.wait_for("chat.postMessage")
        assert told["channel"] == "U0001" and "A program admin" in told["text"]
        slack.fake.reset()
        async with db.read() as session:
            state = (await session.exec(select(Participant.state).where(Participant.id == person.id))).one()
        assert state == expected
    assert "<@U0001> is removed (history kept)." in json.dumps(update[-1]["view"], ensure_ascii=False)

    option = {"text": {"type": "plain_text", "text": "promote"}, "value": f"promote:{person.id}"}
    await block_action(slack, {"type": "overflow", "action_id": "roster_person", "selected_option": option}, view=view)
    await slack.fake.wait_for("views.update")
    async with db.read() as session:
        admins = (await session.exec(select(Admin.user_id).where(Admin.team_id == team_id))).all()
        actions = (await session.exec(select(AuditLog.action).where(AuditLog.team_id == team_id))).all()
    assert admins == ["U0001"]
    assert sorted(actions) == ["participant.pause", "participant.promote", "participant.remove", "participant.resume"]


@pytest.mark.parametrize(
    "action",
    [
        {"type": "button", "action_id": "roster_page_next", "value": json.dumps({"page": 1, "query": ""})},
        {"type": "plain_text_input", "action_id": "roster_search", "value": "legal"},
        {"type": "overflow", "action_id": "roster_person", "selected_option": {"value": "remove:PID"}},
        {"type": "overflow", "action_id": "roster_person", "selected_option": {"value": "promote:PID"}},
    ],
)
async def test_non_admin_forging_roster_actions_changes_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str, action: dict[str, Any]
) -> None:
    await seed(deps, team_id, 2)
    async with db.read() as session:
        pid = (await session.exec(select(Participant.id).where(Participant.team_id == team_id))).first()
    forged = json.loads(json.dumps(action).replace("PID", str(pid)))
    await block_action(
        slack, forged, view={"type": "modal", "callback_id": "roster", "private_metadata": "{}"}, user_id="U100"
    )
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and dm["text"].startswith("Only program admins")
    assert slack.fake.calls_to("views.update") == []
    async with db.read() as session:
        states = (await session.exec(select(Participant.state).where(Participant.team_id == team_id))).all()
        admins = (await session.exec(select(Admin).where(Admin.team_id == team_id))).all()
    assert set(states) == {"active"} and admins == []


async def test_non_admin_cannot_open_or_submit_the_roster(slack: SlackSender) -> None:
    await slack.click("open_roster", user_id="U100", container="view")
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["text"].startswith("Only program admins")
    assert slack.fake.calls_to("views.open") == []
    _, body = await slack.submit_view({"type": "modal", "callback_id": "roster", "blocks": []}, {}, user_id="U100")
    assert json.loads(body)["errors"]["roster_search"].startswith("Only program admins")


async def test_a_person_of_another_workspace_cannot_be_touched(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    other = team_id + "X"
    await seed(deps, other, 1)
    async with db.read() as session:
        pid = (await session.exec(select(Participant.id).where(Participant.team_id == other))).one()
    view = await open_roster(slack, deps)
    option = {"value": f"remove:{pid}"}
    await block_action(slack, {"type": "overflow", "action_id": "roster_person", "selected_option": option}, view=view)
    update = (await slack.fake.wait_for("views.update"))[-1]
    assert "no longer in this program" in json.dumps(update["view"], ensure_ascii=False)
    async with db.read() as session:
        state = (await session.exec(select(Participant.state).where(Participant.id == pid))).one()
    assert state == "active"


async def test_promote_twice_and_demote(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    await seed(deps, team_id, 1)
    view = await open_roster(slack, deps)
    async with db.read() as session:
        pid = (await session.exec(select(Participant.id).where(Participant.team_id == team_id))).one()
    for verb, notice in (("promote", "now a program admin"), ("promote", "already so"), ("demote", "no longer")):
        await block_action(
            slack,
            {"type": "overflow", "action_id": "roster_person", "selected_option": {"value": f"{verb}:{pid}"}},
            view=view,
        )
        update = (await slack.fake.wait_for("views.update"))[-1]["view"]
        slack.fake.reset()
        assert notice in json.dumps(update, ensure_ascii=False)
    async with db.read() as session:
        admins = (await session.exec(select(Admin).where(Admin.team_id == team_id))).all()
        actions = (await session.exec(select(AuditLog.action).where(AuditLog.team_id == team_id))).all()
    assert admins == [] and sorted(actions) == ["participant.demote", "participant.promote"]
