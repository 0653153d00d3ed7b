"""Rounds of matching for a program: who is matched, the preview admins adjust, and publishing it.

A round matches everyone taking part (active, not paused) who has no partner yet: newcomers, people left out of an
earlier round, people whose partner left, and people in a pair that a rematch request ends. Pairs last until the
program ends (or a rematch ends them); a reverse mentor with places left (the program's mentor capacity) can take
another mentee. People who waited (left out before, or lost their partner) are first in line: the solver takes as
many of them as it can before looking at scores. Pairs from the last ``avoid_repeat_rounds`` published rounds, and
every pair still active, are never made again.

A preview is stored (``match_round`` in state preview, ``pair`` rows proposed) and nothing is sent; admins swap
or drop pairs; publishing turns it into the round in one transaction (program row locked, so two admins clicking
*Publish* publish once) and enqueues every introduction and "not paired this round" DM in the outbox under a
unique key, then delivers them (:mod:`bot.intros`): :func:`publish_round`, for the admin's *Publish*.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeAlias

from slack_sdk.web.async_client import AsyncWebClient

from bot.admins import hidden_from
from bot.matching import Barrier, Person, Proposal, Rules, barriers, match, reasons_for, score_matrix
from bot.outbox.deliver import deliver
from bot.outbox.kinds import IntroPayload, Kind, PairEndedPayload, UnmatchedPayload
from bot.programs import target_program
from bot.runtime.context import Deps
from bot.runtime.errors import ConfigError
from prompts.matching import explanation, unmatched_text
from storage import audit as audit_repo
from storage import avoid as avoid_repo
from storage import outbox
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import rounds as rounds_repo
from storage.models import JOINABLE_STATES, MatchRound, Pair, PairState, Participant, Program, RoundState, utcnow

HELD_BACK = "held_back"  # an admin dropped their proposed pair from the preview
UNAVAILABLE = "unavailable"  # their proposed partner paused or left before the round was published


def person_of(p: Participant, avoid: frozenset[str] = frozenset()) -> Person:
    assert p.id is not None
    return Person(
        id=p.id,
        user_id=p.user_id,
        role=p.role,
        years=p.years_experience or 0,
        department=p.department or "",
        shares=frozenset(p.shares or []),
        learns=tuple(p.learns or []),
        meeting_format=p.meeting_format,
        manager_id=p.manager_id,
        tz_offset=p.tz_offset or 0,
        avoid=avoid,
    )


@dataclass(frozen=True)
class Pool:
    """Who a round is matched from, with everything the rules need."""

    people: list[Person]  # who this round matches (without a partner, or with places left)
    everyone: dict[str, Person]  # everyone taking part, paired or not (an admin's swap may involve anyone)
    rules: Rules
    recent: set[frozenset[str]]
    managers: Mapping[str, str | None]
    ends: list[int]  # active pairs a rematch request ends when this round is published
    after_round_id: int | None  # the program's latest published round when this was read
    read_at: datetime  # when it was read


async def _field(deps: Deps, *, team_id: str, program: Program) -> Pool:
    assert program.id is not None
    rules = Rules.of_program(program.rules or {}, program.quiet_start, program.quiet_end)
    read_at = utcnow()
    async with deps.db.read() as session:
        latest = await rounds_repo.latest_published(session, team_id=team_id, program_id=program.id)
        rows = await participants_repo.active_participants(session, team_id=team_id, program_id=program.id)
        avoid = await avoid_repo.avoided_by(session, team_id=team_id, user_ids=[p.user_id for p in rows])
        pairs = await rounds_repo.active_pairs(session, team_id=team_id, program_id=program.id)
        requests = await rounds_repo.open_rematch_requests(session, team_id=team_id, program_id=program.id)
        repeat_rounds = int((program.rules or {}).get("avoid_repeat_rounds", 2))
        recent = await rounds_repo.recent_pairs(session, team_id=team_id, program_id=program.id, rounds=repeat_rounds)
        waiting = await rounds_repo.waiting_users(session, team_id=team_id, program_id=program.id)
        managers = await participants_repo.program_managers(session, team_id=team_id, program_id=program.id)
    asked = {r.pair_id for r in requests}  # the pair the person asked about, not every pair they are in
    ends = [p for p in pairs if p.id in asked]
    staying = [p for p in pairs if p not in ends]
    waiting |= {u for p in ends for u in (p.mentor_id, p.mentee_id)}
    mentees_paired = {p.mentee_id for p in staying}
    load: dict[str, int] = {}
    for p in staying:
        load[p.mentor_id] = load.get(p.mentor_id, 0) + 1
    everyone = {row.user_id: person_of(row, frozenset(avoid.get(row.user_id, set()))) for row in rows}
    people = []
    for user, person in everyone.items():
        if user in mentees_paired:
            continue
        extra: dict[str, Any] = {"waiting": user in waiting}
        if user in load:  # already a reverse mentor here: only their places left, on the mentor side
            if load[user] >= rules.mentor_capacity:
                continue
            extra.update(places=rules.mentor_capacity - load[user], role="mentor")
        people.append(dataclasses.replace(person, **extra))
    return Pool(
        people,
        everyone,
        rules,
        recent,
        managers,
        ends=[p.id for p in ends if p.id is not None],
        after_round_id=latest.id if latest else None,
        read_at=read_at,
    )


async def _match(pool: Pool) -> Proposal:
    """Matching in a worker thread: a large round takes seconds of CPU (numpy and scipy release the GIL), and the
    event loop must keep acking other Slack requests meanwhile."""
    return await asyncio.to_thread(match, pool.people, pool.rules, recent=pool.recent, managers=pool.managers)


async def propose(
    deps: Deps, *, team_id: str, program_name: str | None = None, program: Program | None = None
) -> tuple[Program, Proposal]:
    """The next round of a program (given, by name, or the first open one), computed, not stored or sent."""
    if program is None:
        program = await target_program(deps, team_id=team_id, name=program_name)
    found = await _field(deps, team_id=team_id, program=program)
    return program, await _match(found)


def _pair_row(pair: Any) -> dict[str, Any]:
    return {
        "mentor_id": pair.mentor.user_id,
        "mentee_id": pair.mentee.user_id,
        "score": pair.score,
        "reasons": dataclasses.asdict(pair.reasons),
        "state": PairState.PROPOSED,
    }


async def preview(deps: Deps, *, team_id: str, program: Program, actor_id: str) -> MatchRound:
    """Compute the next round and store it as the program's preview (replacing an earlier one). Sends nothing."""
    assert program.id is not None
    found = await _field(deps, team_id=team_id, program=program)
    proposal = await _match(found)
    unmatched = [{"user_id": u.person.user_id, "side": u.side, "reason": u.reason} for u in proposal.unmatched]
    async with deps.db.session() as session:
        return await rounds_repo.create_round(
            session,
            team_id=team_id,
            program_id=program.id,
            created_by=actor_id,
            pairs=[_pair_row(p) for p in proposal.pairs],
            unmatched=unmatched,
            ends=found.ends,
            after_round_id=found.after_round_id,
            pool_read_at=found.read_at,
        )


