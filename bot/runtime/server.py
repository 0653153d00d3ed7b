"""HTTP transport: Slack requests at ``POST /slack/events`` (counted by the app's ack gate, ``AppState.acks``),
liveness at ``GET /healthz``."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.runtime.context import Deps

logger = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"


def build_web_app(app: AsyncApp, deps: Deps) -> web.Application:
    """``deps``: the app's own (see :func:`bot.runtime.app.start_app`)."""

    async def slack_events(request: web.Request) -> web.Response:
        with deps.state.acks.request():
            bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        try:
            await deps.db.ping()
        except Exception:  # the probe's whole purpose is to turn any database failure into a 503
            logger.exception("Health check: database unreachable")
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True, "database": "ok"})

    web_app = web.Application()
    web_app.add_routes([web.post(SLACK_PATH, slack_events), web.get("/healthz", healthz)])
    return web_app
