"""What became of a message that must go out exactly once (:class:`Outcome`), and what a failed Web API call means
for it: try again later, or record it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.outbox.kinds import Audience, Recipient
from bot.slack.client import slack_error
from storage.models import Outbox, OutboxState
from storage.outbox import UNCERTAIN  # the prefix of a failure after which Slack may have posted the message anyway


def uncertain(error: str | None) -> bool:
    """Whether a recorded error says Slack may have posted the message anyway."""
    return (error or "").startswith(UNCERTAIN)


def answerable(row: Outbox | None) -> bool:
    """Whether a message's buttons are answered: it was sent, is being sent, or Slack may have posted it (then a
    click on one of them shows it was)."""
    if row is None:
        return False
    return row.state in (OutboxState.SENT, OutboxState.SENDING) or (
        row.state == OutboxState.FAILED and uncertain(row.error)
    )


@dataclass(frozen=True)
class Outcome:
    """One message's Slack call done (or not made): the message's new state, Slack's error or why nothing was sent,
    and where it was posted."""

    state: OutboxState
    error: str | None = None
    channel: str | None = None
    ts: str | None = None

    @classmethod
    def posted(cls, answer: AsyncSlackResponse, *, channel: str | None = None) -> Outcome:
        """Sent: in ``channel`` (the pair's group DM), or wherever Slack says it went (a DM)."""
        return cls(OutboxState.SENT, None, channel if channel is not None else answer.get("channel"), answer.get("ts"))

    @classmethod
    def skipped(cls, why: str) -> Outcome:
        """Nothing to send any more (see :class:`Skip`)."""
        return cls(OutboxState.SKIPPED, why)

    @classmethod
    def pending(cls, error: str) -> Outcome:
        """Not sent, tried again later."""
        return cls(OutboxState.PENDING, error)

    @property
    def maybe_posted(self) -> bool:
        return self.state == OutboxState.FAILED and uncertain(self.error)


class Skip(StrEnum):
    """Why a message was not sent when its turn came (recorded as the skipped message's error)."""

    PAIR_ENDED = "pair_ended"  # an introduction whose pair ended first
    PAIR_GONE = "pair_gone"
    INACTIVE = "pair_or_program_inactive"  # the pair, its program or one of its people is not taking part now
    PERIOD_GONE = "period_gone"  # the program's dates or rhythm changed since the check-in was queued
    NOT_SHARED = "not_shared"  # the note's author unshared or deleted it
    NOT_TAKING_PART = "not_taking_part"
    NOT_CELEBRATING = "not_celebrating"  # the program no longer celebrates milestones
    NO_CONSENT = "no_consent"


class SafeToRetry(Exception):
    """A call that can be repeated without effect (opening a conversation) failed in a way that leaves it unclear
    whether Slack acted: the message goes back to pending instead of being recorded as uncertain."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class SlackCode(StrEnum):
    """The answers of Slack (its error codes, and the client's names for a failure) that delivery acts on."""

    RATELIMITED = "ratelimited"
    HTTP_429 = "http_429"
    SERVICE_UNAVAILABLE = "service_unavailable"
    HTTP_503 = "http_503"
    CONNECTION_FAILED = "ClientConnectorError"
    INTERNAL_ERROR = "internal_error"
    FATAL_ERROR = "fatal_error"
    REQUEST_TIMEOUT = "request_timeout"
    USER_NOT_FOUND = "user_not_found"
    USER_DISABLED = "user_disabled"
    CHANNEL_NOT_FOUND = "channel_not_found"
    IS_ARCHIVED = "is_archived"
    ACCOUNT_INACTIVE = "account_inactive"
    INVALID_AUTH = "invalid_auth"
    TOKEN_REVOKED = "token_revoked"
    NOT_AUTHED = "not_authed"
    PACED_OUT = "paced_out"  # ours: Slack asked for a wait longer than a delivery should hold its batch


MAX_ATTEMPTS = 10  # a message still failing with "try later" after this many deliveries is given up (recorded)
# Failures after which Slack has certainly not posted anything: tried again later (run-due does), after the
# client's own retries (429 Retry-After, 5xx, connection errors) within the call.
RETRY = frozenset(
    {
        SlackCode.RATELIMITED,
        SlackCode.SERVICE_UNAVAILABLE,
        SlackCode.HTTP_429,
        SlackCode.HTTP_503,
        SlackCode.CONNECTION_FAILED,
    }
)
# Slack's error codes after which it may have posted the message anyway (its docs say so): recorded as
# "uncertain" and not sent again, since sending twice is worse than missing one (admins see the count on Home).
MAYBE_POSTED = frozenset({SlackCode.INTERNAL_ERROR, SlackCode.FATAL_ERROR, SlackCode.REQUEST_TIMEOUT})
# Slack answers meaning the person or the conversation a message was for is gone: see :func:`retires`; admins see
# whom it was for on Home.
PERSON_GONE = frozenset({SlackCode.USER_NOT_FOUND, SlackCode.USER_DISABLED})
GONE = PERSON_GONE | {SlackCode.CHANNEL_NOT_FOUND, SlackCode.IS_ARCHIVED}
# Slack answers about the bot's own token (uninstalled, revoked, deactivated): nothing is wrong with the message;
# it stays pending and this delivery stops (the workspace is marked inactive by the uninstall events).
TOKEN_GONE = frozenset(
    {SlackCode.ACCOUNT_INACTIVE, SlackCode.INVALID_AUTH, SlackCode.TOKEN_REVOKED, SlackCode.NOT_AUTHED}
)
# Slack still says "too many" after the client's own waits: the batch goes back to pending (attempts not counted).
WAIT_LONGER = frozenset({SlackCode.PACED_OUT, SlackCode.RATELIMITED, SlackCode.HTTP_429})


class Retire(StrEnum):
    """What a "gone" answer retires: only whom the message was for, never the person it is about."""

    PERSON = "left"  # a DM's person is gone from Slack: they leave every program (their pairs end)
    PAIR = "pair_ended"  # the pair's conversation is gone, or one of its people can't be reached: that pair ends
    NOTHING = "not_retried"  # an admin's DM, the program's channel: recorded (and shown on Home), nothing else


def retires(recipient: Recipient | None, error: str) -> Retire:
    """What Slack's ``error`` (one of ``GONE``) about a message for ``recipient`` retires."""
    if recipient is None or recipient.audience not in (Audience.PAIR, Audience.PERSON):
        return Retire.NOTHING
    if recipient.audience == Audience.PERSON and error in PERSON_GONE:
        return Retire.PERSON
    return Retire.PAIR


def classify(exc: BaseException) -> Outcome:
    """What a failed send comes to: pending (try later), or failed with Slack's error or ``uncertain: …``."""
    error = slack_error(exc)
    if error in RETRY:
        return Outcome.pending(error)
    if error in MAYBE_POSTED or not isinstance(exc, SlackApiError) or error.startswith("http_5"):
        # a time-out, a dropped connection or a 5xx mid-request: the message may have gone
        return Outcome(OutboxState.FAILED, f"{UNCERTAIN}: {error}")
    return Outcome(OutboxState.FAILED, error)
