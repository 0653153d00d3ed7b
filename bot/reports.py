"""A program's results, computed in SQL (counts, averages, GROUP BY), never by loading every row: who takes part,
pairs (active, stalled, ended), how often pairs meet, how useful meetings are, the topics discussed, beside the
previous program's figures.

Confidentiality: only totals and averages; a breakdown (usefulness by side, a topic) covering fewer than
``MIN_GROUP`` people is suppressed (None), so no one's rating can be worked out. No name appears in a report,
except that admins see how many pairs are stalled (their names are on the Home tab's stalled list).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import case
from sqlalchemy.orm import aliased
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins import checkin_dates, stalled_by_program
from bot.topics import topic_label
from storage.models import (
    Feedback,
    MeetingAnswer,
    MeetingLog,
    Pair,
    PairState,
    Participant,
    ParticipantState,
    Program,
    ProgramState,
    SkillRating,
    SurveyAnswer,
)

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


async def meetings_at(
    session: AsyncSession, *, team_id: str, program: Program, period: int, day: date
) -> tuple[int, int]:
    """Check-in ``period`` (on ``day``): how many of the pairs running that day answered *We met*, and how many
    pairs were running (the meeting rate's two sides, for the report and the chart)."""
    moment = datetime.combine(day, time.max, tzinfo=UTC)
    ran = (
        Pair.team_id == team_id,
        Pair.program_id == program.id,
        Pair.state != PairState.PROPOSED,
        col(Pair.started_at) <= moment,
        or_(col(Pair.ended_at).is_(None), col(Pair.ended_at) > moment),
    )
    running = (await session.exec(select(func.count()).select_from(Pair).where(*ran))).one()
    met = (
        await session.exec(
            select(func.count())
            .select_from(MeetingLog)
            .join(Pair, col(Pair.id) == col(MeetingLog.pair_id))
            .where(
                *ran, MeetingLog.team_id == team_id, MeetingLog.period == period, MeetingLog.answer == MeetingAnswer.MET
            )
        )
    ).one()
    return int(met), int(running)


async def figures(
    session: AsyncSession, *, team_id: str, program: Program, today: date, stalled: dict[int, int]
) -> Figures:
    """``stalled``: stalled pairs per program (``bot.checkins.stalled_by_program``), read once by the caller."""
    assert program.id is not None
    pid = program.id
    in_program = (Participant.team_id == team_id, Participant.program_id == pid)
    by_state = dict(
        (
            await session.exec(select(Participant.state, func.count()).where(*in_program).group_by(Participant.state))
        ).all()
    )
    by_state = {
        **dict.fromkeys(("active", "paused", "left"), 0),
        **{state: int(n) for state, n in by_state.items() if state != ParticipantState.DELETED},
    }
    sides = dict(
        (
            await session.exec(
                select(Participant.role, func.count())
                .where(*in_program, Participant.state == ParticipantState.ACTIVE)
                .group_by(Participant.role)
            )
        ).all()
    )
    pair_states = dict(
        (
            await session.exec(
                select(Pair.state, func.count())
                .where(Pair.team_id == team_id, Pair.program_id == pid, Pair.state != PairState.PROPOSED)
                .group_by(Pair.state)
            )
        ).all()
    )
    active, ended = int(pair_states.get(PairState.ACTIVE, 0)), int(pair_states.get(PairState.ENDED, 0))
    of_program = (Pair.team_id == team_id, Pair.program_id == pid)
    met = (MeetingLog.team_id == team_id, MeetingLog.answer == MeetingAnswer.MET)
    meetings = int(
        (
            await session.exec(
                select(func.count())
                .select_from(MeetingLog)
                .join(Pair, col(Pair.id) == col(MeetingLog.pair_id))
                .where(*met, *of_program)
            )
        ).one()
    )
    last = latest_checkin(program, today)
    rate = None
    if last is not None:  # among the pairs that were running on that check-in's day (an ended program's too)
        assert program.start_date is not None and program.end_date is not None
        day = checkin_dates(program.start_date, program.end_date, program.cadence, program.checkin_weekday)[last - 1]
        met_last, running = await meetings_at(session, team_id=team_id, program=program, period=last, day=day)
        rate = round(met_last / running, 3) if running else None
    in_feedback = (Feedback.team_id == team_id, Feedback.program_id == pid)
    count, authors, average = (
        await session.exec(
            select(func.count(), func.count(func.distinct(Feedback.author_id)), func.avg(Feedback.rating)).where(
                *in_feedback
            )
        )
    ).one()
    sides_seen = (
        await session.exec(
            select(Feedback.author_role, func.count(func.distinct(Feedback.author_id)), func.avg(Feedback.rating))
            .where(*in_feedback)
            .group_by(Feedback.author_role)
        )
    ).all()
    # Per side only when every side has enough people: one hidden side beside the overall average would give its
    # ratings away by difference.
    every_side_big = all(people >= MIN_GROUP for _, people, _ in sides_seen)
    by_side = {
        str(role): round(float(side_average), 1) if every_side_big else None for role, _, side_average in sides_seen
    }
    topics = (
        await session.exec(
            select(Feedback.topic_key, func.count(func.distinct(Feedback.author_id)))
            .where(*in_feedback, Feedback.topic_key != "")
            .group_by(Feedback.topic_key)
            .having(func.count(func.distinct(Feedback.author_id)) >= MIN_GROUP)
            .order_by(func.count(func.distinct(Feedback.author_id)).desc(), Feedback.topic_key)
            .limit(TOP_TOPICS)
        )
    ).all()
    stage, confidence, recommend, nps = await _surveys(session, team_id=team_id, program=program)
    total_pairs = active + ended
    return Figures(
        program=program.name,
        state=program.state,
        start=program.start_date.isoformat() if program.start_date else None,
        end=program.end_date.isoformat() if program.end_date else None,
        participants={**dict(sorted(by_state.items())), "total": sum(by_state.values())},
        sides={**dict.fromkeys(("either", "mentee", "mentor"), 0), **{str(k): int(v) for k, v in sides.items()}},
        pairs={"active": active, "stalled": stalled.get(pid, 0), "ended": ended, "total": total_pairs},
        last_checkin=last,
        meeting_rate=rate,
        meetings=meetings,
        meetings_per_pair=round(meetings / total_pairs, 2) if total_pairs else None,
        feedback=int(count),
        usefulness=round(float(average), 1) if int(authors) >= MIN_GROUP else None,
        usefulness_by_side=dict(sorted(by_side.items())),
        topics=[(str(name), int(people)) for name, people in topics],
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
    pid = program.id
    answered = dict(
        (
            await session.exec(
                select(SurveyAnswer.stage, func.count())
                .where(SurveyAnswer.team_id == team_id, SurveyAnswer.program_id == pid)
                .group_by(col(SurveyAnswer.stage))
            )
        ).all()
    )
    # the latest survey that enough people answered (a handful of early end answers don't hide the half-way one)
    stage = next((s for s in ("end", "mid") if answered.get(s, 0) >= MIN_GROUP), None)
    if stage is None:
        return None, [], None, None
    before, then = aliased(SkillRating), aliased(SkillRating)
    people = func.count(func.distinct(then.user_id))
    paired = (  # each rating at the stage beside the same person's baseline for that topic
        (col(before.program_id) == col(then.program_id))
        & (col(before.user_id) == col(then.user_id))
        & (col(before.skill) == col(then.skill))
        & (col(before.stage) == "before")
        & (col(before.team_id) == team_id)
    )
    at_stage = (then.team_id == team_id, then.program_id == pid, then.stage == stage)
    rows = (
        await session.exec(
            select(then.skill, people, func.avg(before.value), func.avg(then.value))
            .join(before, paired)
            .where(*at_stage)
            .group_by(col(then.skill))
            .having(people >= MIN_GROUP)
            .order_by(col(then.skill))
        )
    ).all()
    # Everyone's baseline is one level given at sign-up for all their topics, so two topic groups that differ by a
    # person or two would give those people's answers away by difference: such a group is not shown.
    who = (await session.exec(select(then.skill, then.user_id).join(before, paired).where(*at_stage))).all()
    groups: dict[str, set[str]] = {}
    for skill, user in who:
        groups.setdefault(str(skill), set()).add(str(user))
    kept: list[set[str]] = []
    confidence = []
    for skill, n, b, a in sorted(rows, key=lambda r: (-int(r[1]), str(r[0]))):
        group = groups.get(str(skill), set())
        if any(0 < len(group ^ other) < MIN_GROUP for other in kept):
            continue
        kept.append(group)
        confidence.append((topic_label(str(skill), program), round(float(b), 1), round(float(a), 1), int(n)))
    confidence.sort(key=lambda c: c[0])
    answers = (SurveyAnswer.team_id == team_id, SurveyAnswer.program_id == pid, SurveyAnswer.stage == stage)
    n, average, promoters, detractors = (
        await session.exec(
            select(
                func.count(),
                func.avg(SurveyAnswer.recommend),
                func.sum(case((col(SurveyAnswer.recommend) >= 9, 1), else_=0)),
                func.sum(case((col(SurveyAnswer.recommend) <= 6, 1), else_=0)),
            ).where(*answers)
        )
    ).one()
    if int(n) < MIN_GROUP:
        return stage, confidence, None, None
    return stage, confidence, round(float(average), 1), round(100 * (int(promoters) - int(detractors)) / int(n))


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
