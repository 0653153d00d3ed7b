"""Joining, editing, pausing, resuming, leaving and erasing: the participation service.

Functions take plain values and a :class:`storage.db.Database`, or the :class:`bot.runtime.context.Deps` when they
read a workspace's programs (remembered in :class:`ProgramCache`, one per app: ``AppState.programs``); they return
plain values and know nothing of Slack; except the last few, the services of what a person does from Slack
(:func:`join`, :func:`pause_and_show`, :func:`resume_and_show`, :func:`leave_program`, :func:`erase_data`), which
also look up the time zone Slack reports, confirm a sign-up by DM and republish the person's Home tab.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.optin import Profile
from bot.runtime.errors import NotEnrolledError, PauseDateError, PauseProblem, ProgramClosedError, describe
from bot.slack.client import try_call, user_timezone
from prompts.participants import DEFAULT_OBJECTIVES, profile_not_saved_dm, profile_saved_dm
from prompts.topics import TOPICS_BY_KEY, program_topics
from storage import admins as admins_repo
from storage import audit as audit_repo
from storage import avoid as avoid_repo
from storage import checkins as checkins_repo
from storage import erasures as erasures_repo
from storage import feedback as feedback_repo
from storage import outbox as outbox_repo
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import recognition as recognition_repo
from storage import rounds as rounds_repo
from storage import surveys as surveys_repo
from storage.db import Database, DatabaseError
from storage.models import ERASED_MARKER, JOINABLE_STATES, Participant, ParticipantState, Program, ProgramState

if TYPE_CHECKING:  # the context holds the AppState, which holds this module's ProgramCache
    from bot.runtime.context import Deps

logger = logging.getLogger(__name__)

MAX_PAUSE_DAYS = 366
TAKING_PART = (ParticipantState.ACTIVE, ParticipantState.PAUSED)


@dataclass(frozen=True)
class Enrolment:
    """A program as one person sees it: the program, and their participant row in it if any.

    Someone who erased their data has no row here any more: their anonymous row is no longer linked to them.
    """

    program: Program
    participant: Participant | None

    @property
    def enrolled(self) -> bool:
        """Taking part (active or paused) in a program that is still going (open or running)."""
        return self.participant is not None and self.participant.state in TAKING_PART and self.joinable

    @property
    def joinable(self) -> bool:
        return self.program.state in JOINABLE_STATES


@dataclass(frozen=True)
class Overview:
    """Everything a person's Home tab needs from the database, read in one session."""

    programs: list[Program]  # every program of the workspace, drafts and ended ones included (for admins)
    enrolments: list[Enrolment]  # the ones this person sees (see programs_for)
    promoted_admin: bool


async def overview(deps: Deps, *, team_id: str, user_id: str) -> Overview:
    """The workspace's programs, the person's row in each, and whether they were promoted to admin: one read
    session, since a Home tab is published after nearly everything. Creates the default program on first use."""
    programs = await programs_or_default(deps, team_id=team_id)
    async with deps.db.read() as session:
        rows = await participants_repo.participants_of_user(session, team_id=team_id, user_id=user_id)
        promoted = await admins_repo.is_promoted_admin(session, team_id=team_id, user_id=user_id)
    mine = {row.program_id: row for row in rows}
    every = [Enrolment(p, mine.get(p.id or 0)) for p in programs]
    visible = [e for e in every if e.joinable] + [
        e for e in every if e.program.state == ProgramState.ENDED and e.participant is not None
    ]
    return Overview(programs, visible, promoted)


async def programs_for(deps: Deps, *, team_id: str, user_id: str) -> list[Enrolment]:
    """The programs a person can see, with their row in each: those open for sign-ups or running, then ended
    ones they took part in; drafts are for admins only. On a workspace's first use this creates the default
    program, so ``/mentor`` works before anyone has configured anything."""
    return (await overview(deps, team_id=team_id, user_id=user_id)).enrolments


