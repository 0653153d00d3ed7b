"""Builds the Bolt ``AsyncApp``: the app's :class:`~bot.runtime.context.Deps` (settings, database, the
:class:`~bot.runtime.state.AppState`) in every request's context, handlers registered, one global error handler."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.runtime.context import Deps
from bot.runtime.errors import describe
from bot.slack.auth import TokenAuthorization
from bot.slack.client import make_client, try_call
from handlers import actions, commands, events, views
from prompts.participants import apology_reply
from storage import workspaces as workspaces_repo

logger = logging.getLogger(__name__)


async def start_app(deps: Deps) -> tuple[AsyncApp, str | None]:
    """Check the bot token with Slack, then build the app; returns it and the token's workspace id.

    A token Slack accepts means the app is installed there, so that workspace is (re)activated. ``deps`` is the
    process's one: the server, the scheduler and the CLI command that started the app are given the same.
    """
    settings = deps.settings
    http = aiohttp.ClientSession()  # shared by every Web API call; closed by close_app()
    authorization = TokenAuthorization(settings.bot_token)
    try:
        team_id = await authorization.verify(make_client(settings, deps.state.pacers, session=http), settings)
        if team_id:
            async with deps.db.session() as session:
                await workspaces_repo.ensure_workspace(session, team_id=team_id)
    except BaseException:
        await http.close()
        raise
    return build_app(deps, authorization=authorization, http=http), team_id


async def close_app(app: AsyncApp) -> None:
    """Close the HTTP connections shared by the app's Web API clients."""
    if app.client.session is not None:
        await app.client.session.close()


def build_app(
    deps: Deps,
    *,
    authorization: TokenAuthorization | None = None,
    http: aiohttp.ClientSession | None = None,
) -> AsyncApp:
    settings = deps.settings
    app = AsyncApp(
        client=make_client(settings, deps.state.pacers, with_token=False, session=http),
        authorize=authorization or TokenAuthorization(settings.bot_token),  # type: ignore[arg-type]
        signing_secret=settings.signing_secret or None,
        request_verification_enabled=not settings.socket_mode,
    )

    @app.use
    async def inject_and_deduplicate(body: dict[str, Any], context: AsyncBoltContext, next: Any) -> Any:
        context["deps"] = deps
        event_id = body.get("event_id")
        # Recorded before the listener runs: a retry of an event whose handling failed is dropped too, which is
        # right for what events do here (refresh a Home tab, mark an uninstall) and never double-processes.
        if body.get("type") == "event_callback" and event_id and context.team_id:
            async with deps.db.session() as session:
                first = await workspaces_repo.record_event_once(session, team_id=context.team_id, event_id=event_id)
            if not first:
                logger.info("Dropping a repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
        return await next()

    app.use(drop_unstorable_characters)
    commands.register(app)
    views.register(app)
    actions.register(app)
    events.register(app)
    app.error(on_error)
    return app


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL, which PostgreSQL refuses in text, and lone surrogates, which no database can encode: either in an answer
would make its every save fail (and *Try again* with it)."""


def _storable(node: Any) -> Any:
    if isinstance(node, str):
        return UNSTORABLE.sub("", node)
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _storable(value)
    elif isinstance(node, list):
        node[:] = [_storable(value) for value in node]
    return node


async def drop_unstorable_characters(body: dict[str, Any], next: Any) -> Any:
    """Every string a request carries (form answers, a command's text, button values) without the characters no
    database can store, in place, before any listener reads them: the one place every form gets it."""
    _storable(body)
    return await next()


def _first_input_block(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


async def on_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None, context: AsyncBoltContext
) -> BoltResponse | None:
    """Log the error's class and where it happened (never its message: see ``describe``); tell the person,
    briefly, in the place they were looking."""
    kind = body.get("type") or body.get("command")
    logger.error("Unhandled error in a Slack listener (%s): %s", kind, describe(error))
    apology = apology_reply()
    if response is not None:  # not acknowledged yet: answer in the HTTP response itself
        if body.get("type") == "view_submission" and (block_id := _first_input_block(body)):
            errors = {block_id: apology.text}
            return BoltResponse(
                status=200,
                body=json.dumps({"response_action": "errors", "errors": errors}),
                headers={"content-type": ["application/json;charset=utf-8"]},
            )
        if body.get("command"):
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", **apology.as_kwargs()}),
                headers={"content-type": ["application/json;charset=utf-8"]},
            )
    if context.respond is not None and body.get("response_url"):
        await try_call(context.respond(response_type="ephemeral", **apology.as_kwargs()), what="respond")
    elif user_id := (body.get("user") or {}).get("id"):
        await try_call(context.client.chat_postMessage(channel=user_id, **apology.as_kwargs()), what="apology")
    return None
