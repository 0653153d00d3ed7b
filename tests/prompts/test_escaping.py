"""A program named with live markup stays inert in every message that names it: the fallback ``text`` (which is
the notification, and is mrkdwn) as much as the blocks' mrkdwn. Headers and other plain text need no escaping."""

from __future__ import annotations

from datetime import date

import pytest

from prompts import checkins, feedback, intros, participants, programs, recognition, surveys
from prompts.blocks import Reply
from prompts.matching import pair_ended_dm, unmatched_dm
from prompts.rounds import publish_outcome_text, published_text
from tests.support.blockkit import walk_text
from tests.support.samples import HOSTILE, escape_problems

REPLIES: dict[str, Reply] = {
    "check-in": checkins.checkin_message(
        pair_id=1, period=2, mentor_id="U1", mentee_id="U2", program_name=HOSTILE, since=None, topic=None
    ),
    "stalled": checkins.stalled_dm(program_id=1, program_name=HOSTILE, partner_id="U2"),
    "stalled answer": checkins.stalled_answer_reply("stay", HOSTILE),
    "half-way": checkins.milestone_message(which="mid", program_name=HOSTILE, mentor_id="U1", mentee_id="U2"),
    "last day": checkins.milestone_message(which="end", program_name=HOSTILE, mentor_id="U1", mentee_id="U2"),
    "introduction": intros.intro_message(
        pair_id=1,
        mentor_id="U1",
        mentee_id="U2",
        reasons={},
        program={"name": HOSTILE, "objectives": HOSTILE, "start_date": date(2027, 1, 4), "end_date": None},
        topics=[],
    ),
    "rematch noted": intros.rematch_recorded_reply(HOSTILE, again=False),
    "welcome": participants.profile_saved_dm(program_name=HOSTILE, answers={}, timezone=None, joined=True),
    "closed": participants.program_closed_reply(HOSTILE),
    "paused": participants.paused_reply(None, [HOSTILE, HOSTILE]),
    "resumed": participants.resumed_reply([HOSTILE, HOSTILE]),
    "pause over": participants.auto_resumed_dm(date(2027, 1, 4), [HOSTILE]),
    "leave?": participants.leave_confirm_reply([(1, HOSTILE)]),
    "left": participants.left_reply([HOSTILE]),
    "admin paused you": participants.admin_changed_you_dm("pause", HOSTILE),
    "announcement": programs.announcement({"id": 1, "name": HOSTILE, "objectives": HOSTILE}),
    "not announced": programs.announce_closed_reply(HOSTILE),
    "moved": programs.move_result_reply(HOSTILE, "running", "moved"),
    "survey": surveys.survey_dm(program_id=1, program_name=HOSTILE, stage="mid"),
    "not working": feedback.fit_alert_message(user_id="U1", program=HOSTILE),
    "celebration": recognition.celebration(milestone="completed", mentor_id="U1", mentee_id="U2", program=HOSTILE),
    "not paired": Reply(unmatched_dm(HOSTILE, "mentee", "taken")),
    "pairing ended": Reply(pair_ended_dm(HOSTILE, "U2")),
    "published": Reply(published_text(program_name=HOSTILE, pairs=1, unmatched=0, sent=1, failed=0)),
    "not published": Reply(publish_outcome_text("closed", HOSTILE)),
}


@pytest.mark.parametrize("case", list(REPLIES))
def test_a_program_name_is_never_live_markup(case: str) -> None:
    reply = REPLIES[case]
    assert "&lt;!channel&gt;" in reply.text, "the name is in the notification, escaped"
    assert escape_problems([reply.text, *walk_text(reply.blocks, "mrkdwn")]) == []
