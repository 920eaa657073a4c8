"""Big-O answers: parsing, asymptotic equivalence, and an independent numeric reference."""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.deck import bigo
from studyapp.deck.errors import AnswerError

V = ("T", "H", "D", "O", "k")


def same(a: str, b: str, variables: tuple[str, ...] = V) -> bool:
    return bigo.equivalent(bigo.parse(a, variables), bigo.parse(b, variables), variables)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O(T H^2 + T H D)", "O(T*(H^2+H*D))"),
        ("O(T·(H² + HD + HO))", "O(T*H*(H+D+O))"),
        ("O(T*H^2)", "O(3*T*H^2 + 7*H + 2)"),
        ("O(T*H^2)", "T H²"),
        ("Θ(T*H^2)", "O(T**1 * H**2)"),
        ("O(T log T)", "O(T*log(T) + T)"),
        ("O(T*log(T*H))", "O(T log T + T log(H^2))"),
        ("O(sqrt(T))", "O(T^(1/2))"),
        ("O(1)", "O(5)"),
        ("O(T*H*O)", "O(THO)"),  # O as a variable inside O(...)
        ("O(H^4)", "O(H^4 + H^3)"),
        ("O(T*(H+D)^2)", "O(T*(H^2 + D^2))"),  # 2THD <= T(H^2 + D^2), AM-GM
        ("O(T^2 + H^2)", "O(T^2 + H^2 + T*H)"),
        ("O(T*k*H^2)", "O(k T H H)"),
        ("O(T/2)", "O(T)"),
        ("O(log(T+H))", "O(log T + log H)"),  # log(T + H) = Θ(log max(T, H))
    ],
)
def test_equivalent(a, b):
    assert same(a, b)
    assert same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O(T*H^2)", "O(H^2)"),
        ("O(T*H^2)", "O(T^2*H^2)"),
        ("O(T*H^2)", "O(T^2*H)"),
        ("O(T H^2 + T^2 H)", "O(T^2 H)"),
        ("O(T log T)", "O(T)"),
        ("O(T log T)", "O(T^2)"),
        ("O(T*(H+D)^2)", "O(T*H^2)"),
        ("O(T^2 + H^2)", "O(T^2 + H^2 + T*H^2)"),
        ("O(1)", "O(T)"),
        ("O(T/H)", "O(T)"),
    ],
)
def test_not_equivalent(a, b):
    assert not same(a, b)
    assert not same(b, a)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("O(T", "')' is missing"),
        ("O(T*)", "ends too early"),
        ("O()", "type a big-O answer"),
        ("", "type a big-O answer"),
        ("O(T-H)", "subtraction"),
        ("O(N)", "unknown symbol 'N'"),
        ("O(2^T)", "exponential"),
        ("O(T^H)", "exponential"),
        ("O(T^999)", "too large"),
        ("O(log(log(T)))", "only logarithms of products"),
        ('__import__("os")', "unexpected '\"'"),
        ("O(T.H)", "unexpected '.'"),
        ("O(exp(T))", "unknown symbol 'exp'"),
        ("O(T)) + (H", "unexpected ')'"),
        ("(" * 60 + "T" + ")" * 60, "nested too deeply"),
        ("T" * 301, "longer than 300"),
    ],
)
def test_refuses(text, reason):
    with pytest.raises(AnswerError) as caught:
        bigo.growth_terms(bigo.parse(text, V), V)
    assert reason in str(caught.value)


def test_never_uses_sympify(monkeypatch):
    import sympy

    def forbidden(*args, **kwargs):
        raise AssertionError("sympify/parse_expr called on answer text")

    monkeypatch.setattr(sympy, "sympify", forbidden)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", forbidden)
    assert same("O(T*(H^2+H*D))", "O(T H^2 + T H D)")


# ---- independent reference: max over terms of exponent·direction, on dense directions

