"""A published round's messages (introductions, "not paired" and "pairing ended" DMs, sent through
:mod:`bot.outbox.deliver`), and what a pair does with its introduction: first meeting scheduled, another topic, a
private rematch request."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

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


class PairRefusal(Enum):
    """Why a button of a pair's messages does nothing for the person who clicked it."""

    NOT_MEMBER = "not_member"  # not one of the pair's two people (a forwarded message), or no such pair
    ENDED = "ended"  # the pair is no longer active


@dataclass(frozen=True)
class MemberPair:
    """A pair and its program, as seen by one of its two people."""

    pair: Pair
    program: Program


async def active_pair_of(deps: Deps, *, team_id: str, pair_id: int, user_id: str) -> MemberPair | PairRefusal:
    """The pair a button in its group DM names, and its program, if ``user_id`` is one of its two people and it is
    still active; otherwise why not."""
    found = await pair_of_member(deps, team_id=team_id, pair_id=pair_id, user_id=user_id)
    if found is None:
        return PairRefusal.NOT_MEMBER
    if found[0].state != PairState.ACTIVE:
        return PairRefusal.ENDED
    return MemberPair(*found)


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


@dataclass(frozen=True)
class Rematch:
    """A rematch request recorded for a pair of ``program_name``; ``again`` when the person had asked before."""

    program_name: str
    again: bool


async def rematch_pair(deps: Deps, *, team_id: str, user_id: str, pair_id: int, reason: str) -> Rematch | None:
    """The rematch modal's request about the pair it was opened for; None when the person is not one of its two
    people or the pair is no longer active."""
    found = await active_pair_of(deps, team_id=team_id, pair_id=pair_id, user_id=user_id)
    if isinstance(found, PairRefusal):
        return None
    added = await request_rematch(deps, pair=found.pair, user_id=user_id, reason=reason)
    return Rematch(found.program.name, again=not added)


async def rematch_my_pair(deps: Deps, *, team_id: str, user_id: str, reason: str) -> Rematch | int:
    """``/mentor rematch``: a request about the person's one active pair; when they don't have exactly one, how
    many they have (0, or several: they must say which, from that pair's introduction)."""
    async with deps.db.read() as session:
        pairs = await rounds_repo.pairs_of_user(session, team_id=team_id, user_id=user_id)
    if len(pairs) != 1:
        return len(pairs)
    found = await pair_of_member(deps, team_id=team_id, pair_id=pairs[0].id or 0, user_id=user_id)
    if found is None:
        return 0
    pair, program = found
    added = await request_rematch(deps, pair=pair, user_id=user_id, reason=reason)
    return Rematch(program.name, again=not added)


class TopicFor(Enum):
    """What ``/mentor topic`` found."""

    NO_PAIR = "no_pair"  # not paired (with the person named, if any)
    WHICH_PAIR = "which_pair"  # paired with several people: they must name one
    NO_MORE = "no_more"  # every topic has been suggested to the pair
    TOPIC = "topic"


@dataclass(frozen=True)
class NextTopic:
    """``/mentor topic``'s answer: ``partners`` are the partners meant (the one named when not paired with them;
    those to choose from); with a topic, the pair's conversation to post it in (None: not opened yet)."""

    found: TopicFor
    partners: tuple[str, ...] = ()
    topic: TopicIdea | None = None
    channel_id: str | None = None


async def next_topic(deps: Deps, *, team_id: str, user_id: str, named: Sequence[str]) -> NextTopic:
    """``/mentor topic [@partner]``: the next topic (never one it has had) of the person's pair with ``named`` (or
    of their only pair), recorded like *Suggest another topic*."""
    async with deps.db.read() as session:
        pairs = list(await rounds_repo.pairs_of_user(session, team_id=team_id, user_id=user_id))
    wanted = set(named) - {user_id}
    if wanted:
        pairs = [p for p in pairs if wanted & {p.mentor_id, p.mentee_id}]
    if not pairs:
        return NextTopic(TopicFor.NO_PAIR, tuple(w for w in named if w in wanted)[:1])
    by_partner = {(p.mentee_id if p.mentor_id == user_id else p.mentor_id): p for p in pairs}  # newest wins
    if len(by_partner) > 1:
        return NextTopic(TopicFor.WHICH_PAIR, tuple(by_partner))
    # The same two people paired in two programs share one conversation: the newest pair's topics go there.
    [(partner, chosen)] = by_partner.items()
    found = await pair_of_member(deps, team_id=team_id, pair_id=chosen.id or 0, user_id=user_id)
    if found is None:
        return NextTopic(TopicFor.NO_PAIR)
    pair, program = found
    topic = await another_topic(deps, pair=pair, program=program)
    if topic is None:
        return NextTopic(TopicFor.NO_MORE, (partner,))
    return NextTopic(TopicFor.TOPIC, (partner,), topic, pair.channel_id)
