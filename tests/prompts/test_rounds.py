"""The preview modal, the introduction and the rematch pieces: valid Block Kit at their largest, and the words."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from prompts import intros, rounds
from prompts.home import home_view
from prompts.programs import admin_section, delivery_problems
from prompts.topics import CATALOGUE, GENERIC_QUESTIONS, TopicIdea
from tests.support.blockkit import assert_valid_reply, assert_valid_view

REASONS = {
    "shared_topics": ["ai_tools", "social_media", "digital_tools", "Figma"],
    "top_wish": True,
    "other_departments": True,
    "years_apart": 18,
    "shared_hours": 6.2,
    "formats_fit": True,
}


def pairs(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": 1000 + i,
            "mentor_id": f"UM{i:07d}",
            "mentee_id": f"UE{i:07d}",
            "score": 40.5 - i / 10,
            "reasons": REASONS,
        }
        for i in range(n)
    ]


def unmatched(n: int) -> list[dict[str, Any]]:
    reasons = ["need_mentors", "need_mentees", "taken", "no_fit", "held_back", "unavailable"]
    return [{"user_id": f"UX{i:07d}", "side": "mentee", "reason": reasons[i % len(reasons)]} for i in range(n)]


def test_the_largest_preview_is_a_valid_modal_and_says_what_is_hidden() -> None:
    view = rounds.preview_modal(
        round_id=7, program_name="Digital <skills>", pairs=pairs(500), unmatched=unmatched(300), rematches=2
    )
    assert_valid_view(view)
    text = json.dumps(view, ensure_ascii=False)
    assert "500 pair(s)" in text and "300 left out" in text and "Showing the 40 best-scoring pairs of 500" in text
    assert "Digital &lt;skills&gt;" in text and "…and 270 more" in text and "2 current pair(s) end" in text
    menus = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert len(menus) == 40 and all(len(m["options"]) <= 100 for m in menus)
    assert menus[0]["options"][0]["value"] == "drop:1000" and menus[0]["options"][1]["value"] == "swap:1000:1001"
    assert view["private_metadata"] == "7" and view["submit"]["text"] == "Publish"


def test_an_empty_preview_has_nothing_to_publish() -> None:
    view = rounds.preview_modal(round_id=1, program_name="P", pairs=[], unmatched=[])
    assert_valid_view(view)
    assert "submit" not in view and "Nobody is left out" in json.dumps(view)


def test_every_refusal_and_outcome_has_words() -> None:
    for reason in ("gap", "reporting_line", "avoided", "repeat", "unavailable", "stale"):
        assert rounds.SWAP_REFUSED[reason] in rounds.swap_refused(reason)
    for view in (rounds.loading_modal("P" * 300), rounds.publishing_modal("P"), rounds.message_modal("Published", "x")):
        assert_valid_view(view)
    assert rounds.adjusted_notice("swap", 54.0, 28.5).endswith(
        "Mentees swapped: the round's total score goes from 54 to 28.5."
    )
    assert "Pair dropped" in rounds.adjusted_notice("drop", 54.0, 27.0)
    assert "already published" in rounds.publish_outcome_text("stale", "P")
    assert "not open or running" in rounds.publish_outcome_text("closed", "P")
    assert "could not be delivered" in rounds.published_text(program_name="P", pairs=1, unmatched=0, sent=0, failed=1)


def test_the_introduction_names_the_roles_why_the_program_and_three_topics() -> None:
    topics = [TopicIdea(t.key, t.label, t.questions) for t in CATALOGUE[:3]]
    program = {
        "name": "H1",
        "objectives": "Spread AI skills upward",
        "start_date": date(2027, 1, 11),
        "end_date": date(2027, 4, 5),
        "cadence": "biweekly",
    }
    reply = intros.intro_message(
        pair_id=9, mentor_id="UM", mentee_id="UE", reasons=REASONS, program=program, topics=topics
    )
    assert_valid_reply(reply)
    text = json.dumps(reply.blocks, ensure_ascii=False)
    assert "<@UM> is the *reverse mentor* of <@UE>" in text and "18 years apart" in text
    assert "Spread AI skills upward" in text and "2027-01-11 → 2027-04-05" in text
    assert all(t.label.replace("&", "&amp;") in text for t in topics) and "Kick-off checklist" in text
    assert "candour" in text and "stays here" in text
    own = intros.intro_message(
        pair_id=9,
        mentor_id="UM",
        mentee_id="UE",
        reasons=REASONS,
        program=program,
        topics=[TopicIdea("Figma", "Figma", ())],
    )
    assert GENERIC_QUESTIONS[0] in json.dumps(own.blocks, ensure_ascii=False), "own words get generic questions"


def test_rematch_pieces() -> None:
    assert_valid_view(intros.rematch_modal(5, "UP"))
    for reply in (
        intros.rematch_recorded_reply("P", again=False),
        intros.rematch_recorded_reply("P", again=True),
        intros.rematch_needs_pair_reply(),
        intros.rematch_which_pair_reply(2),
        intros.scheduled_message("U1"),
        intros.topic_message(TopicIdea("x", "X", ("Q?",)), "U1"),
    ):
        assert_valid_reply(reply)


def test_admins_see_what_could_not_be_delivered() -> None:
    assert delivery_problems({"failed": 0, "uncertain": 0, "stuck": 0}) == ""
    text = delivery_problems({"failed": 2, "uncertain": 1, "stuck": 3})
    assert (
        "2 refused by Slack" in text and "1 whose delivery Slack could not confirm" in text and "3 interrupted" in text
    )
    refused: list[dict[str, Any]] = [
        {"error": "user_disabled", "user_id": "U1", "outcome": "left"},
        {"error": "is_archived", "people": ("U2", "U3"), "outcome": "pair_ended"},
        {"error": "channel_not_found", "user_id": "U4", "outcome": "not_retried"},
    ]
    blocks = admin_section([], {}, [], delivery={"failed": 2}, refused=refused)
    shown = json.dumps(blocks)
    assert "Messages not delivered" in shown
    assert "<@U1>: their Slack account is deactivated, so they were taken out of their programs." in shown
    assert "<@U2> and <@U3>: the conversation is archived, so the pair ended" in shown
    assert "A message to <@U4>: Slack can't find the conversation; it won't be tried again." in shown


def test_admins_see_rematch_requests_and_pairs_people_see_their_partner() -> None:
    program = {"id": 1, "name": "P", "state": "running", "rules": {}, "checkin_weekday": 1}
    requests = [
        {"user_id": f"U{i}", "program": "P", "reason": "<!channel> no" if i == 0 else "", "created_at": None}
        for i in range(7)
    ]
    blocks = admin_section([program], {}, [], pairs={1: 12}, rematch_requests=requests)
    text = json.dumps(blocks, ensure_ascii=False)
    assert "Rematch requests (7)" in text and "&lt;!channel&gt;" in text and "…and 2 more" in text
    assert "*pairs:* 12" in text and "preview_matches" in text
    mine = {"id": 1, "name": "P", "state": "running", "my_state": "active"}
    pair = {"partner": "UM", "i_mentor": False, "mentor_id": "UM", "mentee_id": "UE", "reasons": REASONS}
    view = home_view(programs=[{**mine, "pairs": [pair]}])
    assert_valid_view(view)
    assert "*Your pair:* <@UM> (your reverse mentor)" in json.dumps(view, ensure_ascii=False)
    assert "not matched yet" in json.dumps(home_view(programs=[{**mine, "pairs": []}]))
