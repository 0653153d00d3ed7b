"""Celebrating milestones in the program's announcement channel: a pair's first meeting, its fifth, and completing
the program together. Only with both people's consent (asked once per workspace, privately, after their first
meeting) and while the program's *Celebrate milestones* rule is on (admins can untick it); each celebration goes
once, through the outbox (``celebrate:<pair>:<milestone>``)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.batch import Batch
from bot.deps import Deps
from bot.outcomes import Outcome
from prompts import recognition as prompts
from storage import feedback as feedback_repo
from storage import outbox
from storage import repositories as repo
from storage import rounds as rounds_repo
from storage.models import Outbox, OutboxState, Pair, Program

ASK, CELEBRATE = "consent_ask", "celebrate"
FIRST, FIFTH, COMPLETED = "first", "fifth", "completed"


def celebrating(program: Program | None) -> bool:
    return bool(program and program.channel_id and (program.rules or {}).get("celebrate_milestones"))


async def ask_consent(deps: Deps, *, pair: Pair) -> list[str]:
    """The consent question for those of the pair's two people never asked (once per workspace); keys to deliver."""
    async with deps.db.session() as session:
        program = await repo.get_program(session, team_id=pair.team_id, program_id=pair.program_id)
        if not celebrating(program):
            return []
        answered = await feedback_repo.consents(
            session, team_id=pair.team_id, user_ids=[pair.mentor_id, pair.mentee_id]
        )
        messages = [
            outbox.Message(f"{ASK}:{pair.team_id}:{user}", ASK, {"pair_id": pair.id, "user_id": user})
            for user in (pair.mentor_id, pair.mentee_id)
            if user not in answered
        ]
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def due_celebrations(deps: Deps, *, pair: Pair, completed: bool = False) -> list[str]:
    """Queue the milestones this pair has reached (first meeting, fifth, ``completed``) if the program celebrates and
    both people said yes; the keys to deliver (each milestone once, whenever it is reached or consented to)."""
    assert pair.id is not None
    async with deps.db.session() as session:
        program = await repo.get_program(session, team_id=pair.team_id, program_id=pair.program_id)
        yes = await feedback_repo.consents(session, team_id=pair.team_id, user_ids=[pair.mentor_id, pair.mentee_id])
        if not celebrating(program) or not (yes.get(pair.mentor_id) and yes.get(pair.mentee_id)):
            return []
        met = await feedback_repo.meetings_of_pair(session, team_id=pair.team_id, pair_id=pair.id)
        reached = [m for m, ok in ((FIRST, met >= 1), (FIFTH, met >= 5), (COMPLETED, completed and met >= 1)) if ok]
        messages = [
            outbox.Message(f"{CELEBRATE}:{pair.id}:{m}", CELEBRATE, {"pair_id": pair.id, "milestone": m})
            for m in reached
        ]
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def completions(deps: Deps, *, team_id: str, program_id: int) -> list[str]:
    """When a program ends: its pairs that met (and consented) completed it together; keys to deliver."""
    async with deps.db.read() as session:
        pairs = await rounds_repo.pairs_of_program(session, team_id=team_id, program_id=program_id)
    keys: list[str] = []
    for pair in pairs:
        keys += await due_celebrations(deps, pair=pair, completed=True)
    return keys


async def record_consent(deps: Deps, *, team_id: str, user_id: str, celebrate: bool) -> None:
    async with deps.db.session() as session:
        await feedback_repo.record_consent(session, team_id=team_id, user_id=user_id, celebrate=celebrate)


async def send_ask(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    pair = batch.pair(row)
    program = batch.program(pair) if pair else None
    if pair is None or pair.id is None or program is None or not celebrating(program):
        return OutboxState.SKIPPED, "not_celebrating", None, None
    reply = prompts.consent_question(pair_id=pair.id, channel_id=str(program.channel_id))
    answer = await client.chat_postMessage(channel=str(row.payload["user_id"]), **reply.as_kwargs())
    return OutboxState.SENT, None, answer.get("channel"), answer.get("ts")


async def send_celebration(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    """Re-checked at send time: the rule still on, both people still consenting."""
    pair = batch.pair(row)
    program = batch.program(pair) if pair else None
    if pair is None or program is None or not celebrating(program):
        return OutboxState.SKIPPED, "not_celebrating", None, None
    async with deps.db.read() as session:
        yes = await feedback_repo.consents(session, team_id=row.team_id, user_ids=[pair.mentor_id, pair.mentee_id])
    if not (yes.get(pair.mentor_id) and yes.get(pair.mentee_id)):
        return OutboxState.SKIPPED, "no_consent", None, None
    reply = prompts.celebration(
        milestone=str(row.payload["milestone"]),
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        program=program.name,
    )
    answer = await client.chat_postMessage(channel=str(program.channel_id), **reply.as_kwargs())
    return OutboxState.SENT, None, answer.get("channel"), answer.get("ts")


SENDERS = {ASK: send_ask, CELEBRATE: send_celebration}
