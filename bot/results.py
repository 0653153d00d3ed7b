"""A program's results: its figures, its CSV exports and its chart (``storage.results`` holds the SQL,
``prompts.results`` the words; ``handlers/actions/results.py`` the buttons).

Figures: who takes part, pairs (active, stalled, ended), how often pairs meet, how useful meetings are, the topics
discussed, confidence and recommendation from the surveys, beside the previous program's figures; computed by the
database (counts, averages, GROUP BY), never by loading every row.

Confidentiality: only totals and averages; a breakdown (usefulness by side, a topic) covering fewer than
``MIN_GROUP`` people is suppressed (None), so no one's rating can be worked out. No name appears in a report,
except that admins see how many pairs are stalled (their names are on the Home tab's stalled list).

What an admin can take away, uploaded to their DM:

- ``pairs-and-meetings.csv``: one row per pair and check-in answer (pairs with none get one row): the pair's two
  people, state and dates, the check-in number, the answer and when. No feedback text, no ratings.
- ``feedback-text.csv``: only the texts the forms tell people admins see: what they learned or taught (from a side
  where at least ``MIN_GROUP`` people wrote some) and what survey answers would change (from a survey stage where
  at least ``MIN_GROUP`` people wrote some), anonymous: one text per row, no name, pair, side or rating, each kind
  sorted by the text so no row or order ties texts together. Notes for partners are never exported.
- ``chart.png``: meetings and the meeting rate at each check-in over the program, and confidence per topic before
  and then once surveyed (matplotlib, rendered without a display).

Every CSV goes through ``prompts.results.csv_text``: text that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, a tab, a carriage return… at the start of a cell or right after a separator a spreadsheet may split on)
is written with a ``'`` before it.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins import checkin_dates, stalled_by_program
from bot.runtime.context import Deps
from bot.slack.client import try_call
from bot.topics import topic_label
from prompts.results import csv_text, export_comment, summary_text
from storage import programs as programs_repo
from storage import results as results_repo
from storage.models import PairState, ParticipantState, Program, ProgramState

MIN_GROUP = 3
TOP_TOPICS = 5


@dataclass(frozen=True)
class Figures:
    """One program's results (plain values: the same figures feed the Home tab, ``report`` and exports)."""

    program: str
    state: str
    start: str | None
    end: str | None
    participants: dict[str, int] = field(default_factory=dict)  # by state, and "total"
    sides: dict[str, int] = field(default_factory=dict)  # active people by role
    pairs: dict[str, int] = field(default_factory=dict)  # active, stalled, ended, total
    last_checkin: int | None = None  # the latest check-in number sent
    meeting_rate: float | None = None  # pairs that met at the latest check-in / pairs running on its day
    meetings: int = 0  # "We met" answers
    meetings_per_pair: float | None = None
    feedback: int = 0
    usefulness: float | None = None  # average rating, 1–5, to one decimal
    usefulness_by_side: dict[str, float | None] = field(default_factory=dict)  # None: fewer than MIN_GROUP people
    topics: list[tuple[str, int]] = field(default_factory=list)  # most discussed (from feedback), at least MIN_GROUP
    survey_stage: str | None = None  # the latest survey with answers: mid or end
    confidence: list[tuple[str, float, float, int]] = field(default_factory=list)  # skill, before, now, people (≥ 3)
    recommend: float | None = None  # average 0–10 at that survey, at least MIN_GROUP people
    nps: int | None = None  # % promoters (9–10) − % detractors (0–6)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    current: Figures
    previous: Figures | None
    program_id: int | None = None  # the current program's id (not part of the figures)

    def as_dict(self) -> dict[str, Any]:
        return {"current": self.current.as_dict(), "previous": self.previous.as_dict() if self.previous else None}


def pick_program(programs: list[Program], name: str | None) -> tuple[Program, Program | None] | None:
    """The program reported on (by name, case ignored; else the newest running, open or ended one) and the one
    before it (the previous program, for comparison)."""
    usable = [p for p in programs if p.state in (ProgramState.RUNNING, ProgramState.OPEN, ProgramState.ENDED)]
    if name is not None:
        chosen = next((p for p in usable if p.name.casefold() == name.strip().casefold()), None)
    else:
        chosen = next(
            (
                p
                for state in (ProgramState.RUNNING, ProgramState.OPEN, ProgramState.ENDED)
                for p in reversed(usable)
                if p.state == state
            ),
            None,
        )
    if chosen is None:
        return None
    earlier = [p for p in usable if (p.id or 0) < (chosen.id or 0)]
    return chosen, (earlier[-1] if earlier else None)


