"""Rounds of matching, their pairs and rematch requests.

Like every storage module: keyword-only functions, an explicit session first, every query scoped by ``team_id``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, delete, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_PERSON, MatchRound, Pair, PairState, RematchRequest, RoundState, utcnow


async def active_pairs(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Pair]:
    query = select(Pair).where(Pair.team_id == team_id, Pair.program_id == program_id, Pair.state == PairState.ACTIVE)
    return (await session.exec(query.order_by(col(Pair.id)))).all()


async def recent_pairs(session: AsyncSession, *, team_id: str, program_id: int, rounds: int) -> set[frozenset[str]]:
    """The two people of every pair made in the program's last ``rounds`` published rounds (and any pair still
    active, however old): matching never makes them again."""
    last = (
        select(MatchRound.id)
        .where(
            MatchRound.team_id == team_id,
            MatchRound.program_id == program_id,
            MatchRound.state == RoundState.PUBLISHED,
        )
        .order_by(col(MatchRound.id).desc())
        .limit(max(0, rounds))
    )
    round_ids = list((await session.exec(last)).all())
    query = select(Pair.mentor_id, Pair.mentee_id).where(
        Pair.team_id == team_id,
        Pair.program_id == program_id,
        or_(col(Pair.round_id).in_(round_ids), Pair.state == PairState.ACTIVE),
        Pair.state != PairState.PROPOSED,
    )
    return {frozenset(row) for row in (await session.exec(query)).all()}


async def latest_published(session: AsyncSession, *, team_id: str, program_id: int) -> MatchRound | None:
    query = select(MatchRound).where(
        MatchRound.team_id == team_id, MatchRound.program_id == program_id, MatchRound.state == RoundState.PUBLISHED
    )
    return (await session.exec(query.order_by(col(MatchRound.id).desc()))).first()


async def waiting_users(session: AsyncSession, *, team_id: str, program_id: int) -> set[str]:
    """First in line for the next round: the people left out of the program's latest published round, and those
    whose pair ended after that round's people were read (a partner left; not the pairs the round ended itself,
    whose people it matched). Being paired once, or waiting through one round, ends the privilege."""
    latest = await latest_published(session, team_id=team_id, program_id=program_id)
    waiting = {str(entry["user_id"]) for entry in latest.unmatched} if latest else set()
    ended = select(Pair.id, Pair.mentor_id, Pair.mentee_id).where(
        Pair.team_id == team_id, Pair.program_id == program_id, Pair.state == PairState.ENDED
    )
    if latest is not None:
        ended = ended.where(col(Pair.ended_at) > latest.pool_read_at)
    for pair_id, mentor_id, mentee_id in (await session.exec(ended)).all():
        if latest is None or pair_id not in latest.ends:
            waiting |= {mentor_id, mentee_id}
    return waiting


async def open_rematch_requests(
    session: AsyncSession, *, team_id: str, program_id: int | None = None
) -> Sequence[RematchRequest]:
    """Requests no published round has acted on yet, oldest first (of one program, or of the workspace)."""
    query = select(RematchRequest).where(RematchRequest.team_id == team_id, col(RematchRequest.handled_at).is_(None))
    if program_id is not None:
        query = query.where(RematchRequest.program_id == program_id)
    return (await session.exec(query.order_by(col(RematchRequest.id)))).all()


async def add_rematch_request(
    session: AsyncSession, *, team_id: str, program_id: int, user_id: str, pair_id: int, reason: str
) -> bool:
    """False when the person already has an open request about that pair (the reason is updated if given)."""
    query = select(RematchRequest).where(
        RematchRequest.team_id == team_id,
        RematchRequest.user_id == user_id,
        RematchRequest.pair_id == pair_id,
        col(RematchRequest.handled_at).is_(None),
    )
    existing = (await session.exec(query)).first()
    if existing is not None:
        if reason:
            existing.reason = reason
            session.add(existing)
        return False
    session.add(RematchRequest(team_id=team_id, program_id=program_id, user_id=user_id, pair_id=pair_id, reason=reason))
    await session.flush()
    return True


async def get_round(
    session: AsyncSession, *, team_id: str, round_id: int, for_update: bool = False
) -> MatchRound | None:
    query = select(MatchRound).where(MatchRound.team_id == team_id, MatchRound.id == round_id)
    if for_update:  # and read it afresh: an object this session loaded earlier may be stale by now
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).first()


async def discard_previews(session: AsyncSession, *, team_id: str, program_id: int) -> None:
    """Earlier previews of a program go (a newer preview or a publication replaces them)."""
    await session.exec(
        update(MatchRound)
        .where(
            col(MatchRound.team_id) == team_id,
            col(MatchRound.program_id) == program_id,
            col(MatchRound.state) == RoundState.PREVIEW,
        )
        .values(state=RoundState.DISCARDED)
    )


async def create_round(
    session: AsyncSession,
    *,
    team_id: str,
    program_id: int,
    created_by: str,
    pairs: Sequence[dict[str, Any]],
    unmatched: list[dict[str, Any]],
    ends: list[int],
    after_round_id: int | None,
    pool_read_at: datetime,
) -> MatchRound:
    """A new preview with its proposed pairs (``pairs``: mentor_id, mentee_id, score, reasons)."""
    await discard_previews(session, team_id=team_id, program_id=program_id)
    round_ = MatchRound(
        team_id=team_id,
        program_id=program_id,
        created_by=created_by,
        unmatched=unmatched,
        ends=ends,
        after_round_id=after_round_id,
        pool_read_at=pool_read_at,
    )
    session.add(round_)
    await session.flush()
    assert round_.id is not None
    session.add_all(Pair(team_id=team_id, program_id=program_id, round_id=round_.id, **pair) for pair in pairs)
    await session.flush()
    return round_


async def round_pairs(session: AsyncSession, *, team_id: str, round_id: int) -> Sequence[Pair]:
    query = select(Pair).where(Pair.team_id == team_id, Pair.round_id == round_id)
    return (await session.exec(query.order_by(col(Pair.score).desc(), col(Pair.id)))).all()


async def get_pair(session: AsyncSession, *, team_id: str, pair_id: int, for_update: bool = False) -> Pair | None:
    """``for_update``: lock the row until the transaction ends (PostgreSQL; SQLite writers are serial anyway)."""
    query = select(Pair).where(Pair.team_id == team_id, Pair.id == pair_id)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def pairs_by_id(
    session: AsyncSession, *, team_id: str, pair_ids: Sequence[int], for_update: bool = False
) -> dict[int, Pair]:
    """``for_update``: lock the rows (in id order, so two batches never wait on each other in a circle) and read
    them afresh."""
    query = select(Pair).where(Pair.team_id == team_id, col(Pair.id).in_(list(pair_ids))).order_by(col(Pair.id))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return {pair.id: pair for pair in (await session.exec(query)).all() if pair.id is not None}


async def set_topics(session: AsyncSession, *, team_id: str, topics: dict[int, list[str]]) -> None:
    """Store pairs' whole topic lists (read and locked in this transaction), one statement for all."""
    if not topics:
        return
    table = Pair.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.team_id == team_id, table.c.id == bindparam("b_id"))
        .values(topics=bindparam("b_topics"))
    )
    changes = [{"b_id": pair_id, "b_topics": keys} for pair_id, keys in sorted(topics.items())]
    await (await session.connection()).execute(statement, changes)


