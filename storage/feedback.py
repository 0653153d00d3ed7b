"""Feedback on meetings and pairing-fit answers.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Feedback, FitAnswer, MeetingAnswer, MeetingLog, Pair, PairState, utcnow
from storage.sql import dialect_insert

EDITABLE = ("rating", "topic", "learned", "note", "share_note")


def topic_key(topic: str) -> str:
    """What topics are grouped by in reports: casefolded, spaces collapsed (the same on SQLite and PostgreSQL)."""
    return " ".join(topic.split()).casefold()


async def get_feedback(
    session: AsyncSession, *, team_id: str, pair_id: int, period: int, author_id: str
) -> Feedback | None:
    query = select(Feedback).where(
        Feedback.team_id == team_id,
        Feedback.pair_id == pair_id,
        Feedback.period == period,
        Feedback.author_id == author_id,
    )
    return (await session.exec(query)).first()


async def save_feedback(
    session: AsyncSession, *, team_id: str, pair: Pair, period: int, author_id: str, fields: dict[str, Any]
) -> Feedback:
    """One feedback per person per meeting: a second one replaces the first (``fields``: ``EDITABLE``)."""
    assert pair.id is not None
    role = "mentor" if author_id == pair.mentor_id else "mentee"
    values = {k: fields[k] for k in EDITABLE}
    values["topic_key"] = topic_key(values["topic"])
    now = utcnow()
    statement = dialect_insert(session, Feedback).values(
        team_id=team_id,
        program_id=pair.program_id,
        pair_id=pair.id,
        period=period,
        author_id=author_id,
        author_role=role,
        created_at=now,
        updated_at=now,
        **values,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["pair_id", "period", "author_id"], set_={**values, "updated_at": now}
    )
    await session.exec(statement)
    found = await get_feedback(session, team_id=team_id, pair_id=pair.id, period=period, author_id=author_id)
    assert found is not None
    return found


async def shared_with(
    session: AsyncSession, *, team_id: str, user_id: str, pair_ids: Sequence[int], limit: int = 5
) -> Sequence[Feedback]:
    """Notes the person's partners chose to share with them (newest first): the note only is ever shown."""
    query = select(Feedback).where(
        Feedback.team_id == team_id,
        col(Feedback.pair_id).in_(list(pair_ids)),
        Feedback.author_id != user_id,
        col(Feedback.share_note).is_(True),
        Feedback.note != "",
    )
    return (await session.exec(query.order_by(col(Feedback.updated_at).desc()).limit(limit))).all()


async def first_meeting(session: AsyncSession, *, team_id: str, pair_id: int) -> int | None:
    """The check-in period of the pair's first *We met*, if any."""
    query = select(func.min(MeetingLog.period)).where(
        MeetingLog.team_id == team_id, MeetingLog.pair_id == pair_id, MeetingLog.answer == MeetingAnswer.MET
    )
    return (await session.exec(query)).one()


async def record_fit(session: AsyncSession, *, team_id: str, pair: Pair, user_id: str, working: bool) -> None:
    """The person's answer to "Is this pairing working for you?" (the latest counts)."""
    assert pair.id is not None
    statement = dialect_insert(session, FitAnswer).values(
        team_id=team_id, program_id=pair.program_id, pair_id=pair.id, user_id=user_id, working=working, at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["pair_id", "user_id"], set_={"working": working, "at": utcnow()}
    )
    await session.exec(statement)


async def fit_concerns(session: AsyncSession, *, team_id: str) -> Sequence[tuple[FitAnswer, Pair]]:
    """People who said their (still active) pairing isn't working, newest first (for admins only)."""
    query = (
        select(FitAnswer, Pair)
        .join(Pair, col(Pair.id) == col(FitAnswer.pair_id))
        .where(
            FitAnswer.team_id == team_id,
            col(FitAnswer.working).is_(False),
            Pair.team_id == team_id,
            Pair.state == PairState.ACTIVE,
        )
        .order_by(col(FitAnswer.at).desc())
    )
    return [(fit, pair) for fit, pair in (await session.exec(query)).all()]


async def forget_author(session: AsyncSession, *, team_id: str, program_id: int, user_id: str) -> None:
    """Delete-my-data: the person's feedback and pairing-fit answers go."""
    await session.exec(
        delete(Feedback).where(
            col(Feedback.team_id) == team_id, col(Feedback.program_id) == program_id, col(Feedback.author_id) == user_id
        )
    )
    await session.exec(
        delete(FitAnswer).where(
            col(FitAnswer.team_id) == team_id,
            col(FitAnswer.program_id) == program_id,
            col(FitAnswer.user_id) == user_id,
        )
    )


async def meetings_of_pair(session: AsyncSession, *, team_id: str, pair_id: int) -> int:
    query = select(func.count()).where(
        MeetingLog.team_id == team_id, MeetingLog.pair_id == pair_id, MeetingLog.answer == MeetingAnswer.MET
    )
    return int((await session.exec(query)).one())
