"""Repository functions against a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot import participants
from bot.optin import Profile
from bot.runtime.context import Deps
from storage import programs as programs_repo
from storage import workspaces as workspaces_repo
from storage.db import Database
from storage.models import Participant, Program
from tests.support.programs import first_program_id, open_enrolment

PROFILE = Profile(
    role="mentor",
    department="Marketing",
    years_experience=3,
    shares=["ai_tools", "Figma"],
    learns=["leadership"],
    goals="Teach AI tools",
    meeting_format="video",
    manager_id="U900",
)


async def enrolment_of(deps: Deps, team_id: str, user_id: str) -> participants.Enrolment:
    enrolment = await open_enrolment(deps, team_id, user_id)
    assert enrolment is not None
    return enrolment


async def test_default_program_is_created_once_even_concurrently(db: Database, deps: Deps, team_id: str) -> None:
    async def get() -> int | None:
        async with db.session() as session:
            program = await programs_repo.create_default_program(session, team_id=team_id, objectives="o")
            return program.id if program else None

    ids = await asyncio.gather(*(get() for _ in range(8)))
    assert len(set(ids) - {None}) == 1
    async with db.session() as session:
        programs = (await session.exec(select(Program).where(Program.team_id == team_id))).all()
    assert len(programs) == 1 and programs[0].state == "open"
    # once the workspace has a program, however it stands, no default comes back
    programs[0].state = "ended"
    async with db.session() as session:
        session.add(programs[0])
    async with db.session() as session:
        assert await programs_repo.create_default_program(session, team_id=team_id, objectives="o") is None
    assert await open_enrolment(deps, team_id, "U1") is None


async def test_concurrent_submissions_never_duplicate_a_participant(db: Database, deps: Deps, team_id: str) -> None:
    program_id = await first_program_id(deps, team_id)
    results = await asyncio.gather(
        *(
            participants.save_profile(db, team_id=team_id, user_id="U1", program_id=program_id, profile=PROFILE)
            for _ in range(6)
        )
    )
    assert all(enrolment.participant is not None for enrolment, _ in results)
    async with db.session() as session:
        rows = (await session.exec(select(Participant).where(Participant.team_id == team_id))).all()
    assert len(rows) == 1
    assert rows[0].shares == ["ai_tools", "Figma"]


async def test_queries_are_scoped_to_the_workspace(db: Database, deps: Deps, team_id: str) -> None:
    other_team = team_id + "X"
    await participants.save_profile(
        db, team_id=team_id, user_id="U1", program_id=await first_program_id(deps, team_id), profile=PROFILE
    )
    mine = await enrolment_of(deps, team_id, "U1")
    theirs = await enrolment_of(deps, other_team, "U1")
    assert mine.participant is not None
    assert theirs.participant is None
    assert mine.program.id != theirs.program.id
    # erasing in another workspace touches nothing here
    assert await participants.erase(db, team_id=other_team, user_id="U1") is False
    again = await enrolment_of(deps, team_id, "U1")
    assert again.participant is not None and again.participant.department == "Marketing"


async def test_datetimes_round_trip_as_aware_utc(db: Database, deps: Deps, team_id: str) -> None:
    await participants.save_profile(
        db, team_id=team_id, user_id="U1", program_id=await first_program_id(deps, team_id), profile=PROFILE
    )
    fresh = await enrolment_of(deps, team_id, "U1")
    assert fresh.participant is not None
    assert fresh.participant.joined_at.tzinfo is not None
    assert abs((datetime.now(UTC) - fresh.participant.joined_at).total_seconds()) < 60


async def test_resume_due_uses_local_date_and_claims_once(db: Database, deps: Deps, team_id: str) -> None:
    for user, tz in (("UA", "Pacific/Auckland"), ("UB", "America/Los_Angeles"), ("UC", None)):
        enrolment, _ = await participants.save_profile(
            db, team_id=team_id, user_id=user, program_id=await first_program_id(deps, team_id), profile=PROFILE
        )
        assert enrolment.participant is not None and enrolment.participant.id is not None
        await participants.set_timezone(
            db, team_id=team_id, participant_id=enrolment.participant.id, timezone=tz, tz_offset=None
        )
        await participants.pause(
            deps, team_id=team_id, user_id=user, until=date(2027, 3, 1), now=datetime(2027, 1, 1, tzinfo=UTC)
        )
    async with db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=team_id)

    # 2027-02-28 12:00 UTC is already March 1st in Auckland, still February elsewhere.
    early = await participants.resume_due(db, now=datetime(2027, 2, 28, 12, tzinfo=UTC), team_ids={team_id})
    assert [(r.user_id, r.until) for r in early if r.team_id == team_id] == [("UA", date(2027, 3, 1))]
    # Two runners at the same instant: each person is resumed by exactly one of them.
    both = await asyncio.gather(
        participants.resume_due(db, now=datetime(2027, 3, 1, 12, tzinfo=UTC), team_ids={team_id}),
        participants.resume_due(db, now=datetime(2027, 3, 1, 12, tzinfo=UTC), team_ids={team_id}),
    )
    resumed = sorted(r.user_id for run in both for r in run if r.team_id == team_id)
    assert resumed == ["UB", "UC"]  # 04:00 on March 1st in Los Angeles, noon in UTC
    states = {u: (await enrolment_of(deps, team_id, u)).participant for u in ("UA", "UB")}
    assert all(p is not None and p.state == "active" and p.paused_until is None for p in states.values())


async def test_event_ids_are_recorded_once(db: Database, team_id: str) -> None:
    async with db.session() as session:
        assert await workspaces_repo.record_event_once(session, team_id=team_id, event_id=f"Ev{team_id}") is True
    async with db.session() as session:
        assert await workspaces_repo.record_event_once(session, team_id=team_id, event_id=f"Ev{team_id}") is False


@pytest.mark.parametrize("state", ["left", "deleted"])
async def test_rejoining_reactivates_the_same_row(db: Database, deps: Deps, team_id: str, state: str) -> None:
    await participants.save_profile(
        db, team_id=team_id, user_id="U1", program_id=await first_program_id(deps, team_id), profile=PROFILE
    )
    if state == "left":
        await participants.leave(deps, team_id=team_id, user_id="U1")
    else:
        await participants.erase(db, team_id=team_id, user_id="U1")
    _, joined = await participants.save_profile(
        db, team_id=team_id, user_id="U1", program_id=await first_program_id(deps, team_id), profile=PROFILE
    )
    assert joined is True
    async with db.session() as session:
        rows = (await session.exec(select(Participant).where(Participant.team_id == team_id))).all()
    assert sorted(r.state for r in rows) == (["active"] if state == "left" else ["active", "deleted"])


async def test_old_event_ids_are_pruned(db: Database, team_id: str) -> None:
    async with db.session() as session:
        await workspaces_repo.record_event_once(session, team_id=team_id, event_id=f"Old{team_id}")
    async with db.session() as session:
        await workspaces_repo.prune_events(session, before=datetime.now(UTC) - timedelta(hours=1))
        assert await workspaces_repo.record_event_once(session, team_id=team_id, event_id=f"Old{team_id}") is False
    async with db.session() as session:
        assert await workspaces_repo.prune_events(session, before=datetime.now(UTC) + timedelta(seconds=1)) >= 1
        assert await workspaces_repo.record_event_once(session, team_id=team_id, event_id=f"Old{team_id}") is True


async def test_a_discarded_draft_frees_its_name_but_never_its_id(db: Database, team_id: str) -> None:
    async with db.session() as session:
        draft = await programs_repo.create_program(session, team_id=team_id, fields={"name": "Maybe"})
    assert draft.id is not None
    async with db.session() as session:
        assert await programs_repo.discard_draft(session, team_id=team_id, program_id=draft.id) is True
        assert await programs_repo.discard_draft(session, team_id=team_id, program_id=draft.id) is False
    async with db.session() as session:
        again = await programs_repo.create_program(session, team_id=team_id, fields={"name": "Maybe"})
        assert again.id is not None and again.id > draft.id
        assert await programs_repo.get_program(session, team_id=team_id, program_id=draft.id) is None
        assert [p.name for p in await programs_repo.list_programs(session, team_id=team_id)] == ["Maybe"]


async def test_interactions_recorded_together_are_each_known_once(db: Database, team_id: str) -> None:
    async with db.session() as session:
        assert await workspaces_repo.record_interaction_once(session, team_id=team_id, trigger_id="1.a") is True
    async with db.session() as session:  # one already there, one new, one twice in the batch: no conflict error
        batch = [(team_id, "1.a"), (team_id, "1.b"), (team_id, "1.c")]
        await workspaces_repo.record_interactions(session, interactions=batch)
    for trigger in ("1.a", "1.b", "1.c"):
        async with db.session() as session:
            assert await workspaces_repo.record_interaction_once(session, team_id=team_id, trigger_id=trigger) is False
    async with db.session() as session:
        assert await workspaces_repo.record_interaction_once(session, team_id=team_id, trigger_id="1.d") is True