async def store_channels(session: AsyncSession, *, team_id: str, channels: dict[int, str]) -> None:
    """Group DMs opened for pairs that had none stored."""
    if not channels:
        return
    table = Pair.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.team_id == team_id, table.c.id == bindparam("b_id"), table.c.channel_id.is_(None))
        .values(channel_id=bindparam("b_channel"))
    )
    changes = [{"b_id": k, "b_channel": v} for k, v in sorted(channels.items())]
    await (await session.connection()).execute(statement, changes)


async def pairs_of_program(session: AsyncSession, *, team_id: str, program_id: int) -> Sequence[Pair]:
    """Every pair the program made (active or ended; not proposals)."""
    query = select(Pair).where(
        Pair.team_id == team_id,
        Pair.program_id == program_id,
        col(Pair.state).in_([PairState.ACTIVE, PairState.ENDED]),
    )
    return (await session.exec(query.order_by(col(Pair.id)))).all()


async def history_of_user(session: AsyncSession, *, team_id: str, user_id: str, limit: int = 5) -> Sequence[Pair]:
    """A person's pairs, current and past (not proposals), newest first (their history on Home)."""
    query = select(Pair).where(
        Pair.team_id == team_id,
        col(Pair.state).in_([PairState.ACTIVE, PairState.ENDED]),
        or_(Pair.mentor_id == user_id, Pair.mentee_id == user_id),
    )
    return (await session.exec(query.order_by(col(Pair.id).desc()).limit(limit))).all()


async def pairs_of_user(session: AsyncSession, *, team_id: str, user_id: str) -> Sequence[Pair]:
    """A person's active pairs in every program (Home tab, ``/mentor status``)."""
    query = select(Pair).where(
        Pair.team_id == team_id,
        Pair.state == PairState.ACTIVE,
        or_(Pair.mentor_id == user_id, Pair.mentee_id == user_id),
    )
    return (await session.exec(query.order_by(col(Pair.id)))).all()


