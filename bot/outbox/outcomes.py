"""What a failed Web API call means for a message that must go out exactly once: try again later, or record it."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.slack.client import slack_error
from storage.models import OutboxState

Outcome = tuple[OutboxState, str | None, str | None, str | None]  # state, error, channel, ts


class SafeToRetry(Exception):
    """A call that can be repeated without effect (opening a conversation) failed in a way that leaves it unclear
    whether Slack acted: the message goes back to pending instead of being recorded as uncertain."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


MAX_ATTEMPTS = 10  # a message still failing with "try later" after this many deliveries is given up (recorded)
# Failures after which Slack has certainly not posted anything: tried again later (run-due does), after the
# client's own retries (429 Retry-After, 5xx, connection errors) within the call.
RETRY = {"ratelimited", "service_unavailable", "http_429", "http_503", "ClientConnectorError"}
# Slack's error codes after which it may have posted the message anyway (its docs say so): recorded as
# "uncertain" and not sent again, since sending twice is worse than missing one (admins see the count on Home).
UNCERTAIN = {"internal_error", "fatal_error", "request_timeout"}
# Slack answers meaning the person or the conversation is gone: the pair ends (the person, if it is a DM to them,
# leaves every program), so nothing is tried again for them; admins see whom it was about on Home.
PERSON_GONE = {"user_not_found", "user_disabled"}
# Slack answers about the bot's own token (uninstalled, revoked, deactivated): nothing is wrong with the message;
# it stays pending and this delivery stops (the workspace is marked inactive by the uninstall events).
TOKEN_GONE = {"account_inactive", "invalid_auth", "token_revoked", "not_authed"}
GONE = PERSON_GONE | {"channel_not_found", "is_archived"}


def classify(exc: BaseException) -> tuple[OutboxState, str]:
    """What a failed send comes to: pending (try later), or failed with Slack's error or ``uncertain: …``."""
    error = slack_error(exc)
    if error in RETRY:
        return OutboxState.PENDING, error
    if error in UNCERTAIN or not isinstance(exc, SlackApiError) or error.startswith("http_5"):
        # a time-out, a dropped connection or a 5xx mid-request: the message may have gone
        return OutboxState.FAILED, f"uncertain: {error}"
    return OutboxState.FAILED, error