@dataclass(frozen=True)
class RoundView:
    """A stored round as the preview modal shows it."""

    round: MatchRound
    program: Program
    pairs: Sequence[Pair]
    rematches: int  # pairs the round ends on someone's request (that the admin it is shown to may know of)


async def load_round(deps: Deps, *, team_id: str, round_id: int, viewer_id: str | None = None) -> RoundView | None:
    """A stored round; ``viewer_id``: the admin it is shown to, who is not told of a rematch request about a pair
    they are in (unless they asked): requests are private, even from a partner who is an admin (as on Home)."""
    async with deps.db.read() as session:
        found = await rounds_repo.get_round(session, team_id=team_id, round_id=round_id)
        if found is None:
            return None
        program = await programs_repo.get_program(session, team_id=team_id, program_id=found.program_id)
        if program is None:
            return None
        pairs = await rounds_repo.round_pairs(session, team_id=team_id, round_id=round_id)
        rematches = len(found.ends)
        if viewer_id is not None and found.ends:
            requests = await rounds_repo.open_rematch_requests(session, team_id=team_id, program_id=program.id)
            mine = await rounds_repo.pair_ids_of_user(session, team_id=team_id, user_id=viewer_id)
            shown = {
                r.pair_id
                for r in requests
                if not hidden_from(viewer_id, said_by=r.user_id, pair_id=r.pair_id, viewer_pairs=mine)
            }
            rematches = sum(1 for pair_id in found.ends if pair_id in shown)
    return RoundView(found, program, pairs, rematches)


