"""Matching at scale: time, peak memory and quality of ``bot.matching.match`` beside a greedy baseline.

    python bench/matching.py                 # 200, 2,000 and 10,000 participants, 6 rounds each
    python bench/matching.py --sizes 200 --rounds 3

Each size runs in its own process (so peak memory, the process's maximum resident set, is that size's alone) on a
synthetic population shaped like a real company: about a third reverse mentors (0–6 years), half mentees (8–35
years), the rest open to either; a dozen departments of uneven size; managers up a hierarchy; skills and wishes
drawn from the catalogue with popular topics more likely; five time zones; a few "don't pair me with" entries.

Every round avoids all the pairs of earlier rounds (``recent``), as a program with "avoid repeat pairs for 6
rounds" does. The baseline is the kind of greedy pairing other bots use: mentees in random order, each taking the
best-scoring mentor still free under the same hard rules (history included). Quality: total score, pairs made,
the share of mentees whose first wish is covered, and repeat pairs across the rounds.

Targets: 10,000 participants matched in under 10 s and 1.5 GB on 2 cores; no repeat pairs; a total score above
the baseline's.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.matching import Pair, Person, Proposal, Rules, choose_sides, match, reasons_for, score_matrix  # noqa: E402
from prompts.topics import CATALOGUE  # noqa: E402

DEPARTMENTS = [f"Dept {i:02d}" for i in range(12)]
ZONES = [-18000, 0, 3600, 19800, 32400]  # New York, London, Paris, Mumbai, Tokyo
FRESH = [t.key for t in CATALOGUE if t.side == "fresh"]


def population(n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(FRESH))]  # a few topics everyone wants
    department_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(DEPARTMENTS))]
    people: list[Person] = []
    seniors: list[str] = []
    for i in range(n):
        draw = rng.random()
        role = "mentor" if draw < 0.35 else "mentee" if draw < 0.85 else "either"
        years = (
            rng.randint(0, 6) if role == "mentor" else rng.randint(8, 35) if role == "mentee" else rng.randint(2, 15)
        )
        user_id = f"U{i:06d}"
        shares = frozenset(rng.choices(FRESH, weights, k=rng.randint(1, 4))) if role != "mentee" else frozenset()
        learns = tuple(dict.fromkeys(rng.choices(FRESH, weights, k=rng.randint(1, 4)))) if role != "mentor" else ()
        if role == "either":
            learns = learns[:1]
        people.append(
            Person(
                id=i,
                user_id=user_id,
                role=role,
                years=years,
                department=rng.choices(DEPARTMENTS, department_weights)[0],
                shares=shares,
                learns=learns,
                meeting_format=rng.choice(["video", "video", "in_person", "either"]),
                manager_id=rng.choice(seniors) if seniors and rng.random() < 0.8 else None,
                tz_offset=rng.choice(ZONES),
                avoid=frozenset({f"U{rng.randrange(n):06d}"}) if rng.random() < 0.02 else frozenset(),
            )
        )
        if years >= 15:
            seniors.append(user_id)
    return people


def greedy(people: list[Person], rules: Rules, recent: set[frozenset[str]], rng: random.Random) -> Proposal:
    """Mentees in random order, each taking the best mentor still free under the same hard rules."""
    mentors, mentees = choose_sides(people, rules.mentor_capacity)
    scores, allowed = score_matrix(mentors, mentees, rules, recent)
    load = np.zeros(len(mentors), dtype=int)
    pairs = []
    for j in rng.sample(range(len(mentees)), len(mentees)):
        if not len(mentors):
            break
        options = np.where(allowed[:, j] & (load < rules.mentor_capacity), scores[:, j], -np.inf)
        i = int(np.argmax(options))
        if options[i] > -np.inf:
            load[i] += 1
            pairs.append(Pair(mentors[i], mentees[j], float(scores[i, j]), reasons_for(mentors[i], mentees[j], rules)))
    return Proposal(pairs, [])


def pairs_of(proposal: Proposal) -> set[frozenset[str]]:
    return {frozenset({p.mentor.user_id, p.mentee.user_id}) for p in proposal.pairs}


def quality(proposal: Proposal, history: set[frozenset[str]]) -> dict[str, float]:
    wishes = [p for p in proposal.pairs if p.mentee.learns]
    return {
        "score": proposal.total_score,
        "pairs": len(proposal.pairs),
        "top_wish": sum(p.reasons.top_wish for p in wishes) / max(1, len(wishes)),
        "repeats": len(pairs_of(proposal) & history),
    }


def run_size(n: int, rounds: int, seed: int) -> dict[str, object]:
    people = population(n, seed)
    rules = Rules(min_experience_gap=5, mentor_capacity=1)
    rng = random.Random(seed)
    ours_history: set[frozenset[str]] = set()
    greedy_history: set[frozenset[str]] = set()
    times, ours, base = [], [], []
    for _ in range(rounds):
        started = time.perf_counter()
        proposal = match(people, rules, recent=ours_history)
        times.append(time.perf_counter() - started)
        ours.append(quality(proposal, ours_history))
        ours_history |= pairs_of(proposal)
        baseline = greedy(people, rules, greedy_history, rng)
        base.append(quality(baseline, greedy_history))
        greedy_history |= pairs_of(baseline)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "rounds": rounds, "seconds": times, "peak_mb": peak_mb, "ours": ours, "greedy": base}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size in this process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.rounds, args.seed)))
        return 0
    results = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--rounds", str(args.rounds), "--seed", str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout))
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}; {args.rounds} rounds per size, seed {args.seed}\n")
    print(
        "| participants | first round s | slowest round s | peak MB | pairs (ours / greedy) | total score (ours / "
        "greedy) | first wish covered (ours / greedy) | repeat pairs over the rounds (ours / greedy) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for r in results:
        ours, base = r["ours"], r["greedy"]  # type: ignore[index]
        pairs = (sum(q["pairs"] for q in ours), sum(q["pairs"] for q in base))
        score = (sum(q["score"] for q in ours), sum(q["score"] for q in base))
        wish = (np.mean([q["top_wish"] for q in ours]), np.mean([q["top_wish"] for q in base]))
        repeats = (sum(q["repeats"] for q in ours), sum(q["repeats"] for q in base))
        seconds = r["seconds"]  # type: ignore[index]
        print(
            f"| {r['n']:,} | {seconds[0]:.3f} | {max(seconds):.3f} | {r['peak_mb']:.0f} | {pairs[0]:,} / {pairs[1]:,} "
            f"| {score[0]:,.0f} / {score[1]:,.0f} | {wish[0]:.0%} / {wish[1]:.0%} | {repeats[0]} / {repeats[1]} |"
        )
        ok &= repeats[0] == 0 and score[0] > score[1]
        if r["n"] >= 10_000:
            ok &= max(seconds) < 10 and float(r["peak_mb"]) < 1536  # type: ignore[arg-type]
    print("\nTargets (10,000 in < 10 s and < 1.5 GB; no repeats; score above greedy):", "PASS" if ok else "FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
