"""What an admin can take away from a program: two CSV files and a chart, uploaded to their DM.

- ``pairs-and-meetings.csv``: one row per pair and check-in answer (pairs with none get one row): the pair's two
  people, state and dates, the check-in number, the answer and when. No feedback text, no ratings.
- ``feedback-text.csv``: what people wrote (what they learned or taught, notes for partners, what survey answers
  would change), anonymous: one text per row, no name, pair, side or rating, each kind sorted by the text so no
  row or order ties texts together.
- ``chart.png``: meetings and the meeting rate at each check-in over the program, and confidence per topic before
  and then once surveyed (matplotlib, rendered without a display).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import reports
from bot.checkins import checkin_dates, stalled_by_program
from bot.runtime.context import Deps
from bot.slack.client import try_call
from prompts.results import export_comment, summary_text
from storage import programs as programs_repo
from storage.models import Feedback, MeetingLog, Pair, PairState, Program, SurveyAnswer


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


async def pairs_and_meetings_csv(session: AsyncSession, *, team_id: str, program: Program) -> bytes:
    query = (
        select(Pair, MeetingLog)
        .outerjoin(MeetingLog, (col(MeetingLog.pair_id) == col(Pair.id)) & (col(MeetingLog.team_id) == team_id))
        .where(Pair.team_id == team_id, Pair.program_id == program.id, Pair.state != PairState.PROPOSED)
        .order_by(col(Pair.id), col(MeetingLog.period))
    )
    rows: list[list[object]] = [
        ["pair", "reverse_mentor", "mentee", "pair_state", "started", "ended", "check_in", "answer", "answered_at"]
    ]
    for pair, log in (await session.exec(query)).all():
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
    """One text per row (what someone learned or taught, a note for a partner, what a survey answer would change),
    each kind sorted on its own: no row ties two texts of one person together."""
    in_program = (Feedback.team_id == team_id, Feedback.program_id == program.id)
    learned = (await session.exec(select(Feedback.learned).where(*in_program, Feedback.learned != ""))).all()
    notes = (await session.exec(select(Feedback.note).where(*in_program, Feedback.note != ""))).all()
    changes = (
        await session.exec(
            select(SurveyAnswer.change).where(
                SurveyAnswer.team_id == team_id, SurveyAnswer.program_id == program.id, SurveyAnswer.change != ""
            )
        )
    ).all()
    rows: list[list[object]] = [["kind", "text"]]
    for kind, texts in (("learned_or_taught", learned), ("note_for_partner", notes), ("what_to_change", changes)):
        rows += [[kind, text] for text in sorted(texts)]
    return _csv(rows)


async def chart_series(
    session: AsyncSession, *, team_id: str, program: Program, today: date
) -> list[tuple[str, int, float | None]]:
    """Per check-in whose day is over (before ``today``): its date, the meetings answered for it by the pairs running
    that day, and the meeting rate (those / pairs running that day), as the report counts them."""
    if program.start_date is None or program.end_date is None:
        return []
    dates = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)
    series = []
    for k, day in enumerate(dates, start=1):
        if day >= today:
            break
        meetings, running = await reports.meetings_at(session, team_id=team_id, program=program, period=k, day=day)
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
            figures = await reports.figures(session, team_id=team_id, program=program, today=today, stalled=stalled)
            png = await asyncio.to_thread(chart_png, program.name, series, figures.confidence)
            files = [{"content": png, "filename": "chart.png", "title": f"{program.name}: meetings and meeting rate"}]
            comment = summary_text(figures.as_dict())
    # The summary as a DM first: its answer names the DM's channel, where the files go (no im:write scope needed).
    posted = await try_call(client.chat_postMessage(channel=user_id, text=comment), what="results DM")
    if posted is None:
        return False
    done = await try_call(
        client.files_upload_v2(file_uploads=files, channel=str(posted["channel"])), what="files_upload_v2"
    )
    return done is not None
