"""Matching: pair reverse mentors with mentees, optimally under a program's rules, and keep the reasons.

Pure computation on plain values (no database, no Slack): the service that loads people, stores rounds and sends
introductions calls :func:`match` and renders :class:`Reasons` with ``prompts/matching.py``.

How a round is decided:

1. **Sides.** Reverse mentors share, mentees learn. People "open to either" go, one at a time (those with more to
   share than to learn first), to whichever side is short: mentor places (mentors × the program's capacity)
   against mentees.
2. **Hard rules**, never broken: a mentee at least ``min_experience_gap`` years more experienced than their
   reverse mentor; never within a reporting line (either is the other's manager, from the profiles) when the
   program says so; never someone either person asked not to be paired with; never a pair from the last N rounds
   (``recent``); nobody paired with themselves; a mentor takes at most ``mentor_capacity`` mentees. Only active
   people are passed in.
3. **Score** of an allowed pair (all terms ≥ 0, so every allowed pair is worth making): 10 per topic the mentor
   can share that the mentee wants to learn, +5 when that covers the mentee's first wish, up to +5 for the
   experience gap (¼ a year, capped at 20 years), +3 for different departments (when preferred), up to +3 for
   shared working hours (⅓ an hour of the program's sending hours that overlap), +2 for compatible meeting
   formats, +1 for any allowed pair.
4. **Assignment**: as many pairs as the rules allow, and among those the highest total score, found exactly by
   ``scipy.optimize.linear_sum_assignment`` on the score matrix (each mentor's column repeated ``capacity``
   times; forbidden pairs cost more than any total score, so they are only "chosen" where nothing allowed is
   left, and then dropped). Tests check it against brute force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

PER_TOPIC = 10.0
TOP_WISH = 5.0
PER_YEAR = 0.25
MAX_YEARS_COUNTED = 20
OTHER_DEPARTMENT = 3.0
PER_SHARED_HOUR = 1 / 3
MAX_HOURS_BONUS = 3.0
FORMATS_FIT = 2.0
ALLOWED = 1.0
SPREAD = 1e-6  # far below any real difference in score (scores are float32: ~1e-3 at their size)


@dataclass(frozen=True)
class Person:
    """One active participant as matching sees them. ``learns`` is ordered: the first is their top wish."""

    id: int
    user_id: str
    role: str  # mentor, mentee or either
    years: int
    department: str = ""
    shares: frozenset[str] = frozenset()
    learns: tuple[str, ...] = ()
    meeting_format: str = "either"
    manager_id: str | None = None
    tz_offset: int = 0  # seconds east of UTC (0 when unknown)
    avoid: frozenset[str] = frozenset()  # user ids this person asked not to be paired with
    places: int | None = None  # a mentor already paired: mentee places left (None: the program's capacity)
    waiting: bool = False  # left out of an earlier round or lost their partner: first in line


@dataclass(frozen=True)
class Rules:
    avoid_reporting_line: bool = True
    prefer_other_departments: bool = True
    min_experience_gap: int = 5
    mentor_capacity: int = 1
    day_start_hour: float = 9.0  # the program's sending hours, local: the working day pairs can meet in
    day_end_hour: float = 18.0

    @classmethod
    def of_program(cls, rules: dict[str, Any], quiet_start: str = "09:00", quiet_end: str = "18:00") -> Rules:
        """From ``Program.rules`` and its sending hours."""

        def hours(text: str) -> float:
            hh, _, mm = text.partition(":")
            return int(hh) + int(mm or 0) / 60

        return cls(
            avoid_reporting_line=bool(rules.get("avoid_reporting_line", True)),
            prefer_other_departments=bool(rules.get("prefer_other_departments", True)),
            min_experience_gap=int(rules.get("min_experience_gap", 5)),
            mentor_capacity=max(1, int(rules.get("mentor_capacity", 1))),
            day_start_hour=hours(quiet_start),
            day_end_hour=hours(quiet_end),
        )


@dataclass(frozen=True)
class Reasons:
    """Why a pair was made, for the explanation both people and admins read."""

    shared_topics: tuple[str, ...]  # what the mentor can share that the mentee wants, in the mentee's order
    top_wish: bool
    other_departments: bool
    years_apart: int
    shared_hours: float
    formats_fit: bool


@dataclass(frozen=True)
class Pair:
    mentor: Person
    mentee: Person
    score: float
    reasons: Reasons


# Why someone is left out of a round.
NEED_MENTORS = "need_mentors"  # more mentees than mentor places
NEED_MENTEES = "need_mentees"  # more mentor places than mentees
NO_FIT = "no_fit"  # nobody on the other side passes the rules with them (gap, reporting line, avoid, repeats)
TAKEN = "taken"  # everyone who fits them is paired with someone the rules allow fewer partners for


@dataclass(frozen=True)
class Unmatched:
    person: Person
    side: str  # "mentor" or "mentee": the side they were counted on
    reason: str


@dataclass(frozen=True)
class Proposal:
    pairs: list[Pair] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        return float(sum(p.score for p in self.pairs))


def places_of(person: Person, capacity: int) -> int:
    return capacity if person.places is None else max(0, min(capacity, person.places))


def choose_sides(people: Sequence[Person], capacity: int) -> tuple[list[Person], list[Person]]:
    """Reverse mentors and mentees. People open to either balance the two sides: the most junior of them become
    reverse mentors, as many as it takes for mentor places (mentors × capacity) to meet mentees, the rest mentees."""
    mentors = [p for p in people if p.role == "mentor"]
    mentees = [p for p in people if p.role == "mentee"]
    either = sorted(
        (p for p in people if p.role == "either"), key=lambda p: (p.years, len(p.learns) - len(p.shares), p.id)
    )
    places, wanted = sum(places_of(p, capacity) for p in mentors), len(mentees) + len(either)
    # k of them as mentors: places + k·capacity against wanted - k, as close as can be
    k = min(len(either), max(0, round((wanted - places) / (capacity + 1))))
    return mentors + either[:k], mentees + either[k:]


def _topic_matrix(people: Sequence[Person], topics: dict[str, int], pick: str) -> NDArray[np.float32]:
    matrix = np.zeros((len(people), max(1, len(topics))), dtype=np.float32)
    for row, person in enumerate(people):
        keys: Iterable[str] = (
            person.shares if pick == "shares" else person.learns[:1] if pick == "top" else person.learns
        )
        for key in keys:
            matrix[row, topics[key.casefold()]] = 1.0
    return matrix


def _codes(left: Sequence[str], right: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Both lists of labels as integer codes of one shared vocabulary (fast to compare in a matrix)."""
    vocabulary = {label: code for code, label in enumerate(sorted(set(left) | set(right)))}
    return (
        np.array([vocabulary[x] for x in left], dtype=np.int64),
        np.array([vocabulary[x] for x in right], dtype=np.int64),
    )


