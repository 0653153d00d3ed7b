"""One claimed batch of outbox messages: what its senders need from the database, read once, with the topics its
messages will suggest reserved up front, so a message costs one Slack call and a share of a few statements.

In the transaction that claims the batch (:func:`prepare_batch`), the pairs, programs and people are read (the
pairs locked on PostgreSQL), and each message that suggests topics (``topics_for``: an introduction three, a
check-in one) gets the pair's next ones, recorded on the pair at once: a "Suggest another topic" clicked while the
batch is being sent never offers the same one. After the batch, :func:`settle_batch` gives back the topics of
messages that were not posted (to be retried, skipped or never tried) and stores the group DMs it opened.
What a batch read is not read again while it is sent: a change made meanwhile (someone pausing) applies from the
next batch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.kinds import Kind, kind_of, pair_id_of
from bot.outbox.outcomes import SafeToRetry, classify
from bot.slack.client import SLACK_FAILURES
from bot.slack.pacing import PacedOut
from bot.topics import ideas_for
from prompts.topics import TopicIdea
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.models import Outbox, Pair, PairState, Participant, ParticipantState, Program, ProgramState


@dataclass
class Batch:
    team_id: str
    pairs: dict[int, Pair] = field(default_factory=dict)
    programs: dict[int, Program] = field(default_factory=dict)
    people: dict[tuple[int, str], Participant] = field(default_factory=dict)
    # outbox id → (pair id, the topics its message suggests)
    reserved: dict[int, tuple[int, list[TopicIdea]]] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)  # pair id → group DM opened by this batch

    def pair(self, row: Outbox) -> Pair | None:
        pair_id = pair_id_of(row)
        return self.pairs.get(pair_id) if pair_id is not None else None

    def program(self, pair: Pair) -> Program | None:
        return self.programs.get(pair.program_id)

    def people_of(self, pair: Pair) -> tuple[Participant | None, Participant | None]:
        return self.people.get((pair.program_id, pair.mentor_id)), self.people.get((pair.program_id, pair.mentee_id))

    def live(self, row: Outbox) -> tuple[Pair, Program, tuple[Participant, Participant]] | None:
        """The message's pair, program and two people, if the pair is active in a running program and both people
        take part (not paused, not gone)."""
        pair = self.pair(row)
        program = self.program(pair) if pair is not None else None
        if pair is None or program is None or pair.state != PairState.ACTIVE or program.state != ProgramState.RUNNING:
            return None
        mentor, mentee = self.people_of(pair)
        if mentor is None or mentee is None or not mentor.state == mentee.state == ParticipantState.ACTIVE:
            return None
        return pair, program, (mentor, mentee)

    def topics(self, row: Outbox) -> list[TopicIdea]:
        """The topics reserved for this message (none left: empty)."""
        return self.reserved.get(row.id or 0, (0, []))[1]

    async def channel(self, client: AsyncWebClient, pair: Pair) -> str:
        """The pair's group DM: the one stored, or opened (and stored after the batch). Opening it again opens the
        same conversation, so a failure that leaves it unclear whether Slack acted is retried
        (:class:`bot.outbox.outcomes.SafeToRetry`)."""
        if pair.channel_id:
            return pair.channel_id
        try:
            opened = await client.conversations_open(users=f"{pair.mentor_id},{pair.mentee_id}")
        except PacedOut:
            raise  # not tried at all: delivery stops until the next run
        except SLACK_FAILURES as exc:
            failed = classify(exc)
            if failed.maybe_posted:
                raise SafeToRetry(str(failed.error)) from exc
            raise
        pair.channel_id = str(opened["channel"]["id"])
        if pair.id is not None:
            self.channels[pair.id] = pair.channel_id
        return pair.channel_id


async def prepare_batch(
    session: AsyncSession, *, team_id: str, rows: Sequence[Outbox], topics_for: Mapping[Kind, int]
) -> Batch:
    """Read what the claimed ``rows`` are about and reserve the topics they will suggest (in the claiming
    transaction)."""
    batch = Batch(team_id)
    pair_ids = sorted({pair_id for row in rows if (pair_id := pair_id_of(row)) is not None})
    if not pair_ids:
        return batch
    batch.pairs = await rounds_repo.pairs_by_id(session, team_id=team_id, pair_ids=pair_ids, for_update=True)
    for loaded in batch.pairs.values():  # the batch's own copies: their topics are written below, once
        session.expunge(loaded)
    program_ids = sorted({pair.program_id for pair in batch.pairs.values()})
    batch.programs = await programs_repo.programs_by_id(session, team_id=team_id, program_ids=program_ids)
    wanted = {(p.program_id, user) for p in batch.pairs.values() for user in (p.mentor_id, p.mentee_id)}
    batch.people = await participants_repo.people_of_programs(session, team_id=team_id, wanted=wanted)
    changed: dict[int, list[str]] = {}
    for row in rows:
        kind = kind_of(row)
        pair, count = batch.pair(row), topics_for.get(kind, 0) if kind is not None else 0
        program = batch.program(pair) if pair is not None else None
        if not count or pair is None or pair.id is None or program is None or pair.state != PairState.ACTIVE:
            continue
        ideas = ideas_for(pair, program, *batch.people_of(pair))[:count]
        if ideas and row.id is not None:
            batch.reserved[row.id] = (pair.id, ideas)
            pair.topics = changed[pair.id] = [*(pair.topics or []), *(idea.key for idea in ideas)]
    await rounds_repo.set_topics(session, team_id=team_id, topics=changed)
    return batch


async def settle_batch(session: AsyncSession, batch: Batch, *, unposted: Collection[int]) -> None:
    """Give back the topics reserved for messages that were not posted (``unposted`` outbox ids) and store the
    group DMs the batch opened."""
    returned: dict[int, list[str]] = {}
    for row_id in unposted:
        if row_id in batch.reserved:
            pair_id, ideas = batch.reserved[row_id]
            returned.setdefault(pair_id, []).extend(idea.key for idea in ideas)
    touched = sorted({*returned, *batch.channels})
    if not touched:
        return
    # every pair this writes, locked at once in id order (no lock cycle with another batch), and read afresh
    locked = await rounds_repo.pairs_by_id(session, team_id=batch.team_id, pair_ids=touched, for_update=True)
    await rounds_repo.set_topics(
        session,
        team_id=batch.team_id,
        topics={
            pair_id: [key for key in locked[pair_id].topics or [] if key not in keys]
            for pair_id, keys in returned.items()
            if pair_id in locked
        },
    )
    await rounds_repo.store_channels(session, team_id=batch.team_id, channels=batch.channels)
