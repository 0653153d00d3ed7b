"""The topic and skill catalogue: what people can share, want to learn, and talk about.

Each entry has two or three opening questions so a pair always has a first thing to say. ``side`` says which way
the knowledge usually flows in reverse mentoring: ``fresh`` from the junior mentor, ``experience`` from the senior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prompts.blocks import escape as esc


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    side: str  # "fresh" or "experience"
    questions: tuple[str, ...]


CATALOGUE: tuple[Topic, ...] = (
    Topic(
        "digital_tools",
        "Digital tools & productivity apps",
        "fresh",
        (
            "Which app saves you the most time each week, and how do you use it?",
            "What is one task you still do by hand that a tool could do for you?",
        ),
    ),
    Topic(
        "social_media",
        "Social media & personal branding",
        "fresh",
        (
            "Which platforms matter for our industry today, and why?",
            "What does a good professional profile look like to someone starting out?",
            "What would you post about your work if you had ten minutes a week?",
        ),
    ),
    Topic(
        "ai_tools",
        "AI tools at work",
        "fresh",
        (
            "Show one AI tool you use for real work: what does it do well and badly?",
            "Which part of your job could an assistant draft for you to review?",
        ),
    ),
    Topic(
        "remote_hybrid",
        "Remote & hybrid collaboration",
        "fresh",
        (
            "What makes a remote meeting work for you, and what ruins it?",
            "How do you keep in touch with colleagues you rarely see in person?",
        ),
    ),
    Topic(
        "recruitment",
        "Recruitment & employer branding",
        "fresh",
        (
            "How did you look for your last job, and what made you choose us?",
            "What does our company look like to a candidate online today?",
            "What would make our job ads speak to people like you?",
        ),
    ),
    Topic(
        "workplace_expectations",
        "What younger employees expect from work",
        "fresh",
        (
            "What keeps you motivated here, and what would make you leave?",
            "How do you like to receive feedback, and how often?",
        ),
    ),
    Topic(
        "data_literacy",
        "Data literacy",
        "fresh",
        (
            "Which numbers do you look at to know your work is going well?",
            "Which chart or dashboard do you trust, which one don't you, and why?",
        ),
    ),
    Topic(
        "generational_perspectives",
        "Generational perspectives",
        "fresh",
        (
            "What did your first year at work look like, compared with each other's?",
            "Which assumption about the other generation turned out to be wrong?",
        ),
    ),
    Topic(
        "diversity_inclusion",
        "Diversity & inclusion",
        "fresh",
        (
            "When have you felt most included at work, and what made it so?",
            "What small habit could make our meetings more inclusive?",
        ),
    ),
    Topic(
        "customer_trends",
        "Customer habits & trends",
        "fresh",
        (
            "How do you and your friends discover and buy things today?",
            "Which trend will change our customers' habits in the next two years?",
        ),
    ),
    Topic(
        "company_culture",
        "Company culture from the front line",
        "fresh",
        (
            "What does our culture feel like where you sit, day to day?",
            "Which rule or habit here would you change first, and why?",
        ),
    ),
    Topic(
        "leadership",
        "Leadership",
        "experience",
        (
            "What is the hardest leadership decision you have made, and what did it teach you?",
            "How do you earn the trust of a team that did not choose you?",
        ),
    ),
    Topic(
        "business_strategy",
        "Business strategy",
        "experience",
        (
            "How does the company actually make money, and where is that changing?",
            "Which strategic bet here worried you most, and how did it turn out?",
        ),
    ),
    Topic(
        "navigating_organisation",
        "Navigating the organisation",
        "experience",
        (
            "Who really decides things here, and how do you get an idea in front of them?",
            "What do you wish someone had told you about how this company works?",
        ),
    ),
    Topic(
        "career_paths",
        "Career paths",
        "experience",
        (
            "Which turns in your career mattered most, and which were luck?",
            "What would you do differently in your first five years?",
        ),
    ),
    Topic(
        "decision_making",
        "Decision-making under pressure",
        "experience",
        (
            "Tell a story of a decision made with too little information: what did you do?",
            "How do you know when to decide and when to wait?",
        ),
    ),
)

TOPICS_BY_KEY: dict[str, Topic] = {topic.key: topic for topic in CATALOGUE}
SIDE_LABELS = {"fresh": "Digital skills & fresh perspectives", "experience": "Business experience"}


def topic_label(key_or_custom: str) -> str:
    """The label of a catalogue key; anything else is a person's own wording, shown as typed."""
    topic = TOPICS_BY_KEY.get(key_or_custom)
    return topic.label if topic else key_or_custom


PROGRAM_SIDE = "program"
PROGRAM_SIDE_LABEL = "Added for this program"
MAX_EXTRA_TOPICS = 20
EXTRA_QUESTION_MAX = 200


def program_topics(setting: dict[str, Any] | None) -> tuple[Topic, ...]:
    """A program's catalogue: the default topics it keeps, then the ones its admins added.

    ``setting`` is ``Program.topics``: ``{"off": [keys of default topics trimmed], "extra": [{"label",
    "question"}]}``. An added topic's key is its label, the same thing a person's own wording is stored as, so
    labels read the same everywhere and matching compares like with like.
    """
    setting = setting or {}
    off = set(setting.get("off") or [])
    kept = tuple(t for t in CATALOGUE if t.key not in off)
    extra = tuple(
        Topic(item["label"], item["label"], PROGRAM_SIDE, (item["question"],) if item.get("question") else ())
        for item in setting.get("extra") or []
        if isinstance(item, dict) and isinstance(item.get("label"), str) and item["label"]
    )
    return kept + extra


GENERIC_QUESTIONS = (
    "What made this topic worth learning (or sharing) for you?",
    "What would good look like after a few conversations?",
)


@dataclass(frozen=True)
class TopicIdea:
    """A topic suggested to a pair: a catalogue topic, or a person's own words (with generic questions)."""

    key: str
    label: str
    questions: tuple[str, ...]


def topic_lines(topic: TopicIdea) -> str:
    """``*Label*`` then up to three opening questions, as bullets."""
    questions = topic.questions or GENERIC_QUESTIONS
    return f"*{esc(topic.label)}*\n" + "\n".join(f"• {esc(q)}" for q in questions[:3])
