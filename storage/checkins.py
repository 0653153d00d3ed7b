"""Check-ins: the pairs' answers, and which check-ins (and other per-pair messages) went out.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_PERSON, MeetingLog, Outbox, OutboxState, Pair
from storage.sql import dialect_insert


async def sent_checkins(
    session: AsyncSession,
    *,
    team_id: str,
    pair_ids: Sequence[int],
    kind: str = "checkin",
    any_state: bool = False,
) -> dict[int, set[int]]:
    """``{pair id: {check-in numbers}}`` of the check-ins sent (outbox keys ``checkin:<pair>:<k>``), or of another
    ``kind`` keyed ``<kind>:<pair>:<k>[:…]``; ``any_state``: enqueued, sent yet or not."""
    wanted = set(pair_ids)
    query = select(Outbox.key).where(Outbox.team_id == team_id, col(Outbox.key).startswith(f"{kind}:"))
    if not any_state:
        query = query.where(Outbox.state == OutboxState.SENT)
    sent: dict[int, set[int]] = {}
    for key in (await session.exec(query)).all():
        _, pair, period, *_ = key.split(":")
        if int(pair) in wanted:
            sent.setdefault(int(pair), set()).add(int(period))
    return sent


async def answers(session: AsyncSession, *, team_id: str, pair_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """``{pair id: {check-in number: answer}}``."""
    query = select(MeetingLog.pair_id, MeetingLog.period, MeetingLog.answer).where(
        MeetingLog.team_id == team_id, col(MeetingLog.pair_id).in_(list(pair_ids))
    )
    found: dict[int, dict[int, str]] = {}
    for pair_id, period, answer in (await session.exec(query)).all():
        found.setdefault(pair_id, {})[period] = answer
    return found


async def record_answer(
    session: AsyncSession, *, team_id: str, pair_id: int, period: int, answer: str, by_user: str, at: datetime
) -> None:
    """The pair's answer to check-in ``period``: one row per pair and check-in, the latest answer wins."""
    statement = dialect_insert(session, MeetingLog).values(
        team_id=team_id, pair_id=pair_id, period=period, answer=answer, by_user=by_user, at=at
    )
    statement = statement.on_conflict_do_update(
        index_elements=["pair_id", "period"],
        set_={"answer": statement.excluded.answer, "by_user": statement.excluded.by_user, "at": statement.excluded.at},
    )
    await session.exec(statement)


async def forget_user(session: AsyncSession, *, team_id: str, user_id: str, replacements: Mapping[int, str]) -> None:
    """Delete-my-data: the pair's answers stay (they are the pair's), given by the anonymous id of the person's
    erased row in that program (``replacements``: program id → that id), or by ERASED_PERSON."""
    for program_id, replacement in replacements.items():
        pairs = select(Pair.id).where(Pair.team_id == team_id, Pair.program_id == program_id)
        await session.exec(
            update(MeetingLog)
            .where(
                col(MeetingLog.team_id) == team_id,
                col(MeetingLog.by_user) == user_id,
                col(MeetingLog.pair_id).in_(pairs),
            )
            .values(by_user=replacement)
        )
    await session.exec(
        update(MeetingLog)
        .where(col(MeetingLog.team_id) == team_id, col(MeetingLog.by_user) == user_id)
        .values(by_user=ERASED_PERSON)
    )
