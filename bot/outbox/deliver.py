"""Sending the outbox: every message that must go out exactly once (see :mod:`storage.outbox`).

A message is claimed before its Slack call and marked after, one at a time, whoever runs the delivery (the
publishing admin's request, ``match --publish``, or ``run-due``, which also retries what a rate limit or an outage
left pending). Each kind of message (:class:`bot.outbox.kinds.Kind`) has its sender (``SENDERS``), which builds it
from its payload and the database at send time.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence

from slack_sdk.web.async_client import AsyncWebClient

from bot import checkins, feedback, intros, recognition, surveys
from bot.intros import FIRST_TOPICS
from bot.outbox.batch import Batch, prepare_batch, settle_batch
from bot.outbox.kinds import Kind, kind_of, pair_id_of, recipient_of
from bot.outbox.outcomes import (
    GONE,
    MAX_ATTEMPTS,
    TOKEN_GONE,
    WAIT_LONGER,
    Outcome,
    Retire,
    SafeToRetry,
    SlackCode,
    classify,
    retires,
    uncertain,
)
from bot.outbox.reconcile import tagged
from bot.runtime.context import Deps
from bot.slack.client import SLACK_FAILURES
from bot.slack.pacing import PacedOut, paced
from storage import outbox
from storage import participants as participants_repo
from storage import rounds as rounds_repo
from storage.models import Outbox, OutboxState, ParticipantState

logger = logging.getLogger(__name__)

TOPICS_FOR = {Kind.INTRO: FIRST_TOPICS, Kind.CHECKIN: 1}  # topics a message of each kind suggests
BATCH = 20  # messages claimed per transaction (a process killed outright strands at most these in "sending")

Sender = Callable[[Deps, AsyncWebClient, Outbox, Batch], Awaitable[Outcome]]
SENDERS: dict[Kind, Sender] = {
    **intros.SENDERS,
    **checkins.SENDERS,
    **feedback.SENDERS,
    **surveys.SENDERS,
    **recognition.SENDERS,
}


@dataclasses.dataclass(frozen=True)
class Delivered:
    sent: int = 0
    failed: int = 0
    retry_later: int = 0


async def deliver(deps: Deps, client: AsyncWebClient, *, team_id: str, keys: Sequence[str] | None = None) -> Delivered:
    """Send the workspace's pending outbox messages (only ``keys``, if given), each at most once, paced below
    Slack's rate limits whichever client is given (:func:`bot.slack.pacing.paced`).

    A batch is claimed, read and given its topics in one transaction (:mod:`bot.outbox.batch`), committed before any
    Slack call; each message is one Slack call; the batch's outcomes are written together when it is done or this
    process stops part-way (an error, a shutdown, Slack asking for a long wait), and the claimed messages it never
    tried go back to pending. A process killed outright leaves its batch in ``sending``, never resent blindly, as
    with any crash between claim and mark.
    """
    client = paced(client, deps.state.pacers)
    sent = failed = later = 0
    after = 0
    while True:
        async with deps.db.session() as session:
            rows = await outbox.claim(session, team_id=team_id, keys=keys, after_id=after, limit=BATCH)
            batch = await prepare_batch(session, team_id=team_id, rows=rows, topics_for=TOPICS_FOR) if rows else None
        if not rows or batch is None:
            break
        after = max(row.id or 0 for row in rows)
        untried = [row.id for row in rows if row.id is not None]
        finished: list[outbox.Finished] = []
        gone: list[tuple[Outbox, str]] = []
        stop = False
        in_flight: int | None = None  # the message whose Slack call is under way (may have been posted)
        try:
            for row in rows:
                assert row.id is not None
                untried.remove(row.id)  # in flight from here: never released
                in_flight = row.id
                outcome = await _send(deps, client, row, batch)
                in_flight = None
                if outcome.error in TOKEN_GONE or outcome.error in WAIT_LONGER:
                    untried.append(row.id)  # not sent: pending again, the attempt not counted
                    logger.warning("Outbox of %s: %s; delivery stops until the next run", team_id, outcome.error)
                    stop = True
                    break
                if outcome.state == OutboxState.PENDING and row.attempts >= MAX_ATTEMPTS:
                    error = f"gave up after {row.attempts} attempts: {outcome.error}"
                    outcome = dataclasses.replace(outcome, state=OutboxState.FAILED, error=error)
                finished.append(outbox.Finished(row.id, outcome.state, outcome.error, outcome.channel, outcome.ts))
                if outcome.state == OutboxState.FAILED and outcome.error in GONE:
                    gone.append((row, str(outcome.error)))
        finally:
            async with deps.db.session() as session:  # the outcomes first, on their own
                await outbox.finish_many(session, team_id=team_id, finished=finished)
                await outbox.release(session, team_id=team_id, outbox_ids=untried)
            posted = {f.outbox_id for f in finished if f.state == OutboxState.SENT or _maybe_posted(f)}
            if in_flight is not None:  # stopped mid-call (cancelled): it stays "sending", and may have been posted
                posted.add(in_flight)
            async with deps.db.session() as session:
                await settle_batch(session, batch, unposted=[r.id for r in rows if r.id and r.id not in posted])
            for row, error in gone:
                await _retire(deps, row, error)
        sent += sum(f.state == OutboxState.SENT for f in finished)
        failed += sum(f.state == OutboxState.FAILED for f in finished)
        later += sum(f.state == OutboxState.PENDING for f in finished)
        if stop:
            later += len(untried)
            break
    if sent or failed or later:
        logger.info("Outbox of %s: %d sent, %d failed, %d to retry", team_id, sent, failed, later)
    return Delivered(sent, failed, later)


def _maybe_posted(finished: outbox.Finished) -> bool:
    return finished.state == OutboxState.FAILED and uncertain(finished.error)


async def _send(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    kind = kind_of(row)
    sender = SENDERS.get(kind) if kind is not None else None
    if sender is None:
        return Outcome.skipped(f"unknown kind {row.kind}")
    try:
        return await sender(deps, tagged(client, row.key, deps), row, batch)  # its key in the post's metadata
    except PacedOut:
        return Outcome.pending(SlackCode.PACED_OUT)
    except SafeToRetry as exc:
        logger.warning("Outbox %s: %s (retried later)", row.key, exc.error)
        return Outcome.pending(exc.error)
    except SLACK_FAILURES as exc:  # a Slack error answer, or network trouble after the client's own retries
        failed = classify(exc)
        logger.warning("Outbox %s: %s (%s)", row.key, failed.error, failed.state)
        return failed


async def _retire(deps: Deps, row: Outbox, error: str) -> None:
    """After a "gone" answer, act on whom the message was for and nothing else (:func:`retires`): take the person
    of a DM out of every program, or end the pair whose conversation (or one of whose people) is gone. An admin's DM
    or the program's channel retires nothing: the failure is recorded on its row, logged, and counted on Home."""
    recipient = recipient_of(row)
    what = retires(recipient, error)
    if what == Retire.NOTHING:
        audience = recipient.audience if recipient else "unknown"
        user = recipient.user_id if recipient else None
        logger.warning("Outbox %s: Slack said %s for %s %s; recorded, nothing retired", row.key, error, audience, user)
        return
    reason = f"slack_{error}"[:32]
    pair_id = pair_id_of(row)
    async with deps.db.session() as session:
        if what == Retire.PERSON and recipient is not None and recipient.user_id:
            user = recipient.user_id
            for participant in await participants_repo.participants_of_user(session, team_id=row.team_id, user_id=user):
                if participant.state in (ParticipantState.ACTIVE, ParticipantState.PAUSED):
                    await participants_repo.set_state(session, participant=participant, state=ParticipantState.LEFT)
                await rounds_repo.end_pairs(
                    session, team_id=row.team_id, program_id=participant.program_id, reason=reason, user_id=user
                )
        elif what == Retire.PAIR and pair_id is not None:
            pair = await rounds_repo.get_pair(session, team_id=row.team_id, pair_id=pair_id)
            if pair is not None and pair.id is not None:  # ends it if it is still active
                await rounds_repo.end_pairs(
                    session, team_id=row.team_id, program_id=pair.program_id, reason=reason, pair_ids=[pair.id]
                )
    logger.warning("Outbox %s: Slack said %s; retired whom it was for (%s)", row.key, error, what)
