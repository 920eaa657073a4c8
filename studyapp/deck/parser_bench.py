"""Benchmark: the answer parsers on hostile input, each in bounded time.

Run `python -m studyapp.deck.parser_bench [--repeat R]`. Prints the worst of R wall-clock
timings (ms) of big-O, number, formula and did-you-mean calls on exponent towers, huge
expansions, 10,000-character and deeply nested texts, and a 1 MB misspelt name; every
call must end in a verdict or an AnswerError.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from engine.suggest import close_matches
from studyapp.deck import bigo
from studyapp.deck.errors import AnswerError
from studyapp.deck.notation import declare, grade_formula
from studyapp.deck.numbers import evaluate

BPTT = ("T", "H", "D", "O")
SYMBOLS = declare({"W": "H×H", "h_{t-1}": "H", "f'": "elementwise", "a_{m}": "H"})


def _bigo(text: str) -> Callable[[], object]:
    return lambda: bigo.equivalent(
        bigo.parse(text, BPTT), bigo.parse("O(T*(H^2 + H*D + H*O))", BPTT), BPTT
    )


CASES: tuple[tuple[str, Callable[[], object]], ...] = (
    ("bigo  O(T^9^9^9)", _bigo("O(T^9^9^9)")),
    ("bigo  O(T^((9^99)^99))", _bigo("O(T^((9^99)^99))")),
    ("bigo  O((T+H+D+O)^100)", _bigo("O((T+H+D+O)^100)")),
    ("bigo  (T+H+D+O)(T+H+D+O)... 30 factors", _bigo("O(" + "(T+H+D+O)" * 30 + ")")),
    ("bigo  a 6-term sum (LP covering)", _bigo("O(TH^2+THD+THO+T^2+H^3+D^2O)")),
    ("bigo  10k characters", _bigo("T*" * 5000)),
    ("numbers  9^9^9", lambda: evaluate("9^9^9")),
    ("numbers  5000 digits", lambda: evaluate("9" * 5000)),
    ("numbers  '(' * 199", lambda: evaluate("(" * 199 + "1")),
    ("formula  W h_{t-1} (6 draws)", lambda: grade_formula("W h(t-1)", "W h_{t-1}", SYMBOLS)),
    ("formula  '(' * 499 + W", lambda: grade_formula("(" * 499 + "W", "W", SYMBOLS)),
    ("formula  10k characters", lambda: grade_formula("W+" * 5000 + "W", "W", SYMBOLS)),
    (
        "formula  120 nested diag(f'(",
        lambda: grade_formula("diag(f'(" * 40 + "a_m" + "))" * 40, "W", SYMBOLS),
    ),
    (
        "suggest  1 MB misspelt name",
        lambda: close_matches("bptt.gradient" + "x" * 10**6, ["bptt.gradients"] * 50),
    ),
)


def _worst(repeat: int, func: Callable[[], object]) -> tuple[float, str]:
    """The worst wall-clock time of `repeat` calls (ms) and how the last call ended."""
    worst, outcome = 0.0, ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            func()
            outcome = "verdict"
        except AnswerError as error:
            outcome = f"AnswerError: {str(error)[:50]}"
        worst = max(worst, time.perf_counter() - start)
    return worst * 1000, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m studyapp.deck.parser_bench", description=__doc__
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"worst of {args.repeat} (wall ms):")
    for label, func in CASES:
        millis, outcome = _worst(args.repeat, func)
        print(f"  {label:<38} {millis:9.1f}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
