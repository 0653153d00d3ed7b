"""The feedback, survey and results builders stay within Slack's Block Kit limits, and say what they should."""

from __future__ import annotations

import json
from typing import Any

from bot.results import MIN_GROUP
from prompts import feedback as fb
from prompts import surveys as sv
from prompts.results import results_blocks
from tests.support.blockkit import assert_valid_reply, assert_valid_view


def test_feedback_builders_are_valid_and_private() -> None:
    view = fb.feedback_modal(pair_id=1, period=2, partner_id="U2", role="mentee", topic="AI tools " * 40)
    assert_valid_view(view)
    saved = {"rating": 4, "topic": "x", "learned": "y", "note": "z", "share_note": True}
    edited = fb.feedback_modal(pair_id=1, period=2, partner_id="U2", role="mentor", topic="", saved=saved)
    assert_valid_view(edited)
    assert "editing your feedback" in json.dumps(edited)
    for note in ("shared", "already", "private"):
        assert_valid_view(fb.thanks_view(partner_id="U2", note=note, edited=False))
    assert_valid_view(fb.saving_view())
    assert_valid_view(fb.not_saved_view())
    longest = {"rating": 1, "topic": "t" * fb.TOPIC_MAX, "learned": "l" * fb.LEARNED_MAX, "note": "n" * fb.NOTE_MAX}
    assert_valid_reply(fb.not_saved_dm(pair_id=1, period=2, answers={**longest, "share_note": True}))
    for reply in (
        fb.ask_message(pair_id=1, period=2, partner_id="U2"),
        fb.shared_note_message(author_id="U1", note="line one\nline two", author_role="mentee"),
        fb.fit_message(pair_id=1, partner_id="U2"),
        fb.fit_yes_reply(),
        fb.fit_no_reply(1, "U2"),
        fb.fit_alert_message(user_id="U1", program="P"),
    ):
        assert_valid_reply(reply)
    assert "4" not in fb.shared_note_message(author_id="U1", note="thanks", author_role="mentee").text


def test_the_forms_say_exactly_what_admins_see() -> None:
    """What the exports hold (bot.results): ratings and levels only in averages; what people learned or taught and
    what they would change, as anonymous text from groups of ``MIN_GROUP`` or more; notes never."""
    assert MIN_GROUP == 3
    for said in (
        "What program admins see, never with your name",
        "your rating, only in averages over 3 people or more",
        "what you learned or taught, word for word, once at least 3 people in your role have written some",
        "Your note is never shown to admins",
    ):
        assert said in fb.PRIVACY
    shown = (
        fb.feedback_modal(pair_id=1, period=2, partner_id="U2", role="mentee", topic=""),
        fb.thanks_view(partner_id="U2", note="private", edited=False),
        fb.ask_message(pair_id=1, period=2, partner_id="U2").blocks,
    )
    said_on = [json.dumps(fb.PRIVACY)[1:-1] in json.dumps(where) for where in shown]
    assert all(said_on), "on the form, and where people are asked"
    for said in (
        "What program admins see, never with your name",
        "your levels and your 0–10 answer, only in averages over 3 people or more",
        "what you would change, word for word, once at least 3 people have written some for this survey",
    ):
        assert said in sv.PRIVATE
    survey = sv.survey_modal(program_id=1, stage="mid", skills=[("k", "Topic")])
    assert json.dumps(sv.PRIVATE)[1:-1] in json.dumps(survey)


def test_survey_builders_show_at_most_eight_topics() -> None:
    skills = [(f"k{i}", f"Topic {i}") for i in range(12)]
    view = sv.survey_modal(program_id=1, stage="end", skills=skills)
    assert_valid_view(view)
    inputs = [b for b in view["blocks"] if b.get("type") == "input"]
    assert len(inputs) == sv.SKILLS_SHOWN + 2
    assert_valid_view(sv.thanks_view(again=True))
    assert_valid_view(sv.saving_view())
    assert_valid_view(sv.not_saved_view())
    answers = {"levels": {k: 3 for k, _ in skills[:8]}, "recommend": 7, "change": "c" * sv.CHANGE_MAX}
    unsaved = sv.not_saved_dm(program_id=1, stage="mid", answers=answers, labels=dict(skills))
    assert_valid_reply(unsaved)
    assert "Topic 7" in json.dumps(unsaved.blocks) and "c" * sv.CHANGE_MAX in json.dumps(unsaved.blocks)
    assert_valid_reply(sv.survey_dm(program_id=1, program_name="P", stage="mid"))


def test_results_blocks_are_valid() -> None:
    current: dict[str, Any] = {
        "program": "P",
        "state": "running",
        "start": None,
        "end": None,
        "participants": {},
        "sides": {},
        "pairs": {},
        "last_checkin": None,
        "meeting_rate": None,
        "meetings": 0,
        "meetings_per_pair": None,
        "feedback": 0,
        "usefulness": None,
        "usefulness_by_side": {},
        "topics": [["ai tools", 3]],
        "survey_stage": "end",
        "confidence": [["AI tools", 2.0, 3.5, 4]],
        "recommend": 8.5,
        "nps": 40,
    }
    blocks = results_blocks({"current": current, "previous": None}, 7)
    assert_valid_view({"type": "home", "blocks": blocks})
    shown = json.dumps(blocks)
    assert "results_export" in shown and "Confidence in AI tools" in shown and "8.50" in shown
