"""Fan-out: sending one round of check-ins to many pairs through the outbox, against the fake Web API.

    python bench/fanout.py                          # 5,000 pairs, without a rate limit and at 50 posts/s
    python bench/fanout.py --pairs 5000 --limited-pairs 0

The fake Web API runs in a child process, so this process's CPU time is the bot's own: enqueueing what is owed
(``bot.checkins.enqueue_due``) and delivering it (``bot.outbox.deliver.deliver``: claim, build the check-in with its
topic, ``chat.postMessage``, mark sent) on a fresh SQLite file. Peak memory is this process's maximum resident set.

With a rate limit, the fake answers ``chat.postMessage`` beyond N calls a second with 429 and ``Retry-After: 1``;
the client waits and retries. The lower bound is pairs / N seconds.

Targets: under 2 ms of CPU per message without a limit; within 10% of the lower bound with one.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.checkins import enqueue_due  # noqa: E402
from bot.outbox.deliver import deliver  # noqa: E402
from bot.runtime.context import Deps  # noqa: E402
from bot.runtime.settings import Settings, normalize_database_url  # noqa: E402
from bot.runtime.state import AppState  # noqa: E402
from bot.slack.client import make_client  # noqa: E402
from storage import workspaces as workspaces_repo  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import MatchRound, Pair, Participant, Program  # noqa: E402

TEAM = "TFANOUT"
START, END = date(2027, 1, 4), date(2027, 3, 29)
FIRST_CHECKIN = datetime(2027, 1, 19, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Paris


def serve_fake(port_out: multiprocessing.Queue, stop: multiprocessing.Event, per_second: float) -> None:  # type: ignore[type-arg]
    from tests.support.fake_slack import FakeSlack

    with FakeSlack(team_id=TEAM) as fake:
        if per_second:
            fake.rate_limit("chat.postMessage", per_second)
        port_out.put(fake.url)
        stop.wait()
        posts = [c for c in fake.calls if c.method == "chat.postMessage" and not c.failed]
        port_out.put((len(posts), len({c.params["channel"] for c in posts})))


async def seed(db: Database, pairs: int) -> None:
    await upgrade(db.engine)
    async with db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=TEAM)
        program = Program(team_id=TEAM, name="Fan-out", state="running", start_date=START, end_date=END)
        session.add(program)
        await session.flush()
        assert program.id is not None
        people = [
            Participant(
                team_id=TEAM,
                program_id=program.id,
                user_id=f"U{i:06d}",
                role="mentor" if i % 2 == 0 else "mentee",
                years_experience=2 if i % 2 == 0 else 25,
                shares=["ai_tools"] if i % 2 == 0 else [],
                learns=[] if i % 2 == 0 else ["ai_tools"],
                timezone="Europe/Paris",
                tz_offset=3600,
            )
            for i in range(2 * pairs)
        ]
        session.add_all(people)
        round_ = MatchRound(team_id=TEAM, program_id=program.id, state="published", created_by="bench")
        session.add(round_)
        await session.flush()
        assert round_.id is not None
        started = datetime(2027, 1, 1, tzinfo=UTC)
        session.add_all(
            Pair(
                team_id=TEAM,
                program_id=program.id,
                round_id=round_.id,
                mentor_id=f"U{2 * i:06d}",
                mentee_id=f"U{2 * i + 1:06d}",
                state="active",
                channel_id=f"G{i:06d}",
                reasons={"shared_topics": ["ai_tools"]},
                started_at=started,
            )
            for i in range(pairs)
        )


async def run(pairs: int, per_second: float) -> dict[str, float]:
    stop = multiprocessing.Event()
    urls: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    child = multiprocessing.Process(target=serve_fake, args=(urls, stop, per_second), daemon=True)
    child.start()
    url = urls.get(timeout=30)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(normalize_database_url(f"sqlite:///{folder}/fanout.db"))
        try:
            await seed(db, pairs)
            settings = Settings(bot_token="xoxb-bench", signing_secret="x", database_url=db.url, slack_api_url=url)
            http = aiohttp.ClientSession()  # one connection pool, as the bot has (bot.runtime.app)
            deps = Deps(settings, db, AppState())
            client = make_client(settings, deps.state.pacers, session=http)
            cpu, wall = time.process_time(), time.perf_counter()
            enqueued = await enqueue_due(deps, team_id=TEAM, now=FIRST_CHECKIN)
            delivered = await deliver(deps, client, team_id=TEAM)
            while delivered.retry_later:  # what a rate limit deferred (run-due would do this every 5 minutes)
                delivered = await deliver(deps, client, team_id=TEAM)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            await http.close()
        finally:
            await db.dispose()
            stop.set()
            posts, channels = urls.get(timeout=30)
            child.join(timeout=10)
    return {
        "pairs": pairs,
        "limit": per_second,
        "enqueued": enqueued,
        "posts": posts,
        "channels": channels,
        "seconds": wall,
        "cpu_ms_per_message": 1000 * cpu / max(1, enqueued),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "lower_bound": pairs / per_second if per_second else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--limited-pairs", type=int, default=5000)
    parser.add_argument("--limit", type=float, default=50.0, help="chat.postMessage calls per second")
    args = parser.parse_args(argv)
    results = [asyncio.run(run(args.pairs, 0))]
    if args.limited_pairs:
        results.append(asyncio.run(run(args.limited_pairs, args.limit)))
    print(
        "| pairs | rate limit | messages | posted (distinct pairs) | seconds | CPU ms per message | peak MB "
        "| lower bound s | vs bound |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        limit = f"{r['limit']:g}/s" if r["limit"] else "none"
        bound = f"{r['lower_bound']:.1f}" if r["lower_bound"] else "–"
        ratio = f"{r['seconds'] / r['lower_bound']:.2f}×" if r["lower_bound"] else "–"
        print(
            f"| {r['pairs']:,} | {limit} | {r['enqueued']:,.0f} | {r['posts']:,.0f} ({r['channels']:,.0f}) "
            f"| {r['seconds']:.1f} | {r['cpu_ms_per_message']:.2f} "
            f"| {r['peak_mb']:.0f} | {bound} | {ratio} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
