"""A seeded program for the results (bot.results, ``python -m bot report``, the admins' *Results*): a pilot that
ended and the current program with its pairs, check-in answers, feedback and surveys; the golden files it gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from storage import programs as programs_repo
from storage import workspaces as workspaces_repo
from storage.db import Database
from storage.feedback import topic_key
from storage.models import (
    Feedback,
    MatchRound,
    MeetingLog,
    Pair,
    Participant,
    Program,
    SkillRating,
    SurveyAnswer,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TODAY = date(2027, 2, 10)  # check-ins (biweekly, Tuesdays) on 19 Jan and 2 Feb are over; 16 Feb is not


async def seed(db: Database, team_id: str) -> None:
    """A pilot that ended, then the current program: 5 pairs (one ended), people paused and gone, answers to
    check-ins 1 and 2, feedback from 3 mentees and 2 mentors on two topics."""
    async with db.session() as session:
        await workspaces_repo.ensure_workspace(session, team_id=team_id)
        pilot = Program(
            team_id=team_id,
            name="Pilot",
            state="ended",
            start_date=date(2026, 9, 7),
            end_date=date(2026, 11, 30),
            cadence="biweekly",
            checkin_weekday=1,
        )
        current = Program(
            team_id=team_id,
            name="Digital skills 2027",
            state="running",
            start_date=date(2027, 1, 4),
            end_date=date(2027, 3, 29),
            cadence="biweekly",
            checkin_weekday=1,
        )
        session.add_all([pilot, current])
        await session.flush()
        assert pilot.id is not None and current.id is not None
        people = [
            ("UM1", "mentor"),
            ("UM2", "mentor"),
            ("UM3", "mentor"),
            ("UM4", "mentor"),
            ("UM5", "mentor"),
            ("UE1", "mentee"),
            ("UE2", "mentee"),
            ("UE3", "mentee"),
            ("UE4", "mentee"),
            ("UE5", "mentee"),
            ("UX1", "either"),
            ("UP1", "mentee"),
            ("UL1", "mentor"),
        ]
        states = {"UP1": "paused", "UL1": "left"}
        session.add_all(
            Participant(
                team_id=team_id,
                program_id=current.id,
                user_id=user,
                role=role,
                years_experience=3,
                state=states.get(user, "active"),
            )
            for user, role in people
        )
        session.add_all(
            Participant(team_id=team_id, program_id=pilot.id, user_id=user, role=role, years_experience=3)
            for user, role in people[:4]
        )
        rounds = [
            MatchRound(team_id=team_id, program_id=p, state="published", created_by="UADMIN")
            for p in (pilot.id, current.id)
        ]
        session.add_all(rounds)
        await session.flush()
        started = datetime(2027, 1, 5, tzinfo=UTC)
        pairs = [
            Pair(
                team_id=team_id,
                program_id=current.id,
                round_id=rounds[1].id or 0,
                mentor_id=f"UM{i}",
                mentee_id=f"UE{i}",
                state="ended" if i == 5 else "active",
                started_at=started,
                ended_at=datetime(2027, 1, 25, tzinfo=UTC) if i == 5 else None,  # before check-in 2
            )
            for i in range(1, 6)
        ]
        pairs.append(
            Pair(
                team_id=team_id,
                program_id=pilot.id,
                round_id=rounds[0].id or 0,
                mentor_id="UM1",
                mentee_id="UM2",
                state="ended",
                started_at=datetime(2026, 9, 8, tzinfo=UTC),
                ended_at=datetime(2026, 11, 30, tzinfo=UTC),
            )
        )
        session.add_all(pairs)
        await session.flush()
        p = {i: pairs[i - 1].id or 0 for i in range(1, 7)}
        answers = [
            (1, 1, "met"),
            (2, 1, "met"),
            (3, 1, "met"),
            (4, 1, "not_yet"),
            (1, 2, "met"),
            (2, 2, "met"),
            (3, 2, "scheduled"),
            (5, 1, "met"),
            (6, 1, "met"),
            (6, 2, "met"),
            (6, 3, "met"),
        ]
        session.add_all(
            MeetingLog(team_id=team_id, pair_id=p[i], period=k, answer=a, by_user="UE1") for i, k, a in answers
        )
        feedback = [  # pair, period, author, role, rating, topic
            (1, 1, "UE1", "mentee", 5, "AI tools"),
            (2, 1, "UE2", "mentee", 4, " ai tools "),
            (3, 1, "UE3", "mentee", 3, "AI Tools"),
            (1, 1, "UM1", "mentor", 2, "Éthique"),
            (2, 1, "UM2", "mentor", 4, "ÉTHIQUE"),
            (1, 2, "UE1", "mentee", 4, " éthique"),
            (3, 2, "UE3", "mentee", 5, ""),
        ]
        session.add_all(
            Feedback(
                team_id=team_id,
                program_id=current.id,
                pair_id=p[i],
                period=k,
                author_id=author,
                author_role=role,
                rating=rating,
                topic=topic,
                topic_key=topic_key(topic),
                learned="private words",
                note="private note",
            )
            for i, k, author, role, rating, topic in feedback
        )


async def seed_surveys(db: Database, team_id: str) -> None:
    """Baselines at sign-up and the half-way survey: three people rated AI tools before and half-way (one more
    only half-way, not counted), two rated social media (too few to show); four answered "would you recommend"."""
    async with db.session() as session:
        [program] = [p for p in await programs_repo.list_programs(session, team_id=team_id) if p.state == "running"]
        ratings = [
            ("UE1", "ai_tools", "before", 2),
            ("UE2", "ai_tools", "before", 2),
            ("UE3", "ai_tools", "before", 3),
            ("UE1", "ai_tools", "mid", 4),
            ("UE2", "ai_tools", "mid", 3),
            ("UE3", "ai_tools", "mid", 4),
            ("UE4", "ai_tools", "mid", 5),
            ("UE1", "social_media", "before", 1),
            ("UE2", "social_media", "before", 1),
            ("UE1", "social_media", "mid", 5),
            ("UE2", "social_media", "mid", 5),
        ]
        session.add_all(
            SkillRating(team_id=team_id, program_id=program.id or 0, user_id=u, skill=k, stage=st, value=v)
            for u, k, st, v in ratings
        )
        session.add_all(
            SurveyAnswer(
                team_id=team_id,
                program_id=program.id or 0,
                user_id=u,
                stage="mid",
                recommend=r,
                change="private change",
                change_for_admins=True,  # answered on the form that says admins read it
            )
            for u, r in (("UE1", 9), ("UE2", 10), ("UE3", 6), ("UE4", 8))
        )