async def end_pairs(
    session: AsyncSession,
    *,
    team_id: str,
    program_id: int,
    reason: str,
    user_id: str | None = None,
    pair_ids: Sequence[int] | None = None,
) -> list[Pair]:
    """End the active pairs of a person in a program (they left), one pair (Slack says its conversation is gone),
    or all of the program's (it ended)."""
    query = select(Pair).where(Pair.team_id == team_id, Pair.program_id == program_id, Pair.state == PairState.ACTIVE)
    if user_id is not None:
        query = query.where(or_(Pair.mentor_id == user_id, Pair.mentee_id == user_id))
    if pair_ids is not None:
        query = query.where(col(Pair.id).in_(list(pair_ids)))
    ended = list((await session.exec(query.order_by(col(Pair.id)))).all())  # id order, as every pair lock
    for pair in ended:
        pair.state, pair.ended_at, pair.ended_reason = PairState.ENDED, utcnow(), reason
        session.add(pair)
    await session.flush()
    await close_requests_of_pairs(session, team_id=team_id, pair_ids=[p.id for p in ended if p.id is not None])
    return ended


async def close_requests_of_pairs(session: AsyncSession, *, team_id: str, pair_ids: Sequence[int]) -> None:
    """A pair that ended answers every request about it (nobody acts on them any more)."""
    if pair_ids:
        await session.exec(
            update(RematchRequest)
            .where(
                col(RematchRequest.team_id) == team_id,
                col(RematchRequest.pair_id).in_(list(pair_ids)),
                col(RematchRequest.handled_at).is_(None),
            )
            .values(handled_at=utcnow())
        )


async def pair_ids_of_user(session: AsyncSession, *, team_id: str, user_id: str) -> set[int]:
    """Every pair a person was ever in (for hiding requests about them from that person)."""
    query = select(Pair.id).where(Pair.team_id == team_id, or_(Pair.mentor_id == user_id, Pair.mentee_id == user_id))
    return {pair_id for pair_id in (await session.exec(query)).all() if pair_id is not None}


async def set_scheduled(session: AsyncSession, *, team_id: str, pair_id: int, at: datetime) -> bool:
    """False when the first meeting was already noted as scheduled (compare-and-set: one winner)."""
    result = await session.exec(
        update(Pair)
        .where(col(Pair.team_id) == team_id, col(Pair.id) == pair_id, col(Pair.scheduled_at).is_(None))
        .values(scheduled_at=at)
    )
    return bool(result.rowcount)


async def pair_counts(session: AsyncSession, *, team_id: str) -> dict[int, int]:
    """Active pairs per program of the workspace."""
    query = (
        select(Pair.program_id, func.count())
        .where(Pair.team_id == team_id, Pair.state == PairState.ACTIVE)
        .group_by(col(Pair.program_id))
    )
    return {program_id: count for program_id, count in (await session.exec(query)).all()}


async def forget_user(
    session: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    replacements: Mapping[int, str],
    own_words: Mapping[int, Collection[str]],
) -> None:
    """Delete-my-data, in every program the person had a row in (``replacements``: program id → the anonymous id
    of their erased row there): their pairs keep only that id, and lose the topics in the person's own words
    (``own_words``, per program) from what was suggested to them and why they were matched; the rounds that left
    them out name that id instead; their rematch requests (with their reasons) go; rounds they previewed as an
    admin were previewed by ERASED_PERSON."""
    for program_id, replacement in replacements.items():
        for column in ("mentor_id", "mentee_id"):
            await session.exec(
                update(Pair)
                .where(
                    col(Pair.team_id) == team_id, col(Pair.program_id) == program_id, getattr(Pair, column) == user_id
                )
                .values({column: replacement})
            )
        words = {word.casefold() for word in own_words.get(program_id, ())}
        if words:
            query = select(Pair).where(
                Pair.team_id == team_id,
                Pair.program_id == program_id,
                or_(Pair.mentor_id == replacement, Pair.mentee_id == replacement),
            )
            for pair in (await session.exec(query)).all():
                pair.topics = [key for key in pair.topics or [] if key.casefold() not in words]
                shared = (pair.reasons or {}).get("shared_topics") or []
                pair.reasons = {
                    **(pair.reasons or {}),
                    "shared_topics": [key for key in shared if str(key).casefold() not in words],
                }
                session.add(pair)
        rounds = select(MatchRound).where(MatchRound.team_id == team_id, MatchRound.program_id == program_id)
        for round_ in (await session.exec(rounds)).all():
            if any(entry.get("user_id") == user_id for entry in round_.unmatched):
                round_.unmatched = [
                    {**entry, "user_id": replacement} if entry.get("user_id") == user_id else entry
                    for entry in round_.unmatched
                ]
                session.add(round_)
    await session.exec(
        update(MatchRound)
        .where(col(MatchRound.team_id) == team_id, col(MatchRound.created_by) == user_id)
        .values(created_by=ERASED_PERSON)
    )
    await session.exec(
        delete(RematchRequest).where(col(RematchRequest.team_id) == team_id, col(RematchRequest.user_id) == user_id)
    )
    await session.flush()


async def active_pairs_of_workspace(session: AsyncSession, *, team_id: str) -> Sequence[Pair]:
    query = select(Pair).where(Pair.team_id == team_id, Pair.state == PairState.ACTIVE)
    return (await session.exec(query)).all()
