"""Skills confidence and surveys.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SkillRating, SurveyAnswer, utcnow
from storage.sql import dialect_insert

BEFORE, MID, END = "before", "mid", "end"


async def rate_skills(
    session: AsyncSession, *, team_id: str, program_id: int, user_id: str, stage: str, ratings: Mapping[str, int]
) -> None:
    """Self-rated confidence per skill at a stage: the ``before`` baseline is kept as first given (editing the
    sign-up form later doesn't move it); a survey answered again replaces its own ratings."""
    for skill, value in ratings.items():
        statement = dialect_insert(session, SkillRating).values(
            team_id=team_id, program_id=program_id, user_id=user_id, skill=skill, stage=stage, value=value, at=utcnow()
        )
        keys = ["program_id", "user_id", "skill", "stage"]
        if stage == BEFORE:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        else:
            statement = statement.on_conflict_do_update(index_elements=keys, set_={"value": value, "at": utcnow()})
        await session.exec(statement)


async def save_survey(
    session: AsyncSession, *, team_id: str, program_id: int, user_id: str, stage: str, recommend: int, change: str
) -> bool:
    """The survey's answer (a second one replaces it); False when it replaced an earlier one."""
    earlier = await get_survey(session, team_id=team_id, program_id=program_id, user_id=user_id, stage=stage)
    statement = dialect_insert(session, SurveyAnswer).values(
        team_id=team_id,
        program_id=program_id,
        user_id=user_id,
        stage=stage,
        recommend=recommend,
        change=change,
        change_for_admins=True,  # the form says admins read it, once 3 people wrote some (prompts.surveys.PRIVATE)
        at=utcnow(),
    )
    statement = statement.on_conflict_do_update(
        index_elements=["program_id", "user_id", "stage"],
        set_={"recommend": recommend, "change": change, "change_for_admins": True},
    )
    await session.exec(statement)
    return earlier is None


async def get_survey(
    session: AsyncSession, *, team_id: str, program_id: int, user_id: str, stage: str
) -> SurveyAnswer | None:
    query = select(SurveyAnswer).where(
        SurveyAnswer.team_id == team_id,
        SurveyAnswer.program_id == program_id,
        SurveyAnswer.user_id == user_id,
        SurveyAnswer.stage == stage,
    )
    return (await session.exec(query)).first()


async def levels(session: AsyncSession, *, team_id: str, program_id: int, user_id: str, stage: str) -> dict[str, int]:
    query = select(SkillRating.skill, SkillRating.value).where(
        SkillRating.team_id == team_id,
        SkillRating.program_id == program_id,
        SkillRating.user_id == user_id,
        SkillRating.stage == stage,
    )
    return {skill: value for skill, value in (await session.exec(query)).all()}


async def forget_user(session: AsyncSession, *, team_id: str, program_id: int, user_id: str) -> None:
    """Delete-my-data: the person's confidence ratings and survey answers go."""
    for model in (SkillRating, SurveyAnswer):
        await session.exec(
            delete(model).where(
                col(model.team_id) == team_id, col(model.program_id) == program_id, col(model.user_id) == user_id
            )
        )