def latest_checkin(program: Program, today: date) -> int | None:
    """The number of the latest check-in whose day is over everywhere (before ``today``), by the program's
    schedule; None before the first."""
    if program.start_date is None or program.end_date is None:
        return None
    dates = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)
    past = [k for k, day in enumerate(dates, start=1) if day < today]
    return past[-1] if past else None


async def figures(
    session: AsyncSession, *, team_id: str, program: Program, today: date, stalled: dict[int, int]
) -> Figures:
    """``stalled``: stalled pairs per program (``bot.checkins.stalled_by_program``), read once by the caller."""
    assert program.id is not None
    pid = program.id
    by_state = await results_repo.participants_by_state(session, team_id=team_id, program_id=pid)
    by_state = {
        **dict.fromkeys(("active", "paused", "left"), 0),
        **{state: n for state, n in by_state.items() if state != ParticipantState.DELETED},
    }
    sides = await results_repo.active_by_role(session, team_id=team_id, program_id=pid)
    pair_states = await results_repo.pairs_by_state(session, team_id=team_id, program_id=pid)
    active, ended = pair_states.get(PairState.ACTIVE, 0), pair_states.get(PairState.ENDED, 0)
    meetings = await results_repo.meetings(session, team_id=team_id, program_id=pid)
    last = latest_checkin(program, today)
    rate = None
    if last is not None:  # among the pairs that were running on that check-in's day (an ended program's too)
        assert program.start_date is not None and program.end_date is not None
        day = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)[last - 1]
        met_last, running = await results_repo.meetings_at(
            session, team_id=team_id, program_id=pid, period=last, day=day
        )
        rate = round(met_last / running, 3) if running else None
    totals = await results_repo.feedback_totals(session, team_id=team_id, program_id=pid)
    sides_seen = await results_repo.feedback_by_side(session, team_id=team_id, program_id=pid)
    # Per side only when every side has enough people: one hidden side beside the overall average would give its
    # ratings away by difference.
    every_side_big = all(side.people >= MIN_GROUP for side in sides_seen)
    by_side = {side.role: round(side.average, 1) if every_side_big else None for side in sides_seen}
    topics = await results_repo.top_topics(
        session, team_id=team_id, program_id=pid, min_people=MIN_GROUP, limit=TOP_TOPICS
    )
    stage, confidence, recommend, nps = await _surveys(session, team_id=team_id, program=program)
    total_pairs = active + ended
    return Figures(
        program=program.name,
        state=program.state,
        start=program.start_date.isoformat() if program.start_date else None,
        end=program.end_date.isoformat() if program.end_date else None,
        participants={**dict(sorted(by_state.items())), "total": sum(by_state.values())},
        sides={**dict.fromkeys(("either", "mentee", "mentor"), 0), **sides},
        pairs={"active": active, "stalled": stalled.get(pid, 0), "ended": ended, "total": total_pairs},
        last_checkin=last,
        meeting_rate=rate,
        meetings=meetings,
        meetings_per_pair=round(meetings / total_pairs, 2) if total_pairs else None,
        feedback=totals.count,
        usefulness=round(totals.average, 1) if totals.authors >= MIN_GROUP and totals.average is not None else None,
        usefulness_by_side=dict(sorted(by_side.items())),
        topics=topics,
        survey_stage=stage,
        confidence=confidence,
        recommend=recommend,
        nps=nps,
    )


