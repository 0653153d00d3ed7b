"""Matching: optimal against brute force on small instances, and never breaking a hard rule on large random ones."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.matching import (
    NEED_MENTEES,
    NEED_MENTORS,
    NO_FIT,
    Person,
    Proposal,
    Rules,
    barriers,
    choose_sides,
    match,
    score_matrix,
)

TOPICS = ["ai_tools", "social_media", "digital_tools", "leadership", "strategy", "Figma", "recruitment"]
DEPARTMENTS = ["Sales", "IT", "Legal", "Marketing", ""]


def person(i: int, role: str, years: int, **extra: object) -> Person:
    return Person(id=i, user_id=f"U{i}", role=role, years=years, **extra)  # type: ignore[arg-type]


def random_people(rng: random.Random, n: int) -> list[Person]:
    users = [f"U{i}" for i in range(n)]
    people = []
    for i in range(n):
        role = rng.choice(["mentor", "mentor", "mentee", "mentee", "either"])
        years = rng.randint(0, 8) if role == "mentor" else rng.randint(0, 40)
        people.append(
            Person(
                id=i,
                user_id=users[i],
                role=role,
                years=years,
                department=rng.choice(DEPARTMENTS),
                shares=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
                learns=tuple(rng.sample(TOPICS, rng.randint(0, 3))),
                meeting_format=rng.choice(["video", "in_person", "either"]),
                manager_id=rng.choice(users) if rng.random() < 0.3 else None,
                tz_offset=rng.choice([-18000, 0, 3600, 19800, 32400]),
                avoid=frozenset(rng.sample(users, min(n, rng.randint(0, 2)))),
            )
        )
    return people


def random_recent(rng: random.Random, people: list[Person], k: int) -> set[frozenset[str]]:
    users = [p.user_id for p in people]
    return {frozenset(rng.sample(users, 2)) for _ in range(k)} if len(users) >= 2 else set()


def brute_force(people: list[Person], rules: Rules, recent: set[frozenset[str]]) -> tuple[int, float]:
    """The best (number of pairs, total score) over every assignment the rules allow, by enumeration."""
    count, _, total = brute_force_waiting(people, rules, recent)
    return count, total


def brute_force_waiting(people: list[Person], rules: Rules, recent: set[frozenset[str]]) -> tuple[int, int, float]:
    """The best (pairs, waiting people paired, total score), in that order, by enumeration; a mentor's places are
    their own (``places``) when given."""
    mentors, mentees = choose_sides(people, rules.mentor_capacity)
    scores, allowed = score_matrix(mentors, mentees, rules, recent)
    caps = [rules.mentor_capacity if m.places is None else m.places for m in mentors]
    best = (0, 0, 0.0)

    def walk(j: int, load: list[int], count: int, waiting: int, total: float) -> None:
        nonlocal best
        if j == len(mentees):
            waited = waiting + sum(1 for i, n in enumerate(load) if n and mentors[i].waiting)
            best = max(best, (count, waited, round(total, 4)))
            return
        walk(j + 1, load, count, waiting, total)  # this mentee unpaired
        for i in range(len(mentors)):
            if allowed[i, j] and load[i] < caps[i]:
                load[i] += 1
                walk(j + 1, load, count + 1, waiting + mentees[j].waiting, total + float(scores[i, j]))
                load[i] -= 1

    walk(0, [0] * len(mentors), 0, 0, 0.0)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_the_assignment_is_optimal_against_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    people = random_people(rng, rng.randint(2, 9))
    rules = Rules(
        min_experience_gap=rng.choice([0, 3, 5]),
        mentor_capacity=rng.choice([1, 1, 2]),
        prefer_other_departments=rng.random() < 0.7,
        avoid_reporting_line=rng.random() < 0.8,
    )
    recent = random_recent(rng, people, rng.randint(0, 3))
    proposal = match(people, rules, recent=recent)
    count, total = brute_force(people, rules, recent)
    assert (len(proposal.pairs), round(proposal.total_score, 1)) == (count, round(total, 1))


@pytest.mark.parametrize("seed", range(60))
def test_waiting_people_come_first_then_the_score_against_brute_force(seed: int) -> None:
    """People left out before (or whose partner left) are paired before anyone new, as many as the most pairs
    allow; mentors already paired offer only their places left."""
    rng = random.Random(1000 + seed)
    rules = Rules(min_experience_gap=rng.choice([0, 3]), mentor_capacity=rng.choice([1, 2, 2]))
    people = [
        dataclasses.replace(
            p,
            waiting=rng.random() < 0.35,
            places=rng.choice([None, 1]) if p.role == "mentor" else None,
        )
        for p in random_people(rng, rng.randint(2, 9))
    ]
    recent = random_recent(rng, people, rng.randint(0, 2))
    proposal = match(people, rules, recent=recent)
    waited = sum(p.mentor.waiting for p in {id(x.mentor): x for x in proposal.pairs}.values()) + sum(
        p.mentee.waiting for p in proposal.pairs
    )
    count, best_waited, total = brute_force_waiting(people, rules, recent)
    assert (len(proposal.pairs), waited, round(proposal.total_score, 1)) == (count, best_waited, round(total, 1))
    load: dict[str, int] = {}
    for pair in proposal.pairs:
        load[pair.mentor.user_id] = load.get(pair.mentor.user_id, 0) + 1
    for p in people:
        if p.places is not None and p.role == "mentor":
            assert load.get(p.user_id, 0) <= p.places, "a mentor already paired takes only their places left"


@pytest.mark.parametrize("seed", range(10))
def test_a_swap_is_refused_exactly_when_the_matrix_forbids_the_pair(seed: int) -> None:
    """``barriers`` (an admin's swap) and ``score_matrix`` (the solver) apply the same hard rules."""
    rng = random.Random(seed)
    people = random_people(rng, 30)
    rules = Rules(min_experience_gap=rng.choice([0, 5]), avoid_reporting_line=rng.random() < 0.8)
    recent = random_recent(rng, people, 10)
    mentors, mentees = choose_sides(people, 1)
    managers = {p.user_id: p.manager_id for p in people if p.manager_id}
    _, allowed = score_matrix(mentors, mentees, rules, recent, managers)
    for i, m in enumerate(mentors):
        for j, e in enumerate(mentees):
            assert (not barriers(m, e, rules, recent, managers)) == bool(allowed[i, j])


def chain(user_id: str, by_user: dict[str, Person]) -> set[str]:
    """Everyone above ``user_id`` in the reporting line, written independently of bot.matching."""
    above: list[str] = []
    current = by_user[user_id].manager_id if user_id in by_user else None
    while current is not None and current not in above and current != user_id:
        above.append(current)
        current = by_user[current].manager_id if current in by_user else None
    return set(above)


def assert_hard_rules(people: list[Person], rules: Rules, recent: set[frozenset[str]], proposal: Proposal) -> None:
    by_user = {p.user_id: p for p in people}
    mentor_load: dict[str, int] = {}
    seen_as: dict[str, str] = {}
    for pair in proposal.pairs:
        m, e = pair.mentor, pair.mentee
        assert m.user_id != e.user_id
        assert e.years - m.years >= rules.min_experience_gap, "the mentee is the more experienced one"
        assert m.role in ("mentor", "either") and e.role in ("mentee", "either")
        if rules.avoid_reporting_line:
            assert e.user_id not in chain(m.user_id, by_user) and m.user_id not in chain(e.user_id, by_user), (
                "never within a reporting line, however many levels up"
            )
        assert e.user_id not in m.avoid and m.user_id not in e.avoid, "never someone they asked to avoid"
        assert frozenset({m.user_id, e.user_id}) not in recent, "never a recent pair"
        mentor_load[m.user_id] = mentor_load.get(m.user_id, 0) + 1
        assert (
            seen_as.setdefault(m.user_id, "mentor") == "mentor" and seen_as.setdefault(e.user_id, "mentee") == "mentee"
        )
    assert all(load <= rules.mentor_capacity for load in mentor_load.values())
    mentees = [p.mentee.user_id for p in proposal.pairs]
    assert len(mentees) == len(set(mentees)), "a mentee is in one pair at most"
    everyone = [u.person.user_id for u in proposal.unmatched] + list(mentor_load) + mentees
    assert sorted(set(everyone)) == sorted(by_user), "everyone is either paired or told why not"
    assert not set(mentor_load) & {u.person.user_id for u in proposal.unmatched}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(0, 120),
    gap=st.integers(0, 10),
    capacity=st.integers(1, 3),
    recent_count=st.integers(0, 40),
)
def test_no_hard_rule_is_ever_broken(seed: int, n: int, gap: int, capacity: int, recent_count: int) -> None:
    rng = random.Random(seed)
    people = random_people(rng, n)
    rules = Rules(min_experience_gap=gap, mentor_capacity=capacity, avoid_reporting_line=rng.random() < 0.8)
    recent = random_recent(rng, people, recent_count)
    assert_hard_rules(people, rules, recent, match(people, rules, recent=recent))


