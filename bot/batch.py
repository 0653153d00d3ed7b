"""One claimed batch of outbox messages: what its senders need from the database, read once, and what sending it
leaves to record (topics suggested, group DMs opened), written once with the batch's outcomes (see
:mod:`bot.delivery`). Senders make Slack calls and nothing else, so a message costs one Slack call and a share of
a few statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.outcomes import SafeToRetry, classify
from bot.slack import SLACK_FAILURES
from bot.topics import ideas_for
from prompts.catalogue import TopicIdea
from storage import repositories as repo
from storage import rounds as rounds_repo
from storage.models import Outbox, Pair, PairState, Participant, ParticipantState, Program, ProgramState


@dataclass
class Batch:
    team_id: str
    pairs: dict[int, Pair] = field(default_factory=dict)
    programs: dict[int, Program] = field(default_factory=dict)
    people: dict[tuple[int, str], Participant] = field(default_factory=dict)
    topics: dict[int, list[str]] = field(default_factory=dict)  # pair id → topics suggested by this batch
    channels: dict[int, str] = field(default_factory=dict)  # pair id → group DM opened by this batch

    def pair(self, row: Outbox) -> Pair | None:
        pair_id = row.payload.get("pair_id")
        return self.pairs.get(int(pair_id)) if pair_id is not None else None

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

    def suggest(self, pair: Pair, program: Program, *, count: int = 1) -> list[TopicIdea]:
        """The next ``count`` topics the pair hasn't had, recorded as suggested (with the batch's outcomes)."""
        ideas = ideas_for(pair, program, *self.people_of(pair))[:count]
        if ideas and pair.id is not None:
            keys = [idea.key for idea in ideas]
            pair.topics = [*(pair.topics or []), *keys]  # a second message to this pair in the batch moves on
            self.topics.setdefault(pair.id, []).extend(keys)
        return ideas

    async def channel(self, client: AsyncWebClient, pair: Pair) -> str:
        """The pair's group DM: the one stored, or opened (and stored with the batch's outcomes). Opening it again
        opens the same conversation, so a failure that leaves it unclear whether Slack acted is retried
        (:class:`bot.outcomes.SafeToRetry`)."""
        if pair.channel_id:
            return pair.channel_id
        try:
            opened = await client.conversations_open(users=f"{pair.mentor_id},{pair.mentee_id}")
        except SLACK_FAILURES as exc:
            _, error = classify(exc)
            if error.startswith("uncertain"):
                raise SafeToRetry(error) from exc
            raise
        pair.channel_id = str(opened["channel"]["id"])
        if pair.id is not None:
            self.channels[pair.id] = pair.channel_id
        return pair.channel_id


async def load_batch(deps: Deps, *, team_id: str, rows: Sequence[Outbox]) -> Batch:
    """Read, in one session, the pairs, programs and people the batch's messages are about."""
    pair_ids = sorted({int(row.payload["pair_id"]) for row in rows if "pair_id" in row.payload})
    batch = Batch(team_id)
    if not pair_ids:
        return batch
    async with deps.db.read() as session:
        batch.pairs = await rounds_repo.pairs_by_id(session, team_id=team_id, pair_ids=pair_ids)
        program_ids = sorted({pair.program_id for pair in batch.pairs.values()})
        batch.programs = await repo.programs_by_id(session, team_id=team_id, program_ids=program_ids)
        wanted = {(p.program_id, user) for p in batch.pairs.values() for user in (p.mentor_id, p.mentee_id)}
        batch.people = await repo.people_of_programs(session, team_id=team_id, wanted=wanted)
    return batch


async def save_batch(session: AsyncSession, batch: Batch) -> None:
    await rounds_repo.record_deliveries(session, team_id=batch.team_id, topics=batch.topics, channels=batch.channels)
