"""Admins configure the program from the Home tab; everyone else is refused on the server, even when forging."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.admins import is_admin
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from bot.slack.client import make_client
from storage.db import Database
from storage.models import Admin, AuditLog, Program
from tests.support.fake_slack import FakeSlack
from tests.support.programs import first_program_id, settings_values
from tests.support.signed import SlackSender

HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D1", "event_ts": "1.2"}


async def programs(db: Database, team_id: str) -> list[Program]:
    async with db.read() as session:
        return list((await session.exec(select(Program).where(Program.team_id == team_id))).all())


async def audit(db: Database, team_id: str) -> list[AuditLog]:
    async with db.read() as session:
        return list((await session.exec(select(AuditLog).where(AuditLog.team_id == team_id))).all())


async def open_settings_as_admin(slack: SlackSender, deps: Deps, team_id: str) -> dict:
    slack.fake.add_user("UADMIN", is_admin=True)
    return await slack.open_modal("edit_program_settings", value=str(await first_program_id(deps, team_id)))


async def test_home_shows_the_admin_section_only_to_admins(slack: SlackSender) -> None:
    slack.fake.add_user("UADMIN", is_admin=True)
    slack.fake.add_user("UOWNER", is_owner=True)
    for user in ("U100", "UADMIN", "UOWNER"):
        await slack.event({**HOME_OPENED, "user": user})
    published = {c["user_id"]: json.dumps(c["view"]) for c in await slack.fake.wait_for("views.publish", count=3)}
    assert "edit_program_settings" not in published["U100"]
    assert "edit_program_settings" in published["UADMIN"] and "Taking part:* 0" in published["UADMIN"]
    assert "edit_program_settings" in published["UOWNER"]


async def test_admin_edits_settings_with_an_audit_trail(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["program_name"]["element"]["initial_value"] == "Reverse mentoring"
    assert by_id["cadence"]["element"]["initial_option"]["value"] == "biweekly"
    [before] = await programs(db, team_id)
    assert before.end_date is not None and before.start_date is not None
    assert (before.end_date - before.start_date).days == 84  # 12 weeks by default

    status, body = await slack.submit_view(view, settings_values(), user_id="UADMIN")
    assert (status, body) == (200, "")
    [program] = await programs(db, team_id)
    assert program.name == "Digital skills 2027 H1" and program.start_date == date(2027, 1, 11)
    assert program.channel_id == "C0ANNOUNCE" and program.rules["min_experience_gap"] == 5
    [entry] = await audit(db, team_id)
    assert entry.actor_id == "UADMIN" and entry.action == "program.settings"
    assert entry.before["name"] == "Reverse mentoring" and entry.after["name"] == "Digital skills 2027 H1"
    home = (await slack.fake.wait_for("views.publish"))[-1]
    assert home["user_id"] == "UADMIN" and "Digital skills 2027 H1" in json.dumps(home["view"])


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"end": "2027-01-01"}, {"end_date": "The program must end after it starts."}),
        ({"end": "2027-01-20", "cadence": "monthly"}, {"end_date": "The time frame must hold at least two meetings"}),
        ({"end": "2030-01-01"}, {"end_date": "Programs last at most two years"}),
        ({"quiet_start": "18:00", "quiet_end": "09:00"}, {"quiet_end": "The end of the day must come after"}),
        ({"checkin": "08:00"}, {"checkin_time": "Check-ins must fall inside"}),
        (
            {"name": " ", "min_gap": "99", "channel": "<!channel>"},
            {"program_name": "", "min_experience_gap": "", "channel": ""},
        ),
        ({"start": None, "weekday": "6"}, {"start_date": "Please pick a date.", "checkin_weekday": ""}),
    ],
)
async def test_bad_settings_get_inline_errors_and_change_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str, answers: dict, errors: dict
) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    status, body = await slack.submit_view(view, settings_values(**answers), user_id="UADMIN")
    assert status == 200
    got = json.loads(body)
    assert got["response_action"] == "errors" and set(got["errors"]) == set(errors)
    for block_id, start in errors.items():
        assert got["errors"][block_id].startswith(start)
    [program] = await programs(db, team_id)
    assert program.name == "Reverse mentoring"
    assert await audit(db, team_id) == []


async def test_name_already_taken(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    async with db.session() as session:
        session.add(Program(team_id=team_id, name="Taken", state="draft"))
    _, body = await slack.submit_view(view, settings_values(name="Taken"), user_id="UADMIN")
    assert json.loads(body)["errors"] == {"program_name": "Another program in this workspace already has this name."}


async def test_non_admin_forging_the_button_gets_a_refusal(slack: SlackSender) -> None:
    status, _ = await slack.click("edit_program_settings", user_id="U100", container="view", value="1")
    assert status == 200
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and dm["text"].startswith("Only program admins")
    assert slack.fake.calls_to("views.open") == []


async def test_non_admin_forging_the_submission_changes_nothing(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    status, body = await slack.submit_view(view, settings_values(name="Hijacked"), user_id="U100")
    assert status == 200
    assert json.loads(body)["errors"]["program_name"].startswith("Only program admins")
    [program] = await programs(db, team_id)
    assert program.name == "Reverse mentoring"
    assert await audit(db, team_id) == []


async def test_forged_program_of_another_workspace_is_refused(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    async with db.session() as session:
        other = Program(team_id="TOTHER" + team_id[-4:], name="Theirs")
        session.add(other)
        await session.flush()
        other_id = other.id
    view = await open_settings_as_admin(slack, deps, team_id)
    view["private_metadata"] = json.dumps({"program_id": other_id})
    _, body = await slack.submit_view(view, settings_values(name="Mine now"), user_id="UADMIN")
    assert json.loads(body)["errors"]["program_name"].startswith("This form is out of date")
    async with db.read() as session:
        theirs = await session.get(Program, other_id)
    assert theirs is not None and theirs.name == "Theirs"


async def test_who_is_an_admin(settings: Settings, db: Database, team_id: str, fake_slack: FakeSlack) -> None:
    deps = Deps(Settings(**{**settings.__dict__, "admins": frozenset({"UENV"})}), db, AppState())
    client = make_client(settings, deps.state.pacers)
    fake_slack.add_user("UWSADMIN", is_admin=True)
    fake_slack.add_user("UPLAIN")
    assert await is_admin(deps, client, team_id=team_id, user_id="UENV")  # MENTOR_ADMINS, no Slack call
    assert fake_slack.calls_to("users.info") == []
    assert await is_admin(deps, client, team_id=team_id, user_id="UWSADMIN")
    assert not await is_admin(deps, client, team_id=team_id, user_id="UPLAIN")
    async with db.session() as session:
        session.add(Admin(team_id=team_id, user_id="UPLAIN", added_by="UENV"))
    assert await is_admin(deps, client, team_id=team_id, user_id="UPLAIN")  # promoted
    # workspace roles are cached: a second check does not ask Slack again
    calls = len(fake_slack.calls_to("users.info"))
    assert await is_admin(deps, client, team_id=team_id, user_id="UWSADMIN")
    assert len(fake_slack.calls_to("users.info")) == calls
    # Slack unreachable for a user: not an admin (fail closed)
    fake_slack.fail("users.info", error="user_not_found")
    assert not await is_admin(deps, client, team_id=team_id, user_id="UNKNOWN")


async def set_channel(deps: Deps, team_id: str, channel: str | None) -> None:
    await first_program_id(deps, team_id)
    async with deps.db.session() as session:
        [program] = (await session.exec(select(Program).where(Program.team_id == team_id))).all()
        program.channel_id = channel
        session.add(program)


async def test_announce_posts_the_invitation_and_join_opens_the_form(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    slack.fake.add_user("UADMIN", is_admin=True)
    await set_channel(deps, team_id, "C0ANNOUNCE")
    await slack.click(
        "announce_program", user_id="UADMIN", container="view", value=str(await first_program_id(deps, team_id))
    )
    posts = await slack.fake.wait_for("chat.postMessage", count=2)
    [invitation] = [p for p in posts if p["channel"] == "C0ANNOUNCE"]
    assert "Join Reverse mentoring" in invitation["text"]
    assert "join_program" in json.dumps(invitation["blocks"])
    [told] = [p for p in posts if p["channel"] == "UADMIN"]
    assert "posted in <#C0ANNOUNCE>" in told["text"]
    [entry] = await audit(db, team_id)
    assert entry.action == "program.announce" and entry.after == {"channel_id": "C0ANNOUNCE"}
    home = (await slack.fake.wait_for("views.publish"))[-1]
    assert "Recent admin changes" in json.dumps(home["view"]) and "program.announce" in json.dumps(home["view"])

    await slack.click("join_program", user_id="U100", hook="channel-join")  # someone in the channel clicks Join
    view = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert view["callback_id"] == "mentor_optin"


@pytest.mark.parametrize(
    ("channel", "error", "expected"),
    [
        (None, None, "Pick an announcement channel"),
        ("C0NOTIN", "not_in_channel", "invite me there"),
        ("C0OLD", "is_archived", "is archived"),
    ],
)
async def test_announce_problems_are_explained(
    slack: SlackSender, db: Database, deps: Deps, team_id: str, channel: str | None, error: str | None, expected: str
) -> None:
    slack.fake.add_user("UADMIN", is_admin=True)
    await set_channel(deps, team_id, channel)
    if error:
        slack.fake.fail("chat.postMessage", error=error)
    await slack.click(
        "announce_program", user_id="UADMIN", container="view", value=str(await first_program_id(deps, team_id))
    )
    told = [
        p for p in await slack.fake.wait_for("chat.postMessage", count=2 if error else 1) if p["channel"] == "UADMIN"
    ]
    assert expected in told[-1]["text"]
    assert await audit(db, team_id) == []


async def test_non_admin_cannot_announce(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    await set_channel(deps, team_id, "C0ANNOUNCE")
    await slack.click(
        "announce_program", user_id="U100", container="view", value=str(await first_program_id(deps, team_id))
    )
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["channel"] == "U100" and dm["text"].startswith("Only program admins")
    assert await audit(db, team_id) == []


async def test_audit_log_modal_for_admins_only(slack: SlackSender, db: Database, deps: Deps, team_id: str) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    await slack.submit_view(view, settings_values(name="Renamed"), user_id="UADMIN")
    await slack.click("open_audit_log", user_id="UADMIN", container="view")
    modal = (await slack.fake.wait_for("views.open", count=2))[-1]["view"]
    text = json.dumps(modal, ensure_ascii=False)
    assert "<@UADMIN> · program.settings" in text and "name: Reverse mentoring → Renamed" in text

    slack.fake.reset()
    await slack.click("open_audit_log", user_id="U100", container="view")
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm["text"].startswith("Only program admins") and slack.fake.calls_to("views.open") == []


async def test_saving_unchanged_settings_writes_no_audit_entry(
    slack: SlackSender, db: Database, deps: Deps, team_id: str
) -> None:
    view = await open_settings_as_admin(slack, deps, team_id)
    await slack.submit_view(view, settings_values(), user_id="UADMIN")
    await slack.fake.wait_for("views.publish")
    view = await open_settings_as_admin(slack, deps, team_id)  # opened again: the form knows the saved settings
    _, body = await slack.submit_view(view, settings_values(), user_id="UADMIN")
    assert body == ""
    await slack.fake.wait_for("views.publish", count=2)
    assert len(await audit(db, team_id)) == 1
