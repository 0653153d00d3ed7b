"""People enrolled in the workspace's default program (as the sign-up form stores them), and a published round's
pair, for the tests of rounds, introductions, check-ins and what follows."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot import participants, rounds
from bot.programs import target_program
from bot.runtime.context import Deps
from storage import participants as participants_repo
from storage.models import Pair
from tests.support.signed import SlackSender

# user: role, department, years, shares, learns, tz offset (hours)
PEOPLE: dict[str, tuple[str, str, int, list[str], list[str], int]] = {
    "UM1": ("mentor", "Marketing", 2, ["ai_tools", "social_media"], [], 1),
    "UM2": ("mentor", "IT", 3, ["data_literacy"], [], -5),
    "UE1": ("mentee", "Finance", 20, [], ["ai_tools", "leadership"], 1),
    "UE2": ("mentee", "Sales", 25, [], ["data_literacy"], -5),
    "UE3": ("mentee", "Legal", 30, [], ["social_media"], 9),
}


async def enrol(slack: SlackSender, deps: Deps, team_id: str, people: dict[str, Any] = PEOPLE) -> int:
    """Everyone in the workspace's default program (as the sign-up form would store them); its id."""
    [program] = await participants.programs_or_default(deps, team_id=team_id)
    assert program.id is not None
    async with deps.db.session() as session:
        for user, (role, dept, years, shares, learns, tz) in people.items():
            slack.fake.add_user(user, tz_offset=tz * 3600)
            answers = {
                "role": role,
                "department": dept,
                "years_experience": years,
                "shares": shares,
                "learns": learns,
                "tz_offset": tz * 3600,
            }
            await participants_repo.upsert_profile(
                session, team_id=team_id, program_id=program.id, user_id=user, answers=answers
            )
    slack.fake.add_user("UADMIN", is_admin=True)
    return program.id


async def one_pair(slack: SlackSender, deps: Deps, team_id: str) -> Pair:
    """UM1 and UE1 enrolled, matched and their round published by UADMIN: their pair."""
    program_id = await enrol(slack, deps, team_id, {k: v for k, v in PEOPLE.items() if k in ("UM1", "UE1")})
    program = await target_program(deps, team_id=team_id, name=None)
    assert program.id == program_id
    stored = await rounds.preview(deps, team_id=team_id, program=program, actor_id="UADMIN")
    assert stored.id is not None
    await rounds.publish(deps, team_id=team_id, round_id=stored.id, actor_id="UADMIN")
    async with deps.db.read() as session:
        [pair] = (await session.exec(select(Pair).where(Pair.team_id == team_id))).all()
    return pair
