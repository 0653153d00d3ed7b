"""The SQL behind a program's results (``bot.results``): counts, averages and GROUP BYs computed by the database,
never by loading every row, and the rows of its CSV exports.

Functions take a session and plain values and return plain values, rows or small dataclasses; which figures are
shown, and the confidentiality rules (groups too small to show), are ``bot.results``' business.
Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, case
from sqlalchemy.orm import aliased
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Feedback,
    MeetingAnswer,
    MeetingLog,
    Pair,
    PairState,
    Participant,
    ParticipantState,
    SkillRating,
    SurveyAnswer,
)


@dataclass(frozen=True)
class FeedbackTotals:
    """All feedback on the program's meetings: how many, from how many people, the average rating (None: none)."""

    count: int
    authors: int
    average: float | None


@dataclass(frozen=True)
class SideRatings:
    """Feedback from one side (``mentor`` or ``mentee``): how many people gave some, their average rating."""

    role: str
    people: int
    average: float


@dataclass(frozen=True)
class SkillConfidence:
    """One skill's confidence at a survey beside the baseline, among the people who answered both."""

    skill: str
    people: int
    before: float  # average
    then: float  # average


@dataclass(frozen=True)
class Recommendations:
    """Answers to "would you recommend the program?" (0–10) at a survey stage."""

    answers: int
    average: float | None
    promoters: int  # 9–10
    detractors: int  # 0–6


@dataclass(frozen=True)
class FeedbackTexts:
    """What people wrote in the program that admins may read, each kind on its own (unsorted; no author, pair or
    rating). Notes for partners are never among them."""

    learned: list[str]  # what they learned or taught
    changes: list[str]  # what a survey answer would change


async def participants_by_state(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, int]:
    """``{state: people}`` of the program's rows, erased ones included."""
    query = (
        select(Participant.state, func.count())
        .where(Participant.team_id == team_id, Participant.program_id == program_id)
        .group_by(Participant.state)
    )
    return {state: int(n) for state, n in (await session.exec(query)).all()}


async def active_by_role(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, int]:
    """``{role: people}`` among the people taking part and not paused."""
    query = (
        select(Participant.role, func.count())
        .where(
            Participant.team_id == team_id,
            Participant.program_id == program_id,
            Participant.state == ParticipantState.ACTIVE,
        )
        .group_by(Participant.role)
    )
    return {str(role): int(n) for role, n in (await session.exec(query)).all()}


async def pairs_by_state(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, int]:
    """``{state: pairs}`` of the program's published pairs (proposals left out)."""
    query = (
        select(Pair.state, func.count())
        .where(Pair.team_id == team_id, Pair.program_id == program_id, Pair.state != PairState.PROPOSED)
        .group_by(Pair.state)
    )
    return {state: int(n) for state, n in (await session.exec(query)).all()}


async def meetings(session: AsyncSession, *, team_id: str, program_id: int) -> int:
    """The *We met* answers of the program's pairs, at every check-in."""
    query = (
        select(func.count())
        .select_from(MeetingLog)
        .join(Pair, col(Pair.id) == col(MeetingLog.pair_id))
        .where(
            MeetingLog.team_id == team_id,
            MeetingLog.answer == MeetingAnswer.MET,
            Pair.team_id == team_id,
            Pair.program_id == program_id,
        )
    )
    return int((await session.exec(query)).one())


async def meetings_at(
    session: AsyncSession, *, team_id: str, program_id: int, period: int, day: date
) -> tuple[int, int]:
    """Check-in ``period`` (on ``day``): how many of the pairs running that day answered *We met*, and how many
    pairs were running (the meeting rate's two sides)."""
    moment = datetime.combine(day, time.max, tzinfo=UTC)
    ran = (
        Pair.team_id == team_id,
        Pair.program_id == program_id,
        Pair.state != PairState.PROPOSED,
        col(Pair.started_at) <= moment,
        or_(col(Pair.ended_at).is_(None), col(Pair.ended_at) > moment),
    )
    running = (await session.exec(select(func.count()).select_from(Pair).where(*ran))).one()
    met = (
        await session.exec(
            select(func.count())
            .select_from(MeetingLog)
            .join(Pair, col(Pair.id) == col(MeetingLog.pair_id))
            .where(
                *ran, MeetingLog.team_id == team_id, MeetingLog.period == period, MeetingLog.answer == MeetingAnswer.MET
            )
        )
    ).one()
    return int(met), int(running)


async def feedback_totals(session: AsyncSession, *, team_id: str, program_id: int) -> FeedbackTotals:
    query = select(func.count(), func.count(func.distinct(Feedback.author_id)), func.avg(Feedback.rating)).where(
        Feedback.team_id == team_id, Feedback.program_id == program_id
    )
    count, authors, average = (await session.exec(query)).one()
    return FeedbackTotals(int(count), int(authors), float(average) if average is not None else None)


async def feedback_by_side(session: AsyncSession, *, team_id: str, program_id: int) -> list[SideRatings]:
    """Per side that gave feedback: how many people, and their average rating."""
    query = (
        select(Feedback.author_role, func.count(func.distinct(Feedback.author_id)), func.avg(Feedback.rating))
        .where(Feedback.team_id == team_id, Feedback.program_id == program_id)
        .group_by(Feedback.author_role)
    )
    return [
        SideRatings(str(role), int(people), float(average))
        for role, people, average in (await session.exec(query)).all()
    ]


