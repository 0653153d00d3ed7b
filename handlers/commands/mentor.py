"""``/mentor [subcommand]``: every reply is ephemeral (only the person sees it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.acks import pending_acks
from bot.commands import Command, UnknownCommandError, parse
from bot.deps import Deps, deps
from bot.errors import NotEnrolledError, PauseDateError
from bot.home import publish_home
from bot.slack import try_call
from handlers.common import open_optin
from prompts import messages
from prompts.blocks import Reply
from storage.db import Database


@dataclass(frozen=True)
class Request:
    """One ``/mentor`` invocation: what was asked, by whom, and how to answer."""

    command: Command
    team_id: str
    user_id: str
    trigger_id: str
    deps: Deps
    client: AsyncWebClient

    @property
    def db(self) -> Database:
        return self.deps.db


async def _form(req: Request) -> Reply | None:
    """``/mentor`` (status once enrolled), ``join`` and ``edit``: the opt-in modal, pre-filled if possible."""
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    if enrolment.enrolled and req.command.name == "":
        return messages.status_or_join_reply(enrolment.program.name, enrolment.participant)
    if not await open_optin(req.client, trigger_id=req.trigger_id, enrolment=enrolment):
        return messages.form_failed_reply()
    return None


async def _status(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    return messages.status_or_join_reply(enrolment.program.name, enrolment.participant)


async def _pause(req: Request) -> Reply:
    until = req.command.pause_until
    await participation.pause(req.db, team_id=req.team_id, user_id=req.user_id, until=until, now=datetime.now(UTC))
    await publish_home(req.client, req.deps, team_id=req.team_id, user_id=req.user_id)
    return messages.paused_reply(until)


async def _resume(req: Request) -> Reply:
    if not await participation.resume(req.db, team_id=req.team_id, user_id=req.user_id):
        return messages.already_active_reply()
    await publish_home(req.client, req.deps, team_id=req.team_id, user_id=req.user_id)
    return messages.resumed_reply()


async def _leave(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    return messages.leave_confirm_reply() if enrolment.enrolled else messages.not_enrolled_reply()


async def _delete(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    return messages.delete_confirm_reply() if enrolment.participant else messages.nothing_to_delete_reply()


async def _help(req: Request) -> Reply:
    return messages.help_reply()


FORM_COMMANDS = frozenset({"", "join", "edit"})
SUBCOMMANDS: dict[str, Callable[[Request], Awaitable[Reply | None]]] = {
    "": _form,
    "join": _form,
    "edit": _form,
    "status": _status,
    "pause": _pause,
    "resume": _resume,
    "leave": _leave,
    "delete-my-data": _delete,
    "help": _help,
}


async def handle_mentor(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    try:
        command = parse(body.get("text", ""))
        if command.name not in FORM_COMMANDS:  # views.open must use the trigger within 3 s: no waiting for those
            await pending_acks.wait_idle()
        request = Request(command, body["team_id"], body["user_id"], body.get("trigger_id", ""), deps(context), client)
        reply = await SUBCOMMANDS[command.name](request)
    except UnknownCommandError as exc:
        reply = messages.help_reply(unknown=exc.word, suggestion=exc.suggestion)
    except PauseDateError as exc:
        reply = messages.pause_date_error_reply(exc.reason, exc.word)
    except NotEnrolledError:
        reply = messages.not_enrolled_reply()
    if reply is not None:
        await try_call(respond(response_type="ephemeral", **reply.as_kwargs()), what="respond")
