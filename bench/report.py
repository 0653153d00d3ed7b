"""Report speed: a program's results (``bot.results.report``) on a large seeded program, on a fresh SQLite file.

    python bench/report.py                       # 10,000 participants, 101,250 meetings
    python bench/report.py --people 2000 --periods 10

Seeds one running program: ``people`` participants (half reverse mentors), ``people / 2`` pairs, each pair answering
``periods`` weekly check-ins (3 in 4 "We met"; ``people / 2 × periods`` meeting-log rows) and giving feedback on
every other meeting from both sides, plus the check-ins' outbox rows. Prints the seconds the report takes (the
median of 5 runs, after one warm-up) and this process's peak memory. Target: under 2 s on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot import results  # noqa: E402
from bot.runtime.settings import normalize_database_url  # noqa: E402
from storage import programs as programs_repo  # noqa: E402
from storage import workspaces as workspaces_repo  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Feedback, MatchRound, MeetingLog, Outbox, Pair, Participant, Program  # noqa: E402

TEAM = "TREPORT"
START = date(2027, 1, 4)


async def seed(db: Database, people: int, periods: int) -> None:
    await upgrade(db.engine)
    now = datetime(2027, 1, 4, tzinfo=UTC)
    async with db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=TEAM)
        program = Program(
            team_id=TEAM,
            name="Large",
            state="running",
            start_date=START,
            end_date=START + timedelta(weeks=periods + 2),
            cadence="weekly",
            checkin_weekday=0,
        )
        session.add(program)
        await session.flush()
        pid = program.id
        round_ = MatchRound(team_id=TEAM, program_id=pid or 0, state="published", created_by="bench")
        session.add(round_)
        await session.flush()
        connection = await session.connection()
        await connection.execute(
            insert(Participant),
            [
                {
                    "team_id": TEAM,
                    "program_id": pid,
                    "user_id": f"U{i:06d}",
                    "role": "mentor" if i % 2 == 0 else "mentee",
                    "years_experience": 3,
                    "state": "active",
                    "shares": [],
                    "learns": [],
                    "joined_at": now,
                }
                for i in range(people)
            ],
        )
        await connection.execute(
            insert(Pair),
            [
                {
                    "team_id": TEAM,
                    "program_id": pid,
                    "round_id": round_.id,
                    "mentor_id": f"U{2 * i:06d}",
                    "mentee_id": f"U{2 * i + 1:06d}",
                    "state": "active",
                    "topics": [],
                    "reasons": {},
                    "created_at": now,
                    "started_at": now,
                }
                for i in range(people // 2)
            ],
        )
        ids = [row[0] for row in (await connection.exec_driver_sql("SELECT id FROM pair ORDER BY id")).all()]
        answers = ["met", "met", "met", "not_yet"]
        await connection.execute(
            insert(MeetingLog),
            [
                {
                    "team_id": TEAM,
                    "pair_id": pair,
                    "period": k,
                    "answer": answers[(pair + k) % 4],
                    "by_user": "U000000",
                    "at": now,
                }
                for pair in ids
                for k in range(1, periods + 1)
            ],
        )
        await connection.execute(
            insert(Feedback),
            [
                {
                    "team_id": TEAM,
                    "program_id": pid,
                    "pair_id": pair,
                    "period": k,
                    "author_id": f"U{pair:06d}{side}",
                    "author_role": side,
                    "rating": 1 + (pair + k) % 5,
                    "topic": ["AI tools", "TikTok", "Hiring"][k % 3],
                    "learned": "",
                    "note": "",
                    "share_note": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for pair in ids
                for k in range(1, periods + 1, 2)
                for side in ("mentor", "mentee")
            ],
        )
        await connection.execute(
            insert(Outbox),
            [
                {
                    "team_id": TEAM,
                    "key": f"checkin:{pair}:{k}",
                    "kind": "checkin",
                    "payload": {"pair_id": pair, "period": k},
                    "state": "sent",
                    "attempts": 1,
                    "created_at": now,
                }
                for pair in ids
                for k in range(1, periods + 1)
            ],
        )


async def run(people: int, periods: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(normalize_database_url(f"sqlite:///{folder}/report.db"))
        try:
            started = time.perf_counter()
            await seed(db, people, periods)
            seeded = time.perf_counter() - started
            today = START + timedelta(weeks=periods + 1)
            times = []
            for _ in range(6):
                async with db.read() as session:
                    programs = list(await programs_repo.list_programs(session, team_id=TEAM))
                    began = time.perf_counter()
                    found = await results.report(session, team_id=TEAM, programs=programs, name=None, today=today)
                    times.append(time.perf_counter() - began)
            assert found is not None and found.current.meetings > 0
            meetings = found.current.meetings
        finally:
            await db.dispose()
    return {
        "people": people,
        "meetings_logged": people // 2 * periods,
        "meetings": meetings,
        "feedback": people // 2 * len(range(1, periods + 1, 2)) * 2,
        "seed_s": seeded,
        "report_s": statistics.median(times[1:]),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--periods", type=int, default=27)  # 5,000 pairs × 27 answers, 3 in 4 "We met": 101,250
    args = parser.parse_args(argv)
    r = asyncio.run(run(args.people, args.periods))
    print("| participants | check-in answers | meetings (We met) | feedback rows | report s (median of 5) | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {r['people']:,} | {r['meetings_logged']:,} | {r['meetings']:,} | {r['feedback']:,} "
        f"| {r['report_s']:.3f} | {r['peak_mb']:.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
