"""A program's results as text, CSV rows and Home tab blocks (pure: figures in, text out), and the one CSV writer
every CSV the app writes goes through (:func:`csv_text`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from prompts.blocks import Block, Reply, actions, button, context, section
from prompts.blocks import escape as esc

SUPPRESSED = "–"  # no figure: nothing yet, or a group too small to show
# What makes a spreadsheet (Excel, Sheets, LibreOffice) read a cell as a formula: OWASP's CSV-injection list, the
# DDE pipe and % that defusedcsv adds, and the fullwidth forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) in case a spreadsheet
# folds them as it does when they are typed in a CJK locale.
FORMULA_STARTS = frozenset("=+-@\t\r|%＝＋－＠")
# Where a spreadsheet may start a new cell: the separator of the file's locale (Excel opens a .csv on ";" in de, fr,
# nl…, on "," elsewhere, and quotes only protect where both agree), a tab, and a line end.
SEPARATORS = frozenset(",;\t\n\r")
PLAIN_NUMBER = re.compile(r"-\d[\d,]*(\.\d+)?%?")  # "-25", "-0.5", "-1,234", "-12%": read as a number, never a formula


def safe_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs, in any locale (OWASP's advice against CSV injection): a formula
    character (``=``, ``+``, ``-``, ``@``, a tab, a carriage return, ``|``, ``%`` or a fullwidth ``＝＋－＠``) gets
    a ``'`` before it wherever it begins a cell some spreadsheet may make: at the start of the text and right after a
    separator (``,``, ``;``, a tab, a line end), blanks and ``"`` trimmed (as a spreadsheet may). ``x;=1+1`` is
    written ``x;'=1+1``, so each cell a locale splitting on ``;`` makes of it shows as the text it is.

    Numbers stay numbers: an ``int`` or ``float`` is written as is, and so is text that is only a number (a
    negative figure the app formatted, such as a net promoter score of ``-25``), which a spreadsheet reads as that
    number and nothing else, however it splits it. ``-2+3`` is not only a number, so it is neutralised; so is a
    number inside text (``3,'-5``): split out of a quoted cell, it would keep the closing ``"``."""
    if not isinstance(value, str) or PLAIN_NUMBER.fullmatch(value):
        return value
    out: list[str] = []
    begins = True  # whether a spreadsheet may begin a cell here
    for char in value:
        if begins and char in FORMULA_STARTS:
            out.append("'")
        out.append(char)
        begins = char in SEPARATORS or (begins and (char.isspace() or char == '"'))
    return "".join(out)


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text, every cell through :func:`safe_cell`: every CSV the app writes (the exports, ``report
    --format csv``) is written here. Lines end with ``\n``; the csv module quotes a cell holding a comma, a quote or
    a line feed, but not one holding a lone carriage return (not part of that line end), which would then split the
    row in a spreadsheet: a row with one is written with every cell quoted."""
    out = io.StringIO()
    minimal = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [safe_cell(cell) for cell in row]
        writer = quoted if any(isinstance(cell, str) and "\r" in cell for cell in cells) else minimal
        writer.writerow(cells)
    return out.getvalue()


def _value(figures: dict[str, Any] | None, path: str) -> Any:
    value: Any = figures
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return SUPPRESSED
    if kind == "percent":
        return f"{100 * float(value):.0f}%"
    if kind == "float":
        return f"{float(value):.2f}"
    return f"{int(value):,}"


ROWS = (  # label, path in the figures, kind
    ("People taking part", "participants.active", "int"),
    ("People paused", "participants.paused", "int"),
    ("People who left", "participants.left", "int"),
    ("Reverse mentors (active)", "sides.mentor", "int"),
    ("Mentees (active)", "sides.mentee", "int"),
    ("Open to either (active)", "sides.either", "int"),
    ("Active pairs", "pairs.active", "int"),
    ("Stalled pairs (need attention)", "pairs.stalled", "int"),
    ("Ended pairs", "pairs.ended", "int"),
    ("Latest check-in", "last_checkin", "int"),
    ("Meeting rate (pairs that met at the latest check-in)", "meeting_rate", "percent"),
    ("Meetings", "meetings", "int"),
    ("Meetings per pair", "meetings_per_pair", "float"),
    ("Feedback given", "feedback", "int"),
    ("Average usefulness (1–5)", "usefulness", "float"),
    ("Usefulness for reverse mentors", "usefulness_by_side.mentor", "float"),
    ("Usefulness for mentees", "usefulness_by_side.mentee", "float"),
    ("Would recommend (0–10, latest survey)", "recommend", "float"),
    ("Net promoter score", "nps", "int"),
)


def report_rows(report: dict[str, Any]) -> list[list[str]]:
    """``[figure, this program, previous program]`` rows (the CSV export, and the text table)."""
    current, previous = report["current"], report.get("previous")
    rows = [["figure", current["program"], previous["program"] if previous else "previous program"]]
    for label, path, kind in ROWS:
        rows.append([label, _shown(_value(current, path), kind), _shown(_value(previous, path), kind)])
    for rank in range(max(len(current["topics"]), len((previous or {}).get("topics") or []))):
        mine = current["topics"][rank] if rank < len(current["topics"]) else None
        theirs = (previous or {}).get("topics") or []
        other = theirs[rank] if rank < len(theirs) else None
        rows.append(
            [
                f"Topic #{rank + 1} (people)",
                f"{mine[0]} ({mine[1]})" if mine else SUPPRESSED,
                f"{other[0]} ({other[1]})" if other else SUPPRESSED,
            ]
        )
    skills = sorted(
        {c[0] for c in current.get("confidence") or []} | {c[0] for c in (previous or {}).get("confidence") or []}
    )
    for skill in skills:
        mine = next((c for c in current.get("confidence") or [] if c[0] == skill), None)
        other = next((c for c in (previous or {}).get("confidence") or [] if c[0] == skill), None)
        rows.append(
            [
                f"Confidence in {skill} (before → {current.get('survey_stage') or 'now'})",
                f"{mine[1]:.1f} → {mine[2]:.1f} ({mine[3]})" if mine else SUPPRESSED,
                f"{other[1]:.1f} → {other[2]:.1f} ({other[3]})" if other else SUPPRESSED,
            ]
        )
    return rows


def report_csv(report: dict[str, Any]) -> str:
    return csv_text(report_rows(report))


def report_text(report: dict[str, Any]) -> str:
    current = report["current"]
    dates = f"{current['start']} → {current['end']}" if current.get("start") else "no dates"
    head = f"{current['program']} ({current['state']}, {dates})"
    rows = report_rows(report)
    width = max(len(r[0]) for r in rows)
    right = max(len(r[1]) for r in rows)
    lines = [head, ""]
    lines += [f"{r[0]:<{width}}  {r[1]:>{right}}  {r[2]}" for r in rows]
    lines += ["", f"Groups smaller than 3 people are not shown ({SUPPRESSED}); no figure names anyone."]
    return "\n".join(lines)


def results_failed_reply() -> Reply:
    return Reply(
        "That program's results couldn't be sent just now (it may have been deleted, or Slack refused the "
        "upload). Try again in a minute; `python -m bot report` prints the same figures."
    )


def no_program_text(name: str | None) -> str:
    if name:
        return f"No program named {name!r} with results (drafts have none)."
    return "No program with results yet: start one from the Home tab."


ACTION_EXPORT = "results_export"
ACTION_CHART = "results_chart"


def export_comment(program: str) -> str:
    return (
        f"*{esc(program)}*: pairs and their check-in answers, and what people learned or taught and would change "
        "(anonymous: no name, pair, side or rating; only from groups of 3 people or more; notes for partners are "
        "never included). Keep them inside your people team."
    )


def summary_text(figures: dict[str, Any]) -> str:
    """The short written summary that comes with the chart (at the program's end, or on request)."""
    rate = figures.get("meeting_rate")
    useful = figures.get("usefulness")
    pairs = figures.get("pairs") or {}
    parts = [
        f"*{esc(figures['program'])}* ({figures['state']}): {pairs.get('total', 0):,} pairs, "
        f"{figures.get('meetings', 0):,} meetings ({_shown(figures.get('meetings_per_pair'), 'float')} per pair).",
        f"Meeting rate at the latest check-in: {_shown(rate, 'percent')}.",
        f"Average usefulness: {_shown(useful, 'float')} out of 5." if useful is not None else "",
        f"{pairs.get('stalled', 0):,} pair(s) stalled." if pairs.get("stalled") else "",
    ]
    topics = figures.get("topics") or []
    if topics:
        parts.append("Most discussed: " + ", ".join(esc(name) for name, _ in topics[:3]) + ".")
    if figures.get("recommend") is not None:
        parts.append(f"Would recommend: {figures['recommend']:.1f}/10 (net promoter score {figures.get('nps')}).")
    for skill, before, then, people in (figures.get("confidence") or [])[:3]:
        parts.append(f"Confidence in {esc(str(skill))}: {before:.1f} → {then:.1f} ({people} people).")
    return " ".join(p for p in parts if p)


def results_blocks(report: dict[str, Any], program_id: int | None = None) -> list[Block]:
    """The Home tab's *Results* for admins: the headline figures beside the previous program's, and buttons that
    send the exports or the chart by DM."""
    rows = report_rows(report)
    previous = report.get("previous")
    lines = [f"{esc(r[0])}: *{esc(r[1])}*" + (f"  _(previous: {esc(r[2])})_" if previous else "") for r in rows[1:]]
    return [
        section(f"*Results · {esc(report['current']['program'])}*\n" + "\n".join(lines[:12])),
        section("\n".join(lines[12:])) if lines[12:] else context(" "),
        *(
            [
                actions(
                    button("Export CSV", ACTION_EXPORT, value=str(program_id)),
                    button("Chart", ACTION_CHART, value=str(program_id)),
                    block_id=f"results-{program_id}",
                )
            ]
            if program_id is not None
            else []
        ),
        context(
            "Totals and averages only; groups smaller than 3 people are not shown. `python -m bot report` prints "
            "the same figures (text, JSON or CSV). Exports and the chart come to you by DM."
        ),
    ]
