"""Feedback in both directions: after a pair answers *We met*, each person is asked privately how the meeting went
(a short modal), and after the pair's first meeting whether the pairing works for them. A note for the partner is
passed on only when its author ticks *share*; ratings never are. Everything goes through the outbox under a unique
key, so a second *We met* click (or both people clicking it) asks once. The services for the feedback form and the
fit question's buttons (:func:`feedback_form`, :func:`check_feedback` and :func:`record_feedback`, :func:`answer_fit`)
deliver what follows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, NamedTuple

from slack_sdk.web.async_client import AsyncWebClient

from bot.intros import pair_of_member
from bot.outbox.batch import Batch
from bot.outbox.kinds import FeedbackAskPayload, FitAlertPayload, FitAskPayload, Kind, SharedNotePayload
from bot.outbox.outcomes import Outcome, Skip
from bot.runtime.context import Deps
from bot.runtime.errors import describe
from bot.slack.client import try_call
from bot.topics import topic_label
from prompts import feedback as prompts
from storage import admins as admins_repo
from storage import checkins as checkins_repo
from storage import feedback as feedback_repo
from storage import outbox
from storage import programs as programs_repo
from storage.db import DatabaseError
from storage.models import Feedback, MeetingAnswer, Outbox, Pair, PairState, Program, Role

logger = logging.getLogger(__name__)


def partner_of(pair: Pair, user_id: str) -> str:
    return pair.mentee_id if user_id == pair.mentor_id else pair.mentor_id


def role_of(pair: Pair, user_id: str) -> Role:
    return Role.MENTOR if user_id == pair.mentor_id else Role.MENTEE


async def ask_after_meeting(deps: Deps, *, pair: Pair, period: int) -> list[str]:
    """Queue the feedback question for both people (and, after the pair's first meeting, the pairing-fit question);
    the keys to deliver."""
    assert pair.id is not None
    people = (pair.mentor_id, pair.mentee_id)
    messages = [
        FeedbackAskPayload(pair_id=pair.id, period=period, user_id=user).message(
            f"{Kind.FEEDBACK_ASK}:{pair.id}:{period}:{user}"
        )
        for user in people
    ]
    async with deps.db.session() as session:
        if await feedback_repo.first_meeting(session, team_id=pair.team_id, pair_id=pair.id) == period:
            messages += [
                FitAskPayload(pair_id=pair.id, user_id=user).message(f"{Kind.FIT_ASK}:{pair.id}:{user}")
                for user in people
            ]
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def meeting_of(
    deps: Deps, *, team_id: str, user_id: str, pair_id: int, period: int
) -> tuple[tuple[Pair, Program] | None, bool]:
    """The pair (and its program) if ``user_id`` is one of its people, and whether the pair met at check-in
    ``period``: feedback is only for the pair's people and for meetings that happened."""
    found = await pair_of_member(deps, team_id=team_id, pair_id=pair_id, user_id=user_id)
    return found, found is not None and await met_in(deps, pair=found[0], period=period)


async def met_in(deps: Deps, *, pair: Pair, period: int) -> bool:
    """Whether the pair answered *We met* to check-in ``period`` (feedback is only for meetings that happened)."""
    assert pair.id is not None
    async with deps.db.read() as session:
        answers = await checkins_repo.answers(session, team_id=pair.team_id, pair_ids=[pair.id])
    return answers.get(pair.id, {}).get(period) == MeetingAnswer.MET


def suggested_topic(pair: Pair, program: Program) -> str:
    """The label of the latest topic suggested to the pair (what they most likely talked about), or ''."""
    return topic_label(pair.topics[-1], program) if pair.topics else ""


async def saved_feedback(deps: Deps, *, pair: Pair, period: int, author_id: str) -> Feedback | None:
    assert pair.id is not None
    async with deps.db.read() as session:
        return await feedback_repo.get_feedback(
            session, team_id=pair.team_id, pair_id=pair.id, period=period, author_id=author_id
        )


def parse_feedback(values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The modal's answers as feedback fields, or inline errors keyed by block id."""

    def element(block_id: str) -> dict[str, Any]:
        return (values.get(block_id) or {}).get(block_id) or {}

    errors: dict[str, str] = {}
    rating = str((element(prompts.RATING).get("selected_option") or {}).get("value") or "")
    if rating not in prompts.RATINGS:
        errors[prompts.RATING] = prompts.ERRORS["rating"]
    texts = {}
    for block_id, limit, key in (
        (prompts.TOPIC, prompts.TOPIC_MAX, "topic"),
        (prompts.LEARNED, prompts.LEARNED_MAX, "learned"),
        (prompts.NOTE, prompts.NOTE_MAX, "note"),
    ):
        texts[key] = str(element(block_id).get("value") or "").strip()
        if len(texts[key]) > limit:
            errors[block_id] = prompts.ERRORS[key]
    share = any(o.get("value") == "share" for o in element(prompts.SHARE).get("selected_options") or [])
    if share and not texts["note"] and prompts.NOTE not in errors:
        errors[prompts.NOTE] = prompts.ERRORS["share_empty"]
    if errors:
        return None, errors
    return {"rating": int(rating), **texts, "share_note": share}, {}


class NoteFate(StrEnum):
    """What became of the note in a person's feedback."""

    SHARED = "shared"  # it goes to the partner now
    ALREADY = "already"  # passed on before: a note goes once per meeting, an edit isn't resent
    PRIVATE = "private"


class SavedFeedback(NamedTuple):
    keys: list[str]  # the shared note's outbox keys, to deliver
    note: NoteFate
    edited: bool  # it replaced earlier feedback


async def save(deps: Deps, *, pair: Pair, period: int, author_id: str, fields: dict[str, Any]) -> SavedFeedback:
    """Store the person's feedback (replacing an earlier one for this meeting), and queue its note for the
    partner if its author shares it."""
    assert pair.id is not None
    async with deps.db.session() as session:
        saved = await feedback_repo.save_feedback(
            session, team_id=pair.team_id, pair=pair, period=period, author_id=author_id, fields=fields
        )
        edited = saved.updated_at != saved.created_at
        if not (saved.share_note and saved.note):
            return SavedFeedback([], NoteFate.PRIVATE, edited)
        key = f"{Kind.SHARED_NOTE}:{pair.id}:{period}:{author_id}"
        note = SharedNotePayload(
            pair_id=pair.id, period=period, author_id=author_id, user_id=partner_of(pair, author_id)
        )
        new = await outbox.enqueue_many(session, team_id=pair.team_id, messages=[note.message(key)])
    return SavedFeedback([key], NoteFate.SHARED, edited) if new else SavedFeedback([], NoteFate.ALREADY, edited)


async def has_met(deps: Deps, *, pair: Pair) -> bool:
    """Whether the pair has had a meeting (the pairing-fit question is for after the first)."""
    assert pair.id is not None
    async with deps.db.read() as session:
        return await feedback_repo.first_meeting(session, team_id=pair.team_id, pair_id=pair.id) is not None


async def alert_admins(deps: Deps, *, pair: Pair, user_id: str) -> list[str]:
    """Queue a DM to the program admins we can name (``MENTOR_ADMINS`` and promoted admins; workspace admins see it
    on Home) that this person's pairing isn't working, never to the pair's own people; the keys to deliver."""
    assert pair.id is not None
    async with deps.db.session() as session:
        admins = set(deps.settings.admins) | await admins_repo.all_promoted_admins(session, team_id=pair.team_id)
        program = await programs_repo.get_program(session, team_id=pair.team_id, program_id=pair.program_id)
        messages = [
            FitAlertPayload(
                pair_id=pair.id, user_id=admin, about=user_id, program=program.name if program else ""
            ).message(f"{Kind.FIT_ALERT}:{pair.id}:{user_id}:{admin}")
            for admin in sorted(admins - {pair.mentor_id, pair.mentee_id})
        ]
        await outbox.enqueue_many(session, team_id=pair.team_id, messages=messages)
    return [m.key for m in messages]


async def record_fit(deps: Deps, *, pair: Pair, user_id: str, working: bool) -> None:
    async with deps.db.session() as session:
        await feedback_repo.record_fit(session, team_id=pair.team_id, pair=pair, user_id=user_id, working=working)


class NoFeedback(Enum):
    """Why a meeting's feedback form can't be opened or saved."""

    NOT_IN_PAIR = "not_in_pair"  # not one of the pair's two people (a forwarded message), or no such pair
    NO_MEETING = "no_meeting"  # the pair didn't answer *We met* to that check-in


@dataclass(frozen=True)
class FeedbackForm:
    """What the feedback form shows: the partner, the person's role, the topic suggested to the pair, and their
    earlier answers when editing."""

    partner_id: str
    role: str
    topic: str
    saved: dict[str, Any] | None


async def feedback_form(
    deps: Deps, *, team_id: str, user_id: str, pair_id: int, period: int
) -> FeedbackForm | NoFeedback:
    """*Give feedback*: the form for one of the pair's people about the meeting of check-in ``period``."""
    found, met = await meeting_of(deps, team_id=team_id, user_id=user_id, pair_id=pair_id, period=period)
    if found is None:
        return NoFeedback.NOT_IN_PAIR
    if not met:
        return NoFeedback.NO_MEETING
    pair, program = found
    saved = await saved_feedback(deps, pair=pair, period=period, author_id=user_id)
    return FeedbackForm(
        partner_id=partner_of(pair, user_id),
        role=role_of(pair, user_id),
        topic=suggested_topic(pair, program),
        saved=saved.model_dump() if saved else None,
    )


@dataclass(frozen=True)
class FeedbackAnswers:
    """A feedback form's answers that passed every check, for a meeting that can take feedback: to save."""

    pair: Pair
    period: int
    author_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class FeedbackSaved:
    """What saving feedback did (see :func:`save`): what became of the note, whether it replaced earlier feedback,
    and the note's outbox keys to deliver to the partner."""

    pair: Pair
    partner_id: str
    note: str
    edited: bool
    keys: list[str]


async def check_feedback(
    deps: Deps, *, team_id: str, user_id: str, pair_id: int, period: int, values: dict[str, Any]
) -> tuple[FeedbackAnswers | None, dict[str, str]]:
    """Before the form's ack: the answers, or inline errors keyed by block id, for a meeting that can't take
    feedback or answers that don't pass. Only reads, which never wait for a writer (SQLite's WAL, PostgreSQL), so
    the ack stays within Slack's 3 s however busy the database is; :func:`record_feedback` saves after the ack."""
    found, met = await meeting_of(deps, team_id=team_id, user_id=user_id, pair_id=pair_id, period=period)
    if found is None or not met:
        return None, {prompts.RATING: prompts.ERRORS["closed"]}
    fields, errors = parse_feedback(values)
    if fields is None:
        return None, errors
    return FeedbackAnswers(found[0], period, user_id, fields), {}


async def record_feedback(deps: Deps, client: AsyncWebClient, answers: FeedbackAnswers) -> FeedbackSaved | None:
    """Save checked answers (after the form's ack: a write may wait on a busy database). When saving fails
    (logged), the person gets their answers back by DM with a button that opens the form again, so nothing they
    wrote is lost, and None is returned. :func:`pass_on_note` follows a save."""
    pair, author = answers.pair, answers.author_id
    try:
        keys, note, edited = await save(deps, pair=pair, period=answers.period, author_id=author, fields=answers.fields)
    except (DatabaseError, OSError) as exc:
        logger.error(
            "Could not save the feedback of %s on pair %s in %s: %s", author, pair.id, pair.team_id, describe(exc)
        )
        assert pair.id is not None
        dm = prompts.not_saved_dm(pair_id=pair.id, period=answers.period, answers=answers.fields)
        await try_call(client.chat_postMessage(channel=author, **dm.as_kwargs()), what="chat.postMessage")
        return None
    return FeedbackSaved(pair, partner_of(pair, author), note, edited, keys)


async def pass_on_note(deps: Deps, client: AsyncWebClient, saved: FeedbackSaved) -> None:
    """A note the author chose to share goes to their partner, and shows in their history on Home."""
    from bot.home import publish_home  # bot.home and the outbox read this module
    from bot.outbox.deliver import deliver

    if saved.keys:
        await deliver(deps, client, team_id=saved.pair.team_id, keys=saved.keys)
        await publish_home(client, deps, team_id=saved.pair.team_id, user_id=saved.partner_id)


async def answer_fit(deps: Deps, client: AsyncWebClient, *, pair: Pair, user_id: str, working: bool) -> bool:
    """*Yes, it's working* / *Not really*, recorded privately; False (nothing recorded) before the pair's first
    meeting. After a "no", the admins are told (by DM, and on Home); the partner never is."""
    from bot.outbox.deliver import deliver  # the outbox reads this module

    if not await has_met(deps, pair=pair):  # asked after the first meeting, not before
        return False
    await record_fit(deps, pair=pair, user_id=user_id, working=working)
    if not working:
        keys = await alert_admins(deps, pair=pair, user_id=user_id)
        await deliver(deps, client, team_id=pair.team_id, keys=keys)
    return True


async def send_ask(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    pair = batch.pair(row)
    if pair is None:
        return Outcome.skipped(Skip.PAIR_GONE)
    assert pair.id is not None
    ask = FeedbackAskPayload.of(row)
    reply = prompts.ask_message(pair_id=pair.id, period=ask.period, partner_id=partner_of(pair, ask.user_id))
    answer = await client.chat_postMessage(channel=ask.user_id, **reply.as_kwargs())
    return Outcome.posted(answer)


async def send_fit(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    pair = batch.pair(row)
    if pair is None or pair.state != PairState.ACTIVE:
        return Outcome.skipped(Skip.PAIR_GONE)
    assert pair.id is not None
    user = FitAskPayload.of(row).user_id
    reply = prompts.fit_message(pair_id=pair.id, partner_id=partner_of(pair, user))
    answer = await client.chat_postMessage(channel=user, **reply.as_kwargs())
    return Outcome.posted(answer)


async def send_note(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    """The shared note, read at send time (if its author unshared or deleted it meanwhile, nothing goes)."""
    pair = batch.pair(row)
    if pair is None or pair.id is None:
        return Outcome.skipped(Skip.PAIR_GONE)
    note = SharedNotePayload.of(row)
    author = note.author_id
    saved = await saved_feedback(deps, pair=pair, period=note.period, author_id=author)
    if saved is None or not saved.share_note or not saved.note:
        return Outcome.skipped(Skip.NOT_SHARED)
    reply = prompts.shared_note_message(author_id=author, note=saved.note, author_role=saved.author_role)
    answer = await client.chat_postMessage(channel=partner_of(pair, author), **reply.as_kwargs())
    return Outcome.posted(answer)


async def send_alert(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    alert = FitAlertPayload.of(row)
    reply = prompts.fit_alert_message(user_id=alert.about, program=alert.program)
    answer = await client.chat_postMessage(channel=alert.user_id, **reply.as_kwargs())
    return Outcome.posted(answer)


SENDERS = {
    Kind.FEEDBACK_ASK: send_ask,
    Kind.FIT_ASK: send_fit,
    Kind.SHARED_NOTE: send_note,
    Kind.FIT_ALERT: send_alert,
}