def test_the_strongest_term_is_what_one_can_teach_and_the_other_wants() -> None:
    mentor_ai = person(1, "mentor", 2, shares=frozenset({"ai_tools"}), department="IT")
    mentor_social = person(2, "mentor", 2, shares=frozenset({"social_media"}), department="IT")
    mentee = person(3, "mentee", 20, learns=("ai_tools",), department="Sales")
    [pair] = match([mentor_social, mentor_ai, mentee], Rules()).pairs
    assert pair.mentor == mentor_ai
    assert pair.reasons.shared_topics == ("ai_tools",) and pair.reasons.top_wish
    assert pair.reasons.other_departments and pair.reasons.years_apart == 18 and pair.reasons.formats_fit


def test_a_greedy_choice_would_be_worse() -> None:
    """Greedy (best pair first) pairs A with X and leaves Y unmatched; the optimum pairs A-Y and B-X."""
    a = person(1, "mentor", 1, shares=frozenset({"ai_tools", "Figma"}))
    b = person(2, "mentor", 1, shares=frozenset({"ai_tools"}))
    x = person(3, "mentee", 30, learns=("ai_tools", "Figma"))
    y = person(4, "mentee", 30, learns=("Figma",))
    proposal = match([a, b, x, y], Rules())
    assert {(p.mentor.id, p.mentee.id) for p in proposal.pairs} == {(1, 4), (2, 3)}
    assert proposal.unmatched == []


