"""Ack latency of the bot over HTTP, beside a bare Bolt app that only acks (the floor).

Run from the repository root::

    python bench/ack_latency.py [--mode burst|sustained] [--requests N] [--database-url URL] [--check]

It starts a fake Slack Web API in this process (``tests.support.fake_slack.FakeSlack``), the real bot (``python -m
bot``) and a bare Bolt app as subprocesses on loopback, then, for ``/mentor status`` and for the opt-in modal's
submission at 1, 10 and 50 concurrent requests, sends signed requests to each and times send → HTTP response (the
ack). It prints a Markdown table (p50/p95/p99 in ms), the bot's p99 against the floor's, and PASS/FAIL against the
targets: p99 under 100 ms at 50 concurrent, and within 2× the floor.

Two modes read "C concurrent requests" differently:

* ``burst`` (the default; the primary measurement): rounds in which exactly C requests are sent at the same moment
  (``asyncio.gather`` of C pre-signed requests over connections already open, so TCP connect is not timed), each
  request timed from its own send to its response. After each round the bench waits for that round's after-ack
  work to finish (one ``response_url`` post per ``/mentor status``, one ``views.publish`` per opt-in) and starts
  the next round on an idle server, until at least N samples are collected (N/C rounds). Each cell starts with
  one warm-up round of C requests, not counted (it also opens the C connections). This is what users meet when
  C requests arrive together: the acks of C requests, plus whatever of the first requests' after-ack work the
  server runs before the last ack. Also printed per cell: how long after the round's last ack the after-ack
  work finished (p50 over rounds), and the number of TCP connections opened during the measured rounds (expected
  none).
* ``sustained``: a closed loop that keeps C requests in flight continuously (N requests per cell, a new one sent
  as soon as one is answered). A saturation test: latency there ≈ queue length / throughput, so it is dominated
  by each request's total server CPU, including the work done after the ack. It prints throughput (req/s).

Common to both:

* The database is a SQLite file in a temporary directory unless ``--database-url`` names another one; for
  PostgreSQL (``postgresql://127.0.0.1:5432/test``) a throwaway database ``bench_<random>`` is created on that
  server (the bot migrates it) and dropped at the end, so the named database itself is not touched.
* Users of ``/mentor status`` are enrolled first (through the opt-in submission), so status reads a profile;
  opt-in submissions cycle over more users, so they are both inserts and updates, saved before the ack as in
  production. A burst never holds two requests of the same user. Every response must be HTTP 200 with an empty
  body (a plain ack); anything else counts as a failure.
* Server CPU per request (from ``/proc``) is printed for both targets.
* The exit code is 0 (it is a report); with ``--check`` it is 1 when a target is missed or a request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # `python bench/ack_latency.py` puts bench/ on the path, not the root
    sys.path.insert(0, str(REPO_ROOT))

import aiohttp  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from prompts.optin import optin_modal  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.optin import optin_values  # noqa: E402

TEAM_ID = "T0BENCH"
BOT_TOKEN = "xoxb-bench"
SIGNING_SECRET = "bench-signing-secret"
CONCURRENCY = (1, 10, 50)
STATUS_USERS = 50  # enrolled before measuring; /mentor status cycles over them
OPTIN_USERS = 200  # opt-in submissions cycle over these (the first STATUS_USERS exist already: updates)
WARMUP = 20  # requests per target and scenario before measuring
P99_TARGET_MS = 100.0
P99_TARGET_CONCURRENCY = 50
FLOOR_FACTOR = 2.0
REQUEST_TIMEOUT_S = 10.0  # one request
CELL_TIMEOUT_S = 300.0  # one target x scenario x concurrency
START_TIMEOUT_S = 30.0  # a server's /healthz to answer 200
STOP_TIMEOUT_S = 10.0  # SIGTERM to exit, then SIGKILL
DRAIN_TIMEOUT_S = 120.0  # the bot's follow-up work (after the ack) to finish between cells or rounds
POLL_S = 0.002  # burst mode: how often the fake's record is looked at while waiting for a round's follow-ups
SETTLE_S = 0.02  # burst mode: after a round's last follow-up call, for the rest of its work (a log line)

BURST = "burst"
SUSTAINED = "sustained"
MODES = (BURST, SUSTAINED)
MODE_LINES = {
    BURST: "burst: rounds of exactly C requests sent at once over warm connections, each round's after-ack work "
    "finished before the next",
    SUSTAINED: "sustained: closed loop keeping C requests in flight continuously (a saturation test)",
}

STATUS = "/mentor status"
OPTIN = "opt-in submission"
SCENARIOS = (STATUS, OPTIN)
BOT = "bot"
FLOOR = "floor"

# The floor: a bare Bolt app with the same transport as the bot (aiohttp, /slack/events, signature checks),
# whose listeners only ack. Written to a file in the temporary directory and run as `python floor.py ...`.
FLOOR_APP = """\
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

