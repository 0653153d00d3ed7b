"""``/mentor avoid``: a private "don't pair me with" list, through signed slash commands, used by matching."""

from __future__ import annotations

from sqlmodel import select

from handlers.commands.parsing import parse
from storage.db import Database
from storage.models import Avoid
from tests.support.signed import SlackSender, reply_to


def test_parsing_mentions_as_slack_escapes_them() -> None:
    command = parse("avoid <@U200|grace> <@W300> <@U200|grace>")
    assert (command.name, command.people, command.remove, command.stray) == ("avoid", ("U200", "W300"), False, ())
    command = parse("avoid remove <@U200|grace>")
    assert (command.people, command.remove) == (("U200",), True)
    assert parse("avoid @grace").stray == ("@grace",)
    assert parse("avoid").people == ()


async def listed(db: Database, team_id: str) -> set[tuple[str, str]]:
    async with db.read() as session:
        rows = (await session.exec(select(Avoid).where(Avoid.team_id == team_id))).all()
    return {(r.user_id, r.avoided_id) for r in rows}


async def test_adding_listing_and_removing(slack: SlackSender, db: Database, team_id: str) -> None:
    reply = await reply_to(slack, "avoid <@U200|grace> <@U300|bob>")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("You won't be paired with <@U200>, <@U300>.")
    assert "Only you can see this list" in reply["text"]
    assert await listed(db, team_id) == {("U100", "U200"), ("U100", "U300")}
    assert "rather not be paired with <@U200>, <@U300>." in (await reply_to(slack, "avoid"))["text"]
    reply = await reply_to(slack, "avoid remove <@U300|bob>")
    assert reply["text"].startswith("<@U300> can be paired with you again.")
    assert await listed(db, team_id) == {("U100", "U200")}
    assert "is empty" in (await reply_to(slack, "avoid", user_id="U200"))["text"], "each person has their own list"


async def test_mistakes_get_a_clear_answer_and_change_nothing(slack: SlackSender, db: Database, team_id: str) -> None:
    assert "by @-mention" in (await reply_to(slack, "avoid @grace"))["text"]
    assert "never paired with yourself" in (await reply_to(slack, "avoid <@U100|me>"))["text"]
    many = " ".join(f"<@U9{i:03d}>" for i in range(51))
    assert "at most 50 people" in (await reply_to(slack, f"avoid {many}"))["text"]
    assert await listed(db, team_id) == set()


async def test_erasing_my_data_erases_my_list(slack: SlackSender, db: Database, team_id: str) -> None:
    await reply_to(slack, "avoid <@U200|grace>")
    await reply_to(slack, "avoid <@U100|ada>", user_id="U200")
    await slack.command("delete-my-data", hook="erase")
    await slack.fake.wait_for("response_url", count=3)
    await slack.click("confirm_delete_data", hook="confirm")
    await slack.fake.wait_for("response_url", count=4)
    [(owner, marker)] = await listed(db, team_id)
    assert owner == "U200" and marker.startswith("erased:"), "U200's own list stays, without U100's ID"
    assert "U100" not in marker and "is empty" in (await reply_to(slack, "avoid", "U200"))["text"], "and unseen"