async def _surveys(
    session: AsyncSession, *, team_id: str, program: Program
) -> tuple[str | None, list[tuple[str, float, float, int]], float | None, int | None]:
    """The latest survey stage with answers, the confidence per skill before and then (people who answered both,
    at least ``MIN_GROUP``), and the recommendation average and net promoter score (at least ``MIN_GROUP``)."""
    assert program.id is not None
    pid = program.id
    answered = await results_repo.survey_answers_by_stage(session, team_id=team_id, program_id=pid)
    # the latest survey that enough people answered (a handful of early end answers don't hide the half-way one)
    stage = next((s for s in ("end", "mid") if answered.get(s, 0) >= MIN_GROUP), None)
    if stage is None:
        return None, [], None, None
    rows = await results_repo.confidence_by_skill(
        session, team_id=team_id, program_id=pid, stage=stage, min_people=MIN_GROUP
    )
    # Everyone's baseline is one level given at sign-up for all their topics, so two topic groups that differ by a
    # person or two would give those people's answers away by difference: such a group is not shown.
    groups = await results_repo.confidence_groups(session, team_id=team_id, program_id=pid, stage=stage)
    kept: list[set[str]] = []
    confidence = []
    for row in sorted(rows, key=lambda r: (-r.people, r.skill)):
        group = groups.get(row.skill, set())
        if any(0 < len(group ^ other) < MIN_GROUP for other in kept):
            continue
        kept.append(group)
        confidence.append((topic_label(row.skill, program), round(row.before, 1), round(row.then, 1), row.people))
    confidence.sort(key=lambda c: c[0])
    said = await results_repo.recommendations(session, team_id=team_id, program_id=pid, stage=stage)
    if said.answers < MIN_GROUP or said.average is None:
        return stage, confidence, None, None
    return (
        stage,
        confidence,
        round(said.average, 1),
        round(100 * (said.promoters - said.detractors) / said.answers),
    )


async def report(
    session: AsyncSession,
    *,
    team_id: str,
    programs: list[Program],
    name: str | None,
    today: date,
    stalled: dict[int, int] | None = None,
) -> Report | None:
    """``stalled``: the caller's stalled-pair counts, if it has read them already."""
    picked = pick_program(programs, name)
    if picked is None:
        return None
    current, previous = picked
    if stalled is None:
        stalled = await stalled_by_program(session, team_id=team_id)
    return Report(
        await figures(session, team_id=team_id, program=current, today=today, stalled=stalled),
        await figures(session, team_id=team_id, program=previous, today=today, stalled=stalled) if previous else None,
        current.id,
    )


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    """An export file: ``prompts.results.csv_text`` (no cell a spreadsheet would run as a formula), in UTF-8."""
    return csv_text(rows).encode("utf-8")


async def pairs_and_meetings_csv(session: AsyncSession, *, team_id: str, program: Program) -> bytes:
    assert program.id is not None
    rows: list[list[object]] = [
        ["pair", "reverse_mentor", "mentee", "pair_state", "started", "ended", "check_in", "answer", "answered_at"]
    ]
    for pair, log in await results_repo.pairs_and_meetings(session, team_id=team_id, program_id=program.id):
        rows.append(
            [
                pair.id,
                pair.mentor_id,
                pair.mentee_id,
                pair.state,
                pair.started_at.date().isoformat() if pair.started_at else "",
                pair.ended_at.date().isoformat() if pair.ended_at else "",
                log.period if log else "",
                log.answer if log else "",
                log.at.isoformat(timespec="minutes") if log else "",
            ]
        )
    return _csv(rows)


async def feedback_text_csv(session: AsyncSession, *, team_id: str, program: Program) -> bytes:
    """One text per row, only what the forms tell people admins see: what someone learned or taught (from a side
    where at least ``MIN_GROUP`` people wrote some: the question differs by side, so a text gives its side away)
    and what a survey answer would change (from a survey stage where at least ``MIN_GROUP`` people wrote some);
    never a note for a partner. Each kind sorted on its own: no row ties two texts of one person together."""
    assert program.id is not None
    found = await results_repo.feedback_texts(session, team_id=team_id, program_id=program.id, min_people=MIN_GROUP)
    rows: list[list[object]] = [["kind", "text"]]
    kinds = (("learned_or_taught", found.learned), ("what_to_change", found.changes))
    for kind, texts in kinds:
        rows += [[kind, text] for text in sorted(texts)]
    return _csv(rows)


