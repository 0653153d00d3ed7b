"""The topic catalogue: complete, well-formed, and usable as Block Kit options."""

from __future__ import annotations

import re

import pytest

from prompts.topics import CATALOGUE, SIDE_LABELS, TOPICS_BY_KEY, Topic, topic_label

# The list (and /work/shared/reverse-mentoring.md): (phrase that must be in a label, side).
REQUIRED = [
    ("digital tools", "fresh"),
    ("social media", "fresh"),
    ("ai tools", "fresh"),
    ("remote", "fresh"),
    ("hybrid", "fresh"),
    ("recruitment", "fresh"),
    ("employer branding", "fresh"),
    ("data literacy", "fresh"),
    ("generational", "fresh"),
    ("company culture", "fresh"),
    ("younger employees expect", "fresh"),
    ("diversity", "fresh"),
    ("customer", "fresh"),
    ("leadership", "experience"),
    ("business strategy", "experience"),
    ("navigating the organisation", "experience"),
    ("career paths", "experience"),
    ("decision-making", "experience"),
]


@pytest.mark.parametrize(("phrase", "side"), REQUIRED)
def test_catalogue_covers_the_domain(phrase: str, side: str) -> None:
    matches = [t for t in CATALOGUE if phrase in t.label.casefold()]
    assert matches, f"no topic about {phrase!r}"
    assert {t.side for t in matches} == {side}


def test_keys_and_labels_are_unique() -> None:
    keys = [t.key for t in CATALOGUE]
    labels = [t.label.casefold() for t in CATALOGUE]
    assert len(set(keys)) == len(keys)
    assert len(set(labels)) == len(labels), "custom text is matched to labels case-insensitively"
    assert {t.key: t for t in CATALOGUE} == TOPICS_BY_KEY


@pytest.mark.parametrize("topic", CATALOGUE, ids=lambda t: t.key)
def test_topic_fits_block_kit_and_has_opening_questions(topic: Topic) -> None:
    assert re.fullmatch(r"[a-z][a-z_]*", topic.key), "keys are option values and stored: keep them simple"
    assert len(topic.key) <= 150, "option value limit"
    assert 0 < len(topic.label) <= 75, "option text limit"
    assert topic.label == topic.label.strip()
    assert topic.side in SIDE_LABELS
    assert 2 <= len(topic.questions) <= 3
    assert all(len(q) >= 20 and q == q.strip() for q in topic.questions)
    assert len(set(topic.questions)) == len(topic.questions)


@pytest.mark.parametrize("topic", CATALOGUE, ids=lambda t: t.key)
def test_every_opener_is_a_question(topic: Topic) -> None:
    assert all(q.endswith("?") for q in topic.questions), topic.questions


def test_no_question_is_repeated_across_topics() -> None:
    questions = [q for t in CATALOGUE for q in t.questions]
    assert len(set(questions)) == len(questions)


def test_both_sides_present_and_labelled() -> None:
    assert set(SIDE_LABELS) == {"fresh", "experience"}
    assert {t.side for t in CATALOGUE} == set(SIDE_LABELS)
    for side in SIDE_LABELS:
        assert sum(t.side == side for t in CATALOGUE) >= 3
    assert all(0 < len(label) <= 75 for label in SIDE_LABELS.values()), "option group label limit"
    assert len(CATALOGUE) <= 100, "one select holds at most 100 options"


def test_topic_label() -> None:
    assert topic_label("ai_tools") == "AI tools at work"
    assert topic_label("business_strategy") == "Business strategy"
    assert topic_label("Excel macros") == "Excel macros"
    assert topic_label("<!channel>") == "<!channel>", "escaping is the caller's job"
    assert topic_label("") == ""
