"""Access declared once (handlers/access.py), through signed requests: every admin button and form refuses anyone
else, in the place they were looking, before anything happens; every button of a pair's messages is for its two
people while the pair is active."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.runtime.context import Deps
from prompts import checkins, feedback, intros, programs, results, roster, rounds
from prompts.participants import NOT_ADMIN
from storage import rounds as rounds_repo
from storage.models import MeetingLog
from tests.support.rounds import one_pair
from tests.support.signed import SlackSender, click_in_message


def slack_methods(slack: SlackSender) -> set[str]:
    """The Web API methods called, other than checking the bot token."""
    return set(slack.fake.methods()) - {"auth.test"}


ADMIN_BUTTONS = [
    (programs.ACTION_EDIT_SETTINGS, "1"),
    (programs.ACTION_NEW_PROGRAM, None),
    (programs.ACTION_PROGRAM_STATE, "1:draft:open"),
    (programs.ACTION_END_PROGRAM, "1:open:ended"),
    (programs.ACTION_ANNOUNCE, "1"),
    (programs.ACTION_AUDIT, None),
    (programs.ACTION_REFRESH_HOME, None),
    (roster.ACTION_OPEN_ROSTER, "1"),
    (roster.ACTION_SEARCH, "Marketing"),
    (roster.ACTION_PREVIOUS, '{"page": 0}'),
    (roster.ACTION_NEXT, '{"page": 1}'),
    (roster.ACTION_PERSON, "remove:1"),
    (rounds.ACTION_PREVIEW, "1"),
    (rounds.ACTION_ADJUST, "drop:1"),
    (results.ACTION_EXPORT, "1"),
    (results.ACTION_CHART, "1"),
]


@pytest.mark.parametrize(("action_id", "value"), ADMIN_BUTTONS)
async def test_every_admin_button_refuses_anyone_else(slack: SlackSender, action_id: str, value: str | None) -> None:
    slack.fake.add_user("U100")  # a member, not a workspace admin
    status, body = await slack.click(action_id, user_id="U100", container="view", value=value)
    assert status == 200 and body == ""  # acked by the refusal itself
    [dm] = slack.fake.calls_to("chat.postMessage")  # told by DM before the ack went out: nothing else happened
    assert dm["channel"] == "U100" and dm["text"] == NOT_ADMIN
    assert slack_methods(slack) == {"users.info", "chat.postMessage"}


def _form(callback_id: str, metadata: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback_id, "private_metadata": metadata, "blocks": []}


@pytest.mark.parametrize(
    ("form", "answer"),
    [
        (_form(programs.SETTINGS_CALLBACK_ID, '{"program_id": 1}'), {"errors": {programs.NAME: NOT_ADMIN}}),
        (_form(roster.ROSTER_CALLBACK_ID, '{"program_id": 1}'), {"errors": {roster.SEARCH_BLOCK: NOT_ADMIN}}),
        (_form(rounds.PREVIEW_CALLBACK_ID, "1"), {"view": rounds.message_modal("Preview matches", NOT_ADMIN)}),
    ],
)
async def test_every_admin_form_refuses_anyone_else(slack: SlackSender, form: dict[str, Any], answer: dict) -> None:
    slack.fake.add_user("U100")
    status, body = await slack.submit_view(form, {}, user_id="U100")
    assert status == 200
    refusal = json.loads(body)
    assert {k: v for k, v in refusal.items() if k != "response_action"} == answer
    assert refusal["response_action"] == ("update" if "view" in answer else "errors")
    assert slack_methods(slack) == {"users.info"}


PAIR_BUTTONS = [
    (intros.ACTION_SCHEDULED, "{pair}"),
    (intros.ACTION_ANOTHER_TOPIC, "{pair}"),
    (intros.ACTION_NOT_WORKING, "{pair}"),
    (feedback.ACTION_FIT_YES, "{pair}"),
    (feedback.ACTION_FIT_NO, "{pair}"),
    *((answer, "{pair}:2") for answer in checkins.ANSWER_ACTIONS),
    (checkins.ACTION_MEETING_TIMES, "{pair}:2"),
]


async def test_pair_buttons_are_for_the_pair_while_it_is_active(slack: SlackSender, deps: Deps, team_id: str) -> None:
    pair = await one_pair(slack, deps, team_id)
    slack.fake.reset()

    async def told(action_id: str, value: str, user_id: str) -> str:
        before = len(slack.fake.calls_to("response_url"))
        status, _ = await click_in_message(slack, action_id, value.format(pair=pair.id), {"text": "x"}, user_id)
        assert status == 200
        return str((await slack.fake.wait_for("response_url", before + 1))[-1]["text"])

    for action_id, value in PAIR_BUTTONS:  # a forwarded message: someone else clicks
        assert await told(action_id, value, "USTRANGER") == intros.not_in_pair_reply().text, action_id
    async with deps.db.session() as session:
        await rounds_repo.end_pairs(session, team_id=team_id, program_id=pair.program_id, reason="left", user_id="UE1")
    for action_id, value in PAIR_BUTTONS:  # the pair has ended: its own people are told so
        assert await told(action_id, value, "UM1") == intros.pair_gone_reply().text, action_id
    assert slack_methods(slack) == {"response_url"}  # nothing posted, opened or updated
    async with deps.db.read() as session:
        assert (await session.exec(select(MeetingLog).where(MeetingLog.team_id == team_id))).all() == []
