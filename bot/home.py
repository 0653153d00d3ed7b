"""Publishing a person's Home tab: after anything that changes what it shows, and on ``app_home_opened``.

Admins (see :mod:`bot.admins`) also see every program with its headline figures, settings and buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import participants, results
from bot.admins import hidden_from, is_admin
from bot.checkins import stalled_by_program
from bot.outbox.kinds import pair_id_of, recipient_of
from bot.outbox.outcomes import GONE, Retire, retires
from bot.participants import Enrolment
from bot.programs import program_fields
from bot.runtime.context import Deps
from bot.slack.client import try_call
from bot.topics import topic_label
from prompts.home import home_view
from prompts.programs import admin_section
from prompts.results import results_blocks
from storage import audit as audit_repo
from storage import checkins as checkins_repo
from storage import feedback as feedback_repo
from storage import outbox
from storage import participants as participants_repo
from storage import rounds as rounds_repo
from storage.models import Feedback, MeetingAnswer, Pair, PairState, Program, utcnow

STUCK_AFTER = timedelta(minutes=10)  # a message claimed this long ago and not finished: its sender died

logger = logging.getLogger(__name__)


def employee_programs(
    enrolments: list[Enrolment], pairs: Sequence[Pair] = (), answers: dict[int, dict[int, str]] | None = None
) -> list[dict[str, Any]]:
    """The programs as the employee part of Home and ``/mentor status`` show them, each with the person's current
    pairs (``pairs``: their active pairs; ``partner``, ``i_mentor``, ``reasons``, ``last_checkin`` each;
    ``answers``: check-in answers by pair)."""
    shown = []
    for e in enrolments:
        p = e.participant
        mine = [
            {
                "partner": pair.mentee_id if p and pair.mentor_id == p.user_id else pair.mentor_id,
                "i_mentor": bool(p and pair.mentor_id == p.user_id),
                "mentor_id": pair.mentor_id,
                "mentee_id": pair.mentee_id,
                "reasons": pair.reasons,
                "last_checkin": max((answers or {}).get(pair.id or 0, {}).items(), default=None),
            }
            for pair in pairs
            if pair.program_id == e.program.id
        ]
        shown.append(
            {
                **program_fields(e.program),
                "my_state": p.state if p else None,
                "paused_until": p.paused_until if p else None,
                "pairs": mine,
            }
        )
    return shown


def history(
    pairs: Sequence[Pair],
    answers: dict[int, dict[int, str]],
    notes: Sequence[Feedback],
    programs: dict[int | None, Program],
    user_id: str,
) -> list[dict[str, Any]]:
    """The person's own history: each pair (newest first) with its meetings, topics covered and the notes their
    partner shared with them (never a rating)."""
    shown = []
    for pair in pairs:
        program = programs.get(pair.program_id)
        shown.append(
            {
                "partner": pair.mentee_id if pair.mentor_id == user_id else pair.mentor_id,
                "program": program.name if program else "",
                "active": pair.state == PairState.ACTIVE,
                "meetings": sum(a == MeetingAnswer.MET for a in answers.get(pair.id or 0, {}).values()),
                "topics": [topic_label(key, program) for key in pair.topics or []],
                "notes": [n.note for n in notes if n.pair_id == pair.id],
            }
        )
    return shown


async def my_programs(deps: Deps, *, team_id: str, user_id: str, enrolments: list[Enrolment]) -> list[dict[str, Any]]:
    """``/mentor status``: the programs the person has a row in (of ``enrolments``), with their active pairs."""
    mine = [e for e in enrolments if e.participant is not None]
    async with deps.db.read() as session:
        pairs = await rounds_repo.pairs_of_user(session, team_id=team_id, user_id=user_id)
    return employee_programs(mine, pairs)


async def publish_home(client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str) -> None:
    seen = await participants.overview(deps, team_id=team_id, user_id=user_id)
    latest = participants.latest_profile(seen.enrolments)
    async with deps.db.read() as session:
        pairs = await rounds_repo.pairs_of_user(session, team_id=team_id, user_id=user_id)
        past = await rounds_repo.history_of_user(session, team_id=team_id, user_id=user_id)
        ids = sorted({p.id for p in (*pairs, *past) if p.id})
        answers = await checkins_repo.answers(session, team_id=team_id, pair_ids=ids)
        notes = await feedback_repo.shared_with(session, team_id=team_id, user_id=user_id, pair_ids=ids)
    view = home_view(
        programs=employee_programs(seen.enrolments, pairs, answers),
        answers=latest.answers() if latest else None,
        timezone=latest.timezone if latest else None,
        history=history(past, answers, notes, {p.id: p for p in seen.programs}, user_id),
    )
    if await is_admin(deps, client, team_id=team_id, user_id=user_id, promoted=seen.promoted_admin):
        async with deps.db.read() as session:
            counts = await participants_repo.counts_by_program(session, team_id=team_id)
            audit = [entry.model_dump() for entry in await audit_repo.audit_entries(session, team_id=team_id)]
            paired = await rounds_repo.pair_counts(session, team_id=team_id)
            requests = await rounds_repo.open_rematch_requests(session, team_id=team_id)
            delivery = await outbox.trouble(session, team_id=team_id, stuck_before=utcnow() - STUCK_AFTER)
            refused = await refusals(session, team_id=team_id)
            concerns = await feedback_repo.fit_concerns(session, team_id=team_id)
            stalled = await stalled_by_program(session, team_id=team_id)
            report = await results.report(
                session,
                team_id=team_id,
                programs=list(seen.programs),
                name=None,
                today=utcnow().date(),
                stalled=stalled,
            )
            mine = await rounds_repo.pair_ids_of_user(session, team_id=team_id, user_id=user_id)
        names = {p.id: p.name for p in seen.programs}
        # An admin who is someone's partner never sees that person's request about their pair (it is private).
        asked = [
            {**r.model_dump(), "program": names.get(r.program_id, "")}
            for r in requests
            if not hidden_from(user_id, said_by=r.user_id, pair_id=r.pair_id, viewer_pairs=mine)
        ]
        # The same rule for "this pairing isn't working" answers, asked privately after a pair's first meeting.
        unhappy = [
            {"user_id": fit.user_id, "program": names.get(fit.program_id, "")}
            for fit, pair in concerns
            if not hidden_from(user_id, said_by=fit.user_id, pair_id=pair.id, viewer_pairs=mine)
        ]
        view["blocks"] += admin_section(
            [program_fields(p) for p in seen.programs],
            counts,
            audit,
            pairs=paired,
            rematch_requests=asked,
            delivery=delivery,
            refused=refused,
            fit_concerns=unhappy,
            stalled=stalled,
        )
        if report is not None:
            view["blocks"] += results_blocks(report.as_dict(), report.program_id)
    await try_call(client.views_publish(user_id=user_id, view=view), what="views.publish")


async def refusals(session: AsyncSession, *, team_id: str) -> list[dict[str, Any]]:
    """Whom Slack's latest "gone" refusals were for, and what was done (``bot.outbox.outcomes.retires``): a person
    gone from Slack left every program; a message for a pair (its conversation, or one person's DM about it) ended
    the pair; a message for anyone else (an admin) was only not retried."""
    rows = await outbox.refusals(session, team_id=team_id, errors=sorted(GONE))
    pairs = await rounds_repo.pairs_by_id(
        session, team_id=team_id, pair_ids=[pair_id for r in rows if (pair_id := pair_id_of(r)) is not None]
    )
    found: list[dict[str, Any]] = []
    for row in rows:
        recipient, pair = recipient_of(row), pairs.get(pair_id_of(row) or 0)
        user = recipient.user_id if recipient else None
        what = retires(recipient, str(row.error))
        if what == Retire.PERSON and user:
            found.append({"error": row.error, "user_id": user, "outcome": what.value})
        elif what == Retire.PAIR and pair is not None:
            found.append({"error": row.error, "people": (pair.mentor_id, pair.mentee_id), "outcome": what.value})
        elif user:
            found.append({"error": row.error, "user_id": user, "outcome": Retire.NOTHING.value})
    return found


async def refresh_homes(
    client: AsyncWebClient, deps: Deps, *, team_id: str, user_ids: Sequence[str], skip: str = ""
) -> int:
    """Republish these people's Home tabs, one at a time (paced by the client's rate-limit handling)."""
    done = 0
    for user_id in user_ids:
        if user_id != skip:
            await publish_home(client, deps, team_id=team_id, user_id=user_id)
            done += 1
    return done


async def refresh_program_homes(
    client: AsyncWebClient, deps: Deps, *, team_id: str, program_id: int, skip: str = ""
) -> int:
    """Republish the Home tab of everyone in a program after an admin changed what it shows (settings, state).

    Runs after the ack, one person at a time so Slack's rate limits (honoured by the client's retry handler) are
    never hit in a burst. A restart part-way leaves the rest to ``app_home_opened``, which republishes anyway.
    """
    async with deps.db.read() as session:
        members = await participants_repo.members_of_program(session, team_id=team_id, program_id=program_id)
    done = await refresh_homes(client, deps, team_id=team_id, user_ids=members, skip=skip)
    if done:
        logger.info("Refreshed the Home tab of %d people in program %s of %s", done, program_id, team_id)
    return done


async def refresh_after_change(
    client: AsyncWebClient,
    deps: Deps,
    *,
    team_id: str,
    actor_id: str,
    program_id: int | None = None,
    people: Sequence[str] = (),
) -> None:
    """After an admin's change: their own Home tab first, then those of everyone in ``program_id`` (its settings
    changed) and of ``people`` (a round was published)."""
    await publish_home(client, deps, team_id=team_id, user_id=actor_id)
    if program_id is not None:
        await refresh_program_homes(client, deps, team_id=team_id, program_id=program_id, skip=actor_id)
    if people:
        await refresh_homes(client, deps, team_id=team_id, user_ids=people, skip=actor_id)
