"""The hostile-input benchmark of the answer parsers runs and reports every case."""

from __future__ import annotations

from studyapp.deck import parser_bench


def test_bench_reports_every_case_with_its_outcome(capsys):
    assert parser_bench.main(["--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == len(parser_bench.CASES)
    assert all(line.rstrip().endswith("verdict") or "AnswerError" in line for line in lines)
