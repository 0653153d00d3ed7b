"""The roster admins page through, and what they can do to a person: pause, resume, remove, promote to admin."""

from __future__ import annotations

from typing import Any

from bot.runtime.context import Deps
from prompts.roster import PAGE_SIZE, roster_modal
from storage import admins as admins_repo
from storage import audit as audit_repo
from storage import participants as participants_repo
from storage import programs as programs_repo
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


async def act_on_person(
    deps: Deps, *, team_id: str, actor_id: str, verb: str, participant_id: int
) -> tuple[str, str, str]:
    """Apply an admin's action to a person of this workspace; returns (their user id, outcome, program name).

    Outcomes: the verb when something changed, "unchanged" when it was already so, "gone" for no such person,
    "ended" when their program has ended (read-only).
    """
    async with deps.db.session() as session:
        person = await participants_repo.get_participant_by_id(session, team_id=team_id, participant_id=participant_id)
        if person is None or person.state == ParticipantState.DELETED:
            return "", "gone", ""
        program = await programs_repo.get_program(session, team_id=team_id, program_id=person.program_id)
        if program is None or (program.state == ProgramState.ENDED and verb in STATE_OF):
            return person.user_id, "ended", ""  # an ended program's people stay as they were (admin rights can change)
        before: dict[str, Any] = {"state": person.state}
        after: dict[str, Any]
        if verb in ("promote", "demote"):
            if verb == "promote":
                changed = await admins_repo.promote_admin(
                    session, team_id=team_id, user_id=person.user_id, added_by=actor_id
                )
            else:
                changed = await admins_repo.demote_admin(session, team_id=team_id, user_id=person.user_id)
            if not changed:
                return person.user_id, "unchanged", program.name
            before, after = {"admin": verb == "demote"}, {"admin": verb == "promote"}
        elif verb in STATE_OF:
            if person.state == STATE_OF[verb]:
                return person.user_id, "unchanged", program.name
            await participants_repo.set_state(session, participant=person, state=STATE_OF[verb])
            after = {"state": person.state}
        else:
            return person.user_id, "gone", program.name
        await audit_repo.record_audit(
            session,
            team_id=team_id,
            actor_id=actor_id,
            action=f"participant.{verb}",
            target=f"user:{person.user_id}",
            before=before,
            after=after,
        )
        return person.user_id, verb, program.name
