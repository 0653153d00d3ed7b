"""``/mentor`` subcommands through signed HTTP requests to the real app."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

from sqlmodel import select

from storage.db import Database
from storage.models import Participant
from tests.support.optin import optin_values
from tests.support.signed import SlackSender, reply_to


async def join(slack: SlackSender, user_id: str = "U100", **answers: object) -> None:
    await slack.command("join", user_id=user_id)
    view = (await slack.fake.wait_for("views.open"))[-1]["view"]
    await slack.submit_view(view, optin_values(**answers), user_id=user_id)  # type: ignore[arg-type]
    await slack.fake.wait_for("views.publish")
    slack.fake.reset()


async def person(db: Database, team_id: str, user_id: str = "U100") -> Participant | None:
    async with db.session() as session:
        query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
        return (await session.exec(query)).first()


async def test_bare_mentor_opens_the_modal_for_newcomers(slack: SlackSender) -> None:
    status, body = await slack.command("")
    assert status == 200 and body == ""
    view = (await slack.fake.wait_for("views.open"))[0]
    assert view["trigger_id"].startswith("1337.")
    assert view["view"]["title"]["text"] == "Join reverse mentoring"


async def test_bare_mentor_shows_status_once_enrolled(slack: SlackSender) -> None:
    await join(slack)
    reply = await reply_to(slack, "")
    assert reply["response_type"] == "ephemeral"
    assert "taking part" in reply["text"]
    assert slack.fake.calls_to("views.open") == []


async def test_help_lists_every_command(slack: SlackSender) -> None:
    reply = await reply_to(slack, "help")
    text = json.dumps(reply["blocks"])
    for word in ("join", "status", "edit", "pause", "resume", "leave", "delete-my-data", "help"):
        assert f"/mentor {word}" in text
    assert reply["response_type"] == "ephemeral"


async def test_unknown_word_gets_help_with_did_you_mean(slack: SlackSender) -> None:
    reply = await reply_to(slack, "stauts")
    text = json.dumps(reply["blocks"])
    assert "Did you mean `/mentor status`?" in text
    assert "/mentor delete-my-data" in text


async def test_status_for_newcomer_offers_join(slack: SlackSender) -> None:
    reply = await reply_to(slack, "status")
    assert "not taking part" in reply["text"]
    assert "join_program" in json.dumps(reply["blocks"])


async def test_status_shows_profile(slack: SlackSender) -> None:
    await join(slack, department="Data & <!channel>")
    reply = await reply_to(slack, "status")
    text = json.dumps(reply["blocks"])
    assert "Data &amp; &lt;!channel&gt;" in text  # user text is escaped, never pings anyone
    assert "AI tools at work" in text and "Europe/Paris" in text


async def test_pause_until_and_resume(slack: SlackSender, db: Database, team_id: str) -> None:
    await join(slack)
    until = date.today() + timedelta(days=30)
    reply = await reply_to(slack, f"pause until {until.isoformat()}")
    assert until.isoformat() in reply["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "paused" and p.paused_until == until
    home = (await slack.fake.wait_for("views.publish"))[-1]
    assert "paused" in json.dumps(home["view"])

    status_reply = await reply_to(slack, "status")
    assert f"paused until {until.isoformat()}" in status_reply["text"]

    reply = await reply_to(slack, "resume")
    assert "Welcome back" in reply["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "active" and p.paused_until is None
    assert "nothing to resume" in (await reply_to(slack, "resume"))["text"]


async def test_pause_with_bad_date_explains(slack: SlackSender, db: Database, team_id: str) -> None:
    await join(slack)
    reply = await reply_to(slack, "pause until next-week")
    assert "YYYY-MM-DD" in reply["text"]
    reply = await reply_to(slack, "pause until 2001-01-01")
    assert "passed" in reply["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "active"


async def test_pause_without_profile(slack: SlackSender) -> None:
    reply = await reply_to(slack, "pause")
    assert "not taking part" in reply["text"]


async def test_leave_asks_then_keeps_history(slack: SlackSender, db: Database, team_id: str) -> None:
    await join(slack)
    reply = await reply_to(slack, "leave")
    assert "confirm_leave" in json.dumps(reply["blocks"])
    p = await person(db, team_id)
    assert p is not None and p.state == "active"  # nothing happens before the confirmation

    status, _ = await slack.click("confirm_leave", hook="leave")
    assert status == 200
    answer = (await slack.fake.wait_for("response_url", count=2))[-1]
    assert answer["replace_original"] is True and "left" in answer["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "left" and p.left_at is not None
    assert p.department == "Marketing"  # history is kept

    # /mentor join brings them back, pre-filled
    await slack.command("join")
    view = (await slack.fake.wait_for("views.open"))[-1]["view"]
    assert view["blocks"][3]["element"]["initial_value"] == "Marketing"
    await slack.submit_view(view, optin_values())
    dm = (await slack.fake.wait_for("chat.postMessage"))[-1]
    assert "Welcome" in dm["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "active" and p.left_at is None


async def test_cancel_leaves_everything_as_it_was(slack: SlackSender, db: Database, team_id: str) -> None:
    await join(slack)
    await reply_to(slack, "leave")
    await slack.click("cancel_confirmation", hook="cancel")
    answer = (await slack.fake.wait_for("response_url", count=2))[-1]
    assert answer["text"] == "OK, nothing changed."
    p = await person(db, team_id)
    assert p is not None and p.state == "active"


async def test_delete_my_data_erases_answers_and_keeps_anonymous_count(
    slack: SlackSender, db: Database, team_id: str
) -> None:
    await join(slack, manager="U200", goals="My private goals")
    reply = await reply_to(slack, "delete-my-data")
    assert "confirm_delete_data" in json.dumps(reply["blocks"])
    await slack.click("confirm_delete_data", hook="delete")
    answer = (await slack.fake.wait_for("response_url", count=2))[-1]
    assert "erased" in answer["text"]

    assert await person(db, team_id) is None  # nothing links the row to the person any more
    async with db.session() as session:
        rows = (await session.exec(select(Participant).where(Participant.team_id == team_id))).all()
    [row] = rows
    assert row.state == "deleted" and row.role == "mentor"  # the anonymous count
    assert row.user_id.startswith("erased-")
    assert (row.department, row.goals, row.manager_id, row.timezone, row.years_experience) == (None,) * 5
    assert row.shares == [] and row.learns == []
    assert "My private goals" not in json.dumps(row.model_dump(mode="json"))

    assert "nothing to erase" in (await reply_to(slack, "delete-my-data"))["text"]
    assert "not taking part" in (await reply_to(slack, "status"))["text"]


async def test_expired_trigger_is_explained(slack: SlackSender) -> None:
    slack.fake.fail("views.open", error="expired_trigger_id")
    reply = await reply_to(slack, "join")
    assert "couldn't open the form" in reply["text"]


async def test_slow_slack_does_not_delay_the_ack(slack: SlackSender) -> None:
    slack.fake.delay = 1.5
    started = time.monotonic()
    status, _ = await slack.command("join")
    assert status == 200
    assert time.monotonic() - started < 1.0
    await slack.fake.wait_for("views.open", timeout=10)


async def test_edit_opens_the_form_prefilled(slack: SlackSender) -> None:
    await join(slack, department="Logistics")
    status, body = await slack.command("edit")
    assert status == 200 and body == ""
    view = (await slack.fake.wait_for("views.open"))[0]["view"]
    assert view["title"]["text"] == "Edit your profile" and view["submit"]["text"] == "Save"
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["department"]["element"]["initial_value"] == "Logistics"
    assert [o["value"] for o in by_id["shares"]["element"]["initial_options"]] == ["ai_tools", "social_media"]


async def test_edit_before_joining_opens_the_blank_form(slack: SlackSender) -> None:
    await slack.command("edit")
    view = (await slack.fake.wait_for("views.open"))[0]["view"]
    assert view["title"]["text"] == "Join reverse mentoring"
    assert all("initial_value" not in (b.get("element") or {}) for b in view["blocks"])


async def test_leave_without_profile_offers_to_join(slack: SlackSender, db: Database, team_id: str) -> None:
    reply = await reply_to(slack, "leave")
    assert "not taking part" in reply["text"]
    assert "confirm_leave" not in json.dumps(reply.get("blocks"))
    # a forged confirmation changes nothing either
    await slack.click("confirm_leave", hook="forged")
    answer = (await slack.fake.wait_for("response_url", count=2))[-1]
    assert "not taking part" in answer["text"]
    assert await person(db, team_id) is None


async def test_pause_date_is_checked_in_the_persons_time_zone(slack: SlackSender, db: Database, team_id: str) -> None:
    from datetime import UTC, datetime

    from bot.participants import local_date

    slack.fake.add_user("U300", tz="Pacific/Kiritimati", tz_offset=14 * 3600)
    await join(slack, user_id="U300")
    today_there = local_date(datetime.now(UTC), "Pacific/Kiritimati", None)
    reply = await reply_to(slack, f"pause until {today_there.isoformat()}", user_id="U300")
    assert "passed where you are" in reply["text"]
    reply = await reply_to(slack, f"pause until {(today_there + timedelta(days=1)).isoformat()}", user_id="U300")
    assert "paused until" in reply["text"]
    p = await person(db, team_id, "U300")
    assert p is not None and p.paused_until == today_there + timedelta(days=1)


async def test_edit_while_paused_stays_paused(slack: SlackSender, db: Database, team_id: str) -> None:
    await join(slack)
    await reply_to(slack, "pause")
    await slack.command("edit")
    view = (await slack.fake.wait_for("views.open"))[-1]["view"]
    await slack.submit_view(view, optin_values(department="Finance"))
    dm = (await slack.fake.wait_for("chat.postMessage"))[-1]
    assert "updated" in dm["text"]
    p = await person(db, team_id)
    assert p is not None and p.state == "paused" and p.department == "Finance"
