"""``/mentor [subcommand]``: every reply is ephemeral (only the person sees it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import participation
from bot.commands import BadPauseDateError, Command, UnknownCommandError, parse
from bot.deps import deps
from bot.errors import NotEnrolledError
from bot.slack import try_call
from handlers.common import open_optin, publish_home
from prompts import messages
from prompts.blocks import Reply

Subcommand = Callable[["Request"], Awaitable[Reply | None]]


class Request:
    """One ``/mentor`` invocation: who, where, and the clients to answer with."""

    def __init__(self, command: Command, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient):
        self.command = command
        self.team_id: str = body["team_id"]
        self.user_id: str = body["user_id"]
        self.trigger_id: str = body.get("trigger_id", "")
        self.db = deps(context).db
        self.client = client


async def _join(req: Request) -> Reply | None:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    if enrolment.enrolled and req.command.name == "":
        return await _status(req)
    if not await open_optin(req.client, trigger_id=req.trigger_id, enrolment=enrolment):
        return messages.form_failed_reply()
    return None


async def _edit(req: Request) -> Reply | None:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    if not await open_optin(req.client, trigger_id=req.trigger_id, enrolment=enrolment):
        return messages.form_failed_reply()
    return None


async def _status(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    p = enrolment.participant
    if p is None or p.state == "deleted":
        return messages.not_enrolled_reply()
    return messages.status_reply(
        program_name=enrolment.program.name,
        state=p.state,
        paused_until=p.paused_until,
        answers=p.answers(),
        timezone=p.timezone,
    )


async def _pause(req: Request) -> Reply:
    await participation.pause(req.db, team_id=req.team_id, user_id=req.user_id, until=req.command.pause_until)
    await publish_home(req.client, req.db, team_id=req.team_id, user_id=req.user_id)
    return messages.paused_reply(req.command.pause_until)


async def _resume(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    if enrolment.participant is not None and enrolment.participant.state == "active":
        return messages.already_active_reply()
    await participation.resume(req.db, team_id=req.team_id, user_id=req.user_id)
    await publish_home(req.client, req.db, team_id=req.team_id, user_id=req.user_id)
    return messages.resumed_reply()


async def _leave(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    if not enrolment.enrolled:
        raise NotEnrolledError(req.user_id)
    return messages.leave_confirm_reply()


async def _delete(req: Request) -> Reply:
    enrolment = await participation.current(req.db, team_id=req.team_id, user_id=req.user_id)
    p = enrolment.participant
    if p is None or p.state == "deleted":
        return messages.nothing_to_delete_reply()
    return messages.delete_confirm_reply()


async def _help(req: Request) -> Reply:
    return messages.help_reply()


SUBCOMMANDS: dict[str, Subcommand] = {
    "": _join,
    "join": _join,
    "edit": _edit,
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
        command = parse(body.get("text", ""), today=datetime.now(UTC).date())
        reply = await SUBCOMMANDS[command.name](Request(command, body, context, client))
    except UnknownCommandError as exc:
        reply = messages.help_reply(unknown=exc.word, suggestion=exc.suggestion)
    except BadPauseDateError as exc:
        reply = messages.error_reply(str(exc))
    except NotEnrolledError:
        reply = messages.not_enrolled_reply()
    if reply is not None:
        await try_call(respond(response_type="ephemeral", **reply.as_kwargs()), what="respond")