port, slack_api_url, signing_secret, token = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
# The token's auth.test (once, on the first request) goes to the fake Web API; the result is cached.
app = AsyncApp(
    client=AsyncWebClient(token=token, base_url=slack_api_url),
    signing_secret=signing_secret,
    request_verification_enabled=True,
)


@app.command("/mentor")
async def mentor(ack):
    await ack()


@app.view("mentor_optin")
async def optin(ack):
    await ack()


async def slack_events(request):
    return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))


async def healthz(_request):
    return web.json_response({"ok": True})


web_app = web.Application()
web_app.add_routes([web.post("/slack/events", slack_events), web.get("/healthz", healthz)])
web.run_app(web_app, host="127.0.0.1", port=int(port), access_log=None, print=None)
"""


# --- requests ------------------------------------------------------------------------------------------------


def user_id(n: int) -> str:
    return f"UB{n:05d}"


def command_body(fake: FakeSlack, text: str, uid: str) -> str:
    """A ``/mentor`` slash command as Slack posts it (as ``tests.support.signed.SlackSender.command_body``)."""
    return urlencode(
        {
            "token": "verification-token",
            "team_id": TEAM_ID,
            "team_domain": "bench",
            "channel_id": "C2147483705",
            "channel_name": "general",
            "user_id": uid,
            "user_name": uid.lower(),
            "command": "/mentor",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": fake.webhook_url("bench"),
            "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        }
    )


OPTIN_VIEW = optin_modal(program_id=1, program_name="Bench", objectives="")
OPTIN_VALUES = optin_values()


def optin_body(uid: str) -> str:
    """The opt-in modal's view_submission (as ``tests.support.signed.SlackSender.submit_view``)."""
    view = {
        **OPTIN_VIEW,
        "id": "V" + uuid.uuid4().hex[:8].upper(),
        "team_id": TEAM_ID,
        "state": {"values": OPTIN_VALUES},
        "hash": "1.2",
        "app_id": "A0001",
        "bot_id": "B0001",
    }
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "bench"},
        "user": {"id": uid, "username": uid.lower(), "name": uid.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0001",
        "token": "verification-token",
        "trigger_id": f"1337.{uuid.uuid4().hex[:8]}",
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def bodies(scenario: str, fake: FakeSlack) -> list[bytes]:
    """Request bodies, built once (an opt-in body is ~17 kB of JSON); the n-th request sends ``[n % len]``."""
    if scenario == STATUS:
        return [command_body(fake, "status", user_id(n)).encode() for n in range(STATUS_USERS)]
    return [optin_body(user_id(n)).encode() for n in range(OPTIN_USERS)]


VERIFIER = SignatureVerifier(SIGNING_SECRET)


def sign(body: bytes) -> dict[str, str]:
    """Slack's signature headers with a fresh timestamp (as ``tests.support.signed.sign``)."""
    timestamp = str(int(time.time()))
    signature = VERIFIER.generate_signature(timestamp=timestamp, body=body)
    assert signature is not None  # None only without a signing secret
    return {"x-slack-request-timestamp": timestamp, "x-slack-signature": signature}


# --- measuring -----------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks; NaN for no values."""
    data = sorted(values)
    if not data:
        return float("nan")
    rank = (len(data) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


@dataclass
class Cell:
    target: str
    scenario: str
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    failure_sample: str = ""
    wall_s: float = 0.0
    drain_s: float = 0.0  # sustained: from the cell's last response to the end of the bot's after-ack work
    cpu_s: float = float("nan")  # CPU time of the server process: the requests, their acks and after-ack work
    rounds: int = 0  # burst: measured rounds
    lags_ms: list[float] = field(default_factory=list)  # burst: per round, last ack → last follow-up call
    connects: int = 0  # burst: TCP connections opened during the measured rounds

    def percentile(self, p: float) -> float:
        """Linear interpolation between closest ranks; NaN when nothing succeeded."""
        return percentile(self.latencies_ms, p)

    def record(self, ms: float, status: int, text: str) -> None:
        if status == 200 and not text:
            self.latencies_ms.append(ms)
        else:
            self.fail(f"HTTP {status}: {text[:200]}")

    def fail(self, sample: str) -> None:
        self.failures += 1
        self.failure_sample = self.failure_sample or sample

    @property
    def cpu_ms_per_request(self) -> float:
        done = len(self.latencies_ms) + self.failures
        return self.cpu_s * 1000 / done if done else float("nan")

    @property
    def rate(self) -> float:
        done = len(self.latencies_ms) + self.failures
        return done / self.wall_s if self.wall_s > 0 else float("nan")


TRIGGER_ID = re.compile(rb"1337\.[0-9a-f]{8}")


def fresh(body: bytes) -> bytes:
    """The body with a new ``trigger_id``: Slack gives every interaction its own, and the app handles a
    ``trigger_id`` once (:mod:`bot.runtime.interactions`), so a body built once is sent as a new one each time."""
    return TRIGGER_ID.sub(f"1337.{uuid.uuid4().hex[:8]}".encode(), body, count=1)


def signed_headers(body: bytes) -> dict[str, str]:
    return {"content-type": "application/x-www-form-urlencoded", **sign(body)}


async def post(
    session: aiohttp.ClientSession, base_url: str, body: bytes, headers: dict[str, str]
) -> tuple[float, float, int, str]:
    """Post an already signed body and read the whole response: (sent, answered) ``perf_counter``, status, body."""
    started = time.perf_counter()
    async with session.post(base_url + "/slack/events", data=body, headers=headers) as response:
        text = await response.text()
    return started, time.perf_counter(), response.status, text


async def send(session: aiohttp.ClientSession, base_url: str, body: bytes) -> tuple[float, int, str]:
    """Sign with a fresh timestamp, post, read the whole response: (ms, status, body)."""
    body = fresh(body)
    started, answered, status, text = await post(session, base_url, body, signed_headers(body))
    return (answered - started) * 1000, status, text


async def run_cell(
    session: aiohttp.ClientSession, base_url: str, payloads: list[bytes], cell: Cell, requests: int
) -> None:
    """``requests`` requests with at most ``cell.concurrency`` in flight (one worker task per slot)."""
    counter = itertools.count()

    async def worker() -> None:
        while (n := next(counter)) < requests:
            try:
                ms, status, text = await send(session, base_url, payloads[n % len(payloads)])
            except (aiohttp.ClientError, TimeoutError) as exc:
                cell.fail(repr(exc))
                continue
            cell.record(ms, status, text)

    started = time.perf_counter()
    async with asyncio.timeout(CELL_TIMEOUT_S):
        await asyncio.gather(*(worker() for _ in range(cell.concurrency)))
    cell.wall_s = time.perf_counter() - started


# What the bot sends the fake Web API once per request after the ack: the last step of each handler.
FOLLOW_UP = {STATUS: "response_url", OPTIN: "views.publish"}


async def drain(fake: FakeSlack, target: str, scenario: str, requests: int) -> float:
    """Wait for the bot's after-ack work of the requests just sent, so it does not weigh on the next cell.

    The bot ends each request with one call to the fake (``FOLLOW_UP``); the floor makes none. Then the fake's
    record is cleared, which keeps its memory bounded (users are kept). Returns the seconds waited.
    """
    started = time.perf_counter()
    method = FOLLOW_UP[scenario]
    expected = requests if target == BOT else 0
    try:
        done = await fake.wait_for(method, expected, timeout=DRAIN_TIMEOUT_S)
    except AssertionError:
        done = fake.calls_to(method)
        print(f"warning: {len(done)} of {expected} {method} calls after {DRAIN_TIMEOUT_S:.0f} s", file=sys.stderr)
    check_status_replies(done, target, scenario)
    waited = time.perf_counter() - started
    await asyncio.sleep(0.2)  # the rest of the last requests' work (a log line, a commit)
    reset_fake(fake)
    return waited


class Connections:
    """Counts the TCP connections the client session opens (an aiohttp trace)."""

    def __init__(self) -> None:
        self.opened = 0
        self.trace = aiohttp.TraceConfig()
        self.trace.on_connection_create_end.append(self._opened)

    async def _opened(self, _session: aiohttp.ClientSession, _context: Any, _params: Any) -> None:
        self.opened += 1


FAKE_ERRORS: list[BaseException] = []  # errors the fake raised, kept across its resets


def reset_fake(fake: FakeSlack) -> None:
    FAKE_ERRORS.extend(fake.errors)
    fake.reset()


def check_status_replies(calls: list[dict[str, Any]], target: str, scenario: str) -> None:
    if target == BOT and scenario == STATUS and any("not taking part" in str(c.get("text")) for c in calls):
        raise RuntimeError("/mentor status answered 'not enrolled': the benchmark would measure the wrong path")


async def follow_ups_done(fake: FakeSlack, method: str, expected: int) -> float:
    """Wait for ``expected`` calls to ``method``, polling every ``POLL_S``: the ``perf_counter`` when seen."""
    deadline = time.perf_counter() + DRAIN_TIMEOUT_S
    while (seen := len(fake.calls_to(method))) < expected:
        if time.perf_counter() >= deadline:
            print(f"warning: {seen} of {expected} {method} calls after {DRAIN_TIMEOUT_S:.0f} s", file=sys.stderr)
            break
        await asyncio.sleep(POLL_S)
    return time.perf_counter()


async def burst_round(
    session: aiohttp.ClientSession,
    base_url: str,
    bodies_: list[bytes],
    fake: FakeSlack,
    target: str,
    scenario: str,
    cell: Cell | None,
) -> float:
    """Send ``bodies_`` all at once, wait for their after-ack work; record into ``cell`` unless it is None.

    Returns the milliseconds from the round's last ack to the last follow-up call (NaN for the floor, which
    makes none, or when no request succeeded).
    """
    signed = [(body, signed_headers(body)) for body in map(fresh, bodies_)]  # signed first: the sends leave together

    async def one(body: bytes, headers: dict[str, str]) -> tuple[float, float, int, str] | BaseException:
        try:
            return await post(session, base_url, body, headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return exc

    results = await asyncio.gather(*(one(body, headers) for body, headers in signed))
    last_ack = max((r[1] for r in results if not isinstance(r, BaseException)), default=float("nan"))
    if cell is not None:
        for result in results:
            if isinstance(result, BaseException):
                cell.fail(repr(result))
            else:
                started, answered, status, text = result
                cell.record((answered - started) * 1000, status, text)
    method = FOLLOW_UP[scenario]
    expected = len(bodies_) if target == BOT else 0
    done = await follow_ups_done(fake, method, expected)
    check_status_replies(fake.calls_to(method), target, scenario)
    await asyncio.sleep(SETTLE_S)
    reset_fake(fake)
    return (done - last_ack) * 1000 if expected else float("nan")


async def run_burst_cell(
    session: aiohttp.ClientSession,
    server: Server,
    payloads: list[bytes],
    fake: FakeSlack,
    scenario: str,
    cell: Cell,
    samples: int,
    connections: Connections,
) -> None:
    """One warm-up round, then rounds of ``cell.concurrency`` requests until ``samples`` succeeded.

    Gives up early when as many requests failed as samples were asked for.
    """
    counter = itertools.count()

    def next_bodies() -> list[bytes]:
        return [payloads[next(counter) % len(payloads)] for _ in range(cell.concurrency)]

    await burst_round(session, server.base_url, next_bodies(), fake, server.name, scenario, None)
    opened_before = connections.opened
    started = time.perf_counter()
    while len(cell.latencies_ms) < samples and cell.failures < samples:
        lag = await burst_round(session, server.base_url, next_bodies(), fake, server.name, scenario, cell)
        cell.rounds += 1
        if lag == lag:  # not NaN
            cell.lags_ms.append(lag)
    cell.wall_s = time.perf_counter() - started
    cell.connects = connections.opened - opened_before


# --- processes -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without the bot's own settings (a Socket Mode token would change the transport)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "MENTOR_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return {**env, **extra}


class Server:
    """A server subprocess on loopback, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, workdir: Path) -> None:
        self.name = name
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    async def wait_healthy(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(self.base_url + "/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz within {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (Linux /proc), NaN elsewhere."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                print(f"warning: {self.name} ignored SIGTERM for {STOP_TIMEOUT_S:.0f} s; killed", file=sys.stderr)
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._log.close()


# --- database ------------------------------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme.split("+", 1)[0].lower() in ("postgres", "postgresql")


def plain_postgres_url(url: str, database: str | None = None) -> str:
    """``postgresql://…`` without a driver suffix, optionally naming another database."""
    parts = urlsplit(url)
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, parts.fragment))


async def postgres_admin(url: str, sql: str) -> str:
    import asyncpg  # only needed for PostgreSQL runs

    connection = await asyncpg.connect(plain_postgres_url(url), timeout=10)
    try:
        await connection.execute(sql)
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


# --- report --------------------------------------------------------------------------------------------------


def fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.1f}"  # NaN check


