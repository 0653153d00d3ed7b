"""Several programs and their life cycle, driven through signed requests: an admin creates one, opens it, starts and
ends it; people pick a program when several are open; everyone's Home tab follows. Non-admins change nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.runtime.context import Deps
from storage.db import Database
from storage.models import AuditLog, Participant, Program
from tests.support.optin import optin_values
from tests.support.programs import first_program_id, programs, settings_values
from tests.support.signed import SlackSender


async def rows(db: Database, team_id: str, user_id: str = "U100") -> dict[int, Participant]:
    async with db.read() as session:
        query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
        return {p.program_id: p for p in (await session.exec(query)).all()}


async def audit_actions(db: Database, team_id: str) -> list[str]:
    async with db.read() as session:
        query = select(AuditLog).where(AuditLog.team_id == team_id).order_by(AuditLog.id)  # type: ignore[arg-type]
        return [e.action for e in (await session.exec(query)).all()]


async def create_program(slack: SlackSender, name: str = "Digital skills 2027 H1", **answers: Any) -> dict:
    """An admin clicks *New program* and submits the form."""
    slack.fake.add_user("UADMIN", is_admin=True)
    view = await slack.open_modal("new_program")
    start = date.today() + timedelta(days=14)  # new programs can't start in the past: keep the test timeless
    dates = {"start": start.isoformat(), "end": (start + timedelta(weeks=12)).isoformat()}
    status, body = await slack.submit_view(view, settings_values(name=name, **{**dates, **answers}), user_id="UADMIN")
    assert (status, body) == (200, "")
    return view


async def open_settings(slack: SlackSender, deps: Deps, team_id: str) -> tuple[int, dict]:
    """An admin opens the first program's settings: its id and the modal."""
    pid = await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    return pid, await slack.open_modal("edit_program_settings", value=str(pid))


async def move(slack: SlackSender, program: Program, to_state: str, *, user_id: str = "UADMIN") -> None:
    action = "end_program" if to_state == "ended" else "move_program"
    value = f"{program.id}:{program.state}:{to_state}"
    status, _ = await slack.click(action, user_id=user_id, container="view", value=value)
    assert status == 200


async def message_to(slack: SlackSender, channel: str, count: int = 1) -> dict[str, Any]:
    """The latest message posted to ``channel`` (a user id: a DM), once at least ``count`` were posted there."""
    return (await slack.fake.wait_for("chat.postMessage", count, where=lambda c: c["channel"] == channel))[-1]


async def last_dm(slack: SlackSender, user_id: str, count: int = 1) -> str:
    """The text of the latest DM to ``user_id``, once at least ``count`` were sent to them."""
    return str((await message_to(slack, user_id, count))["text"])


async def home_of(slack: SlackSender, user_id: str, containing: str) -> str:
    """The latest Home tab published for ``user_id``, waiting until one contains ``containing``."""

    def wanted(call: dict[str, Any]) -> bool:
        return call["user_id"] == user_id and containing in json.dumps(call["view"])

    return json.dumps((await slack.fake.wait_for("views.publish", where=wanted))[-1]["view"])


async def join(slack: SlackSender, *, user_id: str = "U100", pick: int | None = None, **answers: Any) -> dict:
    """``/mentor join``, then submit the form (choosing program ``pick`` in its menu when given)."""
    await slack.command("join", user_id=user_id)
    view = (await slack.fake.wait_for("views.open"))[-1]["view"]
    values = optin_values(**answers)
    if pick is not None:
        values["optin_program"] = {"optin_program": {"type": "static_select", "selected_option": {"value": str(pick)}}}
    status, body = await slack.submit_view(view, values, user_id=user_id)
    assert status == 200, body
    return {"view": view, "body": body}


