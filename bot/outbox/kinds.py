"""Every kind of outbox message, in one registry: its name (the ``outbox.kind`` column) and its payload, a small
frozen dataclass with its JSON form (the ``outbox.payload`` column).

Each payload also says whom its message goes to (:meth:`Payload.recipient`): what Slack's "gone" answers about
a message may act on (:func:`bot.outbox.deliver._retire`) is that recipient, never the person the message is about.

A message is enqueued as ``SomePayload(...).message(key)`` and its sender (:data:`bot.outbox.deliver.SENDERS`, keyed
by :class:`Kind`) reads it back with ``SomePayload.of(row)``. The stored strings are the ones the outbox always had,
so rows enqueued before the registry existed still decode: keys a payload doesn't know are ignored, optional fields
missing or null take their defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self, get_type_hints

from storage.models import Outbox
from storage.outbox import Message


class Kind(StrEnum):
    """What an outbox message is (which sender builds it)."""

    INTRO = "intro"  # a new pair's introduction, in their group DM
    UNMATCHED = "unmatched"  # "not paired this round", to one person
    PAIR_ENDED = "pair_ended"  # "your pairing ended", to a reverse mentor whose other pairing goes on
    CHECKIN = "checkin"  # check-in number ``period``, in the pair's group DM
    NUDGE = "nudge"  # after two check-ins without a meeting: times that suit both
    STALLED = "stalled"  # "stay, pause or leave?", privately, instead of a check-in
    MILESTONE = "milestone"  # the mid-program check and the end-of-program message
    SURVEY = "survey"  # the mid- or end-of-program survey, to one person
    FEEDBACK_ASK = "feedback_ask"  # "how did the meeting go?", to one person
    FIT_ASK = "fit_ask"  # "does the pairing work for you?", after the first meeting
    SHARED_NOTE = "shared_note"  # a feedback note its author chose to share with their partner
    FIT_ALERT = "fit_alert"  # to a program admin: someone's pairing isn't working
    CONSENT_ASK = "consent_ask"  # may we celebrate your milestones in the program's channel?
    CELEBRATE = "celebrate"  # a pair's milestone, in the program's announcement channel


class Audience(StrEnum):
    """Where a kind of message goes."""

    PAIR = "pair"  # the pair's group DM (the two people and the app)
    PERSON = "person"  # a DM to one person taking part (the payload's ``user_id``)
    ADMIN = "admin"  # a DM to a program admin (the payload's ``user_id``), about someone else
    CHANNEL = "channel"  # the program's announcement channel


@dataclass(frozen=True)
class Recipient:
    """Whom one message goes to: its audience, and the person for a DM."""

    audience: Audience
    user_id: str | None = None


DIRECT = frozenset({Audience.PERSON, Audience.ADMIN})  # audiences reached by a DM to the payload's ``user_id``


@dataclass(frozen=True)
class Payload:
    """What a message's sender needs (each kind's subclass names its fields, and whom it goes to: ``audience``; a
    DM's payload has the person's ``user_id``)."""

    kind: ClassVar[Kind]
    audience: ClassVar[Audience]

    def recipient(self) -> Recipient:
        """Whom this message goes to."""
        if self.audience in DIRECT:
            return Recipient(self.audience, str(self.to_json()["user_id"]))  # every DM's payload names its person
        return Recipient(self.audience)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """The payload of a stored message (unknown keys ignored; a field missing or null takes its default, or
        raises KeyError if it has none, as reading the stored dict did)."""
        hints = _scalar_fields(cls)
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            value = data.get(field.name)
            if value is not None:
                values[field.name] = hints[field.name](value)
            elif field.default is dataclasses.MISSING:
                raise KeyError(f"a {cls.kind} message without {field.name}")
        return cls(**values)

    @classmethod
    def of(cls, row: Outbox) -> Self:
        """The payload of a claimed row of this kind."""
        if row.kind != cls.kind:
            raise ValueError(f"a {row.kind} message read as {cls.kind}")
        return cls.from_json(row.payload)

    def message(self, key: str) -> Message:
        """The message to enqueue under ``key``."""
        return Message(key, self.kind, self.to_json())


def _scalar_fields(cls: type[Payload]) -> dict[str, Callable[[Any], object]]:
    """Each field's type (int, str or bool), to read a stored value with."""
    hints = get_type_hints(cls)
    found = {field.name: hints[field.name] for field in dataclasses.fields(cls)}
    assert all(t in (int, str, bool) for t in found.values()), f"{cls.__name__}: payload fields are int, str or bool"
    return found


@dataclass(frozen=True)
class IntroPayload(Payload):
    kind: ClassVar[Kind] = Kind.INTRO
    audience: ClassVar[Audience] = Audience.PAIR
    pair_id: int


