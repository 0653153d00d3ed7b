"""The roster: a modal an admin pages and searches through, with actions on each person."""

from __future__ import annotations

import json
from typing import Any

from prompts.blocks import Block, actions, button, context, option, plain, section
from prompts.blocks import escape as esc
from prompts.optin import ROLE_LABELS

ROSTER_CALLBACK_ID = "roster"
ACTION_OPEN_ROSTER = "open_roster"
ACTION_SEARCH = "roster_search"
ACTION_PREVIOUS = "roster_page_previous"
ACTION_NEXT = "roster_page_next"
ACTION_PERSON = "roster_person"
SEARCH_BLOCK = "roster_search"
PAGE_SIZE = 20

PERSON_ACTIONS = {
    "pause": "Pause",
    "resume": "Make active again",
    "remove": "Remove from the program",
    "promote": "Make program admin",
    "demote": "Remove as program admin",
}
RESULTS = {
    "pause": "paused",
    "resume": "active again",
    "remove": "removed (history kept)",
    "promote": "now a program admin",
    "demote": "no longer a program admin",
    "unchanged": "already so: nothing changed",
    "gone": "no longer in this program",
    "ended": "in a program that has ended, so nothing changed",
}


def _person(p: dict[str, Any], read_only: bool = False) -> Block:
    state = p["state"] + (f" until {p['paused_until'].isoformat()}" if p.get("paused_until") else "")
    line = f"<@{p['user_id']}> · {ROLE_LABELS.get(p['role'], p['role'])} · {esc(p.get('department') or '—')} · {state}"
    verbs = [v for v in PERSON_ACTIONS if not (v == "pause" and p["state"] != "active")]
    verbs = [v for v in verbs if not (v == "resume" and p["state"] not in ("paused", "left"))]
    verbs = [v for v in verbs if not (v == "remove" and p["state"] == "left")]
    verbs = [v for v in verbs if v != ("demote" if not p.get("admin") else "promote")]
    overflow = {
        "type": "overflow",
        "action_id": ACTION_PERSON,
        "options": [option(PERSON_ACTIONS[v], f"{v}:{p['id']}") for v in verbs],
    }
    if read_only:  # an ended program: its people stay as they were, but admin rights can still change
        verb = "demote" if p.get("admin") else "promote"
        only = button(PERSON_ACTIONS[verb], ACTION_PERSON, value=f"{verb}:{p['id']}")
        return section(line, accessory=only, block_id=f"person-{p['id']}")
    return section(line, accessory=overflow, block_id=f"person-{p['id']}")


def roster_modal(
    *,
    program_id: int,
    program_name: str,
    people: list[dict[str, Any]],
    total: int,
    page: int,
    query: str,
    departments: list[tuple[str, int]],
    notice: str = "",
    read_only: bool = False,
) -> Block:
    """``people``: one page (id, user_id, role, department, state, paused_until); ``total`` that match ``query``."""
    pages = max(1, -(-total // PAGE_SIZE))
    search: Block = {
        "type": "input",
        "block_id": SEARCH_BLOCK,
        "dispatch_action": True,
        "optional": True,
        "label": plain("Search"),
        "hint": plain("A department, a role (mentor, mentee, either), a state (active, paused, left) or a user ID."),
        "element": {
            "type": "plain_text_input",
            "action_id": ACTION_SEARCH,
            "max_length": 100,
            "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
            **({"initial_value": query} if query else {}),
        },
    }
    blocks: list[Block] = [section(f"*{esc(program_name)}*"), search]
    if departments:
        blocks.append(context("*Largest departments:* " + " · ".join(f"{esc(d)} {n}" for d, n in departments)))
    if notice:
        blocks.append(context(notice))
    found = f"{total} {'person' if total == 1 else 'people'}" + (f" matching “{esc(query)}”" if query else "")
    blocks.append(section(f"*{found}* · page {page + 1} of {pages}"))
    blocks += [_person(p, read_only) for p in people]
    if read_only:
        blocks.append(context("This program has ended: who took part can no longer change."))
    nav = []
    if page > 0:
        nav.append(button("Previous", ACTION_PREVIOUS, value=json.dumps({"page": page - 1, "query": query})))
    if page + 1 < pages:
        nav.append(button("Next", ACTION_NEXT, value=json.dumps({"page": page + 1, "query": query})))
    if nav:
        blocks.append(actions(*nav))
    return {
        "type": "modal",
        "callback_id": ROSTER_CALLBACK_ID,
        "title": plain("Roster"),
        "submit": plain("Search"),
        "close": plain("Done"),
        "private_metadata": json.dumps({"program_id": program_id, "page": page, "query": query}),
        "blocks": blocks,
    }


def person_result(user_id: str, outcome: str) -> str:
    return f"<@{user_id}> is {RESULTS.get(outcome, outcome)}."


def gone_modal() -> Block:
    """In place of a roster whose program no longer exists in the workspace (a stale or forged id)."""
    return {
        "type": "modal",
        "title": plain("Roster"),
        "close": plain("Done"),
        "blocks": [section("That program no longer exists in this workspace. Open the Home tab again.")],
    }