async def previewable(deps: Deps, *, team_id: str, program_id: int) -> Program | None:
    """*Preview matches*: the workspace's program, if it takes sign-ups or runs (None: gone, a draft or ended)."""
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
    return program if program is not None and program.state in JOINABLE_STATES else None


async def preview_round(deps: Deps, *, team_id: str, program: Program, actor_id: str) -> RoundView | None:
    """Compute and store the program's next round (see :func:`preview`), as the preview modal shows it."""
    stored = await preview(deps, team_id=team_id, program=program, actor_id=actor_id)
    assert stored.id is not None
    return await load_round(deps, team_id=team_id, round_id=stored.id, viewer_id=actor_id)


class Adjustment(StrEnum):
    """What an admin's adjustment of a preview came to (prompts/rounds.py words them), when no hard rule
    (:class:`bot.matching.Barrier`) refused it."""

    ADJUSTED = "adjusted"
    STALE = "stale"  # the preview was published or replaced meanwhile
    UNAVAILABLE = "unavailable"  # someone in those pairs no longer takes part


async def drop_pair(deps: Deps, *, team_id: str, round_id: int, pair_id: int) -> Adjustment:
    """Take a proposed pair out of the preview: both people are left out of this round, first in line next."""
    async with deps.db.session() as session:
        found = await rounds_repo.get_round(session, team_id=team_id, round_id=round_id, for_update=True)
        pair = await rounds_repo.get_pair(session, team_id=team_id, pair_id=pair_id)
        if found is None or found.state != RoundState.PREVIEW or pair is None or pair.round_id != round_id:
            return Adjustment.STALE
        others = await rounds_repo.round_pairs(session, team_id=team_id, round_id=round_id)
        left_out = [{"user_id": pair.mentee_id, "side": "mentee", "reason": HELD_BACK}]
        if not any(p.mentor_id == pair.mentor_id and p.id != pair.id for p in others):  # their other mentee stays
            left_out.insert(0, {"user_id": pair.mentor_id, "side": "mentor", "reason": HELD_BACK})
        found.unmatched = [*found.unmatched, *left_out]
        session.add(found)
        await session.delete(pair)
    return Adjustment.ADJUSTED


SwapOutcome: TypeAlias = Adjustment | Barrier


