"""A workspace's programs are remembered for a few seconds: changes made here are seen at once, changes made by
another replica (here: straight in the database) within ``PROGRAM_CACHE_SECONDS``."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import update

from bot import participants
from bot.runtime.context import Deps
from storage.db import Database
from storage.models import Program
from tests.support.programs import first_program_id


async def end_behind_the_apps_back(db: Database, program_id: int) -> None:
    async with db.session() as session:
        await session.exec(update(Program).where(Program.id == program_id).values(state="ended"))  # type: ignore[arg-type]


async def test_another_replicas_change_is_seen_once_the_memory_expires(
    db: Database, deps: Deps, team_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    program_id = await first_program_id(deps, team_id)
    assert await participants.joinable_program(deps, team_id=team_id, program_id=program_id) is not None
    await end_behind_the_apps_back(db, program_id)
    # still remembered: another replica's change is not seen yet (saving checks again, see save_profile)
    assert await participants.joinable_program(deps, team_id=team_id, program_id=program_id) is not None
    monkeypatch.setattr(participants, "PROGRAM_CACHE_SECONDS", 0.0)
    deps.state.programs.forget(team_id)  # as after the memory expires
    assert await participants.joinable_program(deps, team_id=team_id, program_id=program_id) is None
    assert await participants.programs_for(deps, team_id=team_id, user_id="U1") == []


async def test_saving_checks_the_program_again_whatever_is_remembered(db: Database, deps: Deps, team_id: str) -> None:
    from bot.optin import Profile
    from bot.runtime.errors import ProgramClosedError

    program_id = await first_program_id(deps, team_id)
    await participants.joinable_program(deps, team_id=team_id, program_id=program_id)
    await end_behind_the_apps_back(db, program_id)
    profile = Profile("mentor", "IT", 2, ["ai_tools"], [], "Share", "video", None)
    with pytest.raises(ProgramClosedError):
        await participants.save_profile(db, team_id=team_id, user_id="U1", program_id=program_id, profile=profile)


async def test_remembered_programs_are_per_workspace(db: Database, deps: Deps, team_id: str) -> None:
    mine = await first_program_id(deps, team_id)
    assert await participants.joinable_program(deps, team_id=team_id + "X", program_id=mine) is None


async def test_a_read_that_overlaps_a_change_is_not_remembered(
    db: Database, deps: Deps, team_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Home tab reading the programs while an admin ends one must not put the old list back for 10 s."""
    from storage import programs as programs_repo

    program_id = await first_program_id(deps, team_id)
    deps.state.programs.forget(team_id)
    reading, may_finish = asyncio.Event(), asyncio.Event()
    real_list = programs_repo.list_programs

    async def slow_list(session, *, team_id):
        found = await real_list(session, team_id=team_id)
        reading.set()
        await may_finish.wait()
        return found

    monkeypatch.setattr(programs_repo, "list_programs", slow_list)
    slow_read = asyncio.create_task(participants.workspace_programs(deps, team_id=team_id))
    await reading.wait()
    await end_behind_the_apps_back(db, program_id)
    deps.state.programs.forget(team_id)  # what bot.programs does once its change is committed
    may_finish.set()
    assert [p.state for p in await slow_read] == ["open"]  # that read saw the old list...
    monkeypatch.setattr(programs_repo, "list_programs", real_list)
    assert [p.state for p in await participants.workspace_programs(deps, team_id=team_id)] == ["ended"]  # ...only
