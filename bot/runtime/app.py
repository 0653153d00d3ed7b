"""Builds the Bolt ``AsyncApp``: only installed workspaces, the app's :class:`~bot.runtime.context.Deps`
(settings, database, the :class:`~bot.runtime.state.AppState`) in every request's context, Slack's retries dropped,
handlers registered, one global error handler, which also answers requests no listener handles
(:mod:`bot.runtime.unhandled`)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.runtime.context import Deps
from bot.runtime.errors import describe
from bot.runtime.interactions import handle_once
from bot.runtime.unhandled import answer_unhandled, first_input_block
from bot.slack.auth import RequestWorkspace, TokenAuthorization
from bot.slack.client import SLACK_FAILURES, make_client, slack_error, try_call
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
    """Bolt's own signature check is off: over HTTP, :func:`bot.runtime.server.build_web_app` verifies every
    request before Bolt sees it (:mod:`bot.runtime.gate`; Bolt's check would log the whole body of a request that
    fails it), and Slack authenticates a Socket Mode connection itself. Whatever dispatches to this app over HTTP
    must go through that gate."""
    settings = deps.settings
    authorization = authorization or TokenAuthorization(settings.bot_token)

    async def only_installed(body: dict[str, Any], context: AsyncBoltContext, next: Any) -> Any:
        """Before Bolt's authorization, and before anything reads or writes the database: a request from a
        workspace the app is not installed in is refused (:meth:`TokenAuthorization.installed`). An event gets an
        empty 200, so Slack neither retries it nor counts it as a failure of the app's event subscription (which
        it turns off when failures pile up); anything else gets an empty 403: the person sees that it failed, and
        is told nothing about this app. When Slack could not confirm the installation (at start-up nor now), an
        empty 503: nothing is answered to anyone."""
        if body.get("type") == "url_verification":  # names no workspace; Bolt answers it (ssl_check: before this)
            return await next()
        try:
            installed = await authorization.installed(context.client, RequestWorkspace.of(body, context))
        except SLACK_FAILURES as exc:  # auth.test failed at start-up and again now: nothing can be authorized
            logger.warning("Could not confirm the installation with Slack (%s)", slack_error(exc))
            return BoltResponse(status=503, body="")
        if installed:
            return await next()
        logger.warning(
            "Refused a request from workspace %s (enterprise %s): not installed there",
            context.team_id,
            context.enterprise_id,
        )
        return BoltResponse(status=200 if body.get("type") == "event_callback" else 403, body="")

    app = AsyncApp(
        client=make_client(settings, deps.state.pacers, with_token=False, session=http),
        before_authorize=only_installed,
        authorize=authorization,  # type: ignore[arg-type]
        signing_secret=settings.signing_secret or None,
        request_verification_enabled=False,
        raise_error_for_unhandled_request=True,  # to on_error, not Bolt's 404 and its warning (which logs values)
    )

    @app.use
    async def inject_and_deduplicate(
        body: dict[str, Any], context: AsyncBoltContext, request: AsyncBoltRequest, next: Any
    ) -> Any:
        context["deps"] = deps
        team_id = context.team_id
        event_id = body.get("event_id")
        trigger_id = body.get("trigger_id")
        if not team_id:
            return await next()
        if body.get("type") == "event_callback" and event_id:
            # Recorded before the listener runs: a retry of an event whose handling failed is dropped too, which is
            # right for what events do here (refresh a Home tab, mark an uninstall) and never double-processes.
            async with deps.db.session() as session:
                first = await workspaces_repo.record_event_once(session, team_id=team_id, event_id=event_id)
        elif trigger_id:  # an interaction or a slash command (see bot.runtime.interactions)
            retry = bool(request.headers.get("x-slack-retry-num"))
            first = await handle_once(deps, team_id=team_id, trigger_id=trigger_id, retry=retry)
        else:
            first = True
        if not first:
            logger.info("Dropping a repeated delivery of %s in workspace %s", body.get("type") or "a command", team_id)
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


async def on_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None, context: AsyncBoltContext
) -> BoltResponse | None:
    """Log the error's class and where it happened (never its message: see ``describe``); tell the person,
    briefly, in the place they were looking.

    Only once the request is authorized (verified, from the installed workspace, a token given): an error before
    that answers nothing, to no address the request names (its ``response_url``), and Slack gets a 500.

    A request no listener handled is no error: :func:`~bot.runtime.unhandled.answer_unhandled` logs and answers it.
    """
    if isinstance(error, BoltUnhandledRequestError):
        return answer_unhandled(body, context.team_id)
    kind = body.get("type") or body.get("command")
    logger.error(
        "Unhandled error in a Slack listener (%s): %s", kind if isinstance(kind, str) else None, describe(error)
    )
    if context.authorize_result is None:
        return None
    apology = apology_reply()
    if response is not None:  # not acknowledged yet: answer in the HTTP response itself
        if body.get("type") == "view_submission" and (block_id := first_input_block(body)):
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
    user = body.get("user")
    if context.respond is not None and body.get("response_url"):
        await try_call(context.respond(response_type="ephemeral", **apology.as_kwargs()), what="respond")
    elif isinstance(user, dict) and isinstance(user_id := user.get("id"), str) and user_id:
        await try_call(context.client.chat_postMessage(channel=user_id, **apology.as_kwargs()), what="apology")
    return None