async def swap_mentees(deps: Deps, *, team_id: str, round_id: int, first_id: int, second_id: int) -> SwapOutcome:
    """Exchange the mentees of two proposed pairs, if the hard rules allow both new pairs; otherwise the reason
    (see :func:`bot.matching.barriers`), and nothing changes."""
    view = await load_round(deps, team_id=team_id, round_id=round_id)
    if view is None or view.round.state != RoundState.PREVIEW:
        return Adjustment.STALE
    by_id = {p.id: p for p in view.pairs}
    first, second = by_id.get(first_id), by_id.get(second_id)
    if first is None or second is None or first_id == second_id:
        return Adjustment.STALE
    found = await _field(deps, team_id=team_id, program=view.program)
    people = {**found.everyone, **{p.user_id: p for p in found.people}}
    try:
        m1, e1, m2, e2 = (people[u] for u in (first.mentor_id, first.mentee_id, second.mentor_id, second.mentee_id))
    except KeyError:
        return Adjustment.UNAVAILABLE
    for mentor, mentee in ((m1, e2), (m2, e1)):
        blocked = barriers(mentor, mentee, found.rules, found.recent, found.managers)
        if blocked:
            return blocked[0]
    scores, _ = score_matrix([m1, m2], [e1, e2], found.rules, found.recent, found.managers)
    async with deps.db.session() as session:
        locked = await rounds_repo.get_round(session, team_id=team_id, round_id=round_id, for_update=True)
        if locked is None or locked.state != RoundState.PREVIEW:
            return Adjustment.STALE
        swaps = ((first_id, e1, m1, e2, scores[0, 1]), (second_id, e2, m2, e1, scores[1, 0]))
        current = [await rounds_repo.get_pair(session, team_id=team_id, pair_id=pair_id) for pair_id, *_ in swaps]
        for pair, (_, checked, *_) in zip(current, swaps, strict=True):  # nobody changed them since they were checked
            if pair is None or pair.round_id != round_id or pair.mentee_id != checked.user_id:
                return Adjustment.STALE
        for proposed, (_, _, mentor, mentee, score) in zip(current, swaps, strict=True):
            assert proposed is not None
            proposed.mentee_id = mentee.user_id
            proposed.score = round(float(score), 2)
            proposed.reasons = dataclasses.asdict(reasons_for(mentor, mentee, found.rules))
            session.add(proposed)
    return Adjustment.ADJUSTED


class PublishOutcome(StrEnum):
    """What publishing a preview came to."""

    PUBLISHED = "published"
    STALE = "stale"  # published already, or replaced by a newer preview, or matched before another round
    CLOSED = "closed"  # the program is no longer open or running


def total_score(found: RoundView | None) -> float:
    return sum(p.score for p in found.pairs) if found else 0.0


@dataclass(frozen=True)
class Adjusted:
    """What an adjustment came to (:class:`Adjustment`, or the rule that refused a swap); the round's total score
    before and after, and the round as it now is (None: gone)."""

    outcome: Adjustment | Barrier
    before: float
    after: float
    round: RoundView | None


async def adjust(
    deps: Deps, *, team_id: str, round_id: int, what: str, pair_ids: Sequence[int], actor_id: str
) -> Adjusted:
    """An admin's choice in a pair's *Adjust* menu: ``drop`` one pair, or ``swap`` the mentees of two; the round
    afterwards as ``actor_id`` may see it (see :func:`load_round`)."""
    before = await load_round(deps, team_id=team_id, round_id=round_id)
    outcome: Adjustment | Barrier
    if what == "drop" and len(pair_ids) == 1:
        outcome = await drop_pair(deps, team_id=team_id, round_id=round_id, pair_id=pair_ids[0])
    elif what == "swap" and len(pair_ids) == 2:
        outcome = await swap_mentees(
            deps, team_id=team_id, round_id=round_id, first_id=pair_ids[0], second_id=pair_ids[1]
        )
    else:
        outcome = Adjustment.STALE
    after = await load_round(deps, team_id=team_id, round_id=round_id, viewer_id=actor_id)
    return Adjusted(outcome, total_score(before), total_score(after), after)


@dataclass(frozen=True)
class Published:
    """What publishing did: the outbox keys to deliver and the people whose Home tab changes."""

    outcome: PublishOutcome
    program_name: str = ""
    pairs: int = 0
    unmatched: int = 0
    keys: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


def intro_key(pair_id: int) -> str:
    return f"{Kind.INTRO}:{pair_id}"


def unmatched_key(round_id: int, user_id: str) -> str:
    return f"{Kind.UNMATCHED}:{round_id}:{user_id}"