def _chain(user_id: str, managers: Mapping[str, str | None]) -> set[str]:
    """Everyone above a person in the reporting line (their manager, that manager's manager, ...), as far as the
    profiles say; a loop in the data ends the walk."""
    above: set[str] = set()
    current = managers.get(user_id)
    while current and current not in above and current != user_id:
        above.add(current)
        current = managers.get(current)
    return above


def _profile_key(person: Person) -> tuple[str, int, str]:
    return person.department.casefold(), person.tz_offset, person.meeting_format


def _profile_terms(mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules) -> NDArray[np.float32]:
    """Different departments, shared working hours and compatible formats. They depend only on a few profile
    fields, and a company has few distinct combinations of them: the terms are computed once per pair of
    distinct combinations, then spread to everyone (at 10,000 people, ~10× faster than computing every cell)."""

    def distinct(people: Sequence[Person]) -> tuple[NDArray[np.int64], list[Person]]:
        index: dict[tuple[str, int, str], int] = {}
        examples: list[Person] = []
        codes = np.empty(len(people), dtype=np.int64)
        for n, person in enumerate(people):
            key = _profile_key(person)
            if key not in index:
                index[key] = len(examples)
                examples.append(person)
            codes[n] = index[key]
        return codes, examples

    codes_m, kinds_m = distinct(mentors)
    codes_e, kinds_e = distinct(mentees)
    table = np.zeros((len(kinds_m), len(kinds_e)), dtype=np.float32)
    if rules.prefer_other_departments:
        dept_m, dept_e = _codes([p.department.casefold() for p in kinds_m], [p.department.casefold() for p in kinds_e])
        known_m = np.array([bool(p.department) for p in kinds_m], dtype=bool)
        known_e = np.array([bool(p.department) for p in kinds_e], dtype=bool)
        other_dept = (dept_m[:, None] != dept_e[None, :]) & known_m[:, None] & known_e[None, :]
        table += other_dept * np.float32(OTHER_DEPARTMENT)

    off_m = np.array([p.tz_offset for p in kinds_m], dtype=np.float32) / 3600
    off_e = np.array([p.tz_offset for p in kinds_e], dtype=np.float32) / 3600
    day = max(0.0, rules.day_end_hour - rules.day_start_hour)
    hours = np.abs(off_m[:, None] - off_e[None, :]) % 24  # hours apart (round the clock) → shared hours → bonus
    hours = np.minimum(hours, 24 - hours)
    table += np.clip(day - hours, 0, MAX_HOURS_BONUS / PER_SHARED_HOUR) * np.float32(PER_SHARED_HOUR)

    fmt_m, fmt_e = _codes([p.meeting_format for p in kinds_m], [p.meeting_format for p in kinds_e])
    flexible_m = np.array([p.meeting_format == "either" for p in kinds_m], dtype=bool)
    flexible_e = np.array([p.meeting_format == "either" for p in kinds_e], dtype=bool)
    formats_fit = (fmt_m[:, None] == fmt_e[None, :]) | flexible_m[:, None] | flexible_e[None, :]
    table += formats_fit * np.float32(FORMATS_FIT)
    return table[codes_m[:, None], codes_e[None, :]]