def form_target(
    enrolments: list[Enrolment], program_id: int | None = None, *, joining: bool = False
) -> Enrolment | None:
    """The program a form is for: ``program_id`` if it takes sign-ups (None if it doesn't: the caller says so);
    without one, when ``joining``, the first open program the person is not in yet, else the first they take
    part in, else the first open one; None when no program is open."""
    joinable = [e for e in enrolments if e.joinable]
    if program_id is not None:
        return next((e for e in joinable if e.program.id == program_id), None)
    fresh = [e for e in joinable if not e.enrolled]
    mine = [e for e in joinable if e.enrolled]
    order = [*fresh, *mine] if joining else [*mine, *fresh]
    return next(iter(order), None)


def latest_profile(enrolments: list[Enrolment]) -> Participant | None:
    """The person's most recently updated answers in any program (to pre-fill a form for another program)."""
    rows = [e.participant for e in enrolments if e.participant is not None]
    return max(rows, key=lambda p: p.updated_at) if rows else None


PROGRAM_CACHE_SECONDS = 10.0


class ProgramCache:
    """Each workspace's programs as last read, for ``PROGRAM_CACHE_SECONDS`` (see :func:`workspace_programs`)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[list[Program], float]] = {}
        self._changes: dict[str, int] = {}  # per workspace: how often forget was called

    def get(self, team_id: str) -> list[Program] | None:
        seen = self._seen.get(team_id)
        return seen[0] if seen is not None and seen[1] > time.monotonic() else None

    def changes(self, team_id: str) -> int:
        return self._changes.get(team_id, 0)

    def remember(self, team_id: str, programs: list[Program], *, changes: int) -> None:
        """Keep what a read found, unless the programs changed (:meth:`forget`) since it began: ``changes`` is what
        :meth:`changes` said then."""
        if self.changes(team_id) != changes:
            return
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[team_id] = (programs, time.monotonic() + PROGRAM_CACHE_SECONDS)

    def forget(self, team_id: str) -> None:
        """Called once a change to the workspace's programs (created, edited, moved, discarded) is committed."""
        self._seen.pop(team_id, None)
        self._changes[team_id] = self.changes(team_id) + 1


async def workspace_programs(deps: Deps, *, team_id: str) -> list[Program]:
    """Every program of the workspace, oldest first, remembered for a few seconds. Read-only: the same objects
    are handed to every request until forgotten.

    Nearly every request shows or checks programs (Home tabs, the sign-up form's check before its ack), and
    programs change rarely. A change made in this process forgets them at once (:meth:`ProgramCache.forget`), and
    a read that overlapped that change is not remembered; a change made by another replica shows up here within
    ``PROGRAM_CACHE_SECONDS`` (a newly added topic may be refused that long there). Writes that depend on a
    program's state (saving a sign-up, moving a program, saving its settings) read it again themselves.
    """
    cache = deps.state.programs
    seen = cache.get(team_id)
    if seen is not None:
        return seen
    changes = cache.changes(team_id)
    async with deps.db.read() as session:
        programs = list(await programs_repo.list_programs(session, team_id=team_id))
    cache.remember(team_id, programs, changes=changes)
    return programs


async def programs_or_default(deps: Deps, *, team_id: str) -> list[Program]:
    """The workspace's programs; on its first use (none at all), the default one, created once."""
    programs = await workspace_programs(deps, team_id=team_id)
    if not programs:  # first use (or another request is creating the default right now: then read it)
        async with deps.db.session() as session:
            await programs_repo.create_default_program(session, team_id=team_id, objectives=DEFAULT_OBJECTIVES)
        deps.state.programs.forget(team_id)
        programs = await workspace_programs(deps, team_id=team_id)
    return programs


async def joinable_program(deps: Deps, *, team_id: str, program_id: int | None) -> Program | None:
    """The workspace's program ``program_id`` if it takes sign-ups: the check before acknowledging a form."""
    programs = await workspace_programs(deps, team_id=team_id) if program_id is not None else []
    program = next((p for p in programs if p.id == program_id), None)
    return program if program is not None and program.state in JOINABLE_STATES else None