async def top_topics(
    session: AsyncSession, *, team_id: str, program_id: int, min_people: int, limit: int
) -> list[tuple[str, int]]:
    """The topics most people discussed (``(topic key, people)``, most first), each named by at least
    ``min_people`` people in their feedback."""
    people = func.count(func.distinct(Feedback.author_id))
    query = (
        select(Feedback.topic_key, people)
        .where(Feedback.team_id == team_id, Feedback.program_id == program_id, Feedback.topic_key != "")
        .group_by(Feedback.topic_key)
        .having(people >= min_people)
        .order_by(people.desc(), Feedback.topic_key)
        .limit(limit)
    )
    return [(str(topic), int(n)) for topic, n in (await session.exec(query)).all()]


async def survey_answers_by_stage(session: AsyncSession, *, team_id: str, program_id: int) -> dict[str, int]:
    """``{stage: answers}`` of the program's surveys."""
    query = (
        select(SurveyAnswer.stage, func.count())
        .where(SurveyAnswer.team_id == team_id, SurveyAnswer.program_id == program_id)
        .group_by(col(SurveyAnswer.stage))
    )
    return {stage: int(n) for stage, n in (await session.exec(query)).all()}


def _paired(before: type[SkillRating], then: type[SkillRating], team_id: str) -> ColumnElement[bool]:
    """Each rating at a stage (``then``) beside the same person's baseline (``before``) for that skill."""
    return (
        (col(before.program_id) == col(then.program_id))
        & (col(before.user_id) == col(then.user_id))
        & (col(before.skill) == col(then.skill))
        & (col(before.stage) == "before")
        & (col(before.team_id) == team_id)
    )


async def confidence_by_skill(
    session: AsyncSession, *, team_id: str, program_id: int, stage: str, min_people: int
) -> list[SkillConfidence]:
    """Per skill rated at ``stage`` by at least ``min_people`` people who also gave a baseline: the averages
    before and then (by skill)."""
    before, then = aliased(SkillRating), aliased(SkillRating)
    people = func.count(func.distinct(then.user_id))
    query = (
        select(then.skill, people, func.avg(before.value), func.avg(then.value))
        .join(before, _paired(before, then, team_id))
        .where(then.team_id == team_id, then.program_id == program_id, then.stage == stage)
        .group_by(col(then.skill))
        .having(people >= min_people)
        .order_by(col(then.skill))
    )
    return [
        SkillConfidence(str(skill), int(n), float(b), float(a)) for skill, n, b, a in (await session.exec(query)).all()
    ]


async def confidence_groups(session: AsyncSession, *, team_id: str, program_id: int, stage: str) -> dict[str, set[str]]:
    """``{skill: people}``: who rated each skill at ``stage`` and gave a baseline for it."""
    before, then = aliased(SkillRating), aliased(SkillRating)
    query = (
        select(then.skill, then.user_id)
        .join(before, _paired(before, then, team_id))
        .where(then.team_id == team_id, then.program_id == program_id, then.stage == stage)
    )
    groups: dict[str, set[str]] = {}
    for skill, user in (await session.exec(query)).all():
        groups.setdefault(str(skill), set()).add(str(user))
    return groups


async def recommendations(session: AsyncSession, *, team_id: str, program_id: int, stage: str) -> Recommendations:
    query = select(
        func.count(),
        func.avg(SurveyAnswer.recommend),
        func.sum(case((col(SurveyAnswer.recommend) >= 9, 1), else_=0)),
        func.sum(case((col(SurveyAnswer.recommend) <= 6, 1), else_=0)),
    ).where(SurveyAnswer.team_id == team_id, SurveyAnswer.program_id == program_id, SurveyAnswer.stage == stage)
    n, average, promoters, detractors = (await session.exec(query)).one()
    return Recommendations(
        int(n), float(average) if average is not None else None, int(promoters or 0), int(detractors or 0)
    )


async def pairs_and_meetings(
    session: AsyncSession, *, team_id: str, program_id: int
) -> list[tuple[Pair, MeetingLog | None]]:
    """Every published pair of the program with each of its check-in answers (a pair with none: once, with None),
    by pair then check-in."""
    query = (
        select(Pair, MeetingLog)
        .outerjoin(MeetingLog, (col(MeetingLog.pair_id) == col(Pair.id)) & (col(MeetingLog.team_id) == team_id))
        .where(Pair.team_id == team_id, Pair.program_id == program_id, Pair.state != PairState.PROPOSED)
        .order_by(col(Pair.id), col(MeetingLog.period))
    )
    return [(pair, log) for pair, log in (await session.exec(query)).all()]


async def feedback_texts(session: AsyncSession, *, team_id: str, program_id: int, min_people: int) -> FeedbackTexts:
    """What people learned or taught, from each side (``author_role``) where at least ``min_people`` people wrote
    some, and what survey answers would change, from each survey stage where at least ``min_people`` people wrote
    some, counting only answers given when the form said admins read them. Notes are not read: they are for the
    partner, when shared, and never for admins."""
    learned_by = (Feedback.team_id == team_id, Feedback.program_id == program_id, Feedback.learned != "")
    sides = (
        select(Feedback.author_role)
        .where(*learned_by)
        .group_by(Feedback.author_role)
        .having(func.count(func.distinct(Feedback.author_id)) >= min_people)
    )
    learned = await session.exec(select(Feedback.learned).where(*learned_by, col(Feedback.author_role).in_(sides)))
    changed_by = (
        SurveyAnswer.team_id == team_id,
        SurveyAnswer.program_id == program_id,
        SurveyAnswer.change != "",
        col(SurveyAnswer.change_for_admins).is_(True),  # given after the form said admins read it
    )
    stages = (
        select(SurveyAnswer.stage)
        .where(*changed_by)
        .group_by(col(SurveyAnswer.stage))
        .having(func.count(func.distinct(SurveyAnswer.user_id)) >= min_people)
    )
    changes = await session.exec(select(SurveyAnswer.change).where(*changed_by, col(SurveyAnswer.stage).in_(stages)))
    return FeedbackTexts(list(learned.all()), list(changes.all()))