def lag_text(cell: Cell) -> str:
    """Burst mode: p50 of the rounds' after-ack lags, for the table."""
    return "none" if cell.target == FLOOR else fmt(percentile(cell.lags_ms, 50))


def report(cells: dict[tuple[str, str, int], Cell], database_kind: str, mode: str) -> bool:
    """Print the table and the verdicts; True if every target is met and nothing failed."""
    burst = mode == BURST
    if burst:
        print(
            "| target | scenario | concurrency | p50 ms | p95 ms | p99 ms | samples (rounds) "
            "| after-ack work done, ms after the round's last ack (p50) |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|")
    else:
        print("| target | scenario | concurrency | p50 ms | p95 ms | p99 ms | req/s |")
        print("|---|---|---:|---:|---:|---:|---:|")
    for (target, scenario, concurrency), cell in cells.items():
        last = f"{len(cell.latencies_ms)} ({cell.rounds}) | {lag_text(cell)}" if burst else fmt(cell.rate)
        print(
            f"| {target} | {scenario} | {concurrency} | {fmt(cell.percentile(50))} | {fmt(cell.percentile(95))} "
            f"| {fmt(cell.percentile(99))} | {last} |"
        )
    failures = [c for c in cells.values() if c.failures]
    for cell in failures:
        print(
            f"\n{cell.target} / {cell.scenario} / {cell.concurrency}: {cell.failures} failed requests, "
            f"e.g. {cell.failure_sample}"
        )
        if "unhandled request" in cell.failure_sample:
            print("(Bolt answers 404 'unhandled request' when a listener has not called ack() within 3 s.)")
    print()
    print(
        f"Targets: bot p99 < {P99_TARGET_MS:.0f} ms at {P99_TARGET_CONCURRENCY} concurrent "
        f"(stated for SQLite; this run: {database_kind}), and bot p99 ≤ {FLOOR_FACTOR:.0f}× the floor's p99."
    )
    print()
    ok = not failures
    for scenario in SCENARIOS:
        for concurrency in CONCURRENCY:
            bot_p99 = cells[BOT, scenario, concurrency].percentile(99)
            floor_p99 = cells[FLOOR, scenario, concurrency].percentile(99)
            ratio = bot_p99 / floor_p99 if floor_p99 > 0 else float("nan")
            checks = [f"{ratio:.2f}× floor {'≤' if ratio <= FLOOR_FACTOR else '>'} {FLOOR_FACTOR:.0f}×"]
            passed = ratio <= FLOOR_FACTOR
            if concurrency == P99_TARGET_CONCURRENCY:
                under = bot_p99 < P99_TARGET_MS
                checks.append(f"{fmt(bot_p99)} ms {'<' if under else '≥'} {P99_TARGET_MS:.0f} ms")
                passed = passed and under
            bad = cells[BOT, scenario, concurrency].failures + cells[FLOOR, scenario, concurrency].failures
            if bad:
                checks.append(f"{bad} failed requests")
                passed = False
            ok = ok and passed
            print(
                f"- {scenario} @ {concurrency}: bot p99 {fmt(bot_p99)} ms vs floor p99 {fmt(floor_p99)} ms "
                f"({'; '.join(checks)}): {'PASS' if passed else 'FAIL'}"
            )
    print()
    if burst:
        print(
            "The bot's work after the ack (reply, DM, Home tab) finished this long after each round's last ack "
            "(p50 / max over rounds):"
        )
        for scenario in SCENARIOS:
            lags = ", ".join(
                f"{c} at once {fmt(percentile(cells[BOT, scenario, c].lags_ms, 50))} / "
                f"{fmt(max(cells[BOT, scenario, c].lags_ms, default=float('nan')))} ms"
                for c in CONCURRENCY
            )
            print(f"- {scenario}: {lags}")
        opened = {key: cell.connects for key, cell in cells.items() if cell.connects}
        print()
        if opened:
            print("TCP connections opened during measured rounds (their connect time was measured):")
            for (target, scenario, concurrency), count in opened.items():
                print(f"- {target} / {scenario} / {concurrency}: {count}")
        else:
            print("TCP connections opened during measured rounds: none (every request went over a warm connection).")
    else:
        print("The bot's work after the ack (reply, DM, Home tab) was still running this long after the last ack:")
        for scenario in SCENARIOS:
            lags = ", ".join(f"{c} in flight {cells[BOT, scenario, c].drain_s:.1f} s" for c in CONCURRENCY)
            print(f"- {scenario}: {lags}")
    print()
    print("Server CPU per request (ack and after-ack work; not the client, the fake Web API or the database):")
    how = "at once" if burst else "in flight"
    for scenario in SCENARIOS:
        for target in (BOT, FLOOR):
            per = ", ".join(f"{fmt(cells[target, scenario, c].cpu_ms_per_request)} ms" for c in CONCURRENCY)
            print(f"- {target} / {scenario} at {'/'.join(map(str, CONCURRENCY))} {how}: {per}")
    return ok