async def save_profile(
    db: Database, *, team_id: str, user_id: str, program_id: int, profile: Profile
) -> tuple[Enrolment, bool]:
    """Save opt-in answers to a program that takes sign-ups, in one short write transaction.

    Returns the enrolment and whether the person newly joined (or came back). Raises
    :class:`ProgramClosedError` when the program stopped taking sign-ups after the form was checked.
    """
    async with db.session() as session:  # under the write lock, so a program ending meanwhile can't be missed
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id, for_update=True)
        if program is None or program.state not in JOINABLE_STATES:
            raise ProgramClosedError(program_id)
        before = await participants_repo.get_participant(
            session, team_id=team_id, program_id=program_id, user_id=user_id
        )
        was_enrolled = before is not None and before.state in TAKING_PART
        if not was_enrolled:
            await _joined_again(session, team_id=team_id, user_id=user_id)
        participant = await participants_repo.upsert_profile(
            session, team_id=team_id, program_id=program_id, user_id=user_id, answers=profile.answers()
        )
    return Enrolment(program, participant), not was_enrolled


async def set_timezone(
    db: Database, *, team_id: str, participant_id: int, timezone: str | None, tz_offset: int | None
) -> None:
    async with db.session() as session:
        await participants_repo.set_timezone(
            session, team_id=team_id, participant_id=participant_id, timezone=timezone, tz_offset=tz_offset
        )


async def update_timezone(
    db: Database, *, enrolment: Enrolment, timezone: str | None, tz_offset: int | None
) -> Enrolment:
    """Store the time zone Slack reports, when known and changed; returns the enrolment as it now is."""
    p = enrolment.participant
    assert p is not None and p.id is not None
    if timezone is None or (p.timezone, p.tz_offset) == (timezone, tz_offset):
        return enrolment
    await set_timezone(db, team_id=p.team_id, participant_id=p.id, timezone=timezone, tz_offset=tz_offset)
    p.timezone, p.tz_offset = timezone, tz_offset
    return enrolment


async def taking_part(deps: Deps, *, team_id: str, user_id: str, program_id: int | None) -> list[Enrolment]:
    """The programs (``program_id``, or all) in which the person takes part; NotEnrolledError if none."""
    enrolments = [
        e
        for e in await programs_for(deps, team_id=team_id, user_id=user_id)
        if e.enrolled and (program_id is None or e.program.id == program_id)
    ]
    if not enrolments:
        raise NotEnrolledError(user_id)
    return enrolments


async def _set_states(
    db: Database, enrolments: list[Enrolment], state: ParticipantState, until: date | None = None
) -> list[Enrolment]:
    changed = []
    async with db.session() as session:
        for e in enrolments:
            assert e.participant is not None
            participant = await session.merge(e.participant)
            participant = await participants_repo.set_state(
                session, participant=participant, state=state, paused_until=until
            )
            if state == ParticipantState.LEFT:  # their partner waits for the next round, first in line
                await rounds_repo.end_pairs(
                    session,
                    team_id=participant.team_id,
                    program_id=participant.program_id,
                    reason="left",
                    user_id=participant.user_id,
                )
            changed.append(Enrolment(e.program, participant))
    return changed