@dataclass(frozen=True)
class UnmatchedPayload(Payload):
    kind: ClassVar[Kind] = Kind.UNMATCHED
    audience: ClassVar[Audience] = Audience.PERSON
    user_id: str
    side: str  # mentor or mentee
    reason: str  # why they were left out (bot.matching, bot.rounds)
    program: str  # its name
    pair_ended: bool = False  # their pair ended this round (a rematch request)


@dataclass(frozen=True)
class PairEndedPayload(Payload):
    kind: ClassVar[Kind] = Kind.PAIR_ENDED
    audience: ClassVar[Audience] = Audience.PERSON
    user_id: str
    partner: str
    program: str


@dataclass(frozen=True)
class CheckinPayload(Payload):
    kind: ClassVar[Kind] = Kind.CHECKIN
    audience: ClassVar[Audience] = Audience.PAIR
    pair_id: int
    period: int


@dataclass(frozen=True)
class NudgePayload(Payload):
    kind: ClassVar[Kind] = Kind.NUDGE
    audience: ClassVar[Audience] = Audience.PAIR
    pair_id: int
    period: int


@dataclass(frozen=True)
class StalledPayload(Payload):
    kind: ClassVar[Kind] = Kind.STALLED
    audience: ClassVar[Audience] = Audience.PERSON
    pair_id: int
    period: int
    user_id: str


@dataclass(frozen=True)
class MilestonePayload(Payload):
    kind: ClassVar[Kind] = Kind.MILESTONE
    audience: ClassVar[Audience] = Audience.PAIR
    pair_id: int
    which: str  # mid or end


@dataclass(frozen=True)
class SurveyPayload(Payload):
    kind: ClassVar[Kind] = Kind.SURVEY
    audience: ClassVar[Audience] = Audience.PERSON
    program_id: int
    stage: str  # mid or end
    user_id: str


@dataclass(frozen=True)
class FeedbackAskPayload(Payload):
    kind: ClassVar[Kind] = Kind.FEEDBACK_ASK
    audience: ClassVar[Audience] = Audience.PERSON
    pair_id: int
    period: int
    user_id: str


@dataclass(frozen=True)
class FitAskPayload(Payload):
    kind: ClassVar[Kind] = Kind.FIT_ASK
    audience: ClassVar[Audience] = Audience.PERSON
    pair_id: int
    user_id: str


@dataclass(frozen=True)
class SharedNotePayload(Payload):
    kind: ClassVar[Kind] = Kind.SHARED_NOTE
    audience: ClassVar[Audience] = Audience.PERSON
    pair_id: int
    period: int
    author_id: str
    user_id: str  # the partner it goes to


@dataclass(frozen=True)
class FitAlertPayload(Payload):
    kind: ClassVar[Kind] = Kind.FIT_ALERT
    audience: ClassVar[Audience] = Audience.ADMIN
    pair_id: int
    user_id: str  # the admin it goes to
    about: str  # whose pairing isn't working
    program: str = ""  # its name


@dataclass(frozen=True)
class ConsentAskPayload(Payload):
    kind: ClassVar[Kind] = Kind.CONSENT_ASK
    audience: ClassVar[Audience] = Audience.PERSON
    pair_id: int
    user_id: str


@dataclass(frozen=True)
class CelebratePayload(Payload):
    kind: ClassVar[Kind] = Kind.CELEBRATE
    audience: ClassVar[Audience] = Audience.CHANNEL
    pair_id: int
    milestone: str  # first, fifth or completed (bot.recognition)


PAYLOADS: dict[Kind, type[Payload]] = {
    cls.kind: cls
    for cls in (
        IntroPayload,
        UnmatchedPayload,
        PairEndedPayload,
        CheckinPayload,
        NudgePayload,
        StalledPayload,
        MilestonePayload,
        SurveyPayload,
        FeedbackAskPayload,
        FitAskPayload,
        SharedNotePayload,
        FitAlertPayload,
        ConsentAskPayload,
        CelebratePayload,
    )
}


def kind_of(row: Outbox) -> Kind | None:
    """The row's kind, or None for a kind this version doesn't know."""
    try:
        return Kind(row.kind)
    except ValueError:
        return None


def pair_id_of(row: Outbox) -> int | None:
    """The pair a message is about, whatever its kind (None: not about a pair)."""
    pair_id = row.payload.get("pair_id")
    return int(pair_id) if pair_id is not None else None


def recipient_of(row: Outbox) -> Recipient | None:
    """Whom a stored message goes to (None: a kind this version doesn't know, or a payload it can't read)."""
    kind = kind_of(row)
    if kind is None:
        return None
    try:
        return PAYLOADS[kind].of(row).recipient()
    except (KeyError, ValueError, TypeError):
        return None