async def publish(deps: Deps, *, team_id: str, round_id: int, actor_id: str) -> Published:
    """Turn a preview into the program's round, once: pairs become active, the pairs and rematch requests it
    answers are ended and closed, and every introduction and "not paired" DM is enqueued under its unique key.

    Under the program's row lock: a preview computed before another round was published is refused (it was
    matched from who was free then); pairs whose people are no longer free (paused, left, paired meanwhile, a
    reverse mentor now at capacity) are dropped, their partners told they're first in line; the left-out list is
    reconciled with the pairs kept (nobody gets both an introduction and a "not paired" DM).
    """
    async with deps.db.session() as session:
        found = await rounds_repo.get_round(session, team_id=team_id, round_id=round_id)
        if found is None:
            return Published(PublishOutcome.STALE)
        program = await programs_repo.get_program(
            session, team_id=team_id, program_id=found.program_id, for_update=True
        )
        found = await rounds_repo.get_round(session, team_id=team_id, round_id=round_id, for_update=True)
        if found is None or found.state != RoundState.PREVIEW:
            return Published(PublishOutcome.STALE)
        if program is None or program.state not in JOINABLE_STATES:
            return Published(PublishOutcome.CLOSED, program.name if program else "")
        assert program.id is not None
        latest = await rounds_repo.latest_published(session, team_id=team_id, program_id=program.id)
        if (latest.id if latest else None) != found.after_round_id:
            found.state = RoundState.DISCARDED
            session.add(found)
            return Published(PublishOutcome.STALE, program.name)
        now = utcnow()
        ended: dict[str, str] = {}  # person whose pair this round ends → their former partner
        if found.ends:  # ending a pair also closes the rematch requests about it
            for ending in await rounds_repo.end_pairs(
                session, team_id=team_id, program_id=program.id, reason="rematch", pair_ids=found.ends
            ):
                ended[ending.mentor_id], ended[ending.mentee_id] = ending.mentee_id, ending.mentor_id
        rules = Rules.of_program(program.rules or {}, program.quiet_start, program.quiet_end)
        active = {
            p.user_id
            for p in await participants_repo.active_participants(session, team_id=team_id, program_id=program.id)
        }
        load: dict[str, int] = {}
        mentees: set[str] = set()
        for pair in await rounds_repo.active_pairs(session, team_id=team_id, program_id=program.id):
            load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
            mentees.add(pair.mentee_id)
        kept: list[Pair] = []
        unmatched = list(found.unmatched)
        for pair in await rounds_repo.round_pairs(session, team_id=team_id, round_id=round_id):
            mentor, mentee = pair.mentor_id, pair.mentee_id
            free = (
                {mentor, mentee} <= active
                and mentee not in mentees
                and mentee not in load
                and mentor not in mentees
                and load.get(mentor, 0) < rules.mentor_capacity
            )
            if free:
                pair.state, pair.started_at = PairState.ACTIVE, now
                session.add(pair)
                kept.append(pair)
                load[mentor] = load.get(mentor, 0) + 1
                mentees.add(mentee)
            else:
                unmatched += [
                    {"user_id": mentor, "side": "mentor", "reason": UNAVAILABLE},
                    {"user_id": mentee, "side": "mentee", "reason": UNAVAILABLE},
                ]
                await session.delete(pair)
        paired = mentees | set(load)
        told: dict[str, dict[str, Any]] = {}
        for entry in unmatched:  # still taking part, not paired after all, once each (the first reason counts)
            if entry["user_id"] in active and entry["user_id"] not in paired:
                told.setdefault(entry["user_id"], {**entry, "pair_ended": entry["user_id"] in ended})
        introduced = {u for p in kept for u in (p.mentor_id, p.mentee_id)}
        # A reverse mentor whose other pairing goes on hears that this one ended (told nothing else this round).
        still_paired = [u for u in ended if u in active and u not in told and u not in introduced]
        found.state, found.published_at, found.unmatched = RoundState.PUBLISHED, now, list(told.values())
        session.add(found)
        await session.flush()
        await rounds_repo.discard_previews(session, team_id=team_id, program_id=program.id)
        messages = [IntroPayload(pair_id=pair.id or 0).message(intro_key(pair.id or 0)) for pair in kept]
        messages += [
            UnmatchedPayload(
                user_id=entry["user_id"],
                side=entry["side"],
                reason=entry["reason"],
                program=program.name,
                pair_ended=entry["pair_ended"],
            ).message(unmatched_key(round_id, entry["user_id"]))
            for entry in told.values()
        ]
        messages += [
            PairEndedPayload(user_id=u, partner=ended[u], program=program.name).message(
                f"{Kind.PAIR_ENDED}:{round_id}:{u}"
            )
            for u in still_paired
        ]
        await outbox.enqueue_many(session, team_id=team_id, messages=messages)
        keys = [m.key for m in messages]
        await audit_repo.record_audit(
            session,
            team_id=team_id,
            actor_id=actor_id,
            action="publish_round",
            target=program.name,
            before={},
            after={"round": round_id, "pairs": len(kept), "unmatched": len(told)},
        )
    people = introduced | set(told) | set(still_paired)
    return Published(PublishOutcome.PUBLISHED, program.name, len(kept), len(told), tuple(keys), tuple(sorted(people)))