def test_people_left_out_are_told_why() -> None:
    mentors = [person(1, "mentor", 1), person(2, "mentor", 1)]
    mentees = [person(10 + i, "mentee", 30) for i in range(3)]
    proposal = match(mentors + mentees, Rules())
    assert [(u.side, u.reason) for u in proposal.unmatched] == [("mentee", NEED_MENTORS)]
    proposal = match([*mentors, mentees[0]], Rules())
    assert [(u.side, u.reason) for u in proposal.unmatched] == [("mentor", NEED_MENTEES)]
    too_close = person(20, "mentee", 3)  # only 2 years more than the mentors: below the minimum gap of 5
    assert [(u.person.id, u.reason) for u in match([*mentors, too_close], Rules()).unmatched] == [
        (20, NO_FIT),
        (1, NO_FIT),
        (2, NO_FIT),
    ]


def test_people_open_to_either_fill_the_short_side() -> None:
    mentees = [person(10 + i, "mentee", 30) for i in range(3)]
    either = [person(20, "either", 1, shares=frozenset({"ai_tools"})), person(21, "either", 2, learns=("strategy",))]
    mentors, sides_mentees = choose_sides([*mentees, *either], capacity=1)
    assert [p.id for p in mentors] == [20, 21] and len(sides_mentees) == 3
    mentors, sides_mentees = choose_sides([*mentees, *either], capacity=3)
    assert [p.id for p in mentors] == [20] and [p.id for p in sides_mentees][-1] == 21


def test_capacity_lets_a_mentor_take_several_mentees() -> None:
    mentor = person(1, "mentor", 1)
    mentees = [person(10 + i, "mentee", 30) for i in range(3)]
    proposal = match([mentor, *mentees], Rules(mentor_capacity=2))
    assert len(proposal.pairs) == 2 and {p.mentor.id for p in proposal.pairs} == {1}


def test_rules_from_a_program() -> None:
    rules = Rules.of_program({"min_experience_gap": 7, "mentor_capacity": 2}, "08:30", "17:00")
    assert (rules.min_experience_gap, rules.mentor_capacity, rules.day_start_hour, rules.day_end_hour) == (
        7,
        2,
        8.5,
        17.0,
    )


def test_empty_and_one_sided_rounds() -> None:
    assert match([], Rules()) == Proposal()
    only_mentors = match([person(1, "mentor", 1), person(2, "mentor", 1)], Rules())
    assert only_mentors.pairs == [] and {u.reason for u in only_mentors.unmatched} == {NEED_MENTEES}
    only_mentees = match([person(1, "mentee", 20)], Rules())
    assert [u.reason for u in only_mentees.unmatched] == [NEED_MENTORS], "nobody free to mentor: numbers, not fit"


def test_every_pair_of_a_small_round_is_considered() -> None:
    """Sanity check of the brute force itself: two mentors, two mentees, every pair allowed: two pairs."""
    people = [person(1, "mentor", 1), person(2, "mentor", 1), person(3, "mentee", 30), person(4, "mentee", 30)]
    assert brute_force(people, Rules(), set())[0] == 2


