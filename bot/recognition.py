"""Celebrating milestones in the program's announcement channel: a pair's first meeting, its fifth, and completing
the program together. Only with both people's consent (asked once per workspace, privately, after their first
meeting) and while the program's *Celebrate milestones* rule is on (admins can untick it); each celebration goes
once, through the outbox (``celebrate:<pair>:<milestone>``)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.intros import PairRefusal, active_pair_of
from bot.outbox.batch import Batch
from bot.outbox.kinds import CelebratePayload, ConsentAskPayload, Kind
from bot.outbox.outcomes import Outcome, Skip
from bot.runtime.context import Deps
from prompts import recognition as prompts
from storage import feedback as feedback_repo
from storage import outbox
from storage import programs as programs_repo
from storage import recognition as recognition_repo
from storage import rounds as rounds_repo
from storage.models import Outbox, Pair, Program

FIRST, FIFTH, COMPLETED = "first", "fifth", "completed"


def celebrating(program: Program | None) -> bool:
    return bool(program and program.channel_id and (program.rules or {}).get("celebrate_milestones"))


async def after_meeting(deps: Deps, *, pair: Pair) -> list[str]:
    """After a *We met*: the consent question for those of the pair's two people never asked (once per workspace),
    and the milestones the pair has reached if both said yes; the keys to deliver. One read of the program and of
    the consents."""
    assert pair.id is not None
    people = [pair.mentor_id, pair.mentee_id]
    async with deps.db.session() as session:
        program = await programs_repo.get_program(session, team_id=pair.team_id, program_id=pair.program_id)
        if not celebrating(program):
            return []
        answered = await recognition_repo.consents(session, team_id=pair.team_id, user_ids=people)
        messages = [
            ConsentAskPayload(pair_id=pair.id, user_id=user).message(f"{Kind.CONSENT_ASK}:{pair.team_id}:{user}")
            for user in people
            if user not in answered
        ]
        messages += await _reached(session, pair=pair, consents=answered, completed=False)
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def due_celebrations(deps: Deps, *, pair: Pair) -> list[str]:
    """After a yes: the milestones this pair has reached, if the program celebrates and both said yes."""
    async with deps.db.session() as session:
        program = await programs_repo.get_program(session, team_id=pair.team_id, program_id=pair.program_id)
        if not celebrating(program):
            return []
        yes = await recognition_repo.consents(session, team_id=pair.team_id, user_ids=[pair.mentor_id, pair.mentee_id])
        messages = await _reached(session, pair=pair, consents=yes, completed=False)
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def completions(deps: Deps, *, team_id: str, program_id: int) -> list[str]:
    """When a program ends: its pairs that met (and consented) completed it together; keys to deliver. One read of
    the program and of everyone's consents."""
    async with deps.db.session() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
        if not celebrating(program):
            return []
        pairs = await rounds_repo.pairs_of_program(session, team_id=team_id, program_id=program_id)
        people = sorted({user for pair in pairs for user in (pair.mentor_id, pair.mentee_id)})
        yes = await recognition_repo.consents(session, team_id=team_id, user_ids=people)
        messages = []
        for pair in pairs:
            messages += await _reached(session, pair=pair, consents=yes, completed=True)
        await outbox.enqueue_many(session, team_id=team_id, messages=messages)
    return [m.key for m in messages]


async def _reached(
    session: AsyncSession, *, pair: Pair, consents: dict[str, bool], completed: bool
) -> list[outbox.Message]:
    """The celebrations a pair has reached (first meeting, fifth, ``completed``) when both people said yes (each
    milestone once, whenever it is reached or consented to: the outbox keys dedupe)."""
    assert pair.id is not None
    if not (consents.get(pair.mentor_id) and consents.get(pair.mentee_id)):
        return []
    met = await feedback_repo.meetings_of_pair(session, team_id=pair.team_id, pair_id=pair.id)
    reached = [m for m, ok in ((FIRST, met >= 1), (FIFTH, met >= 5), (COMPLETED, completed and met >= 1)) if ok]
    return [CelebratePayload(pair_id=pair.id, milestone=m).message(f"{Kind.CELEBRATE}:{pair.id}:{m}") for m in reached]


async def record_consent(deps: Deps, *, team_id: str, user_id: str, celebrate: bool) -> None:
    async with deps.db.session() as session:
        await recognition_repo.record_consent(session, team_id=team_id, user_id=user_id, celebrate=celebrate)


async def answer_consent(
    deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, pair_id: int, celebrate: bool
) -> PairRefusal | None:
    """The private "may we celebrate your milestones?" answered (either answer, any time; the latest counts). After
    a yes, the milestones the pair has already reached are delivered, if the clicker is one of its people and it is
    still active (otherwise why not: nothing else changes)."""
    from bot.outbox.deliver import deliver  # the outbox reads this module

    await record_consent(deps, team_id=team_id, user_id=user_id, celebrate=celebrate)
    if not celebrate:
        return None
    found = await active_pair_of(deps, team_id=team_id, pair_id=pair_id, user_id=user_id)
    if isinstance(found, PairRefusal):
        return found
    keys = await due_celebrations(deps, pair=found.pair)  # milestones already reached
    await deliver(deps, client, team_id=team_id, keys=keys)
    return None


async def send_ask(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    pair = batch.pair(row)
    program = batch.program(pair) if pair else None
    if pair is None or pair.id is None or program is None or not celebrating(program):
        return Outcome.skipped(Skip.NOT_CELEBRATING)
    reply = prompts.consent_question(pair_id=pair.id, channel_id=str(program.channel_id))
    answer = await client.chat_postMessage(channel=ConsentAskPayload.of(row).user_id, **reply.as_kwargs())
    return Outcome.posted(answer)


async def send_celebration(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    """Re-checked at send time: the rule still on, both people still consenting."""
    pair = batch.pair(row)
    program = batch.program(pair) if pair else None
    if pair is None or program is None or not celebrating(program):
        return Outcome.skipped(Skip.NOT_CELEBRATING)
    async with deps.db.read() as session:
        yes = await recognition_repo.consents(session, team_id=row.team_id, user_ids=[pair.mentor_id, pair.mentee_id])
    if not (yes.get(pair.mentor_id) and yes.get(pair.mentee_id)):
        return Outcome.skipped(Skip.NO_CONSENT)
    reply = prompts.celebration(
        milestone=CelebratePayload.of(row).milestone,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        program=program.name,
    )
    answer = await client.chat_postMessage(channel=str(program.channel_id), **reply.as_kwargs())
    return Outcome.posted(answer)


SENDERS = {Kind.CONSENT_ASK: send_ask, Kind.CELEBRATE: send_celebration}