def local_date(now: datetime, tz_name: str | None, tz_offset: int | None) -> date:
    """The date where the person is (their Slack time zone; UTC when unknown)."""
    if tz_name:
        try:
            return now.astimezone(ZoneInfo(tz_name)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone(timezone(timedelta(seconds=tz_offset or 0))).date()


async def pause(
    deps: Deps, *, team_id: str, user_id: str, until: date | None, now: datetime, program_id: int | None = None
) -> list[Enrolment]:
    """Pause in ``program_id``, or in every program the person takes part in (a pause is about the person's
    time), optionally until a date that must lie ahead in their own time zone (at most a year)."""
    enrolments = await check_pause(deps, team_id=team_id, user_id=user_id, until=until, now=now, program_id=program_id)
    return await _set_states(deps.db, enrolments, ParticipantState.PAUSED, until)


async def check_pause(
    deps: Deps, *, team_id: str, user_id: str, until: date | None, now: datetime, program_id: int | None = None
) -> list[Enrolment]:
    """What :func:`pause` would pause, read-only: raises NotEnrolledError or PauseDateError instead of writing
    (so a form can answer inline before its ack)."""
    enrolments = await taking_part(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    if until is not None:
        p = enrolments[0].participant
        assert p is not None
        check_pause_date(until, local_date(now, p.timezone, p.tz_offset))
    return enrolments


def check_pause_date(until: date, today: date) -> None:
    if until <= today:
        raise PauseDateError(PauseProblem.PAST)
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise PauseDateError(PauseProblem.TOO_FAR)


async def resume(deps: Deps, *, team_id: str, user_id: str, program_id: int | None = None) -> list[Enrolment]:
    """Resume where paused (``program_id``, or everywhere); an empty list when nothing was paused."""
    enrolments = await taking_part(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    paused = [e for e in enrolments if e.participant is not None and e.participant.state == ParticipantState.PAUSED]
    return await _set_states(deps.db, paused, ParticipantState.ACTIVE) if paused else []


async def leave(deps: Deps, *, team_id: str, user_id: str, program_id: int | None = None) -> list[Enrolment]:
    """Leave ``program_id``, or every program the person takes part in."""
    enrolments = await taking_part(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    return await _set_states(deps.db, enrolments, ParticipantState.LEFT)


def own_words(participant: Participant, program: Program | None) -> set[str]:
    """The topics a person typed in their own words (not keys of the program's catalogue or the default one)."""
    catalogue = {t.key.casefold() for t in program_topics(program.topics if program else {})}
    catalogue |= {key.casefold() for key in TOPICS_BY_KEY}
    return {t for t in (*(participant.shares or []), *(participant.learns or [])) if t.casefold() not in catalogue}


async def holds_data(deps: Deps, *, team_id: str, user_id: str) -> bool:
    """Whether anything is stored under the person's ID that ``delete-my-data`` would erase: a row in a program,
    their "don't pair me with" list, or a promotion to admin."""
    async with deps.db.read() as session:
        return bool(
            await participants_repo.participants_of_user(session, team_id=team_id, user_id=user_id)
            or await avoid_repo.avoided_by(session, team_id=team_id, user_ids=[user_id])
            or await admins_repo.is_promoted_admin(session, team_id=team_id, user_id=user_id)
        )


async def erase(db: Database, *, team_id: str, user_id: str) -> bool:
    """Erase every trace of the person in the workspace, in one transaction; False if there was nothing to erase.

    Their answers, feedback, fit answers, survey answers, rematch requests, consent, "don't pair me with" list and
    promotion to admin go; what must stay for others (their anonymous row in each program, the pairs and check-in
    answers their partners had, rounds, the audit log, messages kept so they are never sent twice) stays under an
    anonymous id or as ERASED_PERSON. Where someone else's data names them (a "don't pair me with" list, a manager
    answer), now or later, a keyed-hash marker stands in for them, and the erasure itself is recorded the same way
    (``storage.erasures``), so an HR import or an admin never enrols them again; joining again themselves undoes
    both (:func:`save_profile`). The README's "What erasing keeps" lists what stays, and why.
    """
    async with db.session() as session:
        rows = await participants_repo.participants_of_user(session, team_id=team_id, user_id=user_id)
        replacements: dict[int, str] = {}
        words: dict[int, set[str]] = {}
        for participant in rows:
            program_id = participant.program_id
            program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
            words[program_id] = own_words(participant, program)
            await feedback_repo.forget_author(session, team_id=team_id, program_id=program_id, user_id=user_id)
            await surveys_repo.forget_user(session, team_id=team_id, program_id=program_id, user_id=user_id)
            await rounds_repo.end_pairs(session, team_id=team_id, program_id=program_id, reason="left", user_id=user_id)
            await participants_repo.erase_personal_data(session, participant=participant)
            replacements[program_id] = participant.user_id
        await rounds_repo.forget_user(
            session, team_id=team_id, user_id=user_id, replacements=replacements, own_words=words
        )
        await checkins_repo.forget_user(session, team_id=team_id, user_id=user_id, replacements=replacements)
        changed = len(rows)
        changed += await outbox_repo.forget_user(session, team_id=team_id, user_id=user_id)
        changed += await audit_repo.forget_user(session, team_id=team_id, user_id=user_id)
        changed += await admins_repo.forget_user(session, team_id=team_id, user_id=user_id)
        changed += await recognition_repo.forget_consent(session, team_id=team_id, user_id=user_id)
        changed += await avoid_repo.clear_avoid_list(session, team_id=team_id, user_id=user_id)
        erasure = await erasures_repo.find(session, team_id=team_id, user_id=user_id)
        erasure = erasure or erasures_repo.new_erasure(team_id=team_id, user_id=user_id)
        marker = erasures_repo.marker(erasure)
        changed += await avoid_repo.rename_avoided(session, team_id=team_id, old=user_id, new=marker)
        changed += await participants_repo.rename_manager(session, team_id=team_id, old=user_id, new=marker)
        if changed:
            await erasures_repo.keep(session, erasure=erasure)
        return changed > 0


async def _joined_again(session: AsyncSession, *, team_id: str, user_id: str) -> None:
    """Someone who erased their data joins again themselves: the erasure's record goes, and other people's "don't
    pair me with" lists and manager answers that named them name them again."""
    erasure = await erasures_repo.find(session, team_id=team_id, user_id=user_id)
    if erasure is None:
        return
    marker = erasures_repo.marker(erasure)
    await avoid_repo.rename_avoided(session, team_id=team_id, old=marker, new=user_id)
    await participants_repo.rename_manager(session, team_id=team_id, old=marker, new=user_id)
    await erasures_repo.forget(session, erasure=erasure)


@dataclass(frozen=True)
class Resumed:
    team_id: str
    user_id: str
    until: date
    program_name: str


async def resume_due(db: Database, *, now: datetime, team_ids: set[str]) -> list[Resumed]:
    """Bring back everyone of these workspaces whose ``pause until`` date has come in their own time zone (claimed
    once each)."""
    resumed: list[Resumed] = []
    async with db.read() as session:
        candidates = await participants_repo.paused_with_end_date(session)
    for p, program_name in candidates:
        assert p.id is not None and p.paused_until is not None
        if p.team_id not in team_ids or local_date(now, p.timezone, p.tz_offset) < p.paused_until:
            continue
        async with db.session() as session:
            if await participants_repo.claim_resume(
                session, team_id=p.team_id, participant_id=p.id, until=p.paused_until
            ):
                resumed.append(Resumed(p.team_id, p.user_id, p.paused_until, program_name))
    return resumed


MAX_AVOIDED = 50


async def update_avoid_list(
    db: Database, *, team_id: str, user_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> tuple[list[str], bool]:
    """Change a person's private "don't pair me with" list; returns it as it now is, and False (nothing changed)
    when adding would take it over :data:`MAX_AVOIDED` people. Someone who erased their data is stored under their
    marker (``storage.avoid``): this answer names them as the person typed them; later lists leave them out (as
    they do everyone who erased their data) until they join again."""
    async with db.session() as session:
        current = (await avoid_repo.avoided_by(session, team_id=team_id, user_ids=[user_id])).get(user_id, set())
        stored = await erasures_repo.stand_ins(session, team_id=team_id, user_ids=add)  # as the list will hold them
        if len(current | set(stored.values())) > MAX_AVOIDED:
            return sorted(other for other in current if not other.startswith(ERASED_MARKER)), False
        for other in add:
            await avoid_repo.add_avoid(session, team_id=team_id, user_id=user_id, avoided_id=other)
        for other in remove:
            await avoid_repo.remove_avoid(session, team_id=team_id, user_id=user_id, avoided_id=other)
        kept = (current | set(add)) - set(remove)
        return sorted(other for other in kept if not other.startswith(ERASED_MARKER)), True


async def join(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    program_id: int,
    profile: Profile,
    baseline: int | None,
) -> bool:
    """Save the sign-up form's answers (after its ack: see :func:`save_profile`), with the optional "before"
    confidence rating (``baseline``) and the time zone Slack reports; confirm by DM, then republish the person's
    Home tab. When saving fails (logged), the DM gives the answers back with a *Try again* button that reopens the
    form pre-filled, and False is returned."""
    from bot import surveys  # read by the outbox, as this module is by bot.home
    from bot.home import publish_home

    try:
        enrolment, joined = await save_profile(
            deps.db, team_id=team_id, user_id=user_id, program_id=program_id, profile=profile
        )
    except (DatabaseError, OSError, ProgramClosedError) as exc:
        logger.error("Could not save the opt-in answers of %s in %s: %s", user_id, team_id, describe(exc))
        carried = {**profile.answers(), "program_id": program_id}
        dm = profile_not_saved_dm(
            answers=profile.answers(),
            answers_json=json.dumps(carried, ensure_ascii=False, separators=(",", ":")),
            program_id=program_id,
        )
        await try_call(client.chat_postMessage(channel=user_id, **dm.as_kwargs()), what="chat.postMessage")
        return False
    if baseline is not None and enrolment.participant is not None:
        await surveys.record_baseline(deps, person=enrolment.participant, level=baseline)  # the "before"
    tz, tz_offset = await user_timezone(client, deps.state.users, team_id=team_id, user_id=user_id)
    enrolment = await update_timezone(deps.db, enrolment=enrolment, timezone=tz, tz_offset=tz_offset)
    dm = profile_saved_dm(
        program_name=enrolment.program.name,
        answers=profile.answers(),
        timezone=tz,
        joined=joined,
        program_id=enrolment.program.id,
    )
    await try_call(client.chat_postMessage(channel=user_id, **dm.as_kwargs()), what="chat.postMessage")
    await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return True


async def pause_and_show(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    until: date | None,
    now: datetime,
    program_id: int | None = None,
    from_home: bool = False,
) -> list[Enrolment]:
    """:func:`pause`, then the person's Home tab republished; when it raises (not taking part, a bad date), the
    Home tab is republished only ``from_home`` (the form was opened there: it may show what no longer holds)."""
    from bot.home import publish_home  # bot.home reads this module

    try:
        paused = await pause(deps, team_id=team_id, user_id=user_id, until=until, now=now, program_id=program_id)
    except (NotEnrolledError, PauseDateError):
        if from_home:
            await publish_home(client, deps, team_id=team_id, user_id=user_id)
        raise
    await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return paused


async def resume_and_show(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    program_id: int | None = None,
    from_home: bool = False,
) -> list[Enrolment]:
    """:func:`resume`; the person's Home tab is republished when something was resumed, or whatever happened
    ``from_home`` (its *Resume* button may no longer apply). Raises NotEnrolledError like :func:`resume`."""
    from bot.home import publish_home  # bot.home reads this module

    try:
        resumed = await resume(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    except NotEnrolledError:
        if from_home:
            await publish_home(client, deps, team_id=team_id, user_id=user_id)
        raise
    if resumed or from_home:
        await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return resumed


async def leave_program(
    deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, program_id: int | None
) -> list[Enrolment]:
    """Leave ``program_id`` (or every program), confirmed from ``/mentor leave`` or the Home tab: what they left,
    [] when they no longer took part. Their Home tab is republished either way."""
    from bot.home import publish_home  # bot.home reads this module

    try:
        left = await leave(deps, team_id=team_id, user_id=user_id, program_id=program_id)
    except NotEnrolledError:
        left = []
    await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return left


async def erase_data(deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str) -> bool:
    """:func:`erase`, confirmed by the person; their Home tab is republished."""
    from bot.home import publish_home  # bot.home reads this module

    erased = await erase(deps.db, team_id=team_id, user_id=user_id)
    await publish_home(client, deps, team_id=team_id, user_id=user_id)
    return erased
