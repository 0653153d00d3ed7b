"""``/mentor delete-my-data`` erases every trace: after a whole life in a program (joined, left out of one round and
paired in the next, introduced, checked in, feedback given and received, "this pairing isn't working", a rematch
request, a survey, consent, an admin who acted as one, on someone else's "don't pair me with" list and named as
their manager), a scan of every table, column and row of the database finds neither their Slack ID, nor their DM
conversation, nor anything they typed; what stays anonymously is exactly what the README says. Then neither an HR
import nor an admin enrols them again, until they join again themselves. Signed requests through the real app, the
fake Web API, both databases."""

from __future__ import annotations

import json
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData
from sqlmodel import select, update

from bot import intros, participants, recognition, rounds, surveys
from bot.importer import import_people
from bot.outbox.deliver import deliver
from bot.outbox.kinds import SurveyPayload
from bot.programs import target_program
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from prompts import feedback as fb
from prompts.checkins import checkin_message
from storage import admins as admins_repo
from storage import outbox
from storage.db import Database
from storage.models import ERASED_MARKER, ERASED_PERSON, Outbox, Pair, Participant, Program
from tests.support.importer import HEADER
from tests.support.optin import optin_values
from tests.support.rounds import enrol
from tests.support.signed import SlackSender, click_in_message, reply_to

README = Path(__file__).resolve().parents[3] / "README.md"

# What stays after an erasure, anonymously (a random ID, "erased person" or a keyed-hash marker): table → the
# columns it may stay in. The README's "What erasing keeps" names each of these tables, and says why.
KEPT_ANONYMOUSLY: dict[str, set[str]] = {
    "participant": {"user_id", "manager_id"},
    "pair": {"mentor_id", "mentee_id"},
    "meeting_log": {"by_user"},
    "match_round": {"unmatched", "created_by"},
    "audit_log": {"actor_id", "target"},
    "admin": {"added_by"},
    "outbox": {"payload"},
    "avoid": {"avoided_id"},
    "erasure": set(),  # holds a keyed hash only: nothing of the person's shows
}