def score_matrix(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules,
    recent: set[frozenset[str]],
    managers: Mapping[str, str | None] | None = None,
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """Scores (mentors × mentees) and which pairs the hard rules allow, vectorised. ``managers``: everyone's
    manager, when the reporting lines run through people outside these two lists (an admin's swap)."""
    # own words match whatever their case ("CRM" and "crm")
    keys = sorted({k.casefold() for p in mentors for k in p.shares} | {k.casefold() for p in mentees for k in p.learns})
    topics = {key: i for i, key in enumerate(keys)}
    shares = _topic_matrix(mentors, topics, "shares")
    overlap = shares @ _topic_matrix(mentees, topics, "learns").T
    top = shares @ _topic_matrix(mentees, topics, "top").T

    years_m = np.array([p.years for p in mentors], dtype=np.float32)
    years_e = np.array([p.years for p in mentees], dtype=np.float32)
    gap = years_e[None, :] - years_m[:, None]
    allowed = gap >= rules.min_experience_gap

    # The score is built in one float32 matrix, in place: at 10,000 people every temporary costs ~100 MB.
    scores = np.multiply(overlap, PER_TOPIC, out=overlap)
    scores += ALLOWED
    scores += np.multiply(top, TOP_WISH, out=top)
    np.clip(gap, 0, MAX_YEARS_COUNTED, out=gap)
    scores += np.multiply(gap, PER_YEAR, out=gap)

    scores += _profile_terms(mentors, mentees, rules)

    mentor_at = {p.user_id: i for i, p in enumerate(mentors)}
    mentee_at = {p.user_id: j for j, p in enumerate(mentees)}
    if managers is None:
        managers = {p.user_id: p.manager_id for p in (*mentors, *mentees) if p.manager_id}
    for i, mentor in enumerate(mentors):  # whom this mentor won't be paired with (the sides are disjoint)
        barred = set(mentor.avoid) | (_chain(mentor.user_id, managers) if rules.avoid_reporting_line else set())
        for user in barred & mentee_at.keys():
            allowed[i, mentee_at[user]] = False
    for j, mentee in enumerate(mentees):
        barred = set(mentee.avoid) | (_chain(mentee.user_id, managers) if rules.avoid_reporting_line else set())
        for user in barred & mentor_at.keys():
            allowed[mentor_at[user], j] = False
    for users in recent:
        if len(users) == 2:
            a, b = tuple(users)
            for mentor_user, mentee_user in ((a, b), (b, a)):
                if mentor_user in mentor_at and mentee_user in mentee_at:
                    allowed[mentor_at[mentor_user], mentee_at[mentee_user]] = False
    return scores, allowed


def solve(
    scores: NDArray[np.float32],
    allowed: NDArray[np.bool_],
    capacity: int | Sequence[int],
    *,
    taken: Sequence[int] | None = None,
    waiting_mentors: Sequence[bool] | None = None,
    waiting_mentees: Sequence[bool] | None = None,
) -> list[tuple[int, int]]:
    """(mentor index, mentee index) pairs: the most pairs the rules allow; then as many waiting people as
    possible (``waiting_*``: first in line); then the highest total score.

    ``capacity``: mentee places per mentor (one number for all, or one each); ``taken``: places each mentor
    already fills (their next place costs a hair more, so equal choices go to idle mentors first).
    """
    n_mentors = len(allowed)
    caps = np.full(n_mentors, capacity, dtype=np.int64) if isinstance(capacity, int) else np.asarray(capacity)
    if scores.size == 0 or caps.sum() == 0:
        return []
    owner = np.repeat(np.arange(n_mentors), caps)  # the mentor of each slot (row)
    one_each = len(owner) == n_mentors  # one place per mentor: the rows are the mentors (no copies to make)
    first_slot = np.concatenate(([0], np.cumsum(caps)[:-1]))
    place = np.arange(len(owner)) - first_slot[owner] + (np.asarray(taken)[owner] if taken is not None else 0)
    # One float64 matrix, built in place (at 10,000 people each full-size temporary costs 200 MB and ~0.1 s).
    value = scores.astype(np.float64) if one_each else scores.astype(np.float64)[owner]
    ok = allowed if one_each else allowed[owner]
    if place.any():
        value -= place[:, None] * SPREAD
    if waiting_mentors is not None or waiting_mentees is not None:
        # Worth more than every pair's score together: waiting people first, score only among equals.
        bonus = min(len(owner), scores.shape[1]) * (float(scores.max()) + 1.0) + 1.0
        if waiting_mentors is not None:  # on their first slot only: a waiting mentor counts once, not per mentee
            first = np.arange(len(owner)) == first_slot[owner]
            value += (np.asarray(waiting_mentors, dtype=np.float64)[owner] * first)[:, None] * bonus
        if waiting_mentees is not None:
            value += np.asarray(waiting_mentees, dtype=np.float64)[None, :] * bonus
    # Forbidden pairs cost more than any whole assignment can score, so the solver picks one only where nothing
    # allowed is left (then it is dropped): maximum number of pairs first.
    best = float(value.max(where=ok, initial=0.0))
    big = min(len(owner), scores.shape[1]) * (best + 1.0) + 1.0
    cost = np.negative(value, out=value)
    cost[~ok] = big
    rows, cols = linear_sum_assignment(cost)
    return [(int(owner[r]), int(c)) for r, c in zip(rows, cols, strict=True) if ok[r, c]]


def _hours_apart(a: int, b: int) -> float:
    """Hours between two UTC offsets (in seconds), the short way round the clock."""
    apart = abs(a - b) / 3600 % 24
    return min(apart, 24 - apart)


def reasons_for(mentor: Person, mentee: Person, rules: Rules) -> Reasons:
    can_share = {k.casefold() for k in mentor.shares}
    shared = tuple(k for k in mentee.learns if k.casefold() in can_share)
    day = max(0.0, rules.day_end_hour - rules.day_start_hour)
    return Reasons(
        shared_topics=shared,
        top_wish=bool(mentee.learns) and mentee.learns[0].casefold() in can_share,
        other_departments=bool(mentor.department and mentee.department)
        and mentor.department.casefold() != mentee.department.casefold(),
        years_apart=mentee.years - mentor.years,
        shared_hours=max(0.0, day - _hours_apart(mentor.tz_offset, mentee.tz_offset)),
        formats_fit=mentor.meeting_format == mentee.meeting_format
        or "either" in (mentor.meeting_format, mentee.meeting_format),
    )


def match(
    people: Sequence[Person],
    rules: Rules,
    *,
    recent: set[frozenset[str]] | None = None,
    managers: Mapping[str, str | None] | None = None,
) -> Proposal:
    """The round's pairs and who is left out, with why. ``recent``: user-id pairs of the last N rounds;
    ``managers``: everyone's manager in the program, when reporting lines run through people not in this round
    (those already paired)."""
    mentors, mentees = choose_sides(people, rules.mentor_capacity)
    scores, allowed = score_matrix(mentors, mentees, rules, recent or set(), managers)
    caps = [places_of(p, rules.mentor_capacity) for p in mentors]
    chosen = solve(
        scores,
        allowed,
        caps,
        taken=[rules.mentor_capacity - c for c in caps],
        waiting_mentors=[p.waiting for p in mentors] if any(p.waiting for p in mentors) else None,
        waiting_mentees=[p.waiting for p in mentees] if any(p.waiting for p in mentees) else None,
    )
    pairs = [
        Pair(mentors[i], mentees[j], round(float(scores[i, j]), 2), reasons_for(mentors[i], mentees[j], rules))
        for i, j in sorted(chosen, key=lambda ij: (-scores[ij], ij))
    ]
    load = np.zeros(len(mentors), dtype=int)
    paired_mentees = set()
    for i, j in chosen:
        load[i] += 1
        paired_mentees.add(j)
    places, wanted = sum(caps), len(mentees)
    unmatched = []
    for j, person in enumerate(mentees):
        if j not in paired_mentees:
            if not places:  # no reverse mentor free this round: it's numbers, not fit
                reason = NEED_MENTORS
            else:
                fits = bool(allowed[:, j].any())
                reason = NO_FIT if not fits else NEED_MENTORS if places < wanted else TAKEN
            unmatched.append(Unmatched(person, "mentee", reason))
    for i, person in enumerate(mentors):
        if load[i] == 0 and caps[i] == rules.mentor_capacity:  # an already-paired mentor is not left out
            if not mentees:
                reason = NEED_MENTEES
            else:
                fits = bool(allowed[i, :].any())
                reason = NO_FIT if not fits else NEED_MENTEES if len(mentors) > len(mentees) else TAKEN
            unmatched.append(Unmatched(person, "mentor", reason))
    return Proposal(pairs, unmatched)


class Barrier(StrEnum):
    """Why the hard rules bar a pair (an admin's swap is refused with the first of these)."""

    GAP = "gap"
    REPORTING_LINE = "reporting_line"
    AVOIDED = "avoided"
    REPEAT = "repeat"


def barriers(
    mentor: Person,
    mentee: Person,
    rules: Rules,
    recent: set[frozenset[str]],
    managers: Mapping[str, str | None],
) -> list[Barrier]:
    """The hard rules that forbid this pair, one by one (empty: allowed). Same rules as :func:`score_matrix`."""
    found = []
    if mentee.years - mentor.years < rules.min_experience_gap:
        found.append(Barrier.GAP)
    if rules.avoid_reporting_line and (
        mentee.user_id in _chain(mentor.user_id, managers) or mentor.user_id in _chain(mentee.user_id, managers)
    ):
        found.append(Barrier.REPORTING_LINE)
    if mentee.user_id in mentor.avoid or mentor.user_id in mentee.avoid:
        found.append(Barrier.AVOIDED)
    if frozenset((mentor.user_id, mentee.user_id)) in recent:
        found.append(Barrier.REPEAT)
    return found