async def test_admin_creates_a_draft_that_only_admins_see(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    view = await create_program(slack, objectives="AI for leaders")
    assert view["title"]["text"] == "New program" and json.loads(view["private_metadata"]) == {"new": True}
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["program_name"]["element"]["initial_value"] == ""
    assert by_id["cadence"]["element"]["initial_option"]["value"] == "biweekly"
    found = await programs(db, team_id)
    draft = found["Digital skills 2027 H1"]
    assert draft.state == "draft" and draft.objectives == "AI for leaders" and draft.channel_id == "C0ANNOUNCE"
    assert await audit_actions(db, team_id) == ["program.create"]

    home = json.dumps((await slack.fake.wait_for("views.publish"))[-1]["view"])
    assert "Digital skills 2027 H1" in home and "Open for sign-ups" in home
    # an employee neither sees the draft on Home nor can join it
    slack.fake.reset()
    await slack.event({"type": "app_home_opened", "user": "U100", "tab": "home", "channel": "D1", "event_ts": "1.2"})
    employee = json.dumps((await slack.fake.wait_for("views.publish"))[-1]["view"])
    assert "Digital skills 2027 H1" not in employee and "Reverse mentoring" in employee
    await slack.command("join")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert "optin_program" not in {b.get("block_id") for b in form["blocks"]}, "one open program: no menu"


async def test_a_name_taken_by_another_program_is_refused_inline(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    view = await slack.open_modal("new_program")
    _, body = await slack.submit_view(view, settings_values(name="Reverse mentoring"), user_id="UADMIN")
    assert json.loads(body)["errors"] == {"program_name": "Another program in this workspace already has this name."}
    assert len(await programs(db, team_id)) == 1


async def test_life_cycle_with_two_programs_open(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    default_id = await first_program_id(deps, team_id)
    await create_program(slack)
    new = (await programs(db, team_id))["Digital skills 2027 H1"]
    await move(slack, new, "open")
    assert "is open for sign-ups" in await last_dm(slack, "UADMIN")
    assert (await programs(db, team_id))["Digital skills 2027 H1"].state == "open"

    # Two programs open: the form offers a menu, and the person's choice decides where they join.
    slack.fake.reset()
    await join(slack, pick=new.id)
    form = slack.fake.calls_to("views.open")[-1]["view"]
    menu = next(b for b in form["blocks"] if b.get("block_id") == "optin_program")
    assert [o["text"]["text"] for o in menu["element"]["options"]] == ["Reverse mentoring", "Digital skills 2027 H1"]
    await slack.fake.wait_for("chat.postMessage")
    assert list(await rows(db, team_id)) == [new.id]
    await join(slack, pick=default_id, department="Finance")
    await slack.fake.wait_for("chat.postMessage", count=2)
    assert set(await rows(db, team_id)) == {default_id, new.id}

    # Status lists both; pause pauses both; leave asks which.
    slack.fake.reset()
    await slack.command("status")
    [status] = await slack.fake.wait_for("response_url")
    assert "Reverse mentoring: you are taking part." in status["text"]
    assert "Digital skills 2027 H1: you are taking part." in status["text"]
    await slack.command("pause")
    await slack.fake.wait_for("response_url", count=2)
    assert "in Reverse mentoring, Digital skills 2027 H1" in slack.fake.calls_to("response_url")[-1]["text"]
    assert {p.state for p in (await rows(db, team_id)).values()} == {"paused"}
    await slack.command("leave")
    leave = (await slack.fake.wait_for("response_url", count=3))[-1]
    values = [e["value"] for b in leave["blocks"] if b["type"] == "actions" for e in b["elements"] if "value" in e]
    assert values == [str(default_id), str(new.id)]
    await slack.click("confirm_leave", value=str(new.id), hook="leave")
    await slack.fake.wait_for("response_url", count=4)
    states = {pid: p.state for pid, p in (await rows(db, team_id)).items()}
    assert states == {default_id: "paused", new.id: "left"}

    # Start, then end the new program: a person still in it sees it ended on their Home tab.
    await join(slack, user_id="U200", pick=new.id)
    slack.fake.reset()
    current = (await programs(db, team_id))["Digital skills 2027 H1"]
    await move(slack, current, "running")
    assert "is running" in await last_dm(slack, "UADMIN")
    current = (await programs(db, team_id))["Digital skills 2027 H1"]
    await move(slack, current, "ended")
    home = await home_of(slack, "U200", "This program has ended")  # refreshed without U200 doing anything
    assert "Digital skills 2027 H1" in home
    assert (await programs(db, team_id))["Digital skills 2027 H1"].state == "ended"
    assert await audit_actions(db, team_id) == ["program.create", "program.state", "program.state", "program.state"]

    # An ended program takes no sign-ups: the form no longer offers it, and a stale form is refused inline.
    slack.fake.reset()
    await slack.command("join", user_id="U300")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert "optin_program" not in {b.get("block_id") for b in form["blocks"]}
    form["private_metadata"] = json.dumps({"program_id": new.id})
    _, body = await slack.submit_view(form, optin_values(), user_id="U300")
    assert "no longer open" in json.loads(body)["errors"]["role"]


async def test_when_every_program_has_ended_people_are_told_so(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    await move(slack, (await programs(db, team_id))["Reverse mentoring"], "ended")
    await slack.fake.wait_for("chat.postMessage")
    slack.fake.reset()
    await slack.command("")
    [reply] = await slack.fake.wait_for("response_url")
    assert reply["text"].startswith("No reverse mentoring program is open for sign-ups")
    assert slack.fake.calls_to("views.open") == []
    assert len(await programs(db, team_id)) == 1, "no default program comes back"


async def test_state_moves_are_checked_on_the_server(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    program = (await programs(db, team_id))["Reverse mentoring"]
    # Not a move the life cycle allows (open → draft), and a forged from-state: nothing changes.
    await slack.click("move_program", user_id="UADMIN", container="view", value=f"{program.id}:open:draft")
    assert "isn't possible" in await last_dm(slack, "UADMIN")
    await slack.click("move_program", user_id="UADMIN", container="view", value=f"{program.id}:ended:open")
    assert "isn't possible" in await last_dm(slack, "UADMIN", count=2)
    # Two admins clicking the same button: the second is told it had already changed.
    await asyncio.gather(move(slack, program, "running"), move(slack, program, "running"))
    await message_to(slack, "UADMIN", count=4)
    told = [c["text"] for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == "UADMIN"][-2:]
    assert sorted("had already changed" in text for text in told) == [False, True]
    assert await audit_actions(db, team_id) == ["program.state"]
    # Another workspace's program, or garbage.
    async with db.session() as session:
        theirs = Program(team_id="TOTHER" + team_id[-4:], name="Theirs", state="open")
        session.add(theirs)
        await session.flush()
        their_id = theirs.id
    await slack.click("end_program", user_id="UADMIN", container="view", value=f"{their_id}:open:ended")
    await slack.click("move_program", user_id="UADMIN", container="view", value="<script>")
    await slack.fake.wait_for("chat.postMessage", count=6)
    async with db.read() as session:
        still = await session.get(Program, their_id)
    assert still is not None and still.state == "open"


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("new_program", None),
        ("move_program", "{pid}:open:running"),
        ("end_program", "{pid}:open:ended"),
        ("refresh_home", None),
        ("edit_program_settings", "{pid}"),
        ("open_roster", "{pid}"),
        ("announce_program", "{pid}"),
        ("open_audit_log", None),
    ],
)
async def test_non_admin_forging_program_buttons_changes_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str, action: str, value: str | None
) -> None:
    pid = await first_program_id(deps, team_id)
    await slack.click(action, user_id="U100", container="view", value=value.format(pid=pid) if value else None)
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and dm["text"].startswith("Only program admins")
    assert slack.fake.calls_to("views.open") == [] and slack.fake.calls_to("views.publish") == []
    assert [p.state for p in (await programs(db, team_id)).values()] == ["open"]
    assert await audit_actions(db, team_id) == []


async def test_non_admin_forging_a_new_program_submission_creates_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    view = {"type": "modal", "callback_id": "program_settings", "private_metadata": '{"new": true}', "blocks": []}
    _, body = await slack.submit_view(view, settings_values(name="Mine"), user_id="U100")
    assert json.loads(body)["errors"]["program_name"].startswith("Only program admins")
    assert list(await programs(db, team_id)) == ["Reverse mentoring"]


async def test_topics_trimmed_and_added_by_an_admin_shape_the_form(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid, view = await open_settings(slack, deps, team_id)
    extra = "Our CRM: which report do you trust?\nInternal podcasts"
    answers = settings_values(topics=("ai_tools", "leadership"), extra=extra, name="Reverse mentoring")
    _, body = await slack.submit_view(view, answers, user_id="UADMIN")
    assert body == ""
    program = (await programs(db, team_id))["Reverse mentoring"]
    assert program.topics["extra"] == [
        {"label": "Our CRM", "question": "which report do you trust?"},
        {"label": "Internal podcasts", "question": ""},
    ]
    assert "ai_tools" not in program.topics["off"] and "social_media" in program.topics["off"]

    slack.fake.reset()
    await slack.command("join")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    shares = next(b for b in form["blocks"] if b.get("block_id") == "shares")["element"]
    offered = [o["value"] for g in shares["option_groups"] for o in g["options"]]
    assert offered == ["ai_tools", "leadership", "Our CRM", "Internal podcasts"]
    _, body = await slack.submit_view(form, optin_values(shares=["social_media"]))
    assert json.loads(body)["errors"] == {"shares": "Please pick topics from the list."}
    _, body = await slack.submit_view(form, optin_values(shares=["ai_tools", "Our CRM"]))
    assert body == ""
    await slack.fake.wait_for("chat.postMessage")
    assert (await rows(db, team_id))[pid].shares == ["ai_tools", "Our CRM"]


@pytest.mark.parametrize(
    ("topics", "extra", "error"),
    [
        ((), "", "Offer at least 3 topics"),
        (None, "AI tools at work", "Line 1: “AI tools at work” is already a topic."),
        (None, "ok\n" + "x" * 51, "Line 2: write a topic of up to 50 characters"),
        (None, "\n".join(f"T{i}" for i in range(21)), "At most 20 added topics."),
    ],
)
async def test_bad_topic_settings_are_refused_inline(
    slack: SlackSender, db: Database, deps: Deps, team_id: str, topics: tuple[str, ...] | None, extra: str, error: str
) -> None:
    _, view = await open_settings(slack, deps, team_id)
    _, body = await slack.submit_view(view, settings_values(topics=topics, extra=extra), user_id="UADMIN")
    errors = json.loads(body)["errors"]
    assert any(message.startswith(error) for message in errors.values()), errors
    assert (await programs(db, team_id))["Reverse mentoring"].topics == {}


async def test_the_announcement_channel_can_be_cleared(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid, view = await open_settings(slack, deps, team_id)
    assert "clear_channel" not in {b.get("block_id") for b in view["blocks"]}, "nothing to clear yet"
    await slack.submit_view(view, settings_values(name="Reverse mentoring"), user_id="UADMIN")
    view = await slack.open_modal("edit_program_settings", value=str(pid))
    assert "clear_channel" in {b.get("block_id") for b in view["blocks"]}
    await slack.submit_view(view, settings_values(name="Reverse mentoring", clear_channel=True), user_id="UADMIN")
    assert (await programs(db, team_id))["Reverse mentoring"].channel_id is None


async def test_settings_changes_refresh_the_home_tab_of_people_in_the_program(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid = await first_program_id(deps, team_id)
    await join(slack)
    await slack.fake.wait_for("views.publish")
    slack.fake.add_user("UADMIN", is_admin=True)
    slack.fake.reset()
    view = await slack.open_modal("edit_program_settings", value=str(pid))
    await slack.submit_view(view, settings_values(name="Renamed for all"), user_id="UADMIN")
    calls = await slack.fake.wait_for("views.publish", count=2)
    assert {c["user_id"] for c in calls} == {"UADMIN", "U100"}
    assert all("Renamed for all" in json.dumps(c["view"]) for c in calls)


async def test_pause_and_resume_from_the_home_tab(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    pid = await first_program_id(deps, team_id)
    await join(slack)
    await slack.fake.wait_for("chat.postMessage")
    await slack.click("home_pause", container="view", value=str(pid))
    modal = (await slack.fake.wait_for("views.open", count=2))[-1]["view"]
    assert modal["callback_id"] == "pause_participation"

    def until(day: str | None) -> dict:
        return {"pause_until": {"pause_until": {"type": "datepicker", "selected_date": day}}}

    _, body = await slack.submit_view(modal, until("2020-01-01"))
    assert json.loads(body)["errors"]["pause_until"].startswith("That date has passed")
    _, body = await slack.submit_view(modal, until("2099-01-01"))
    assert "up to a year" in json.loads(body)["errors"]["pause_until"]
    assert (await rows(db, team_id))[pid].state == "active"
    _, body = await slack.submit_view(modal, until(None))
    assert body == ""
    home = await home_of(slack, "U100", "paused until you resume")  # saved after the ack, then Home refreshed
    assert "home_resume" in home
    assert (await rows(db, team_id))[pid].state == "paused"

    await slack.click("home_resume", container="view", value=str(pid))
    await slack.fake.wait_for("views.publish", count=3)
    assert (await rows(db, team_id))[pid].state == "active"


async def test_leave_from_the_home_tab_leaves_that_program(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid = await first_program_id(deps, team_id)
    await join(slack)
    await slack.fake.wait_for("views.publish")
    await slack.click("confirm_leave", container="view", value=str(pid))
    home = json.dumps((await slack.fake.wait_for("views.publish", count=2))[-1]["view"])
    assert (await rows(db, team_id))[pid].state == "left"
    assert "Join again" in home
    assert slack.fake.calls_to("response_url") == []


async def test_pausing_someone_elses_program_or_a_forged_id_changes_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid = await first_program_id(deps, team_id)
    await join(slack)
    await slack.fake.wait_for("chat.postMessage")
    await slack.click("home_pause", user_id="U200", container="view", value=str(pid))
    dm = await last_dm(slack, "U200")
    assert "not taking part" in dm
    modal = {"type": "modal", "callback_id": "pause_participation", "private_metadata": json.dumps({"program_id": pid})}
    _, body = await slack.submit_view(modal, {}, user_id="U200")
    assert "not taking part in this program" in json.loads(body)["errors"]["pause_until"]
    assert (await rows(db, team_id))[pid].state == "active"


async def test_picking_another_program_in_the_form_redraws_it_for_that_program(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    await create_program(slack, name="AI for leaders", topics=("ai_tools", "leadership"), extra="Our CRM")
    await move(slack, (await programs(db, team_id))["AI for leaders"], "open")
    await last_dm(slack, "UADMIN")
    new_id = (await programs(db, team_id))["AI for leaders"].id
    slack.fake.reset()
    await slack.command("join")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    switch = {
        "type": "static_select",
        "action_id": "optin_program",
        "selected_option": {"text": {"type": "plain_text", "text": "AI"}, "value": str(new_id)},
    }
    status, _ = await slack.view_action(switch, view=form, user_id="U100", view_id="VFORM", view_hash="9.z")
    assert status == 200
    [update] = await slack.fake.wait_for("views.update")
    assert (update["view_id"], update["hash"]) == ("VFORM", "9.z")
    redrawn = update["view"]
    assert json.loads(redrawn["private_metadata"]) == {"program_id": new_id}
    assert "*AI for leaders*" in json.dumps(redrawn)
    shares = next(b for b in redrawn["blocks"] if b.get("block_id") == "shares")["element"]
    assert [o["value"] for g in shares["option_groups"] for o in g["options"]] == ["ai_tools", "leadership", "Our CRM"]
    # the same input blocks and action ids as before, so Slack keeps what the person typed
    assert [b.get("block_id") for b in redrawn["blocks"]] == [b.get("block_id") for b in form["blocks"]]


async def end_default_and_open_another(slack: SlackSender, deps: Deps, team_id: str) -> tuple[int, int]:
    """U100 takes part in the default program, which ends; "Next round" is open. Returns both ids."""
    old_id = await first_program_id(deps, team_id)
    await join(slack)
    await last_dm(slack, "U100")
    await create_program(slack, name="Next round")
    await move(slack, (await programs(deps.db, team_id))["Next round"], "open")
    await last_dm(slack, "UADMIN")
    await move(slack, (await programs(deps.db, team_id))["Reverse mentoring"], "ended")
    await last_dm(slack, "UADMIN", count=2)
    new_id = (await programs(deps.db, team_id))["Next round"].id
    assert new_id is not None
    return old_id, new_id


async def test_people_of_an_ended_program_can_join_the_next_one(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    _, new_id = await end_default_and_open_another(slack, deps, team_id)
    slack.fake.reset()
    await slack.command("")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert json.loads(form["private_metadata"]) == {"program_id": new_id}
    assert form["title"]["text"] == "Join reverse mentoring", "joining, pre-filled from the old program"
    assert next(b for b in form["blocks"] if b.get("block_id") == "department")["element"]["initial_value"]
    await slack.command("status")
    [status] = await slack.fake.wait_for("response_url")
    assert "Reverse mentoring has ended" in status["text"]
    assert "join_program" in json.dumps(status["blocks"]) and "no partner yet" not in json.dumps(status["blocks"])


async def test_an_ended_program_is_read_only(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    old_id, _ = await end_default_and_open_another(slack, deps, team_id)
    # settings: no button on the card, and a forged or stale form is refused
    home = json.dumps(slack.fake.calls_to("views.publish")[-1]["view"])
    assert f'"edit_program_settings", "value": "{old_id}"' not in home
    view = {
        "type": "modal",
        "callback_id": "program_settings",
        "private_metadata": json.dumps({"program_id": old_id}),
        "blocks": [],
    }
    _, body = await slack.submit_view(view, settings_values(name="Revived"), user_id="UADMIN")
    assert json.loads(body)["errors"]["program_name"].startswith("This program has ended")
    # roster: readable, without actions; a forged action changes nothing
    slack.fake.reset()
    roster = await slack.open_modal("open_roster", value=str(old_id))
    assert "can no longer change" in json.dumps(roster) and "overflow" not in json.dumps(roster)
    assert "Make program admin" in json.dumps(roster), "admin rights are workspace-wide: still manageable"
    person = (await rows(db, team_id))[old_id]
    remove = {"type": "overflow", "action_id": "roster_person", "selected_option": {"value": f"remove:{person.id}"}}
    await slack.view_action(remove, view=roster)
    [update] = await slack.fake.wait_for("views.update")
    assert "nothing changed" in json.dumps(update["view"])
    assert (await rows(db, team_id))[old_id].state == "active"
    assert "participant.remove" not in await audit_actions(db, team_id)
    promote = {"type": "button", "action_id": "roster_person", "value": f"promote:{person.id}"}
    await slack.view_action(promote, view=roster)
    await slack.fake.wait_for("views.update", count=2)
    assert "participant.promote" in await audit_actions(db, team_id)


async def test_the_announcements_join_button_opens_that_programs_form(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    await create_program(slack, name="Next round", channel="C0NEXT")
    next_round = (await programs(db, team_id))["Next round"]
    await move(slack, next_round, "open")
    await last_dm(slack, "UADMIN")  # moved (the work after the ack is done)
    await slack.click("announce_program", user_id="UADMIN", container="view", value=str(next_round.id))
    post = await message_to(slack, "C0NEXT")
    [join_button] = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert join_button["value"] == str(next_round.id)
    slack.fake.reset()
    await slack.click("join_program", user_id="U200", value=join_button["value"], hook="channel")
    form = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert json.loads(form["private_metadata"]) == {"program_id": next_round.id}


async def test_a_join_button_for_a_program_that_closed_says_so(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    pid = await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    await move(slack, (await programs(db, team_id))["Reverse mentoring"], "ended")
    await last_dm(slack, "UADMIN")
    await slack.click("join_program", user_id="U200", value=str(pid), hook="join")
    [reply] = await slack.fake.wait_for("response_url")
    assert reply["text"] == "That program is no longer taking sign-ups. Type `/mentor` to see what is open."
    assert slack.fake.calls_to("views.open") == []


async def test_a_form_opened_before_another_admins_save_cannot_undo_it(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    _, first = await open_settings(slack, deps, team_id)
    _, second = await open_settings(slack, deps, team_id)
    _, body = await slack.submit_view(first, settings_values(name="First"), user_id="UADMIN")
    assert body == ""
    _, body = await slack.submit_view(second, settings_values(name="Second"), user_id="UADMIN")
    assert json.loads(body)["errors"]["program_name"].startswith("Another admin changed this program")
    assert list(await programs(db, team_id)) == ["First"]


async def test_discarding_a_draft_hides_it_and_frees_its_name(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    await create_program(slack, name="Maybe")
    maybe = (await programs(db, team_id))["Maybe"]
    await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == "UADMIN" and "Maybe" in json.dumps(c))
    slack.fake.reset()  # the Home tab published after the discard is the next one, whatever else is still running
    await move(slack, maybe, "ended")
    assert "The draft Maybe is discarded" in await last_dm(slack, "UADMIN")
    found = {name: p.state for name, p in (await programs(db, team_id)).items()}
    assert found == {"Reverse mentoring": "open", f"discarded #{maybe.id}": "discarded"}  # kept: its id stays used
    published = await slack.fake.wait_for("views.publish", where=lambda c: c["user_id"] == "UADMIN")
    home = json.dumps(published[0]["view"])
    assert "Maybe" not in home and "discarded" not in home
    assert await audit_actions(db, team_id) == ["program.create", "program.discard"]
    slack.fake.reset()
    await create_program(slack, name="Maybe")
    again = (await programs(db, team_id))["Maybe"]
    assert again.state == "draft" and again.id != maybe.id
    # the old draft's buttons lead nowhere now
    await slack.click("move_program", user_id="UADMIN", container="view", value=f"{maybe.id}:draft:open")
    assert "no longer exists" in await last_dm(slack, "UADMIN")
    assert (await programs(db, team_id))["Maybe"].state == "draft"


async def test_a_new_program_cannot_start_in_the_past(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    await first_program_id(deps, team_id)
    slack.fake.add_user("UADMIN", is_admin=True)
    view = await slack.open_modal("new_program")
    _, body = await slack.submit_view(view, settings_values(start="2020-01-06", end="2020-03-30"), user_id="UADMIN")
    assert json.loads(body)["errors"] == {"start_date": "A new program can't start in the past: pick today or later."}


async def test_a_running_programs_rhythm_is_locked_but_its_end_can_move(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    """Check-ins are numbered from the start date, cadence and weekday: a running program keeps them."""
    await create_program(slack)
    for state in ("open", "running"):  # the move happens after the ack: wait for it
        await move(slack, (await programs(db, team_id))["Digital skills 2027 H1"], state)
        for _ in range(100):
            if (program := (await programs(db, team_id))["Digital skills 2027 H1"]).state == state:
                break
            await asyncio.sleep(0.05)
    assert program.state == "running" and program.cadence == "biweekly" and program.start_date and program.end_date
    view = await slack.open_modal("edit_program_settings", value=str(program.id))
    same = {"start": program.start_date.isoformat(), "end": program.end_date.isoformat()}
    moved = settings_values(
        start=(program.start_date + timedelta(days=7)).isoformat(), end=same["end"], cadence="weekly", weekday="3"
    )
    _, body = await slack.submit_view(view, moved, user_id="UADMIN")
    errors = json.loads(body)["errors"]
    assert sorted(errors) == ["cadence", "checkin_weekday", "start_date"] and "can't change now" in errors["cadence"]
    later = (program.end_date + timedelta(weeks=2)).isoformat()
    status, body = await slack.submit_view(view, settings_values(start=same["start"], end=later), user_id="UADMIN")
    assert (status, body) == (200, "")
    saved = (await programs(db, team_id))["Digital skills 2027 H1"]
    assert saved.end_date == program.end_date + timedelta(weeks=2) and saved.cadence == "biweekly"
