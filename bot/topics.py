"""Which discussion topics to suggest to a pair, best first, never one it has had (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from prompts.topics import TOPICS_BY_KEY, TopicIdea, program_topics
from storage.models import Pair, Participant, Program


def topic_ideas(
    *, shared: Sequence[str], learns: Sequence[str], shares: Sequence[str], program: Program, had: Sequence[str]
) -> list[TopicIdea]:
    """Topics for a pair, best first, none they've had: what the mentor can share that the mentee wants (the
    match's overlap), then the mentee's other wishes, then the mentor's other skills, then the program's
    catalogue. Catalogue topics come with their opening questions; people's own words with generic ones."""
    catalogue = {t.key.casefold(): t for t in program_topics(program.topics)}
    seen = {key.casefold() for key in had}
    ideas = []
    for key in (*shared, *learns, *shares, *(t.key for t in catalogue.values())):
        folded = key.casefold()
        if folded in seen:
            continue
        seen.add(folded)
        topic = catalogue.get(folded) or TOPICS_BY_KEY.get(key)
        ideas.append(TopicIdea(key, topic.label, topic.questions) if topic else TopicIdea(key, key, ()))
    return ideas


def ideas_for(pair: Pair, program: Program, mentor: Participant | None, mentee: Participant | None) -> list[TopicIdea]:
    return topic_ideas(
        shared=(pair.reasons or {}).get("shared_topics") or [],
        learns=(mentee.learns if mentee else None) or [],
        shares=(mentor.shares if mentor else None) or [],
        program=program,
        had=pair.topics or [],
    )


def topic_label(key: str, program: Program | None) -> str:
    """A topic's label as the program shows it (a person's own words are their own label)."""
    catalogue = {t.key: t for t in program_topics(program.topics)} if program is not None else {}
    found = catalogue.get(key) or TOPICS_BY_KEY.get(key)
    return found.label if found else key
