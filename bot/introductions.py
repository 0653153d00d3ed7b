"""A published round's messages (introductions, "not paired" and "pairing ended" DMs, sent through
:mod:`bot.delivery`), and what a pair does with its introduction: first meeting scheduled, another topic, a
private rematch request."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.outcomes import Outcome, SafeToRetry, classify
from bot.programs import program_fields
from bot.slack import SLACK_FAILURES
from prompts.catalogue import TOPICS_BY_KEY, TopicIdea, program_topics
from prompts.intro import intro_message
from prompts.matching import pair_ended_dm, unmatched_dm
from storage import repositories as repo
from storage import rounds as rounds_repo
from storage.models import Outbox, OutboxState, Pair, PairState, Participant, Program, utcnow

logger = logging.getLogger(__name__)

FIRST_TOPICS = 3


def topic_ideas(
    *, shared: Sequence[str], learns: Sequence[str], shares: Sequence[str], program: Program, had: Sequence[str]
) -> list[TopicIdea]:
    """Topics for a pair, best first, none they've had: what the mentor can share that the mentee wants (the
    match's overlap), then the mentee's other wishes, then the mentor's other skills, then the program's
    catalogue. Catalogue topics come with their opening questions; people's own words with generic ones."""
    catalogue = {t.key.casefold(): t for t in program_topics(program.topics)}
    seen = {key.casefold() for key in had}
    ideas = []
    for key in (*shared, *learns, *shares, *(t.key for t in catalogue.values())):
        folded = key.casefold()
        if folded in seen:
            continue
        seen.add(folded)
        topic = catalogue.get(folded) or TOPICS_BY_KEY.get(key)
        ideas.append(TopicIdea(key, topic.label, topic.questions) if topic else TopicIdea(key, key, ()))
    return ideas


def ideas_for(pair: Pair, program: Program, mentor: Participant | None, mentee: Participant | None) -> list[TopicIdea]:
    return topic_ideas(
        shared=(pair.reasons or {}).get("shared_topics") or [],
        learns=(mentee.learns if mentee else None) or [],
        shares=(mentor.shares if mentor else None) or [],
        program=program,
        had=pair.topics or [],
    )


async def _ideas_for(deps: Deps, pair: Pair, program: Program) -> list[TopicIdea]:
    async with deps.db.read() as session:
        mentor, mentee = [
            await repo.get_participant(session, team_id=pair.team_id, program_id=pair.program_id, user_id=user)
            for user in (pair.mentor_id, pair.mentee_id)
        ]
    return ideas_for(pair, program, mentor, mentee)


async def send_intro(deps: Deps, client: AsyncWebClient, row: Outbox) -> Outcome:
    async with deps.db.read() as session:
        pair = await rounds_repo.get_pair(session, team_id=row.team_id, pair_id=int(row.payload["pair_id"]))
        program = await repo.get_program(session, team_id=row.team_id, program_id=pair.program_id) if pair else None
    if pair is None or program is None or pair.state != PairState.ACTIVE:
        return OutboxState.SKIPPED, "pair_ended", None, None
    assert pair.id is not None
    channel = await pair_channel(deps, client, pair)
    topics = (await _ideas_for(deps, pair, program))[:FIRST_TOPICS]
    reply = intro_message(
        pair_id=pair.id,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        reasons=pair.reasons,
        program=program_fields(program),
        topics=topics,
    )
    async with deps.db.session() as session:
        await rounds_repo.update_pair(session, team_id=pair.team_id, pair_id=pair.id, topics=[t.key for t in topics])
    answer = await client.chat_postMessage(channel=channel, **reply.as_kwargs())
    return OutboxState.SENT, None, channel, answer.get("ts")


async def pair_channel(deps: Deps, client: AsyncWebClient, pair: Pair) -> str:
    """The pair's group DM: the one stored, or opened and stored. Opening it again opens the same conversation, so
    a failure that leaves it unclear whether Slack acted is retried (:class:`bot.outcomes.SafeToRetry`)."""
    if pair.channel_id:
        return pair.channel_id
    try:
        opened = await client.conversations_open(users=f"{pair.mentor_id},{pair.mentee_id}")
    except SLACK_FAILURES as exc:
        _, error = classify(exc)
        if error.startswith("uncertain"):
            raise SafeToRetry(error) from exc
        raise
    channel = str(opened["channel"]["id"])
    assert pair.id is not None
    async with deps.db.session() as session:
        await rounds_repo.update_pair(session, team_id=pair.team_id, pair_id=pair.id, channel_id=channel)
    return channel


async def send_note(deps: Deps, client: AsyncWebClient, row: Outbox) -> Outcome:
    """A "not paired this round" or "your pairing ended" DM."""
    p = row.payload
    if row.kind == "unmatched":
        text = unmatched_dm(p["program"], p["side"], p["reason"], pair_ended=bool(p.get("pair_ended")))
    else:
        text = pair_ended_dm(p["program"], p["partner"])
    answer = await client.chat_postMessage(channel=p["user_id"], text=text)
    return OutboxState.SENT, None, answer.get("channel"), answer.get("ts")


SENDERS = {"intro": send_intro, "unmatched": send_note, "pair_ended": send_note}


async def pair_of_member(deps: Deps, *, team_id: str, pair_id: int, user_id: str) -> tuple[Pair, Program] | None:
    """The pair and its program, if ``user_id`` is one of its two people (buttons in a group DM can be forwarded)."""
    async with deps.db.read() as session:
        pair = await rounds_repo.get_pair(session, team_id=team_id, pair_id=pair_id)
        if pair is None or user_id not in (pair.mentor_id, pair.mentee_id):
            return None
        program = await repo.get_program(session, team_id=team_id, program_id=pair.program_id)
    return (pair, program) if program is not None else None


async def mark_scheduled(deps: Deps, *, team_id: str, pair_id: int) -> bool:
    """Record the first meeting as scheduled; False if it already was (two clicks, or both people)."""
    async with deps.db.session() as session:
        return await rounds_repo.set_scheduled(session, team_id=team_id, pair_id=pair_id, at=utcnow())


async def another_topic(
    deps: Deps, *, pair: Pair, program: Program, people: tuple[Participant, Participant] | None = None
) -> TopicIdea | None:
    """The next topic the pair hasn't had (recorded, so it isn't suggested again), or None when none is left.
    ``people``: the mentor's and mentee's rows, when the caller has just read them."""
    ideas = ideas_for(pair, program, *people) if people else await _ideas_for(deps, pair, program)
    if not ideas:
        return None
    assert pair.id is not None
    async with deps.db.session() as session:
        await rounds_repo.add_topic(session, team_id=pair.team_id, pair_id=pair.id, key=ideas[0].key)
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
