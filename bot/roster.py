"""The roster admins page through, and what they can do to a person: pause, resume, remove, promote to admin (the
person is told by DM, and both Home tabs are republished)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from slack_sdk.web.async_client import AsyncWebClient

from bot.home import publish_home
from bot.runtime.context import Deps
from bot.slack.client import try_call
from prompts.participants import ADMIN_CHANGES, admin_changed_you_dm
from prompts.roster import PAGE_SIZE, roster_modal
from storage import admins as admins_repo
from storage import audit as audit_repo
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage.models import ParticipantState, ProgramState

DEPARTMENTS_SHOWN = 8


class Verb(StrEnum):
    """What an admin can do to a person of the roster."""

    PAUSE = "pause"
    RESUME = "resume"
    REMOVE = "remove"
    PROMOTE = "promote"  # to program admin
    DEMOTE = "demote"


class NotDone(StrEnum):
    """Why an admin's action on a person changed nothing."""

    UNCHANGED = "unchanged"  # it was already so
    GONE = "gone"  # no such person (or action)
    ENDED = "ended"  # their program has ended (read-only)


class PersonAction(NamedTuple):
    """What an admin's action on a person came to: the verb done, or why nothing changed."""

    user_id: str  # "" when there is no such person
    outcome: Verb | NotDone
    program_name: str


STATE_OF = {
    Verb.PAUSE: ParticipantState.PAUSED,
    Verb.RESUME: ParticipantState.ACTIVE,
    Verb.REMOVE: ParticipantState.LEFT,
}


async def roster_view(
    deps: Deps, *, team_id: str, program_id: int, page: int, query: str, notice: str = ""
) -> dict[str, Any] | None:
    """The roster modal of one of the workspace's programs, at ``page`` of the people matching ``query``; None
    when the workspace has no such program."""
    page = max(0, page)
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.id is None:
            return None
        rows, total = await participants_repo.roster_page(
            session, team_id=team_id, program_id=program.id, query=query, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
        if not rows and page > 0 and total:
            page = (total - 1) // PAGE_SIZE
            rows, total = await participants_repo.roster_page(
                session, team_id=team_id, program_id=program.id, query=query, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        departments = await participants_repo.department_counts(
            session, team_id=team_id, program_id=program.id, limit=DEPARTMENTS_SHOWN
        )
        admins = await admins_repo.promoted_admins(session, team_id=team_id, user_ids=[p.user_id for p in rows])
    people = [
        {
            "id": p.id,
            "user_id": p.user_id,
            "role": p.role,
            "department": p.department,
            "state": p.state,
            "paused_until": p.paused_until,
            "admin": p.user_id in admins,
        }
        for p in rows
    ]
    return roster_modal(
        program_id=program.id,
        program_name=program.name,
        read_only=program.state == ProgramState.ENDED,
        people=people,
        total=total,
        page=page,
        query=query,
        departments=departments,
        notice=notice,
    )


async def act_on_person(deps: Deps, *, team_id: str, actor_id: str, verb: str, participant_id: int) -> PersonAction:
    """Apply an admin's action (``verb``, one of :class:`Verb`) to a person of this workspace."""
    action = next((known for known in Verb if known == verb), None)
    async with deps.db.session() as session:
        person = await participants_repo.get_participant_by_id(session, team_id=team_id, participant_id=participant_id)
        if person is None or person.state == ParticipantState.DELETED:
            return PersonAction("", NotDone.GONE, "")
        program = await programs_repo.get_program(session, team_id=team_id, program_id=person.program_id)
        if program is None or (program.state == ProgramState.ENDED and action in STATE_OF):
            # an ended program's people stay as they were (admin rights can change)
            return PersonAction(person.user_id, NotDone.ENDED, "")
        before: dict[str, Any] = {"state": person.state}
        after: dict[str, Any]
        if action in (Verb.PROMOTE, Verb.DEMOTE):
            if action == Verb.PROMOTE:
                changed = await admins_repo.promote_admin(
                    session, team_id=team_id, user_id=person.user_id, added_by=actor_id
                )
            else:
                changed = await admins_repo.demote_admin(session, team_id=team_id, user_id=person.user_id)
            if not changed:
                return PersonAction(person.user_id, NotDone.UNCHANGED, program.name)
            before, after = {"admin": action == Verb.DEMOTE}, {"admin": action == Verb.PROMOTE}
        elif action in STATE_OF:
            if person.state == STATE_OF[action]:
                return PersonAction(person.user_id, NotDone.UNCHANGED, program.name)
            await participants_repo.set_state(session, participant=person, state=STATE_OF[action])
            after = {"state": person.state}
        else:
            return PersonAction(person.user_id, NotDone.GONE, program.name)
        await audit_repo.record_audit(
            session,
            team_id=team_id,
            actor_id=actor_id,
            action=f"participant.{action}",
            target=f"user:{person.user_id}",
            before=before,
            after=after,
        )
        return PersonAction(person.user_id, action, program.name)


async def act(
    deps: Deps, client: AsyncWebClient, *, team_id: str, actor_id: str, verb: str, participant_id: int
) -> tuple[str, Verb | NotDone]:
    """An admin's action on a person from the roster (see :func:`act_on_person`): the person is told by DM what
    changed for them, and their Home tab and the admin's (its figures) are republished. Returns (their user id,
    outcome); no user id for no such person."""
    done = await act_on_person(deps, team_id=team_id, actor_id=actor_id, verb=verb, participant_id=participant_id)
    person, outcome, program_name = done.user_id, done.outcome, done.program_name
    if person and outcome in ADMIN_CHANGES:
        dm = admin_changed_you_dm(outcome, program_name)
        await try_call(client.chat_postMessage(channel=person, **dm.as_kwargs()), what="chat.postMessage")
    if person:
        await publish_home(client, deps, team_id=team_id, user_id=person)
        await publish_home(client, deps, team_id=team_id, user_id=actor_id)  # the admin's figures
    return person, outcome
