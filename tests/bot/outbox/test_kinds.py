"""The registry of outbox message kinds: every kind has a typed payload and a sender, a payload survives its JSON
form, and rows stored before the registry existed (same strings) still decode."""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

import pytest

from bot.outbox.deliver import SENDERS, TOPICS_FOR
from bot.outbox.kinds import (
    DIRECT,
    PAYLOADS,
    Audience,
    CheckinPayload,
    FitAlertPayload,
    Kind,
    Payload,
    Recipient,
    UnmatchedPayload,
    kind_of,
    pair_id_of,
    recipient_of,
)
from bot.outbox.outcomes import Retire, retires
from storage.models import Outbox

SAMPLES: dict[type, Any] = {int: 7, str: "U123", bool: True}


def sample(cls: type[Payload]) -> Payload:
    hints = get_type_hints(cls)
    return cls(**{field.name: SAMPLES[hints[field.name]] for field in dataclasses.fields(cls)})


def test_every_kind_has_a_payload_and_a_sender() -> None:
    assert set(PAYLOADS) == set(Kind) == set(SENDERS)
    assert all(cls.kind == kind for kind, cls in PAYLOADS.items())
    assert set(TOPICS_FOR) <= set(Kind)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_payload_survives_its_json_form(kind: Kind) -> None:
    payload = sample(PAYLOADS[kind])
    message = payload.message(f"{kind}:1")
    assert message.kind == kind.value and message.key == f"{kind}:1"
    row = Outbox(team_id="T1", key=message.key, kind=str(message.kind), payload=message.payload)
    assert type(payload).of(row) == payload and kind_of(row) == kind


def test_rows_stored_before_the_registry_still_decode() -> None:
    unmatched = Outbox(
        team_id="T1",
        key="unmatched:3:U1",
        kind="unmatched",
        payload={"user_id": "U1", "side": "mentee", "reason": "need_mentors", "program": "P", "extra": 1},
    )
    assert UnmatchedPayload.of(unmatched) == UnmatchedPayload("U1", "mentee", "need_mentors", "P", pair_ended=False)
    alert = Outbox(
        team_id="T1", key="fit_alert:4:U1:UA", kind="fit_alert", payload={"pair_id": 4, "user_id": "UA", "about": "U1"}
    )
    assert FitAlertPayload.of(alert) == FitAlertPayload(4, "UA", "U1", program="")
    assert (pair_id_of(alert), recipient_of(alert)) == (4, Recipient(Audience.ADMIN, "UA"))
    assert kind_of(Outbox(team_id="T1", key="x", kind="retired_kind", payload={})) is None


def test_a_payload_missing_a_field_or_of_another_kind_is_refused() -> None:
    with pytest.raises(KeyError, match="without period"):
        CheckinPayload.of(Outbox(team_id="T1", key="checkin:1:1", kind="checkin", payload={"pair_id": 1}))
    with pytest.raises(ValueError, match="read as checkin"):
        CheckinPayload.of(Outbox(team_id="T1", key="nudge:1:1", kind="nudge", payload={"pair_id": 1, "period": 1}))


AUDIENCES = {
    Kind.INTRO: Audience.PAIR,
    Kind.CHECKIN: Audience.PAIR,
    Kind.NUDGE: Audience.PAIR,
    Kind.MILESTONE: Audience.PAIR,
    Kind.UNMATCHED: Audience.PERSON,
    Kind.PAIR_ENDED: Audience.PERSON,
    Kind.STALLED: Audience.PERSON,
    Kind.SURVEY: Audience.PERSON,
    Kind.FEEDBACK_ASK: Audience.PERSON,
    Kind.FIT_ASK: Audience.PERSON,
    Kind.SHARED_NOTE: Audience.PERSON,
    Kind.CONSENT_ASK: Audience.PERSON,
    Kind.FIT_ALERT: Audience.ADMIN,
    Kind.CELEBRATE: Audience.CHANNEL,
}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_knows_whom_it_goes_to_and_a_gone_answer_retires_only_them(kind: Kind) -> None:
    payload = sample(PAYLOADS[kind])
    recipient = payload.recipient()
    assert recipient.audience == AUDIENCES[kind]
    assert recipient.user_id == ("U123" if recipient.audience in DIRECT else None), "a DM names its person"
    gone = {error: retires(recipient, error) for error in ("user_not_found", "channel_not_found")}
    expected = {
        Audience.PAIR: {"user_not_found": Retire.PAIR, "channel_not_found": Retire.PAIR},
        Audience.PERSON: {"user_not_found": Retire.PERSON, "channel_not_found": Retire.PAIR},
        Audience.ADMIN: {"user_not_found": Retire.NOTHING, "channel_not_found": Retire.NOTHING},
        Audience.CHANNEL: {"user_not_found": Retire.NOTHING, "channel_not_found": Retire.NOTHING},
    }
    assert gone == expected[recipient.audience]
    assert retires(None, "user_not_found") == Retire.NOTHING, "a kind this version doesn't know"
