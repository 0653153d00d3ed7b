"""``/mentor [subcommand]``: every reply is ephemeral (only the person sees it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import intros, participants
from bot.home import my_programs
from bot.intros import TopicFor
from bot.participants import Enrolment
from bot.runtime.context import Deps, deps
from bot.runtime.errors import NotEnrolledError, PauseDateError
from bot.slack.client import try_call
from handlers.commands.parsing import Command, UnknownCommandError, parse
from handlers.common import open_optin
from prompts import intros as intro_prompts
from prompts import participants as participant_prompts
from prompts.blocks import Reply


@dataclass(frozen=True)
class Request:
    """One ``/mentor`` invocation: what was asked, by whom, and how to answer."""

    command: Command
    team_id: str
    user_id: str
    trigger_id: str
    deps: Deps
    client: AsyncWebClient


async def _programs(req: Request) -> list[Enrolment]:
    return await participants.programs_for(req.deps, team_id=req.team_id, user_id=req.user_id)


async def _status(req: Request, enrolments: list[Enrolment]) -> Reply:
    """The person's state (and pair) in every program they have a row in, or an invitation to join."""
    latest = participants.latest_profile(enrolments)
    if latest is None:
        return (
            participant_prompts.not_enrolled_reply()
            if any(e.joinable for e in enrolments)
            else participant_prompts.no_open_program_reply()
        )
    programs = await my_programs(req.deps, team_id=req.team_id, user_id=req.user_id, enrolments=enrolments)
    return participant_prompts.status_reply(programs=programs, answers=latest.answers(), timezone=latest.timezone)


async def _form(req: Request) -> Reply | None:
    """``/mentor`` (status once enrolled), ``join`` and ``edit``: the opt-in modal, pre-filled if possible."""
    enrolments = await _programs(req)
    if req.command.name == "" and any(e.enrolled for e in enrolments):
        return await _status(req, enrolments)
    joining = req.command.name != "edit"  # join: a program you're not in yet; edit: the one you're in
    return await open_optin(req.client, trigger_id=req.trigger_id, enrolments=enrolments, joining=joining)


async def _show_status(req: Request) -> Reply:
    return await _status(req, await _programs(req))


def _names(enrolments: list[Enrolment]) -> list[str]:
    return [e.program.name for e in enrolments]


async def _pause(req: Request) -> Reply:
    until = req.command.pause_until
    paused = await participants.pause_and_show(
        req.deps, req.client, team_id=req.team_id, user_id=req.user_id, until=until, now=datetime.now(UTC)
    )
    return participant_prompts.paused_reply(until, _names(paused))


async def _resume(req: Request) -> Reply:
    resumed = await participants.resume_and_show(req.deps, req.client, team_id=req.team_id, user_id=req.user_id)
    return participant_prompts.resumed_reply(_names(resumed)) if resumed else participant_prompts.already_active_reply()


async def _leave(req: Request) -> Reply:
    mine = await participants.taking_part(req.deps, team_id=req.team_id, user_id=req.user_id, program_id=None)
    return participant_prompts.leave_confirm_reply([(e.program.id or 0, e.program.name) for e in mine])


async def _delete(req: Request) -> Reply:
    has_data = await participants.holds_data(req.deps, team_id=req.team_id, user_id=req.user_id)
    return participant_prompts.delete_confirm_reply() if has_data else participant_prompts.nothing_to_delete_reply()


async def _avoid(req: Request) -> Reply:
    """``/mentor avoid [remove] [@someone …]``: the private "don't pair me with" list, used by every match."""
    cmd = req.command
    if cmd.stray:
        return participant_prompts.avoid_problem_reply("stray", cmd.stray)
    if req.user_id in cmd.people:
        return participant_prompts.avoid_problem_reply("self")
    add, remove = ((), cmd.people) if cmd.remove else (cmd.people, ())
    people, ok = await participants.update_avoid_list(
        req.deps.db, team_id=req.team_id, user_id=req.user_id, add=add, remove=remove
    )
    if not ok:
        return participant_prompts.avoid_problem_reply("full")
    return participant_prompts.avoid_list_reply(people, added=add, removed=remove)


async def _rematch(req: Request) -> Reply:
    """``/mentor rematch [reason]``: a private request for a new partner in the next round."""
    rematch = await intros.rematch_my_pair(
        req.deps, team_id=req.team_id, user_id=req.user_id, reason=req.command.reason
    )
    if isinstance(rematch, int):  # not in exactly one pair
        return intro_prompts.rematch_which_pair_reply(rematch) if rematch else intro_prompts.rematch_needs_pair_reply()
    return intro_prompts.rematch_recorded_reply(rematch.program_name, again=rematch.again)


async def _topic(req: Request) -> Reply:
    """``/mentor topic [@partner]``: the pair's next topic (never one it has had), posted in its conversation."""
    found = await intros.next_topic(req.deps, team_id=req.team_id, user_id=req.user_id, named=req.command.people)
    if found.found is TopicFor.NO_PAIR:
        return intro_prompts.topic_needs_pair_reply(next(iter(found.partners), None))
    if found.found is TopicFor.WHICH_PAIR:
        return intro_prompts.topic_which_pair_reply(list(found.partners))
    if found.found is TopicFor.NO_MORE or found.topic is None:
        return intro_prompts.no_more_topics_reply()
    [partner] = found.partners
    message = intro_prompts.topic_message(found.topic, req.user_id)
    posted = (
        await try_call(req.client.chat_postMessage(channel=found.channel_id, **message.as_kwargs()), what="topic")
        if found.channel_id
        else None
    )
    return (
        intro_prompts.topic_posted_reply(partner)
        if posted is not None
        else intro_prompts.topic_private_reply(found.topic)
    )


async def _help(req: Request) -> Reply:
    return participant_prompts.help_reply()


FORM_COMMANDS = frozenset({"", "join", "edit"})
SUBCOMMANDS: dict[str, Callable[[Request], Awaitable[Reply | None]]] = {
    "": _form,
    "join": _form,
    "edit": _form,
    "status": _show_status,
    "pause": _pause,
    "resume": _resume,
    "leave": _leave,
    "delete-my-data": _delete,
    "avoid": _avoid,
    "rematch": _rematch,
    "topic": _topic,
    "help": _help,
}


async def handle_mentor(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    try:
        command = parse(body.get("text", ""))
        if command.name not in FORM_COMMANDS:  # views.open must use the trigger within 3 s: no waiting for those
            await deps(context).state.acks.wait_idle()
        request = Request(command, body["team_id"], body["user_id"], body.get("trigger_id", ""), deps(context), client)
        reply = await SUBCOMMANDS[command.name](request)
    except UnknownCommandError as exc:
        reply = participant_prompts.help_reply(unknown=exc.word, suggestion=exc.suggestion)
    except PauseDateError as exc:
        reply = participant_prompts.pause_date_error_reply(exc.reason, exc.word)
    except NotEnrolledError:
        reply = participant_prompts.not_enrolled_reply()
    if reply is not None:
        await try_call(respond(response_type="ephemeral", **reply.as_kwargs()), what="respond")
