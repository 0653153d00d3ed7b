"""Rounds on both databases, through the services the handlers and the CLI call: publishing is once-only even
when two replicas publish at the same moment, a preview computed before another round was published is refused,
rematch requests end exactly the pair asked about, reporting lines run through people already paired, people wait
at most one round for their privilege, and ending a program ends its pairs."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import select, update

from bot import participants, rounds
from bot.intros import request_rematch
from bot.programs import move
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.runtime.state import AppState
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.db import Database
from storage.models import MatchRound, Outbox, Pair, Program, RematchRequest, utcnow


async def setup(deps: Deps, team_id: str, people: dict[str, tuple[Any, ...]], **rules: Any) -> Program:
    """The default program with ``people``: user → (role, years, shares, learns[, manager])."""
    [program] = await participants.programs_or_default(deps, team_id=team_id)
    assert program.id is not None
    async with deps.db.session() as session:
        if rules:
            found = await programs_repo.get_program(session, team_id=team_id, program_id=program.id)
            assert found is not None
            found.rules = {**found.rules, **rules}
            session.add(found)
        for user, (role, years, shares, learns, *manager) in people.items():
            answers = {
                "role": role,
                "department": user,
                "years_experience": years,
                "shares": shares,
                "learns": learns,
                "manager_id": manager[0] if manager else None,
            }
            await participants_repo.upsert_profile(
                session, team_id=team_id, program_id=program.id, user_id=user, answers=answers
            )
    deps.state.programs.forget(team_id)
    [program] = await participants.programs_or_default(deps, team_id=team_id)
    return program


async def publish_next(deps: Deps, team_id: str, program: Program) -> rounds.Published:
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    return await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")


async def pairs(db: Database, team_id: str, state: str = "active") -> set[tuple[str, str]]:
    async with db.read() as session:
        rows = (await session.exec(select(Pair).where(Pair.team_id == team_id, Pair.state == state))).all()
    return {(p.mentor_id, p.mentee_id) for p in rows}


TWO_PAIRS = {
    "UM1": ("mentor", 2, ["ai_tools"], []),
    "UM2": ("mentor", 3, ["data_literacy"], []),
    "UE1": ("mentee", 20, [], ["ai_tools"]),
    "UE2": ("mentee", 25, [], ["data_literacy"]),
}


async def test_two_replicas_publishing_the_same_preview_publish_it_once(
    db: Database, deps: Deps, database_url: str, settings: Settings, team_id: str
) -> None:
    program = await setup(deps, team_id, TWO_PAIRS)
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    other = Database(database_url)
    try:
        results = await asyncio.gather(
            rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UA"),
            rounds.publish(Deps(settings, other, AppState()), team_id=team_id, round_id=stored.id, actor_id="UB"),
        )
    finally:
        await other.dispose()
    assert sorted(r.outcome for r in results) == ["published", "stale"]
    assert await pairs(db, team_id) == {("UM1", "UE1"), ("UM2", "UE2")}
    async with db.read() as session:
        keys = (await session.exec(select(Outbox.key).where(Outbox.team_id == team_id))).all()
    assert sorted(k.split(":")[0] for k in keys) == ["intro", "intro"], "no 'not paired' DM to anyone paired"


async def test_a_preview_computed_before_another_round_was_published_is_refused(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    program = await setup(deps, team_id, TWO_PAIRS)
    assert program.id is not None
    async with db.session() as session:  # admin B's preview, computed while nothing was published yet...
        late = await rounds_repo.create_round(
            session,
            team_id=team_id,
            program_id=program.id,
            created_by="UB",
            pairs=[{"mentor_id": "UM1", "mentee_id": "UE1", "score": 10.0, "reasons": {}}],
            unmatched=[],
            ends=[],
            after_round_id=None,
            pool_read_at=utcnow(),
        )
    assert (await publish_next(deps, team_id, program)).outcome == "published"  # ...while admin A publishes
    async with db.session() as session:  # B's preview lands after A's round (as a slow computation would)
        await session.exec(update(MatchRound).where(MatchRound.id == late.id).values(state="preview"))  # type: ignore[arg-type]
    assert late.id is not None
    assert (await rounds.publish(deps, team_id=team_id, round_id=late.id, actor_id="UB")).outcome == "stale"
    assert await pairs(db, team_id) == {("UM1", "UE1"), ("UM2", "UE2")}


async def test_a_rematch_ends_the_pair_asked_about_and_only_requests_the_round_saw(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    people = {
        **TWO_PAIRS,
        "UM1": ("mentor", 2, ["ai_tools", "data_literacy"], []),
        "UE3": ("mentee", 30, [], ["ai_tools"]),
    }
    program = await setup(deps, team_id, people, mentor_capacity=2)
    await publish_next(deps, team_id, program)
    first = await pairs(db, team_id)
    assert len(first) == 3 and sum(m == "UM1" for m, _ in first) == 2
    async with db.read() as session:
        mine = [p for p in await rounds_repo.pairs_of_user(session, team_id=team_id, user_id="UM1")]
    asked, kept = mine[0], mine[1]
    await request_rematch(deps, pair=asked, user_id="UM1", reason="not this one")
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.ends == [asked.id], "only the pair asked about ends, not the mentor's other pair"
    await request_rematch(deps, pair=kept, user_id=kept.mentee_id, reason="filed after the preview")
    assert stored.id is not None
    await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")
    assert (kept.mentor_id, kept.mentee_id) in await pairs(db, team_id)
    assert (asked.mentor_id, asked.mentee_id) in await pairs(db, team_id, "ended")
    async with db.read() as session:
        requests = (await session.exec(select(RematchRequest).where(RematchRequest.team_id == team_id))).all()
    assert {r.reason: r.handled_at is not None for r in requests} == {
        "not this one": True,
        "filed after the preview": False,
    }, "a request the published round did not act on stays open for the next"


async def test_reporting_lines_run_through_people_already_paired(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    people = {  # UA reports to UB, who reports to UC; UB is paired first with UX
        "UX": ("mentor", 1, ["ai_tools"], []),
        "UB": ("mentee", 15, [], ["ai_tools"], "UC"),
    }
    program = await setup(deps, team_id, people)
    await publish_next(deps, team_id, program)
    assert await pairs(db, team_id) == {("UX", "UB")}
    await setup(deps, team_id, {"UA": ("mentor", 2, ["ai_tools"], [], "UB"), "UC": ("mentee", 30, [], ["ai_tools"])})
    _, proposal = await rounds.propose(deps, team_id=team_id, program=program)
    assert proposal.pairs == [], "UC is UA's manager's manager: never paired"


async def test_waiting_lasts_one_round(db: Database, deps: Deps, settings: Settings, team_id: str) -> None:
    program = await setup(
        deps,
        team_id,
        {"UM1": ("mentor", 2, ["ai_tools"], []), **{u: ("mentee", 20, [], ["ai_tools"]) for u in ("UE1", "UE2")}},
    )
    assert program.id is not None
    await publish_next(deps, team_id, program)
    async with db.read() as session:
        waiting = await rounds_repo.waiting_users(session, team_id=team_id, program_id=program.id)
    [(_, paired)] = await pairs(db, team_id)
    [left_out] = {"UE1", "UE2"} - {paired}
    assert waiting == {left_out}
    await setup(deps, team_id, {"UM2": ("mentor", 2, ["ai_tools"], [])})
    await publish_next(deps, team_id, program)
    async with db.read() as session:
        assert await rounds_repo.waiting_users(session, team_id=team_id, program_id=program.id) == set()


async def test_dropping_one_of_a_mentors_pairs_does_not_tell_them_they_are_unpaired(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    people = {
        "UM1": ("mentor", 2, ["ai_tools"], []),
        "UE1": ("mentee", 20, [], ["ai_tools"]),
        "UE2": ("mentee", 22, [], ["ai_tools"]),
    }
    program = await setup(deps, team_id, people, mentor_capacity=2)
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    view = await rounds.load_round(deps, team_id=team_id, round_id=stored.id)
    assert view is not None and len(view.pairs) == 2
    assert view.pairs[0].id is not None
    await rounds.drop_pair(deps, team_id=team_id, round_id=stored.id, pair_id=view.pairs[0].id)
    result = await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")
    assert (result.pairs, result.unmatched) == (1, 1)
    async with db.read() as session:
        published = (await session.exec(select(MatchRound).where(MatchRound.id == stored.id))).one()
    assert [e["user_id"] for e in published.unmatched] == [view.pairs[0].mentee_id]


async def test_ending_a_program_ends_its_pairs(db: Database, deps: Deps, settings: Settings, team_id: str) -> None:
    program = await setup(deps, team_id, TWO_PAIRS)
    assert program.id is not None
    await publish_next(deps, team_id, program)
    outcome = await move(
        deps, team_id=team_id, actor_id="UADMIN", program_id=program.id, from_state="open", to_state="ended"
    )
    assert outcome == "moved"
    assert await pairs(db, team_id) == set() and len(await pairs(db, team_id, "ended")) == 2


async def open_requests(db: Database, team_id: str) -> list[RematchRequest]:
    async with db.read() as session:
        query = select(RematchRequest).where(RematchRequest.team_id == team_id, RematchRequest.handled_at == None)  # noqa: E711
        return list((await session.exec(query)).all())


async def test_a_mentor_can_ask_about_each_pair_and_is_told_when_one_ends(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    people = {
        "UM1": ("mentor", 2, ["ai_tools"], []),
        "UE1": ("mentee", 20, [], ["ai_tools"]),
        "UE2": ("mentee", 22, [], ["ai_tools"]),
        "UE3": ("mentee", 24, [], ["ai_tools"]),
    }
    program = await setup(deps, team_id, people, mentor_capacity=3)
    await publish_next(deps, team_id, program)
    async with db.read() as session:
        mine = list(await rounds_repo.pairs_of_user(session, team_id=team_id, user_id="UM1"))
    assert len(mine) == 3
    assert await request_rematch(deps, pair=mine[0], user_id="UM1", reason="")
    assert await request_rematch(deps, pair=mine[1], user_id="UM1", reason=""), "a request per pair, not per person"
    result = await publish_next(deps, team_id, program)
    assert (mine[2].mentor_id, mine[2].mentee_id) in await pairs(db, team_id)
    assert len(await pairs(db, team_id, "ended")) == 2 and await open_requests(db, team_id) == []
    async with db.read() as session:
        keys = set((await session.exec(select(Outbox.key).where(Outbox.team_id == team_id))).all())
    assert any(k.startswith("pair_ended:") and k.endswith(":UM1") for k in keys), "UM1 is told, once"
    assert result.outcome == "published"


async def test_a_pair_that_ends_closes_its_requests(db: Database, deps: Deps, settings: Settings, team_id: str) -> None:
    program = await setup(deps, team_id, TWO_PAIRS)
    assert program.id is not None
    await publish_next(deps, team_id, program)
    async with db.read() as session:
        [pair] = await rounds_repo.pairs_of_user(session, team_id=team_id, user_id="UE1")
    await request_rematch(deps, pair=pair, user_id="UE1", reason="private")
    await participants.leave(deps, team_id=team_id, user_id="UM1")  # the partner leaves first
    assert await open_requests(db, team_id) == [], "nobody can act on it any more: closed, not shown forever"


async def test_someone_whose_partner_left_after_the_preview_still_waits(
    db: Database, deps: Deps, settings: Settings, team_id: str
) -> None:
    program = await setup(deps, team_id, TWO_PAIRS)
    assert program.id is not None
    await publish_next(deps, team_id, program)  # UM1–UE1, UM2–UE2
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    await participants.leave(deps, team_id=team_id, user_id="UM1")  # after the preview was computed
    assert stored.id is not None
    await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")
    async with db.read() as session:
        waiting = await rounds_repo.waiting_users(session, team_id=team_id, program_id=program.id)
    assert "UE1" in waiting
