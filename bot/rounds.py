"""Rounds of matching for a program: who is matched from the database, and the proposal for the next round.

Today: the proposal only (``python -m bot match --dry-run``). Storing rounds (for previews, publishing,
introductions and avoiding repeat pairs) comes with the rest of the matching capability; until then no pair is
"recent". People's "don't pair me with" lists (``/mentor avoid``) apply.
"""

from __future__ import annotations

import re
from typing import Any

from bot.deps import Deps
from bot.matching import Person, Proposal, Rules, match
from bot.programs import target_program
from prompts.matching import explanation, unmatched_text
from storage import repositories as repo
from storage.models import Participant, Program


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


async def propose(deps: Deps, *, team_id: str, program_name: str | None = None) -> tuple[Program, Proposal]:
    """The next round of a program (by name, or the first open one), computed, not stored or sent."""
    program = await target_program(deps, team_id=team_id, name=program_name)
    assert program.id is not None
    async with deps.db.read() as session:
        rows = await repo.active_participants(session, team_id=team_id, program_id=program.id)
        avoid = await repo.avoided_by(session, team_id=team_id, user_ids=[p.user_id for p in rows])
    people = [person_of(p, frozenset(avoid.get(p.user_id, set()))) for p in rows]
    rules = Rules.of_program(program.rules or {}, program.quiet_start, program.quiet_end)
    return program, match(people, rules, recent=set())


def _plain(text: str) -> str:
    """Slack mentions as @U123 for a terminal."""
    return re.sub(r"<@([A-Z0-9]+)>", r"@\1", text)


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
        "Round history is not stored yet, so repeats of earlier pairs aren't excluded.",
    ]
    lines += [f"  @{p['mentor']} → @{p['mentee']} ({p['score']:g}): {p['explanation']}" for p in data["pairs"]]
    if data["unmatched"]:
        lines.append("Left out:")
        lines += [f"  @{u['user']} ({u['side']}, {u['reason']}): {u['message']}" for u in data["unmatched"]]
    return "\n".join(lines)