@dataclass(frozen=True)
class RoundPublished:
    """What the admin's *Publish* did: :class:`Published`, and how many of its messages Slack took or refused."""

    published: Published
    sent: int = 0
    failed: int = 0


async def publish_round(
    deps: Deps, client: AsyncWebClient, *, team_id: str, round_id: int, actor_id: str
) -> RoundPublished:
    """The admin's *Publish*: :func:`publish`, then its introductions and DMs delivered."""
    result = await publish(deps, team_id=team_id, round_id=round_id, actor_id=actor_id)
    if result.outcome != PublishOutcome.PUBLISHED:
        return RoundPublished(result)
    delivered = await deliver(deps, client, team_id=team_id, keys=result.keys)
    return RoundPublished(result, delivered.sent, delivered.failed)


async def preview_for_cli(deps: Deps, *, team_id: str, program_name: str | None) -> MatchRound:
    """``match --publish``: a fresh proposal, stored as the preview it then publishes."""
    program = await target_program(deps, team_id=team_id, name=program_name)
    if program.state not in JOINABLE_STATES:
        raise ConfigError(f"{program.name} is a draft: open it for sign-ups before publishing a round.")
    return await preview(deps, team_id=team_id, program=program, actor_id="cli")


def _plain(text: str) -> str:
    """Slack mrkdwn for a terminal: mentions as @U123, escaped characters as themselves."""
    text = re.sub(r"<@([A-Z0-9]+)>", r"@\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def proposal_json(program: Program, proposal: Proposal) -> dict[str, Any]:
    return {
        "program": program.name,
        "total_score": round(proposal.total_score, 2),
        "pairs": [
            {
                "mentor": pair.mentor.user_id,
                "mentee": pair.mentee.user_id,
                "score": pair.score,
                "explanation": _plain(
                    explanation(pair.reasons, mentor_id=pair.mentor.user_id, mentee_id=pair.mentee.user_id)
                ),
            }
            for pair in proposal.pairs
        ],
        "unmatched": [
            {"user": u.person.user_id, "side": u.side, "reason": u.reason, "message": unmatched_text(u.side, u.reason)}
            for u in proposal.unmatched
        ],
    }


def proposal_text(program: Program, proposal: Proposal) -> str:
    data = proposal_json(program, proposal)
    lines = [
        f"{program.name}: {len(proposal.pairs)} pair(s), total score {data['total_score']:g}; "
        f"{len(proposal.unmatched)} left out. Nothing was sent (dry run).",
    ]
    lines += [f"  @{p['mentor']} → @{p['mentee']} ({p['score']:g}): {p['explanation']}" for p in data["pairs"]]
    if data["unmatched"]:
        lines.append("Left out:")
        lines += [f"  @{u['user']} ({u['side']}, {u['reason']}): {u['message']}" for u in data["unmatched"]]
    return "\n".join(lines)
