"""The explanation of a pair and the words for people left out."""

from __future__ import annotations

import pytest

from bot.matching import NEED_MENTEES, NEED_MENTORS, NO_FIT, TAKEN, Reasons
from prompts.matching import UNMATCHED, explanation, unmatched_text
from tests.support.samples import escape_problems


def reasons(**overrides: object) -> Reasons:
    base = {
        "shared_topics": ("ai_tools", "social_media"),
        "top_wish": True,
        "other_departments": True,
        "years_apart": 18,
        "shared_hours": 6.0,
        "formats_fit": True,
    }
    return Reasons(**{**base, **overrides})  # type: ignore[arg-type]


def test_the_explanation_names_both_people_and_says_why() -> None:
    text = explanation(reasons(), mentor_id="U1", mentee_id="U2")
    assert text == (
        "<@U1> can share AI tools at work and Social media &amp; personal branding, which <@U2> wants to learn "
        "(their first wish); different departments; 18 years apart; 6 h of shared working hours"
    )


def test_the_explanation_without_shared_topics_or_hours() -> None:
    text = explanation(
        reasons(shared_topics=(), top_wish=False, other_departments=False, years_apart=1, shared_hours=0.2),
        mentor_id="U1",
        mentee_id="U2",
    )
    assert (
        text == "<@U1> brings a fresh view, <@U2> the experience; 1 year apart; no shared working hours: plan around it"
    )


def test_many_topics_are_summarised_and_own_words_escaped() -> None:
    topics = ("<!channel>", "Figma", "ai_tools", "leadership", "strategy")
    text = explanation(reasons(shared_topics=topics, top_wish=False), mentor_id="U1", mentee_id="U2")
    assert "can share &lt;!channel&gt;, Figma, AI tools at work and 2 more, which" in text
    assert escape_problems([text.replace("<@U1>", "").replace("<@U2>", "")]) == []


@pytest.mark.parametrize(
    ("side", "reason"),
    [
        ("mentee", NEED_MENTORS),
        ("mentor", NEED_MENTEES),
        ("mentee", TAKEN),
        ("mentor", TAKEN),
        ("mentee", NO_FIT),
        ("mentor", NO_FIT),
        ("mentee", "held_back"),
        ("mentor", "held_back"),
        ("mentee", "unavailable"),
        ("mentor", "unavailable"),
    ],
)
def test_everyone_left_out_is_told_why_and_what_next(side: str, reason: str) -> None:
    assert (side, reason) in UNMATCHED, "no reason falls back to the generic text"
    text = unmatched_text(side, reason)
    assert "next" in text or "first in line" in text
