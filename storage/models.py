"""Database tables. Every row carries ``team_id`` so one database can serve many workspaces."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Role(StrEnum):
    MENTOR = "mentor"  # the reverse mentor: shares digital skills and a fresh view
    MENTEE = "mentee"  # the more experienced colleague who wants to learn
    EITHER = "either"


class MeetingFormat(StrEnum):
    VIDEO = "video"
    IN_PERSON = "in_person"
    EITHER = "either"


class ParticipantState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"
    DELETED = "deleted"  # personal data erased; the row only feeds anonymous counts


class ProgramState(StrEnum):
    DRAFT = "draft"  # being set up: only admins see it
    OPEN = "open"  # open for sign-ups, not matched yet
    RUNNING = "running"  # pairs meet; late sign-ups are still taken and join the next round
    ENDED = "ended"  # read-only: no sign-ups, no scheduled messages
    # A draft an admin threw away: kept (renamed, so its name is free) only so that its id is never reused, which
    # keeps stale buttons and audit entries from pointing at another program. Shown nowhere.
    DISCARDED = "discarded"


JOINABLE_STATES = (ProgramState.OPEN, ProgramState.RUNNING)
# The only moves an admin can make; ending is possible from any state but the last.
NEXT_STATES: dict[str, tuple[ProgramState, ...]] = {
    ProgramState.DRAFT: (ProgramState.OPEN, ProgramState.ENDED),
    ProgramState.OPEN: (ProgramState.RUNNING, ProgramState.ENDED),
    ProgramState.RUNNING: (ProgramState.ENDED,),
    ProgramState.ENDED: (),
    ProgramState.DISCARDED: (),
}


class Workspace(SQLModel, table=True):
    team_id: str = Field(primary_key=True, max_length=32)
    active: bool = True
    installed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def default_rules() -> dict[str, Any]:
    """Matching rules of a new program (used by matching): see the README's admin section."""
    return {
        "avoid_reporting_line": True,
        "prefer_other_departments": True,
        "celebrate_milestones": True,  # a pair's first and fifth meetings, and completing the program
        "min_experience_gap": 5,
        "mentor_capacity": 1,
        "avoid_repeat_rounds": 2,
    }


