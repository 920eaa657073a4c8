"""Formula notation: the parser, shapes, and equivalence by evaluation."""

from __future__ import annotations

import contextlib
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.deck.errors import AnswerError
from studyapp.deck.notation import declare, grade_formula, parse, read, show
from studyapp.deck.notation.equivalence import equivalent
from studyapp.deck.notation.tree import Call, Num, Op, Sym

SYMBOLS = declare(
    {
        "W": "H×H",
        "V": "O×H",
        "h_{t-1}": "H",
        "h_{t}": "H",
        "a_{m}": "H",
        "f'": "elementwise",
        "γ": "positive",
        "α": "scalar",
        "g_{j}": "scalar",
        "c": "positive",
        "o_{t}": "O",
        "y_{t}": "O",
    }
)


def right(text: str, reference: str) -> bool:
    return grade_formula(text, reference, SYMBOLS).right


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("o_t -y_t", "o_t - y_t"),
        ("-(y_t - o_t)", "o_t - y_t"),
        ("h(t-1)", "h_{t-1}"),
        ("h_(t−1)", "h_{t-1}"),
        ("h_{t- 1}", "h_{t-1}"),
        ("h_t-1", "h_{t-1}"),
        ("diag(f'(a_m))*W", "diag(f'(a_m)) W"),
        ("diag(f′(a_m)) W", "diag(f'(a_m)) W"),
        ("diag(f’(a_m))·W", "diag(f'(a_m)) W"),
        ("V^⊤", "Vᵀ"),
        ("V.T", "Vᵀ"),
        ("V'", "Vᵀ"),
        ("1 / γ", "1/γ"),
        ("1/gamma", "1/γ"),
        ("γ⁻¹", "1/γ"),
        ("\\gamma^{-1}", "1/γ"),
        ("1-alpha", "1 - α"),
        ("min(max(g_j,-c),c)", "min(max(g_j, -c), c)"),
        ("max(-c, min(c, g_j))", "min(max(g_j, -c), c)"),
        ("clip(g_j, -c, c)", "min(max(g_j, -c), c)"),
        ("⩽", "≤"),
        ("<=", "≤"),
        ("\\le", "≤"),
        ("is at most", "≤"),
        ("W h_{t-1} + V^T o_t", "W h_{t-1} + Vᵀ o_t"),
    ],
)
def test_accepts_right_answers_in_any_notation(text, reference):
    assert right(text, reference)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("γ−1", "1/γ"),  # gamma minus one, never gamma inverse
        ("gamma - 1", "1/γ"),
        ("y_t - o_t", "o_t - y_t"),
        ("W diag(f'(a_m))", "diag(f'(a_m)) W"),
        ("h_t", "h_{t-1}"),
        ("W^T", "W"),
        ("≥", "≤"),
        ("max(min(g_j, -c), c)", "min(max(g_j, -c), c)"),
    ],
)
def test_refuses_wrong_answers(text, reference):
    assert not right(text, reference)


def test_a_dimension_error_is_a_wrong_answer_with_its_message():
    verdict = grade_formula("W h_{t-1}ᵀ", "W h_{t-1}", SYMBOLS)
    assert not verdict.right
    assert "cannot multiply W (H×H) by (h_{t-1})ᵀ (1×H)" in verdict.detail
    verdict = grade_formula("V", "Vᵀ", SYMBOLS)
    assert verdict.detail == "V is O×H, the answer is H×O"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "type a formula"),
        ("x_t", "unknown symbol"),
        ("W +", "ends too early"),
        ("__import__('os')", "unexpected '_'"),
        ("W $ 2", "cannot read"),
        ("(" * 100 + "W" + ")" * 100, "nested too deeply"),
        ("W" * 600, "longer than"),
        ("diag W", "needs its argument"),
        ("min(W)", "takes 2 argument"),
    ],
)
def test_unreadable_answers_raise_answer_error(text, reason):
    with pytest.raises(AnswerError) as caught:
        grade_formula(text, "W", SYMBOLS)
    assert reason in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_verdict_or_answer_error(text):
    with contextlib.suppress(AnswerError):
        grade_formula(text, "W h_{t-1}", SYMBOLS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Whγ_{}()t-1+*^T'ᵀ⊙·diag", max_size=300))
def test_formula_like_text_gives_a_verdict_or_answer_error(text):
    with contextlib.suppress(AnswerError):
        grade_formula(text, "W h_{t-1}", SYMBOLS)


@pytest.mark.parametrize("opener", ["(", "-", "diag(", "h_{", "W^"])
def test_deep_and_long_inputs_stay_bounded(opener):
    depth_before = sys.getrecursionlimit()
    for text in (opener * 5000, opener * 100 + "W", "W " * 5000):
        with pytest.raises(AnswerError):
            grade_formula(text, "W", SYMBOLS)
    assert sys.getrecursionlimit() == depth_before


# ---- property tests: random trees equal themselves printed and re-parsed; spacing

SCALARS = ["γ", "α", "c", "g_{j}"]


def scalar_trees() -> st.SearchStrategy:
    leaves = st.one_of(
        st.sampled_from(SCALARS).map(Sym),
        st.integers(1, 9).map(lambda n: Num(float(n))),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(["add", "sub", "times", "matmul"]), inner, inner).map(
                lambda t: Op(t[0], (t[1], t[2]))
            ),
            inner.map(lambda x: Op("neg", (x,))),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
                lambda t: Call(t[0], (t[1], t[2]))
            ),
        ),
        max_leaves=12,
    )


@settings(max_examples=150, deadline=None)
@given(scalar_trees())
def test_a_printed_tree_reads_back_equivalent(tree):
    text = show(tree)
    again = read(text, SYMBOLS)
    assert equivalent(again, tree, SYMBOLS).right
    assert read(show(again), SYMBOLS) == again


@settings(max_examples=100, deadline=None)
@given(scalar_trees(), st.sampled_from(["", " ", "  "]))
def test_spacing_around_operators_never_changes_the_verdict(tree, space):
    text = show(tree)
    spaced = text.replace(" + ", f"{space}+{space}").replace(" * ", f"{space}*{space}")
    spaced = spaced.replace(", ", f",{space}")
    reference = "γ + α"
    assert right(spaced, reference) == right(text, reference)
    assert equivalent(read(spaced, SYMBOLS), tree, SYMBOLS).right


def test_parse_builds_the_expected_tree():
    assert parse("h_(t−1)", indexed={"h"}) == Sym("h_{t-1}")
    assert parse("γ⁻¹") == Op("pow", (Sym("γ"), Op("neg", (Num(1.0),))))
    assert parse("γ−1") == Op("sub", (Sym("γ"), Num(1.0)))
