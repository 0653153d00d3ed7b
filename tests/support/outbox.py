"""Messages queued in the outbox for the delivery tests."""

from __future__ import annotations

from sqlmodel import delete

from storage import outbox
from storage.db import Database
from storage.models import Outbox


async def enqueue(db: Database, team_id: str, n: int) -> None:
    """``n`` "not paired" DMs (to U0000, U0001, …) keyed ``t:{team_id}:{i}``; enqueuing a key again adds nothing."""
    async with db.session() as session:
        payloads = [
            {"user_id": f"U{i:04d}", "side": "mentee", "reason": "need_mentors", "program": "P"} for i in range(n)
        ]
        messages = [outbox.Message(f"t:{team_id}:{i}", "unmatched", payloads[i]) for i in range(n)]
        assert await outbox.enqueue_many(session, team_id=team_id, messages=messages) == n
        again = [outbox.Message(f"t:{team_id}:0", "unmatched", {}), outbox.Message(f"t:{team_id}:new", "x", {})]
        assert await outbox.enqueue_many(session, team_id=team_id, messages=again) == 1, "a key goes in once"
        await session.exec(delete(Outbox).where(Outbox.key == f"t:{team_id}:new"))  # type: ignore[arg-type]
