"""The program settings modal and the admin Home section, checked against Slack's limits."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from prompts.home import home_view
from prompts.programs import admin_section, settings_modal
from storage.models import default_rules
from tests.support.blockkit import assert_valid_blocks, assert_valid_view, buttons

PROGRAM = {
    "id": 7,
    "state": "open",
    "name": "N" * 100,
    "objectives": "<!channel> " * 90,
    "start_date": date(2027, 1, 11),
    "end_date": date(2027, 4, 5),
    "cadence": "monthly",
    "checkin_weekday": 4,
    "checkin_time": "16:30",
    "quiet_start": "08:00",
    "quiet_end": "17:00",
    "rules": default_rules(),
    "channel_id": "C123",
}


def test_settings_modal_is_valid_and_prefilled() -> None:
    view = settings_modal(PROGRAM)
    assert_valid_view(view)
    by_id = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert by_id["start_date"]["initial_date"] == "2027-01-11"
    assert by_id["cadence"]["initial_option"]["value"] == "monthly"
    assert by_id["checkin_weekday"]["initial_option"]["value"] == "4"
    assert by_id["checkin_time"]["initial_time"] == "16:30"
    assert {o["value"] for o in by_id["rule_flags"]["initial_options"]} == {
        "avoid_reporting_line",
        "prefer_other_departments",
        "celebrate_milestones",
    }
    assert by_id["channel"]["initial_conversation"] == "C123"
    assert by_id["min_experience_gap"]["initial_value"] == "5"


def test_settings_modal_without_optional_values() -> None:
    view = settings_modal({"id": 1, "name": "P", "rules": {}})
    assert_valid_view(view)
    by_id = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert "initial_date" not in by_id["start_date"] and "initial_options" not in by_id["rule_flags"]


def test_admin_section_counts_and_escapes() -> None:
    counts = {("active", "mentor"): 1200, ("active", "mentee"): 700, ("paused", "either"): 90, ("left", "mentee"): 10}
    blocks = admin_section([PROGRAM], {7: counts})
    text = str(blocks)
    assert "*Taking part:* 1990 (reverse mentors 1200, mentees 700, either 90)" in text
    assert "*paused:* 90 · *left:* 10" in text
    assert "<#C123>" in text and "Friday at 16:30" in text and "*Topics:* 16" in text
    view = home_view(programs=[{**PROGRAM, "my_state": None}])
    view["blocks"] += blocks
    assert_valid_blocks(view["blocks"], 100)


@pytest.mark.parametrize(
    ("state", "moves"),
    [
        ("draft", [("open", "primary"), ("ended", "danger")]),
        ("open", [("running", "primary"), ("ended", "danger")]),
        ("running", [("ended", "danger")]),
        ("ended", []),
    ],
)
def test_each_state_offers_its_next_moves_with_a_confirmation(state: str, moves: list[tuple[str, str]]) -> None:
    blocks = admin_section([{**PROGRAM, "state": state}], {})
    found = [b for b in buttons(blocks) if b["action_id"] in ("move_program", "end_program")]
    assert [(b["value"].split(":")[2], b["style"]) for b in found] == moves
    assert all(b["value"].startswith(f"7:{state}:") and b["confirm"]["title"]["text"] for b in found)
    announce = [b for b in buttons(blocks) if b["action_id"] == "announce_program"]
    assert bool(announce) is (state in ("open", "running"))


def test_fifty_programs_with_a_big_employee_part_stay_under_100_blocks() -> None:
    from tests.support.samples import long_answers

    programs = [{**PROGRAM, "id": i, "state": ("draft", "open", "running", "ended")[i % 4]} for i in range(50)]
    audit = [{"actor_id": "U1", "action": "program.settings", "at": datetime(2027, 1, 1), "after": {"name": 1}}] * 9
    view = home_view(programs=[{**p, "my_state": "active"} for p in programs], answers=long_answers())
    view["blocks"] += admin_section(programs, {i: {("active", "mentor"): i} for i in range(50)}, audit)
    assert_valid_view(view)
    assert "more program(s) not shown" in str(view["blocks"])


def test_announcement_and_results() -> None:
    from prompts.programs import announce_result_reply, announcement
    from tests.support.blockkit import assert_valid_reply

    post = announcement(PROGRAM)
    assert_valid_reply(post)
    text = str(post.blocks)
    assert "join_program" in text and "from 2027-01-11 to 2027-04-05, pairs meet every month" in text
    assert "<!channel>" not in text  # objectives are escaped
    for channel, error in ((None, None), ("C1", None), ("C1", "not_in_channel"), ("C1", "is_archived"), ("C1", "x")):
        assert_valid_reply(announce_result_reply(channel_id=channel, error=error))


def test_audit_blocks_show_the_latest_five() -> None:
    from datetime import UTC, datetime

    from prompts.programs import audit_blocks

    entries = [
        {
            "actor_id": "UA",
            "action": "program.settings",
            "at": datetime(2027, 1, i + 1, tzinfo=UTC),
            "after": {"name": i},
        }
        for i in range(8)
    ]
    [block] = audit_blocks(entries)
    text = block["elements"][0]["text"]
    assert text.count("program.settings") == 5 and "2027-01-01 00:00 UTC · <@UA>" in text
    assert audit_blocks([]) == []


def test_audit_modal_is_valid_with_many_long_entries() -> None:
    from datetime import UTC, datetime

    from prompts.programs import audit_modal

    entries = [
        {
            "actor_id": "UA",
            "action": "program.settings",
            "target": "program:1",
            "at": datetime(2027, 1, 1, tzinfo=UTC),
            "before": {"objectives": "<!here> " * 200},
            "after": {"objectives": "x" * 1000, "name": "N"},
        }
        for _ in range(80)
    ]
    view = audit_modal(entries)
    assert_valid_view(view)
    assert len(view["blocks"]) == 51 and "<!here>" not in str(view)
    assert_valid_view(audit_modal([]))


def test_new_program_modal_creates_a_draft_from_defaults() -> None:
    from bot.programs import default_fields

    fields = default_fields(date(2027, 1, 6))  # a Wednesday
    assert fields["start_date"] == date(2027, 1, 11) and fields["end_date"] == date(2027, 4, 5)
    view = settings_modal(fields)
    assert_valid_view(view)
    assert view["title"]["text"] == "New program" and view["submit"]["text"] == "Create"
    assert view["private_metadata"] == '{"new": true}'
    by_id = {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}
    assert by_id["program_name"]["element"]["initial_value"] == ""
    assert "draft" in str(view["blocks"][0])
    assert "clear_channel" not in by_id


def test_topic_fields_show_the_program_catalogue() -> None:
    from prompts.topics import CATALOGUE

    setting = {"off": ["social_media"], "extra": [{"label": "Our CRM", "question": "Which report?"}, {"label": "X"}]}
    view = settings_modal({**PROGRAM, "topics": setting})
    assert_valid_view(view)
    by_id = {b["block_id"]: b["element"] for b in view["blocks"]}
    kept = [o["value"] for o in by_id["topics_offered"]["initial_options"]]
    assert kept == [t.key for t in CATALOGUE if t.key != "social_media"]
    assert by_id["extra_topics"]["initial_value"] == "Our CRM: Which report?\nX"
    assert by_id["clear_channel"]["options"][0]["value"] == "clear"


def test_program_topics_trims_and_extends_the_catalogue() -> None:
    from prompts.topics import CATALOGUE, PROGRAM_SIDE, program_topics

    assert program_topics({}) == CATALOGUE == program_topics(None)
    topics = program_topics({"off": ["ai_tools"], "extra": [{"label": "Our CRM", "question": "Which report?"}, {}]})
    assert "ai_tools" not in [t.key for t in topics]
    assert topics[-1].key == topics[-1].label == "Our CRM" and topics[-1].side == PROGRAM_SIDE
    assert topics[-1].questions == ("Which report?",)
