"""The outbox: messages that must go out exactly once, each under a unique key.

A message is *enqueued* (the key's unique constraint makes a second enqueue a no-op), *claimed* by one process
(pending → sending, committed before the Slack call; PostgreSQL claims with ``FOR UPDATE SKIP LOCKED`` so parallel
replicas never take the same row), then marked *sent* or *failed*. A process that dies between claim and mark
leaves the row in ``sending``: it is never sent again blindly (that could duplicate it); admins can see it. A
message Slack may have posted anyway is *failed* with an error starting ``uncertain``, until it is looked up
(:func:`uncertain_rows`, :func:`settle`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, cast, or_
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ERASED_PERSON, Outbox, OutboxState, utcnow
from storage.sql import dialect_insert

CHUNK = 500  # rows per multi-row INSERT (well under SQLite's 32,766 bound parameters)
UNCERTAIN = "uncertain"  # the prefix of the error of a message Slack may have posted anyway


@dataclass(frozen=True)
class Message:
    """A message to enqueue: its unique key, its kind (which sender builds it) and what the sender needs."""

    key: str
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Finished:
    """What became of a claimed message (see :func:`finish_many`)."""

    outbox_id: int
    state: OutboxState
    error: str | None = None
    channel_id: str | None = None
    ts: str | None = None


async def enqueue_many(session: AsyncSession, *, team_id: str, messages: Sequence[Message]) -> int:
    """Enqueue many messages in a few statements; how many were new (keys already enqueued are left alone)."""
    new = 0
    for start in range(0, len(messages), CHUNK):
        rows = [
            {
                "team_id": team_id,
                "key": m.key,
                "kind": m.kind,
                "payload": m.payload,
                "state": OutboxState.PENDING,
                "attempts": 0,
                "created_at": utcnow(),
            }
            for m in messages[start : start + CHUNK]
        ]
        statement = dialect_insert(session, Outbox).values(rows).on_conflict_do_nothing(index_elements=["key"])
        new += len((await session.exec(statement.returning(col(Outbox.id)))).all())
    return new


async def claim(
    session: AsyncSession, *, team_id: str, keys: Sequence[str] | None = None, after_id: int = 0, limit: int = 100
) -> list[Outbox]:
    """Take up to ``limit`` pending messages of the workspace (of ``keys`` only, if given; ids above ``after_id``,
    so one delivery run tries each message once) for this process."""
    query = select(Outbox.id).where(
        Outbox.team_id == team_id, Outbox.state == OutboxState.PENDING, col(Outbox.id) > after_id
    )
    if keys is not None:
        query = query.where(col(Outbox.key).in_(list(keys)))
    query = query.order_by(col(Outbox.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list((await session.exec(query)).all())
    if not ids:
        return []
    # Compare-and-set on the state as well: a row another process claimed meanwhile is not taken again.
    taken = (
        update(Outbox)
        .where(col(Outbox.id).in_(ids), col(Outbox.state) == OutboxState.PENDING)
        .values(state=OutboxState.SENDING, claimed_at=utcnow(), attempts=col(Outbox.attempts) + 1)
        .returning(Outbox)
    )
    rows = list((await session.exec(taken)).scalars().all())
    return sorted(rows, key=lambda row: row.id or 0)


async def finish_many(session: AsyncSession, *, team_id: str, finished: Sequence[Finished]) -> None:
    """Mark many claimed messages at once (one statement, executed for each): sent, failed or pending again."""
    if not finished:
        return
    now = utcnow()
    table = Outbox.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.team_id == team_id, table.c.id == bindparam("b_id"))
        .values(
            state=bindparam("b_state"),
            error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
            channel_id=bindparam("b_channel_id"),
            ts=bindparam("b_ts"),
        )
    )
    connection = await session.connection()
    await connection.execute(
        statement,
        [
            {
                "b_id": f.outbox_id,
                "b_state": f.state,
                "b_error": f.error,
                "b_sent_at": now if f.state == OutboxState.SENT else None,
                "b_channel_id": f.channel_id,
                "b_ts": f.ts,
            }
            for f in finished
        ],
    )


async def release(session: AsyncSession, *, team_id: str, outbox_ids: Sequence[int]) -> None:
    """Claimed messages this process never tried (it stopped early): pending again, the attempt not counted."""
    if outbox_ids:
        await session.exec(
            update(Outbox)
            .where(
                col(Outbox.team_id) == team_id,
                col(Outbox.id).in_(list(outbox_ids)),
                col(Outbox.state) == OutboxState.SENDING,
            )
            .values(state=OutboxState.PENDING, attempts=col(Outbox.attempts) - 1)
        )


async def uncertain_rows(
    session: AsyncSession,
    *,
    team_id: str,
    kinds: Sequence[str],
    claimed: tuple[datetime, datetime],
    below_attempts: int,
    limit: int,
) -> list[Outbox]:
    """Messages of ``kinds`` that Slack may or may not have posted, claimed within ``claimed`` (earliest, latest)
    and tried fewer than ``below_attempts`` times, oldest first."""
    query = select(Outbox).where(
        Outbox.team_id == team_id,
        Outbox.state == OutboxState.FAILED,
        col(Outbox.error).startswith(UNCERTAIN),
        col(Outbox.kind).in_(list(kinds)),
        col(Outbox.claimed_at) >= claimed[0],
        col(Outbox.claimed_at) < claimed[1],
        Outbox.attempts < below_attempts,
    )
    return list((await session.exec(query.order_by(col(Outbox.id)).limit(limit))).all())


async def by_key(session: AsyncSession, *, team_id: str, key: str) -> Outbox | None:
    return (await session.exec(select(Outbox).where(Outbox.team_id == team_id, Outbox.key == key))).first()


async def settle(
    session: AsyncSession,
    *,
    seen: Outbox,
    state: OutboxState,
    channel_id: str | None = None,
    ts: str | None = None,
) -> bool:
    """A message whose fate was unknown, found posted (``sent``, where and when Slack holds it) or not (``pending``
    again, to be sent), compared-and-set on the state and claim it had when it was read (``seen``): False when it
    changed meanwhile (another process settled or claimed it)."""
    claimed = col(Outbox.claimed_at).is_(None) if seen.claimed_at is None else col(Outbox.claimed_at) == seen.claimed_at
    values: dict[str, Any] = {"state": state, "error": None}
    if state == OutboxState.SENT:
        values |= {"sent_at": utcnow(), "channel_id": channel_id, "ts": ts}
    changed = await session.exec(
        update(Outbox)
        .where(col(Outbox.team_id) == seen.team_id, col(Outbox.id) == seen.id, col(Outbox.state) == seen.state, claimed)
        .values(**values)
    )
    return bool(changed.rowcount)


async def refusals(session: AsyncSession, *, team_id: str, errors: Sequence[str], limit: int = 5) -> list[Outbox]:
    """The latest messages Slack refused with one of ``errors`` (a person or a conversation gone), newest first."""
    query = select(Outbox).where(
        Outbox.team_id == team_id, Outbox.state == OutboxState.FAILED, col(Outbox.error).in_(list(errors))
    )
    return list((await session.exec(query.order_by(col(Outbox.id).desc()).limit(limit))).all())


async def trouble(session: AsyncSession, *, team_id: str, stuck_before: datetime) -> dict[str, int]:
    """What admins should know about: messages Slack refused (``failed``), those that may or may not have gone
    (``uncertain``), and those claimed by a process that never finished them (``stuck``)."""
    failed = select(Outbox.error).where(Outbox.team_id == team_id, Outbox.state == OutboxState.FAILED)
    errors = list((await session.exec(failed)).all())
    stuck = select(func.count()).where(
        Outbox.team_id == team_id, Outbox.state == OutboxState.SENDING, col(Outbox.claimed_at) < stuck_before
    )
    uncertain = sum(1 for e in errors if (e or "").startswith(UNCERTAIN))
    return {
        "failed": len(errors) - uncertain,
        "uncertain": uncertain,
        "stuck": int((await session.exec(stuck)).one()),
    }


async def forget_user(session: AsyncSession, *, team_id: str, user_id: str) -> int:
    """Delete-my-data. A message whose key names the person (to them, or about them: the admins' "this pairing
    isn't working" alert, a note they shared) goes, whatever its state: only the person could owe that key again.
    Any other message that names them (a note their partner shared with them, "your pairing ended" naming them as
    the partner) keeps its row, so its key still stops a second send, with their ID replaced by ERASED_PERSON;
    one that was for them also loses its conversation and timestamp; one not sent yet is skipped. How many rows
    changed."""
    query = select(Outbox).where(
        Outbox.team_id == team_id,
        or_(
            col(Outbox.key).contains(user_id, autoescape=True),
            cast(col(Outbox.payload), String).contains(user_id, autoescape=True),
        ),
    )
    changed = 0
    for row in (await session.exec(query)).all():
        named = any(value == user_id for value in row.payload.values())
        if user_id in row.key.split(":"):
            await session.delete(row)
        elif named:
            if row.payload.get("user_id") == user_id:
                row.channel_id = row.ts = None
            row.payload = {k: ERASED_PERSON if v == user_id else v for k, v in row.payload.items()}
            if row.state == OutboxState.PENDING:
                row.state = OutboxState.SKIPPED
            session.add(row)
        else:
            continue  # the ID only appears inside a longer one
        changed += 1
    await session.flush()
    return changed