def plain_score(m: Person, e: Person, rules: Rules) -> float:
    """The documented score, one pair at a time, written independently of the vectorised version."""
    shares = {k.casefold() for k in m.shares}
    shared = [k for k in e.learns if k.casefold() in shares]
    score: float = 10 * len(shared) + (5 if e.learns and e.learns[0].casefold() in shares else 0)
    score += 0.25 * min(max(e.years - m.years, 0), 20)
    if (
        rules.prefer_other_departments
        and m.department
        and e.department
        and m.department.casefold() != e.department.casefold()
    ):
        score += 3
    apart = abs(m.tz_offset - e.tz_offset) / 3600 % 24
    score += min(max(rules.day_end_hour - rules.day_start_hour - min(apart, 24 - apart), 0) / 3, 3)
    if m.meeting_format == e.meeting_format or "either" in (m.meeting_format, e.meeting_format):
        score += 2
    return score + 1


@pytest.mark.parametrize("seed", range(10))
def test_the_vectorised_scores_and_rules_match_the_definition_for_every_pair(seed: int) -> None:
    rng = random.Random(seed)
    people = random_people(rng, 40)
    rules = Rules(min_experience_gap=rng.choice([0, 5]), prefer_other_departments=seed % 2 == 0)
    recent = random_recent(rng, people, 10)
    mentors, mentees = choose_sides(people, 1)
    scores, allowed = score_matrix(mentors, mentees, rules, recent)
    by_user = {p.user_id: p for p in people}
    for i, m in enumerate(mentors):
        for j, e in enumerate(mentees):
            assert scores[i, j] == pytest.approx(plain_score(m, e, rules), abs=1e-3)
            ok = (
                e.years - m.years >= rules.min_experience_gap
                and e.user_id not in chain(m.user_id, by_user)
                and m.user_id not in chain(e.user_id, by_user)
                and e.user_id not in m.avoid
                and m.user_id not in e.avoid
                and frozenset({m.user_id, e.user_id}) not in recent
            )
            assert bool(allowed[i, j]) is ok


def test_a_skip_level_manager_is_never_the_mentee() -> None:
    junior = person(1, "mentor", 1, manager_id="U2", shares=frozenset({"ai_tools"}))
    boss = person(2, "mentee", 10, manager_id="U3")
    big_boss = person(3, "mentee", 30, learns=("ai_tools",))
    assert match([junior, boss, big_boss], Rules()).pairs == []


def test_juniors_open_to_either_become_the_mentors() -> None:
    senior = person(1, "mentee", 30, learns=("ai_tools",))
    junior = person(2, "either", 2, shares=frozenset({"ai_tools"}), learns=("leadership", "strategy"))
    expert = person(3, "either", 28, shares=frozenset({"leadership", "strategy"}))
    [pair] = match([senior, junior, expert], Rules()).pairs
    assert (pair.mentor.id, pair.mentee.id) in {(2, 1), (2, 3)}


def test_equal_choices_go_to_an_idle_mentor_first() -> None:
    mentors = [person(1, "mentor", 1), person(2, "mentor", 1)]
    mentees = [person(3, "mentee", 30), person(4, "mentee", 30)]
    proposal = match(mentors + mentees, Rules(mentor_capacity=2))
    assert sorted(p.mentor.id for p in proposal.pairs) == [1, 2] and proposal.unmatched == []
    busy = person(5, "mentee", 30)  # three mentees, capacity 2: one mentor takes two, nobody is left out
    assert match([*mentors, *mentees, busy], Rules(mentor_capacity=2)).unmatched == []


def test_someone_who_fits_only_people_already_paired_is_told_so() -> None:
    mentors = [person(1, "mentor", 1), person(2, "mentor", 1)]
    fits_both = person(3, "mentee", 30)
    fits_nobody = person(4, "mentee", 3)  # too little experience for either mentor
    proposal = match([*mentors, fits_both, fits_nobody], Rules())
    reasons = {u.person.id: u.reason for u in proposal.unmatched}
    assert reasons.pop(4) == "no_fit" and list(reasons.values()) == ["taken"]


def test_time_zones_far_apart_the_short_way_round_still_share_hours() -> None:
    hawaii = person(1, "mentor", 1, tz_offset=-10 * 3600)
    auckland = person(2, "mentee", 30, tz_offset=12 * 3600)
    [pair] = match([hawaii, auckland], Rules()).pairs
    assert pair.reasons.shared_hours == 7.0


def test_own_words_match_whatever_their_case() -> None:
    mentor = person(1, "mentor", 1, shares=frozenset({"CRM"}))
    mentee = person(2, "mentee", 30, learns=("crm",))
    [pair] = match([mentor, mentee], Rules()).pairs
    assert pair.reasons.shared_topics == ("crm",) and pair.reasons.top_wish