monomials = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=3, unique=True
)
ANGLES = np.linspace(0.0, math.pi / 2, 2001)
DIRECTIONS = np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1)  # includes both axes


def text_of(terms: list[tuple[int, int]]) -> str:
    return "O(" + " + ".join(f"2*T^{p}*H^{q}" for p, q in terms) + ")"


def growth_profile(terms: list[tuple[int, int]]) -> np.ndarray:
    """log(sum of terms)/log(N) as N -> inf along T = N^r1, H = N^r2: max over terms of p·r."""
    return (DIRECTIONS @ np.array(terms, dtype=float).T).max(axis=1)


@settings(max_examples=150, deadline=None)
@given(monomials, monomials)
def test_equivalence_matches_growth_along_every_direction(a, b):
    reference = bool(np.allclose(growth_profile(a), growth_profile(b), atol=1e-12))
    assert same(text_of(a), text_of(b), ("T", "H")) == reference


# ---- notation learners type (powers bind to the last variable of a run, O terms, logs)

BPTT = ("T", "H", "D", "O")


@pytest.mark.parametrize(
    "text",
    [
        "O(TH^2 + THD + THO)",
        "O(T H^2) + O(T H D) + O(T H O)",
        "O(T·H·(H + D + O))",
        "Θ(T(H² + HD + HO))",
        "O(T H^2) + O(T H (D + O))",
    ],
)
def test_bptt_cost_in_learners_notation(text):
    assert same(text, "O(T*(H^2 + H*D + H*O))", BPTT)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O(TH^2)", "O(T^2*H^2)"),  # the power binds to H only
        ("O(T^(1 + 1/100))", "O(T log T)"),  # a log is not a small power
        ("O(T^(101/100))", "O(T log T + T)"),
        ("O(T log T)", "O(T log T log T)"),
        ("O(T H log T)", "O(T H log H)"),
    ],
)
def test_not_equivalent_exact(a, b):
    assert not same(a, b)
    assert not same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O(T^2H^2)", "O((TH)^2)"),
        ("O(T log T + T^2)", "O(T^2)"),
        ("O((T+H+D+O)^100)", "O(T^100 + H^100 + D^100 + O^100)"),
        ("O(T^2^2)", "O(T^4)"),  # towers are right-nested, as in mathematics
        ("O(T) * O(H)", "O(TH)"),
        ("O(T log T) + O(T)", "O(T log(T^2))"),
    ],
)
def test_equivalent_more(a, b):
    assert same(a, b)
    assert same(b, a)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ω(T H^2)", "lower bound"),
        ("o(T H^2)", "strictly slower"),
        ("O(T^9^9^9)", "too large"),
        ("O(T^((9^99)^99))", "too large"),
        ("O(T^" + "9" * 5000 + ")", "longer than"),
        ("O(T^" + "9" * 200 + ")", "digits"),
        ("O(1/(T+H))", "dividing by a sum"),
        ("O(T^(1/1000))", "simple fractions"),
        ("O(" + "(T+H+D)*" * 30 + "T)", "distinct terms"),
    ],
)
def test_refuses_hostile(text, reason):
    with pytest.raises(AnswerError) as caught:
        bigo.parse(text, V)
    assert reason in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_or_raises_answer_error(text):
    with contextlib.suppress(AnswerError):
        bigo.equivalent(bigo.parse(text, V), bigo.parse("O(T H)", V), V)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="TH()+*^2 log", max_size=300))
def test_any_formula_like_text_parses_or_raises_answer_error(text):
    with contextlib.suppress(AnswerError):
        bigo.equivalent(bigo.parse(text, V), bigo.parse("O(T H)", V), V)


@settings(max_examples=50, deadline=None)
@given(monomials, st.sampled_from(["", " ", "  "]))
def test_spacing_never_changes_the_verdict(terms, space):
    spaced = text_of(terms).replace("*", f"{space}*{space}").replace("+", f"{space}+{space}")
    assert same(spaced, text_of(terms), ("T", "H"))
