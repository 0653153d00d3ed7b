"""A running program with four pairs, for the check-in and delivery tests: 12 weeks from Monday 2027-01-04, a check-in
every 2 weeks on Tuesday at 10:00, each pair in its own two time zones, introduced and started."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import participants, rounds
from bot.outbox.deliver import deliver
from bot.programs import move
from bot.runtime.context import Deps
from bot.runtime.settings import Settings
from bot.slack.client import make_client
from storage import avoid as avoid_repo
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import workspaces as workspaces_repo
from tests.support.fake_slack import FakeSlack

# A 12-week program: Monday 2027-01-04 to Monday 2027-03-29, a check-in every 2 weeks on Tuesday at 10:00.
START, END = date(2027, 1, 4), date(2027, 3, 29)
PAIRS = {  # mentor, mentee, their time zones, how they answer
    "steady": ("UM1", "UE1", "America/Los_Angeles", "Asia/Tokyo", "met"),
    "silent": ("UM2", "UE2", "America/New_York", "Europe/Paris", None),
    "planner": ("UM3", "UE3", "Europe/London", "Asia/Kolkata", "scheduled"),
    "pausing": ("UM4", "UE4", "America/Los_Angeles", "America/New_York", "met"),
}


async def start_program(deps: Deps, settings: Settings, fake: FakeSlack, team_id: str) -> int:
    [program] = await participants.programs_or_default(deps, team_id=team_id)
    assert program.id is not None
    async with deps.db.session() as session:
        found = await programs_repo.get_program(session, team_id=team_id, program_id=program.id)
        assert found is not None
        found.start_date, found.end_date, found.cadence = START, END, "biweekly"
        found.checkin_weekday, found.checkin_time, found.quiet_start, found.quiet_end = 1, "10:00", "09:00", "18:00"
        session.add(found)
        for mentor, mentee, tz_m, tz_e, _ in PAIRS.values():
            for user, role, years, tz in ((mentor, "mentor", 2, tz_m), (mentee, "mentee", 25, tz_e)):
                fake.add_user(user, tz=tz)
                answers: dict[str, Any] = {
                    "role": role,
                    "department": user,
                    "years_experience": years,
                    "shares": ["ai_tools"] if role == "mentor" else [],
                    "learns": ["ai_tools"] if role == "mentee" else [],
                    "timezone": tz,
                    "tz_offset": 0,
                }
                await participants_repo.upsert_profile(
                    session, team_id=team_id, program_id=program.id, user_id=user, answers=answers
                )
    deps.state.programs.forget(team_id)
    async with deps.db.session() as session:  # the pairs as intended ("don't pair me with" rules out the others)
        for mentor, mine, *_ in PAIRS.values():
            for _, mentee, *_ in PAIRS.values():
                if mentee != mine:
                    await avoid_repo.add_avoid(session, team_id=team_id, user_id=mentor, avoided_id=mentee)
    program = (await participants.programs_or_default(deps, team_id=team_id))[0]
    assert program.id is not None
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    assert (await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")).pairs == 4
    client = make_client(settings, deps.state.pacers)
    assert (await deliver(deps, client, team_id=team_id)).sent == 4  # the introductions
    async with deps.db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=team_id)
    assert (
        await move(
            deps, team_id=team_id, actor_id="UADMIN", program_id=program.id, from_state="open", to_state="running"
        )
        == "moved"
    )
    return program.id
