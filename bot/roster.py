"""The roster admins page through, and what they can do to a person: pause, resume, remove, promote to admin (the
person is told by DM, and both Home tabs are republished)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.home import publish_home
from bot.runtime.context import Deps
from bot.slack.client import try_call
from prompts.participants import ADMIN_CHANGES, admin_changed_you_dm
from prompts.roster import PAGE_SIZE, roster_modal
from storage import repositories as repo
from storage.models import ParticipantState, ProgramState

DEPARTMENTS_SHOWN = 8
STATE_OF = {"pause": ParticipantState.PAUSED, "resume": ParticipantState.ACTIVE, "remove": ParticipantState.LEFT}


async def roster_view(
    deps: Deps, *, team_id: str, program_id: int, page: int, query: str, notice: str = ""
) -> dict[str, Any] | None:
    """The roster modal of one of the workspace's programs, at ``page`` of the people matching ``query``; None
    when the workspace has no such program."""
    page = max(0, page)
    async with deps.db.read() as session:
        program = await repo.get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.id is None:
            return None
        rows, total = await repo.roster_page(
            session, team_id=team_id, program_id=program.id, query=query, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
        if not rows and page > 0 and total:
            page = (total - 1) // PAGE_SIZE
            rows, total = await repo.roster_page(
                session, team_id=team_id, program_id=program.id, query=query, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        departments = await repo.department_counts(
            session, team_id=team_id, program_id=program.id, limit=DEPARTMENTS_SHOWN
        )
        admins = await repo.promoted_admins(session, team_id=team_id, user_ids=[p.user_id for p in rows])
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


async def act_on_person(
    deps: Deps, *, team_id: str, actor_id: str, verb: str, participant_id: int
) -> tuple[str, str, str]:
    """Apply an admin's action to a person of this workspace; returns (their user id, outcome, program name).

    Outcomes: the verb when something changed, "unchanged" when it was already so, "gone" for no such person,
    "ended" when their program has ended (read-only).
    """
    async with deps.db.session() as session:
        person = await repo.get_participant_by_id(session, team_id=team_id, participant_id=participant_id)
        if person is None or person.state == ParticipantState.DELETED:
            return "", "gone", ""
        program = await repo.get_program(session, team_id=team_id, program_id=person.program_id)
        if program is None or (program.state == ProgramState.ENDED and verb in STATE_OF):
            return person.user_id, "ended", ""  # an ended program's people stay as they were (admin rights can change)
        before: dict[str, Any] = {"state": person.state}
        after: dict[str, Any]
        if verb in ("promote", "demote"):
            if verb == "promote":
                changed = await repo.promote_admin(session, team_id=team_id, user_id=person.user_id, added_by=actor_id)
            else:
                changed = await repo.demote_admin(session, team_id=team_id, user_id=person.user_id)
            if not changed:
                return person.user_id, "unchanged", program.name
            before, after = {"admin": verb == "demote"}, {"admin": verb == "promote"}
        elif verb in STATE_OF:
            if person.state == STATE_OF[verb]:
                return person.user_id, "unchanged", program.name
            await repo.set_state(session, participant=person, state=STATE_OF[verb])
            after = {"state": person.state}
        else:
            return person.user_id, "gone", program.name
        await repo.record_audit(
            session,
            team_id=team_id,
            actor_id=actor_id,
            action=f"participant.{verb}",
            target=f"user:{person.user_id}",
            before=before,
            after=after,
        )
        return person.user_id, verb, program.name


async def act(
    deps: Deps, client: AsyncWebClient, *, team_id: str, actor_id: str, verb: str, participant_id: int
) -> tuple[str, str]:
    """An admin's action on a person from the roster (see :func:`act_on_person`): the person is told by DM what
    changed for them, and their Home tab and the admin's (its figures) are republished. Returns (their user id,
    outcome); no user id for no such person."""
    person, outcome, program_name = await act_on_person(
        deps, team_id=team_id, actor_id=actor_id, verb=verb, participant_id=participant_id
    )
    if person and outcome in ADMIN_CHANGES:
        dm = admin_changed_you_dm(outcome, program_name)
        await try_call(client.chat_postMessage(channel=person, **dm.as_kwargs()), what="chat.postMessage")
    if person:
        await publish_home(client, deps, team_id=team_id, user_id=person)
        await publish_home(client, deps, team_id=team_id, user_id=actor_id)  # the admin's figures
    return person, outcome