def everything(sync: Connection) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table in the database (as the database has them, whatever the models say)."""
    metadata = MetaData()
    metadata.reflect(bind=sync)
    return [
        (table.name, dict(row)) for table in metadata.sorted_tables for row in sync.execute(table.select()).mappings()
    ]


async def scan(db: Database) -> list[tuple[str, str, dict[str, Any], str]]:
    """(table, column, row, the cell as text) for every cell of the database."""
    async with db.engine.connect() as connection:
        rows = await connection.run_sync(everything)
    return [
        (table, column, row, value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False))
        for table, row in rows
        for column, value in row.items()
        if value is not None
    ]


def kept_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## What erasing keeps")
    return text[start : text.index("\n## ", start + 1)]


async def join(slack: SlackSender, user_id: str, **answers: Any) -> None:
    """``/mentor join`` and the sign-up form, submitted."""
    opened = len(slack.fake.calls_to("views.open"))
    await slack.command("join", user_id=user_id)
    view = (await slack.fake.wait_for("views.open", opened + 1))[-1]["view"]
    published = len([c for c in slack.fake.calls_to("views.publish") if c["user_id"] == user_id])
    await slack.submit_view(view, optin_values(**answers), user_id=user_id)
    await slack.fake.wait_for("views.publish", published + 1, where=lambda c: c["user_id"] == user_id)


async def roster_act(slack: SlackSender, deps: Deps, *, admin: str, verb: str, person_id: int) -> None:
    """An admin's action on a person from the roster (opened, then the person's menu), as Slack sends it."""
    program = await target_program(deps, team_id=slack.team_id, name=None)
    opened = len(slack.fake.calls_to("views.open"))
    await slack.click("open_roster", user_id=admin, container="view", value=str(program.id))
    view = (await slack.fake.wait_for("views.open", opened + 1))[-1]["view"]
    updated = len(slack.fake.calls_to("views.update"))
    option = {"text": {"type": "plain_text", "text": verb}, "value": f"{verb}:{person_id}"}
    action = {"type": "overflow", "action_id": "roster_person", "selected_option": option}
    status, _ = await slack.view_action(action, view=view, user_id=admin, view_id="VROSTER")
    assert status == 200
    await slack.fake.wait_for("views.update", updated + 1)


async def row_of(db: Database, team_id: str, user_id: str) -> Participant | None:
    async with db.read() as session:
        query = select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
        return (await session.exec(query)).first()


async def erase(slack: SlackSender, user_id: str) -> None:
    """``/mentor delete-my-data``, confirmed."""
    assert "confirm_delete_data" in json.dumps(await reply_to(slack, "delete-my-data", user_id=user_id))
    await slack.click("confirm_delete_data", user_id=user_id, hook="erased")
    [answer] = await slack.fake.wait_for("response_url", where=lambda c: c["_hook"] == "erased")
    assert "Your data is erased" in answer["text"]


def dms(slack: SlackSender, user: str, containing: str) -> list[dict[str, Any]]:
    return [c for c in slack.fake.calls_to("chat.postMessage") if c["channel"] == user and containing in c["text"]]


async def feedback(slack: SlackSender, pair: Pair, user: str, **answers: Any) -> None:
    """*Give feedback* in the DM that asks, and the form submitted."""
    ask = (
        await slack.fake.wait_for(
            "chat.postMessage", where=lambda c: c["channel"] == user and "How was your meeting" in c["text"]
        )
    )[-1]

    def is_form(c: dict[str, Any]) -> bool:
        return bool(c["view"].get("callback_id") == fb.CALLBACK_ID)

    before = len([c for c in slack.fake.calls_to("views.open") if is_form(c)])
    await click_in_message(slack, fb.ACTION_OPEN, f"{pair.id}:2", {"text": ask["text"], "blocks": ask["blocks"]}, user)
    form = (await slack.fake.wait_for("views.open", before + 1, where=is_form))[-1]["view"]

    def el(block: str, element: dict[str, Any]) -> dict[str, Any]:
        return {block: {block: element}}

    values = {
        **el(
            fb.RATING,
            {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "4"}, "value": "4"}},
        ),
        **el(fb.TOPIC, {"type": "plain_text_input", "value": answers.get("topic", "")}),
        **el(fb.LEARNED, {"type": "plain_text_input", "value": answers.get("learned", "")}),
        **el(fb.NOTE, {"type": "plain_text_input", "value": answers.get("note", "")}),
        **el(
            fb.SHARE,
            {
                "type": "checkboxes",
                "selected_options": [{"text": {"type": "plain_text", "text": "Share"}, "value": "share"}],
            },
        ),
    }
    status, body = await slack.submit_view(form, values, user_id=user)
    assert status == 200 and "update" in body


async def a_whole_life(
    slack: SlackSender, deps: Deps, settings: Settings, team_id: str, me: str, words: dict[str, str]
) -> Pair:
    """``me`` takes part in everything the app stores something about; their pair."""
    partner, avoider, promo = "UPARTNER", "UAVOIDER", "UPROMO"
    for user in (me, partner, avoider, promo):
        slack.fake.add_user(user, tz="Europe/Paris", tz_offset=3600)
    slack.fake.add_user("UADMIN", is_admin=True)
    client = make_client(settings, deps.state.pacers)
    program = await target_program(deps, team_id=team_id, name=None)
    assert program.id is not None
    async with deps.db.session() as session:  # the program celebrates milestones in its channel
        await session.exec(update(Program).where(Program.id == program.id).values(channel_id="CANNOUNCE"))  # type: ignore[arg-type]
        await admins_repo.promote_admin(session, team_id=team_id, user_id=promo, added_by="UADMIN")
    deps.state.programs.forget(team_id)

    # They join in their own words; someone names them as manager and would rather not be paired with them.
    await join(
        slack,
        me,
        role="mentor",
        department=words["department"],
        years="2",
        shares=["ai_tools"],
        shares_other=words["skill"],
        learns=[],
        goals=words["goals"],
        manager="UBOSS",
    )
    await join(
        slack, avoider, role="mentee", department="Sales", years="25", shares=[], learns=["ai_tools"], manager=me
    )
    await reply_to(slack, f"avoid <@{me}|me>", user_id=avoider)

    # Round 1 leaves them out (nobody fits); an admin promotes them, they act as one and preview round 2, which
    # pairs them with a newcomer.
    first = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert first.id is not None and me in json.dumps(first.unmatched)
    await rounds.publish(deps, team_id=team_id, round_id=first.id, actor_id="UADMIN")
    await deliver(deps, client, team_id=team_id)
    assert dms(slack, me, "")
    mine, theirs = await row_of(deps.db, team_id, me), await row_of(deps.db, team_id, avoider)
    assert mine is not None and mine.id is not None and theirs is not None and theirs.id is not None
    await roster_act(slack, deps, admin="UADMIN", verb="promote", person_id=mine.id)
    await roster_act(slack, deps, admin=me, verb="promote", person_id=theirs.id)
    await roster_act(slack, deps, admin=me, verb="pause", person_id=theirs.id)
    await enrol(slack, deps, team_id, {partner: ("mentee", "Finance", 20, [], ["ai_tools"], 1)})
    second = await rounds.preview(deps, team_id=team_id, program=program, actor_id=me)
    assert second.id is not None
    await rounds.publish(deps, team_id=team_id, round_id=second.id, actor_id="UADMIN")
    await deliver(deps, client, team_id=team_id)
    async with deps.db.read() as session:
        [pair] = (await session.exec(select(Pair).where(Pair.team_id == team_id, Pair.state == "active"))).all()
    assert (pair.mentor_id, pair.mentee_id) == (me, partner)
    assert words["skill"] in pair.topics, "their own words were suggested to the pair"

    # A check-in: they met. Both give feedback and share a note; they say the pairing isn't working, ask for a
    # rematch, answer the half-way survey and the celebration question; the end survey waits to be sent.
    key = f"checkin:{pair.id}:2"
    async with deps.db.session() as session:
        await outbox.enqueue_many(session, team_id=team_id, messages=[outbox.Message(key, "checkin", {})])
        await session.exec(update(Outbox).where(Outbox.key == key).values(state="sent"))  # type: ignore[arg-type]
    assert pair.id is not None
    message = checkin_message(
        pair_id=pair.id, period=2, mentor_id=me, mentee_id=partner, program_name="P", since=None, topic=None
    ).as_kwargs()
    await click_in_message(slack, "checkin_met", f"{pair.id}:2", message, me)
    await feedback(slack, pair, me, topic=words["topic"], learned=words["learned"], note=words["note"])
    await slack.fake.wait_for(
        "chat.postMessage", where=lambda c: c["channel"] == partner and "shared a note" in c["text"]
    )
    await feedback(slack, pair, partner, note="Thanks for the demo")
    await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == me and "shared a note" in c["text"])
    [fit] = await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == me and "working" in c["text"])
    await click_in_message(slack, fb.ACTION_FIT_NO, str(pair.id), {"text": fit["text"]}, me)
    [alert] = await slack.fake.wait_for("chat.postMessage", where=lambda c: c["channel"] == promo)
    assert f"<@{me}>" in alert["text"]
    assert await intros.rematch_pair(deps, team_id=team_id, user_id=me, pair_id=pair.id, reason=words["reason"])
    person = await row_of(deps.db, team_id, me)
    assert person is not None
    levels = {"levels": {"ai_tools": 4}, "recommend": 9, "change": words["change"]}
    await surveys.save(deps, person=person, stage="mid", answers=levels)
    await recognition.record_consent(deps, team_id=team_id, user_id=me, celebrate=True)
    end = SurveyPayload(program_id=program.id, stage="end", user_id=me)
    async with deps.db.session() as session:
        await outbox.enqueue_many(
            session, team_id=team_id, messages=[end.message(surveys.survey_key(program.id, "end", me))]
        )
    return pair


async def test_erasing_leaves_no_trace_in_any_table(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    me = "UX" + uuid.uuid4().hex[:9].upper()  # found in no other test's rows
    tag = uuid.uuid4().hex[:6]
    words = {
        field: f"ERASE-ME-{field.upper()}-{tag}"
        for field in ("department", "skill", "goals", "topic", "learned", "note", "reason", "change")
    }
    pair = await a_whole_life(slack, deps, settings, team_id, me, words)
    traces = [me, slack.fake.dm_channel_id(me), *words.values()]
    before = {(t, c) for t, c, _, text in await scan(db) for trace in traces if trace in text}
    assert {("outbox", "key"), ("audit_log", "target"), ("admin", "user_id"), ("meeting_log", "by_user")} <= before

    await erase(slack, me)

    found = [(t, c, text) for t, c, _, text in await scan(db) for trace in traces if trace in text]
    assert found == [], "the person's ID, conversation or words remain"
    async with db.read() as session:
        query = select(Participant.user_id).where(Participant.team_id == team_id, Participant.state == "deleted")
        erased = (await session.exec(query)).all()
    assert len(erased) == 1 and erased[0].startswith("erased-")
    anonymous = [erased[0], ERASED_PERSON, ERASED_MARKER]
    kept: dict[str, set[str]] = {}
    for table, column, row, text in await scan(db):
        if row.get("team_id") == team_id and any(a in text for a in anonymous):
            kept.setdefault(table, set()).add(column)
    kept.setdefault("erasure", set())
    assert all(column in KEPT_ANONYMOUSLY.get(table, set()) for table, columns in kept.items() for column in columns), (
        kept
    )
    assert set(kept) == set(KEPT_ANONYMOUSLY), "the allow-list is exactly what stays"
    erasures = [row for table, _, row, _ in await scan(db) if table == "erasure" and row["team_id"] == team_id]
    assert erasures, "the erasure is recorded (as a keyed hash)"
    section = kept_section()
    missing = [table for table in KEPT_ANONYMOUSLY if f"`{table}`" not in section]
    assert missing == [], "the README's 'What erasing keeps' names every table something stays in"

    # The partner edits the feedback whose note went to them: the kept message's key stops a second send.
    posted = len(slack.fake.calls_to("chat.postMessage"))
    await feedback(slack, pair, "UPARTNER", note="Thanks again")
    await deliver(deps, make_client(settings, deps.state.pacers), team_id=team_id)
    assert len(slack.fake.calls_to("chat.postMessage")) == posted, "nothing is sent again, to nobody"


async def test_an_import_or_an_admin_never_enrols_an_erased_person_again_until_they_join_themselves(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    me, other = "UX" + uuid.uuid4().hex[:9].upper(), "UAVOIDER"
    for user in (me, other):
        slack.fake.add_user(user, tz="Europe/Paris", tz_offset=3600)
    slack.fake.add_user("UADMIN", is_admin=True)
    await join(slack, me, role="mentor", department="IT", years="2", shares=["ai_tools"], learns=[])
    await join(slack, other, role="mentee", department="Sales", years="25", shares=[], learns=["ai_tools"], manager=me)
    await reply_to(slack, f"avoid <@{me}|me>", user_id=other)
    await erase(slack, me)
    assert await row_of(db, team_id, me) is None
    status = (await reply_to(slack, "status", user_id=other))["text"]
    assert me not in status and "erased" not in status, "their manager is no longer shown, by ID or marker"

    client = make_client(settings, deps.state.pacers)
    sheet = HEADER + f"{me},mentor,IT,3,ai_tools,,\n"
    report = await import_people(deps, client, team_id=team_id, text=sheet, say=lambda _: None)
    assert (report.created, report.updated) == (0, 0)
    assert [(e.line, e.message) for e in report.errors] == [
        (2, f"{me} asked to have their data erased: not enrolled (they can join again themselves with /mentor)")
    ]
    assert await row_of(db, team_id, me) is None, "not enrolled by the import"
    async with db.read() as session:
        query = select(Participant).where(Participant.team_id == team_id, Participant.state == "deleted")
        anonymous = (await session.exec(query)).all()
    [row] = anonymous
    assert row.id is not None
    for verb in ("resume", "promote"):  # an admin acting on their anonymous row
        await roster_act(slack, deps, admin="UADMIN", verb=verb, person_id=row.id)
    assert await row_of(db, team_id, me) is None and not await participants.holds_data(
        deps, team_id=team_id, user_id=me
    )

    # They join again themselves: enrolled, and what others said about them holds again.
    await join(slack, me, role="mentor", department="IT", years="2", shares=["ai_tools"], learns=[])
    again = await row_of(db, team_id, me)
    assert again is not None and again.state == "active"
    avoider = await row_of(db, team_id, other)
    assert avoider is not None and avoider.manager_id == me
    assert f"<@{me}>" in (await reply_to(slack, "avoid", user_id=other))["text"]
    report = await import_people(deps, client, team_id=team_id, text=sheet, say=lambda _: None)
    assert (report.updated, report.errors) == (1, []), "an import updates them again"


class Later(StrEnum):
    """What someone else writes about a person after the person erased their data."""

    AVOID = "avoid"  # /mentor avoid @them
    IMPORT = "import"  # an HR sheet names them as a manager
    SIGN_UP = "sign-up"  # a sign-up form names them as the manager


async def erased_then_named(
    slack: SlackSender, deps: Deps, settings: Settings, team_id: str, *, later: Later, other: str
) -> str:
    """Someone joins and erases their data, then ``other`` writes about them (``later``); their ID."""
    me = "UX" + uuid.uuid4().hex[:9].upper()  # found in no other test's rows
    for user in (me, other):
        slack.fake.add_user(user, tz="Europe/Paris", tz_offset=3600)
    await join(slack, me, role="mentor", department="IT", years="2", shares=["ai_tools"], learns=[])
    await erase(slack, me)
    if later is Later.AVOID:
        reply = (await reply_to(slack, f"avoid <@{me}|me>", user_id=other))["text"]
        assert f"You won't be paired with <@{me}>." in reply, "the avoid is confirmed as usual"
    elif later is Later.IMPORT:
        sheet = HEADER + f"{other},mentee,Sales,20,,ai_tools,{me}\n"
        client = make_client(settings, deps.state.pacers)
        report = await import_people(deps, client, team_id=team_id, text=sheet, say=lambda _: None)
        assert (report.created, report.errors) == (1, [])
    else:
        await join(
            slack, other, role="mentee", department="Sales", years="25", shares=[], learns=["ai_tools"], manager=me
        )
    return me


@pytest.mark.parametrize("later", list(Later))
async def test_what_others_write_about_an_erased_person_stores_no_id_and_names_them_again_when_they_join(
    slack: SlackSender, db: Database, deps: Deps, settings: Settings, team_id: str, later: Later
) -> None:
    """After the erasure, what someone else writes about the person (an avoid, a manager in an HR import or a
    sign-up) is stored under their marker, never their ID; when they join again themselves, it names them again."""
    other = "UOTHER"
    me = await erased_then_named(slack, deps, settings, team_id, later=later, other=other)
    assert [(t, c) for t, c, _, text in await scan(db) if me in text] == [], "their ID is stored nowhere"

    await join(slack, me, role="mentor", department="IT", years="2", shares=["ai_tools"], learns=[])
    if later is Later.AVOID:  # the avoid applies to them again
        listed = (await reply_to(slack, "avoid", user_id=other))["text"]
        assert f"You'd rather not be paired with <@{me}>." in listed
    else:
        row = await row_of(db, team_id, other)
        assert row is not None and row.manager_id == me
    assert not [text for _, _, row, text in await scan(db) if row.get("team_id") == team_id and ERASED_MARKER in text]


async def test_an_erased_person_added_to_an_avoid_list_can_be_taken_off_it(
    slack: SlackSender, deps: Deps, settings: Settings, team_id: str
) -> None:
    """``/mentor avoid remove @them`` undoes the avoid the list holds under their marker: when they join again, the
    list is empty."""
    other = "UOTHER"
    me = await erased_then_named(slack, deps, settings, team_id, later=Later.AVOID, other=other)
    assert (
        f"<@{me}> can be paired with you again."
        in (await reply_to(slack, f"avoid remove <@{me}>", user_id=other))["text"]
    )
    await join(slack, me, role="mentor", department="IT", years="2", shares=["ai_tools"], learns=[])
    assert (
        "Your list of people you'd rather not be paired with is empty."
        in (await reply_to(slack, "avoid", user_id=other))["text"]
    )


async def test_an_erased_person_already_on_a_full_avoid_list_can_be_named_again(
    slack: SlackSender, deps: Deps, settings: Settings, team_id: str
) -> None:
    """The list counts them once (under their marker), so naming them again on a full list is no addition."""
    other = "UOTHER"
    me = await erased_then_named(slack, deps, settings, team_id, later=Later.AVOID, other=other)
    others = " ".join(f"<@UFULL{n:03}>" for n in range(participants.MAX_AVOIDED - 1))
    assert "You won't be paired with" in (await reply_to(slack, f"avoid {others}", user_id=other))["text"]
    assert f"You won't be paired with <@{me}>." in (await reply_to(slack, f"avoid <@{me}>", user_id=other))["text"]