class Program(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_program_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=100)
    objectives: str = Field(default="", sa_type=Text)
    state: str = Field(default=ProgramState.OPEN, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    start_date: date | None = None
    end_date: date | None = None
    cadence: str = Field(default="biweekly", max_length=16)  # weekly, biweekly, monthly
    checkin_weekday: int = 1  # Monday is 0: Tuesday by default
    checkin_time: str = Field(default="10:00", max_length=5)  # in each person's own time zone
    quiet_start: str = Field(default="09:00", max_length=5)  # nothing is sent outside these local hours
    quiet_end: str = Field(default="18:00", max_length=5)
    rules: dict[str, Any] = Field(default_factory=default_rules, sa_column=Column(JSON, nullable=False))
    channel_id: str | None = Field(default=None, max_length=32)  # where announcements go
    # The topic catalogue as this program trims and extends it: {"off": [catalogue keys], "extra": [{"label",
    # "question"}]}; empty means every default topic and no extra one (see prompts/catalogue.program_topics).
    topics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Participant(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", name="uq_participant_program_user"),
        Index("ix_participant_team_user", "team_id", "user_id"),  # a person's rows in every program (Home tab)
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    user_id: str = Field(max_length=64)
    role: str = Field(max_length=16)
    department: str | None = Field(default=None, max_length=100)
    years_experience: int | None = None
    shares: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    learns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    goals: str | None = Field(default=None, sa_type=Text)
    meeting_format: str = Field(default=MeetingFormat.EITHER, max_length=16)
    manager_id: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    tz_offset: int | None = None
    state: str = Field(default=ParticipantState.ACTIVE, max_length=16, index=True)
    paused_until: date | None = None
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    data_deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def answers(self) -> dict[str, Any]:
        """The opt-in answers, as the modal and summaries use them."""
        return {
            "role": self.role,
            "department": self.department,
            "years_experience": self.years_experience,
            "shares": list(self.shares or []),
            "learns": list(self.learns or []),
            "goals": self.goals,
            "meeting_format": self.meeting_format,
            # a manager who erased their data is not shown (their marker still keeps the reporting line)
            "manager_id": None if (self.manager_id or "").startswith(ERASED_MARKER) else self.manager_id,
        }


# What replaces an erased person's Slack ID where the row is kept for someone else (the audit log, who promoted an
# admin, who previewed a round, a message kept for its recipient): shown as such, never mentioned.
ERASED_PERSON = "erased person"
# What stands in for an erased person where someone else's data named them (a "don't pair me with" list, a manager
# answer): this prefix and their keyed hash (storage/erasures.py). Never a Slack ID, so it matches nobody.
ERASED_MARKER = "erased:"


class Admin(SQLModel, table=True):
    """People promoted to program admin from the Home tab (besides MENTOR_ADMINS and workspace admins/owners)."""

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    added_by: str = Field(max_length=64)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    """Every admin change: who, what, when, before and after."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    actor_id: str = Field(max_length=64)
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=128)
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Avoid(SQLModel, table=True):
    """A person's private "don't pair me with" list (``/mentor avoid``), for every program of the workspace."""

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    avoided_id: str = Field(primary_key=True, max_length=64)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SlackEvent(SQLModel, table=True):
    """Events API deliveries and interactions already handled, so Slack's retries (X-Slack-Retry-Num) are not
    processed twice: an event by its ``event_id``, an interaction by a digest of its ``trigger_id``
    (:func:`storage.workspaces.interaction_key`)."""

    __tablename__ = "slack_event"

    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(max_length=32)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundState(StrEnum):
    PREVIEW = "preview"  # proposed, adjustable by admins; nothing sent
    PUBLISHED = "published"
    DISCARDED = "discarded"  # a preview replaced by a newer one or by a published round


class PairState(StrEnum):
    PROPOSED = "proposed"  # in a preview
    ACTIVE = "active"
    ENDED = "ended"  # a rematch, a partner who left, or the program's end


class MatchRound(SQLModel, table=True):
    """One round of matching of a program: a preview admins adjust, then the published round."""

    __tablename__ = "match_round"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    state: str = Field(default=RoundState.PREVIEW, max_length=16)
    created_by: str = Field(max_length=64)  # a user id, or "cli"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who is left out, and why: [{"user_id", "side", "reason"}] (reasons: see bot.matching)
    unmatched: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Pairs ended by this round when it is published (rematch requests): [pair id]
    ends: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The program's latest published round when this preview was computed: publishing is refused if another
    # round was published since (the preview was computed from who was free then).
    after_round_id: int | None = None
    # When the people of this round were read: a pair ended after that (a partner left) makes its people wait.
    pool_read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Pair(SQLModel, table=True):
    __table_args__ = (Index("ix_pair_program_state", "program_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id")
    round_id: int = Field(foreign_key="match_round.id", index=True)
    mentor_id: str = Field(max_length=64)  # the reverse mentor's user id
    mentee_id: str = Field(max_length=64)
    score: float = 0.0
    # bot.matching.Reasons as a dict: the explanation is rendered from it (prompts/matching.py)
    reasons: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=PairState.PROPOSED, max_length=16)
    channel_id: str | None = Field(default=None, max_length=32)  # the pair's group DM, once introduced
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # suggested so far
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # "We've scheduled our first meeting"
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_reason: str | None = Field(default=None, max_length=32)


class RematchRequest(SQLModel, table=True):
    """``/mentor rematch`` or the intro's *This match doesn't work for me*: private to the person and admins."""

    __tablename__ = "rematch_request"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    user_id: str = Field(max_length=64)
    pair_id: int | None = Field(default=None, foreign_key="pair.id")
    reason: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the round that rematched them


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process; a crash leaves it here, never resent blindly
    SENT = "sent"
    FAILED = "failed"  # a permanent Slack error, or "uncertain: …" (recorded in ``error``)
    SKIPPED = "skipped"  # nothing to send any more (the pair ended before its introduction went)


class Outbox(SQLModel, table=True):
    """Every message that must go out exactly once, under a unique key (e.g. ``intro:<pair id>``)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=OutboxState.PENDING, max_length=16, index=True)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_id: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)


class MeetingAnswer(StrEnum):
    MET = "met"
    SCHEDULED = "scheduled"
    NOT_YET = "not_yet"
    SKIP = "skip"  # "skip this cycle"


class MeetingLog(SQLModel, table=True):
    """A pair's answer to check-in number ``period`` (the latest answer wins; either person may give it)."""

    __tablename__ = "meeting_log"
    __table_args__ = (UniqueConstraint("pair_id", "period", name="uq_meeting_log_pair_period"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    period: int
    answer: str = Field(max_length=16)
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Feedback(SQLModel, table=True):
    """One person's feedback on one meeting (a pair's check-in ``period`` answered *We met*); editing replaces it.

    Confidential: admins see the rating in averages and what they learned as anonymous text (groups of 3 or more),
    never the note; the partner sees the note only when ``share_note`` is ticked, never the rating."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("pair_id", "period", "author_id", name="uq_feedback_pair_period_author"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    period: int
    author_id: str = Field(max_length=64)
    author_role: str = Field(max_length=16)  # mentor (the junior reverse mentor) or mentee
    rating: int  # how useful the meeting was, 1–5
    topic: str = Field(default="", max_length=200)
    topic_key: str = Field(default="", max_length=200, index=True)  # the topic casefolded, spaces collapsed
    learned: str = Field(default="", max_length=1000)
    note: str = Field(default="", max_length=500)
    share_note: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FitAnswer(SQLModel, table=True):
    """A person's private answer to "Is this pairing working for you?", asked after the pair's first meeting."""

    __tablename__ = "fit_answer"
    __table_args__ = (UniqueConstraint("pair_id", "user_id", name="uq_fit_answer_pair_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    user_id: str = Field(max_length=64)
    working: bool
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SkillRating(SQLModel, table=True):
    """A person's self-rated confidence (1–5) in a skill they picked: ``before`` (at sign-up), ``mid`` and ``end``
    (the surveys). Reports compare stages per skill, in SQL, for groups of 3 people or more."""

    __tablename__ = "skill_rating"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", "skill", "stage", name="uq_skill_rating_program_user_skill_stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    user_id: str = Field(max_length=64)
    skill: str = Field(max_length=100)
    stage: str = Field(max_length=8)  # before, mid, end
    value: int
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SurveyAnswer(SQLModel, table=True):
    """A person's mid- or end-of-program survey: would they recommend the program (0–10), what to change."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("program_id", "user_id", "stage", name="uq_survey_answer_program_user_stage"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    program_id: int = Field(foreign_key="program.id", index=True)
    user_id: str = Field(max_length=64)
    stage: str = Field(max_length=8)  # mid, end
    recommend: int
    change: str = Field(default="", max_length=1000)
    # Whether the form said admins would read ``change`` word for word when it was answered: answers given before the
    # form said so (migration 0011) stay out of the free-text export.
    change_for_admins: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Consent(SQLModel, table=True):
    """A person's answer, asked once per workspace, to "may we celebrate your milestones in the announcement
    channel?" (the latest answer counts)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_consent_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    user_id: str = Field(max_length=64)
    celebrate: bool
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Erasure(SQLModel, table=True):
    """Someone who erased their data (``/mentor delete-my-data``), as a keyed hash of their Slack ID, never the ID:
    an HR import or an admin does not enrol them again; joining again themselves removes the row. Each row has its
    own random key (``salt``), so a hash says nothing without it (see ``storage.erasures``)."""

    team_id: str = Field(primary_key=True, max_length=32)
    user_hash: str = Field(primary_key=True, max_length=64)  # HMAC-SHA256(salt, team_id:user_id), hex
    salt: str = Field(max_length=64)  # random, hex
    erased_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
