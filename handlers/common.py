"""Small pieces several handlers share: who is asking, which program a button means, answering where the person
is, and opening the opt-in modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import participants
from bot.participants import Enrolment
from bot.slack.client import try_call
from prompts.blocks import Reply
from prompts.optin import PROGRAM, optin_modal
from prompts.participants import form_failed_reply, no_open_program_reply, program_closed_reply
from prompts.topics import program_topics


def team_and_user(body: dict[str, Any]) -> tuple[str, str]:
    """``(team_id, user_id)`` of an interactivity payload (block_actions, view_submission)."""
    user = body["user"]
    return (body.get("team") or {}).get("id") or user["team_id"], user["id"]


def parse_id(text: Any) -> int | None:
    """A database id sent back by Slack (a button value, a menu choice), or None for anything else: forged
    values never reach a query as a number the database can't hold."""
    value = str(text or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def program_id_of(action: dict[str, Any]) -> int | None:
    """The program id a button carries in its value (None for buttons that name no program, or a bad value)."""
    return parse_id(action.get("value"))


def chosen_program(values: dict[str, Any]) -> int | None:
    """The program picked in the sign-up form's menu (shown when several are open), if any."""
    return parse_id(((values.get(PROGRAM) or {}).get(PROGRAM) or {}).get("selected_option", {}).get("value"))


async def tell(client: AsyncWebClient, respond: AsyncRespond | None, body: dict[str, Any], reply: Reply) -> None:
    """Answer in the ephemeral message the click came from, or by DM for clicks on the Home tab."""
    if respond is not None and body.get("response_url"):
        await try_call(respond(response_type="ephemeral", replace_original=False, **reply.as_kwargs()), what="respond")
    else:
        await try_call(client.chat_postMessage(channel=body["user"]["id"], **reply.as_kwargs()), what="DM")


def optin_view(
    enrolments: list[Enrolment],
    *,
    program_id: int | None = None,
    answers: dict[str, Any] | None = None,
    joining: bool = False,
) -> dict[str, Any] | None:
    """The sign-up form for ``program_id`` (or, without one, the program the person is most likely after: see
    :func:`bot.participants.form_target`), pre-filled with ``answers`` or else their saved ones; with several
    programs open, it offers a menu of them. None when that program (or every program) takes no sign-ups."""
    target = participants.form_target(enrolments, program_id, joining=joining)
    if target is None:
        return None
    program = target.program
    assert program.id is not None
    saved = target.participant or participants.latest_profile(enrolments)
    if answers is None and saved is not None:
        answers = saved.answers()
    choices = [(e.program.id, e.program.name) for e in enrolments if e.joinable and e.program.id is not None]
    return optin_modal(
        program_id=program.id,
        program_name=program.name,
        objectives=program.objectives,
        answers=answers,
        topics=program_topics(program.topics),
        choices=choices,
        editing=target.enrolled,
    )


async def open_optin(
    client: AsyncWebClient,
    *,
    trigger_id: str,
    enrolments: list[Enrolment],
    program_id: int | None = None,
    answers: dict[str, Any] | None = None,
    joining: bool = False,
) -> Reply | None:
    """Open the sign-up form (see :func:`optin_view`); what to tell the person when it can't be opened (that
    program or every program closed, or Slack refused the trigger)."""
    view = optin_view(enrolments, program_id=program_id, answers=answers, joining=joining)
    if view is None:
        named = next((e.program.name for e in enrolments if e.program.id == program_id), None)
        return program_closed_reply(named) if program_id is not None else no_open_program_reply()
    opened = await try_call(client.views_open(trigger_id=trigger_id, view=view), what="views.open")
    return None if opened is not None else form_failed_reply()


def pair_and_period(value: Any) -> tuple[int, int]:
    """A ``pair:period`` button value or private_metadata (0 for anything that isn't a number)."""
    pair, _, period = str(value or "").partition(":")
    return parse_id(pair) or 0, parse_id(period) or 0
