"""The roster modal stays within Slack's limits however large the program, and escapes what people typed."""

from __future__ import annotations

from datetime import date

from prompts.roster import PAGE_SIZE, roster_modal
from tests.support.blockkit import assert_valid_view


def people(n: int) -> list[dict]:
    return [
        {
            "id": i,
            "user_id": f"U{i:06d}",
            "role": ("mentor", "mentee", "either")[i % 3],
            "department": "<!channel> " + "D" * 89,
            "state": ("active", "paused", "left")[i % 3],
            "paused_until": date(2027, 1, 1) if i % 3 == 1 else None,
        }
        for i in range(n)
    ]


def test_a_page_of_a_2000_person_program_is_valid() -> None:
    view = roster_modal(
        program_id=1,
        program_name="P" * 100,
        people=people(PAGE_SIZE),
        total=2000,
        page=50,
        query="<@U1>" * 20,
        departments=[(f"Dept {i}" * 10, 100) for i in range(8)],
        notice="<@U000001> is paused.",
    )
    assert_valid_view(view)
    text = str(view["blocks"])
    assert "page 51 of 100" in text and "Previous" in text and "Next" in text
    assert "<!channel>" not in text


def test_overflow_offers_only_what_applies() -> None:
    view = roster_modal(program_id=1, program_name="P", people=people(3), total=3, page=0, query="", departments=[])
    menus = [[o["value"].split(":")[0] for o in b["accessory"]["options"]] for b in view["blocks"] if "accessory" in b]
    assert menus == [["pause", "remove", "promote"], ["resume", "remove", "promote"], ["resume", "promote"]]
    admin = roster_modal(
        program_id=1,
        program_name="P",
        people=[{**people(1)[0], "admin": True}],
        total=1,
        page=0,
        query="",
        departments=[],
    )
    assert [o["value"].split(":")[0] for o in admin["blocks"][-1]["accessory"]["options"]] == [
        "pause",
        "remove",
        "demote",
    ]
    assert not [b for b in view["blocks"] if b["type"] == "actions"]  # one page: no paging buttons


def test_an_ended_programs_roster_only_offers_admin_rights() -> None:
    view = roster_modal(
        program_id=1,
        program_name="P",
        people=[{**people(2)[0], "admin": True}, people(2)[1]],
        total=2,
        page=0,
        query="",
        departments=[],
        read_only=True,
    )
    assert_valid_view(view)
    accessories = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert [(a["type"], a["value"].split(":")[0]) for a in accessories] == [("button", "demote"), ("button", "promote")]
    assert "can no longer change" in str(view["blocks"])