async def chart_series(
    session: AsyncSession, *, team_id: str, program: Program, today: date
) -> list[tuple[str, int, float | None]]:
    """Per check-in whose day is over (before ``today``): its date, the meetings answered for it by the pairs running
    that day, and the meeting rate (those / pairs running that day), as the report counts them."""
    if program.start_date is None or program.end_date is None:
        return []
    assert program.id is not None
    dates = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)
    series = []
    for k, day in enumerate(dates, start=1):
        if day >= today:
            break
        meetings, running = await results_repo.meetings_at(
            session, team_id=team_id, program_id=program.id, period=k, day=day
        )
        series.append((day.isoformat(), meetings, round(meetings / running, 3) if running else None))
    return series


def chart_png(
    title: str, series: list[tuple[str, int, float | None]], confidence: Sequence[Sequence[Any]] = ()
) -> bytes:
    """Meetings at each check-in (bars) with the meeting rate (line) and, once surveyed, confidence per topic
    before and then (paired bars), as a PNG. matplotlib's object API with the Agg canvas: no display, no global
    pyplot state (safe in a worker thread), imported on first use so the app starts without it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 7 if confidence else 4.5), dpi=100)
    FigureCanvasAgg(figure)
    bars = figure.add_subplot(2 if confidence else 1, 1, 1)
    days = [day[5:] for day, _, _ in series]
    bars.bar(days, [n for _, n, _ in series], color="#4a90d9", label="Meetings")
    bars.set_ylabel("Meetings (We met)")
    bars.set_xlabel("Check-in")
    bars.set_title(title)
    rate = bars.twinx()
    rate.plot(
        days,
        [100 * r if r is not None else float("nan") for _, _, r in series],
        color="#e67e22",
        marker="o",
        label="Meeting rate",
    )
    rate.set_ylim(0, 105)
    rate.set_ylabel("Meeting rate (%)")
    if not series:
        bars.text(0.5, 0.5, "No check-in yet", ha="center", va="center", transform=bars.transAxes)
    if confidence:
        skills = figure.add_subplot(2, 1, 2)
        names = [str(c[0])[:24] for c in confidence]
        spots = range(len(names))
        skills.bar(
            [x - 0.2 for x in spots], [float(c[1]) for c in confidence], width=0.4, label="Before", color="#bbbbbb"
        )
        skills.bar(
            [x + 0.2 for x in spots], [float(c[2]) for c in confidence], width=0.4, label="Then", color="#2e8b57"
        )
        skills.set_xticks(list(spots), names, rotation=15, ha="right")
        skills.set_ylim(0, 5)
        skills.set_ylabel("Confidence (1–5)")
        skills.legend(loc="upper left")
    figure.legend(loc="upper right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def send_files(
    deps: Deps, client: AsyncWebClient, *, team_id: str, user_id: str, program_id: int, what: str
) -> bool:
    """Upload the program's exports (``what="export"``: the two CSV files) or its chart with a short written
    summary (``what="chart"``) to the admin's DM; False when the program doesn't exist or Slack refused."""
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
        if program is None:
            return False
        if what == "export":
            files = [
                {
                    "content": await pairs_and_meetings_csv(session, team_id=team_id, program=program),
                    "filename": "pairs-and-meetings.csv",
                    "title": f"{program.name}: pairs and meetings",
                },
                {
                    "content": await feedback_text_csv(session, team_id=team_id, program=program),
                    "filename": "feedback-text.csv",
                    "title": f"{program.name}: feedback text (anonymous)",
                },
            ]
            comment = export_comment(program.name)
        else:
            today = datetime.now(UTC).date()
            series = await chart_series(session, team_id=team_id, program=program, today=today)
            stalled = await stalled_by_program(session, team_id=team_id)
            found = await figures(session, team_id=team_id, program=program, today=today, stalled=stalled)
            png = await asyncio.to_thread(chart_png, program.name, series, found.confidence)
            files = [{"content": png, "filename": "chart.png", "title": f"{program.name}: meetings and meeting rate"}]
            comment = summary_text(found.as_dict())
    # The summary as a DM first: its answer names the DM's channel, where the files go (no im:write scope needed).
    posted = await try_call(client.chat_postMessage(channel=user_id, text=comment), what="results DM")
    if posted is None:
        return False
    done = await try_call(
        client.files_upload_v2(file_uploads=files, channel=str(posted["channel"])), what="files_upload_v2"
    )
    return done is not None