def git_commit() -> str:
    """The commit measured (read-only ``git rev-parse``), or "unknown"."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


# --- main ----------------------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace, workdir: Path) -> bool:
    requests: int = args.requests
    mode: str = args.mode
    throwaway: str | None = None
    if args.database_url and is_postgres(args.database_url):
        throwaway = f"bench_{uuid.uuid4().hex[:12]}"
        version = await postgres_admin(args.database_url, f'CREATE DATABASE "{throwaway}"')
        database_url = plain_postgres_url(args.database_url, throwaway)
        database_kind = f"PostgreSQL {version} (throwaway database {throwaway})"
    elif args.database_url:
        database_url = args.database_url
        database_kind = f"{urlsplit(database_url).scheme} ({database_url})"
    else:
        database_url = f"sqlite:///{workdir / 'bench.db'}"
        database_kind = "SQLite (file in a temporary directory, WAL)"

    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}")
    print(f"CPUs: {os.cpu_count()}; database: {database_kind}; code: {git_commit()}")
    print(f"Mode: {MODE_LINES[mode]}")
    if mode == BURST:
        print(
            f"At least {requests} samples per cell (⌈{requests}/C⌉ rounds of C), after {WARMUP} warm-up requests "
            "per target and scenario and one warm-up round per cell; latency = send → HTTP response (ack)"
        )
    else:
        print(f"{requests} requests per cell after {WARMUP} warm-up requests; latency = send → HTTP response (ack)")
    print(flush=True)

    servers: list[Server] = []
    try:
        with FakeSlack(team_id=TEAM_ID) as fake:
            for n in range(max(STATUS_USERS, OPTIN_USERS)):
                fake.add_user(user_id(n))
            bot_port, floor_port = free_port(), free_port()
            bot = Server(
                BOT,
                [sys.executable, "-m", "bot"],
                child_env(
                    {
                        "SLACK_BOT_TOKEN": BOT_TOKEN,
                        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                        "SLACK_API_URL": fake.url,
                        "DATABASE_URL": database_url,
                        "PORT": str(bot_port),
                    }
                ),
                bot_port,
                workdir,
            )
            servers.append(bot)
            floor_file = workdir / "floor.py"
            floor_file.write_text(FLOOR_APP)
            floor = Server(
                FLOOR,
                [sys.executable, str(floor_file), str(floor_port), fake.url, SIGNING_SECRET, BOT_TOKEN],
                child_env({}),
                floor_port,
                workdir,
            )
            servers.append(floor)

            limit = max(CONCURRENCY)
            # Idle connections are kept (both servers' aiohttp keep them 75 s), so bursts reuse warm ones.
            connector = aiohttp.TCPConnector(limit=2 * limit, limit_per_host=limit, keepalive_timeout=600)
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
            connections = Connections()
            async with aiohttp.ClientSession(
                connector=connector, timeout=timeout, trace_configs=[connections.trace]
            ) as session:
                await bot.wait_healthy(session)
                await floor.wait_healthy(session)

                # First use: any /mentor creates the workspace's default program (id 1, the one the form names).
                await send(session, bot.base_url, command_body(fake, "status", user_id(0)).encode())
                await fake.wait_for("response_url")
                reset_fake(fake)
                # Enrol the people whose status is asked for, so /mentor status reads a profile.
                optin_payloads = bodies(OPTIN, fake)
                enrol = Cell(BOT, "enrolment", 10)
                await run_cell(session, bot.base_url, optin_payloads[:STATUS_USERS], enrol, STATUS_USERS)
                if enrol.failures:
                    raise RuntimeError(f"enrolment failed: {enrol.failure_sample}\n{bot.log_tail()}")
                await drain(fake, BOT, OPTIN, STATUS_USERS)

                cells: dict[tuple[str, str, int], Cell] = {}
                for server in (bot, floor):
                    for scenario in SCENARIOS:
                        payloads = optin_payloads if scenario == OPTIN else bodies(STATUS, fake)
                        await run_cell(session, server.base_url, payloads, Cell(server.name, scenario, 10), WARMUP)
                        await drain(fake, server.name, scenario, WARMUP)
                        for concurrency in CONCURRENCY:
                            cell = Cell(server.name, scenario, concurrency)
                            cpu_before = server.cpu_seconds()
                            if mode == BURST:
                                await run_burst_cell(
                                    session, server, payloads, fake, scenario, cell, requests, connections
                                )
                                after = f"after-ack work done {lag_text(cell)} ms after a round's last ack (p50)"
                            else:
                                await run_cell(session, server.base_url, payloads, cell, requests)
                                cell.drain_s = await drain(fake, server.name, scenario, requests)
                                after = f"after-ack work done {cell.drain_s:.1f} s later"
                            cell.cpu_s = server.cpu_seconds() - cpu_before
                            cells[server.name, scenario, concurrency] = cell
                            print(
                                f"  measured {server.name} / {scenario} / {concurrency}: "
                                f"p99 {fmt(cell.percentile(99))} ms, {after}, "
                                f"{fmt(cell.cpu_ms_per_request)} ms CPU per request",
                                file=sys.stderr,
                                flush=True,
                            )
                for server in (bot, floor):
                    if server.process.poll() is not None:
                        raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")
                errors = FAKE_ERRORS + fake.errors
                if errors:
                    print(f"warning: the fake Web API raised {len(errors)} errors: {errors[0]!r}")
    finally:
        for server in servers:
            server.stop()
        if throwaway is not None:
            await postgres_admin(args.database_url, f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')

    # Key order: bot then floor, each scenario, each concurrency (the order measured).
    return report(cells, database_kind, mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ack latency of the bot beside a bare Bolt app (the floor).")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default=BURST,
        help="burst (default): rounds of exactly C requests sent at once, each round's after-ack work finished "
        "before the next; sustained: a closed loop keeping C requests in flight (a saturation test)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=300,
        help="samples per cell in burst mode, requests per cell in sustained mode (default 300, at most 10000)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="database for the bot (default: SQLite in a temporary directory); for PostgreSQL a throwaway "
        "database is created on that server and dropped afterwards",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed or a request failed")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 10_000:
        parser.error("--requests must be between 1 and 10000")
    with tempfile.TemporaryDirectory(prefix="ack-latency-") as tmp:
        ok = asyncio.run(bench(args, Path(tmp)))
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
