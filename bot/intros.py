"""A published round's messages (introductions, "not paired" and "pairing ended" DMs, sent through
:mod:`bot.outbox.deliver`), and what a pair does with its introduction: first meeting scheduled, another topic, a
private rematch request."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.batch import Batch
from bot.outbox.kinds import Kind, PairEndedPayload, UnmatchedPayload
from bot.outbox.outcomes import Outcome, Skip
from bot.programs import program_fields
from bot.runtime.context import Deps
from bot.topics import ideas_for
from prompts.intros import intro_message
from prompts.matching import pair_ended_dm, unmatched_dm
from prompts.topics import TopicIdea
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.models import Outbox, Pair, PairState, Program, utcnow

logger = logging.getLogger(__name__)

FIRST_TOPICS = 3


async def send_intro(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    pair = batch.pair(row)
    program = batch.program(pair) if pair else None
    if pair is None or program is None or pair.state != PairState.ACTIVE:
        return Outcome.skipped(Skip.PAIR_ENDED)
    assert pair.id is not None
    channel = await batch.channel(client, pair)
    reply = intro_message(
        pair_id=pair.id,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        reasons=pair.reasons,
        program=program_fields(program),
        topics=batch.topics(row),
    )
    answer = await client.chat_postMessage(channel=channel, **reply.as_kwargs())
    return Outcome.posted(answer, channel=channel)


async def send_note(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    """A "not paired this round" or "your pairing ended" DM."""
    if row.kind == Kind.UNMATCHED:
        note = UnmatchedPayload.of(row)
        user = note.user_id
        text = unmatched_dm(note.program, note.side, note.reason, pair_ended=note.pair_ended)
    else:
        ended = PairEndedPayload.of(row)
        user, text = ended.user_id, pair_ended_dm(ended.program, ended.partner)
    answer = await client.chat_postMessage(channel=user, text=text)
    return Outcome.posted(answer)


SENDERS = {Kind.INTRO: send_intro, Kind.UNMATCHED: send_note, Kind.PAIR_ENDED: send_note}


async def pair_of_member(deps: Deps, *, team_id: str, pair_id: int, user_id: str) -> tuple[Pair, Program] | None:
    """The pair and its program, if ``user_id`` is one of its two people (buttons in a group DM can be forwarded)."""
    async with deps.db.read() as session:
        pair = await rounds_repo.get_pair(session, team_id=team_id, pair_id=pair_id)
        if pair is None or user_id not in (pair.mentor_id, pair.mentee_id):
            return None
        program = await programs_repo.get_program(session, team_id=team_id, program_id=pair.program_id)
    return (pair, program) if program is not None else None


async def mark_scheduled(deps: Deps, *, team_id: str, pair_id: int) -> bool:
    """Record the first meeting as scheduled; False if it already was (two clicks, or both people)."""
    async with deps.db.session() as session:
        return await rounds_repo.set_scheduled(session, team_id=team_id, pair_id=pair_id, at=utcnow())


async def another_topic(deps: Deps, *, pair: Pair, program: Program) -> TopicIdea | None:
    """The next topic the pair hasn't had, recorded in the same transaction with the pair locked (two clicks at
    once, or a batch of check-ins being sent, never get the same one), or None when none is left."""
    assert pair.id is not None
    async with deps.db.session() as session:
        locked = await rounds_repo.get_pair(session, team_id=pair.team_id, pair_id=pair.id, for_update=True)
        if locked is None:
            return None
        mentor, mentee = [
            await participants_repo.get_participant(
                session, team_id=pair.team_id, program_id=pair.program_id, user_id=user
            )
            for user in (locked.mentor_id, locked.mentee_id)
        ]
        ideas = ideas_for(locked, program, mentor, mentee)
        if not ideas:
            return None
        await rounds_repo.set_topics(
            session, team_id=pair.team_id, topics={pair.id: [*(locked.topics or []), ideas[0].key]}
        )
    return ideas[0]


async def request_rematch(deps: Deps, *, pair: Pair, user_id: str, reason: str) -> bool:
    """Record a private rematch request for an active pair (admins see it; the next round acts on it). False when
    the person had already asked about this pair (the reason is updated)."""
    assert pair.id is not None
    async with deps.db.session() as session:
        added = await rounds_repo.add_rematch_request(
            session,
            team_id=pair.team_id,
            program_id=pair.program_id,
            user_id=user_id,
            pair_id=pair.id,
            reason=reason.strip()[:500],
        )
    return added
