"""HTTP transport: Slack requests at ``POST /slack/events`` (counted by the app's ack gate, ``AppState.acks``),
liveness at ``GET /healthz``.

Every Slack request passes :func:`bot.runtime.gate.admit` before Bolt sees it: a request that is not signed by
Slack gets 401, a malformed one 400 or 415, with one log line naming the reason's class (never the body), and
nothing else happens: no Bolt middleware, no handler, no database access, no outbound call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.runtime.context import Deps
from bot.runtime.gate import JSON, Admitted, admit

logger = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"


def build_web_app(app: AsyncApp, deps: Deps) -> web.Application:
    """``deps``: the app's own (see :func:`bot.runtime.app.start_app`)."""

    async def slack_events(request: web.Request) -> web.Response:
        with deps.state.acks.request():
            verdict = admit(
                await request.read(), request.headers, signing_secret=deps.settings.signing_secret, now=time.time()
            )
            if not isinstance(verdict, Admitted):
                logger.warning("Refused a Slack request (%s): %d", verdict.reason, verdict.status)
                return web.Response(status=verdict.status)
            bolt_response = await app.async_dispatch(_bolt_request(request, verdict))
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


def _bolt_request(request: web.Request, admitted: Admitted) -> AsyncBoltRequest:
    """The request as Bolt receives it: the gate's parse of the body as JSON (so Bolt reads what the gate
    checked), and the request's headers (among them ``X-Slack-Retry-Num``)."""
    headers: dict[str, str | Sequence[str]] = {name.lower(): request.headers.getall(name) for name in request.headers}
    headers["content-type"] = JSON
    return AsyncBoltRequest(body=admitted.as_json(), query=request.query_string, headers=headers)
