"""Why a pair was made, and why someone was left out of a round: the words people and admins read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from prompts.blocks import escape as esc
from prompts.topics import topic_label

MAX_TOPICS_NAMED = 3


class ReasonsLike(Protocol):
    """What ``bot.matching.Reasons`` carries (prompts stay free of the services)."""

    @property
    def shared_topics(self) -> tuple[str, ...]: ...
    @property
    def top_wish(self) -> bool: ...
    @property
    def other_departments(self) -> bool: ...
    @property
    def years_apart(self) -> int: ...
    @property
    def shared_hours(self) -> float: ...


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explanation(reasons: ReasonsLike, *, mentor_id: str, mentee_id: str) -> str:
    """``<@M> can share AI tools at work and Social media & personal branding, which <@E> wants to learn (their
    first wish); different departments; 18 years apart; 6 h of shared working hours``."""
    topics = [esc(topic_label(key)) for key in reasons.shared_topics[:MAX_TOPICS_NAMED]]
    if len(reasons.shared_topics) > MAX_TOPICS_NAMED:
        topics.append(f"{len(reasons.shared_topics) - MAX_TOPICS_NAMED} more")
    if topics:
        first = f"<@{mentor_id}> can share {_and(topics)}, which <@{mentee_id}> wants to learn"
        if reasons.top_wish:
            first += " (their first wish)"
    else:
        first = f"<@{mentor_id}> brings a fresh view, <@{mentee_id}> the experience"
    parts = [first]
    if reasons.other_departments:
        parts.append("different departments")
    years = reasons.years_apart
    parts.append(f"{years} year{'s' if years != 1 else ''} apart")
    hours = int(reasons.shared_hours + 0.5)
    parts.append(f"{hours} h of shared working hours" if hours else "no shared working hours: plan around it")
    return "; ".join(parts)


UNMATCHED = {
    ("mentee", "need_mentors"): "We need more reverse mentors this round, so you're not paired yet. You're first in "
    "line for the next round.",
    ("mentor", "need_mentees"): "There were more reverse mentors than mentees this round, so you're not paired yet. "
    "You're first in line for the next round.",
    ("mentee", "taken"): "Everyone who fits what you want to learn is already paired this round. You're first in line "
    "for the next one.",
    ("mentor", "taken"): "Everyone who fits what you can share is already paired this round. You're first in line "
    "for the next one.",
    ("mentee", "no_fit"): "Nobody free this round fits you under the program's rules (the experience gap, not "
    "within a reporting line, people either of you asked to avoid, no repeat of a recent pair). As new people "
    "join, you're first in line.",
    ("mentor", "no_fit"): "Nobody free this round fits you under the program's rules (the experience gap, not "
    "within a reporting line, people either of you asked to avoid, no repeat of a recent pair). As new people "
    "join, you're first in line.",
    ("mentee", "held_back"): "Your program admins held your proposed pair back this round. You're first in line for "
    "the next one.",
    ("mentor", "held_back"): "Your program admins held your proposed pair back this round. You're first in line for "
    "the next one.",
    ("mentee", "unavailable"): "The partner we had found for you stepped away just before the round was published. "
    "You're first in line for the next one.",
    ("mentor", "unavailable"): "The partner we had found for you stepped away just before the round was published. "
    "You're first in line for the next one.",
}


def unmatched_dm(program_name: str, side: str, reason: str, *, pair_ended: bool = False) -> str:
    """The DM someone left out of a published round gets (``pair_ended``: this round ended their pairing)."""
    ended = "Your previous pairing has ended. " if pair_ended else ""
    return f"*{esc(program_name)}*: the new round of pairs is out. {ended}{unmatched_text(side, reason)}"


def pair_ended_dm(program_name: str, partner_id: str) -> str:
    """For someone whose pairing a round ended while another of theirs goes on."""
    return (
        f"*{esc(program_name)}*: your reverse mentoring pairing with <@{partner_id}> has ended with the new round. "
        "Your other pairing continues as before."
    )


def unmatched_text(side: str, reason: str) -> str:
    """What someone left out of a round is told (``side``: mentor or mentee; ``reason``: see bot.matching)."""
    return UNMATCHED.get((side, reason), "You're not paired this round. You're first in line for the next one.")


class StoredReasons:
    """Reasons as stored with a pair (a JSON dict), readable by :func:`explanation`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.shared_topics = tuple(data.get("shared_topics") or ())
        self.top_wish = bool(data.get("top_wish"))
        self.other_departments = bool(data.get("other_departments"))
        self.years_apart = int(data.get("years_apart") or 0)
        self.shared_hours = float(data.get("shared_hours") or 0.0)


def reasons_of(data: dict[str, Any]) -> StoredReasons:
    return StoredReasons(data)
