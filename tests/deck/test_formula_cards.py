"""The formula card type: reading it (every problem at file:line), grading by equivalence
in any notation, targeted feedback matched by the same equivalence, and its question."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.deck import grade_response, load_deck
from studyapp.deck.cards import CARD_TYPES, FormulaCard
from studyapp.deck.errors import AnswerError
from studyapp.deck.loader import DeckError
from studyapp.deck.showing import prepare
from tests.deck.conftest import HEADER

JACOBIAN = """
[[card]]
id = "jac"
type = "formula"
prompt = "One backward step multiplies by ∂h_t/∂h_{t−1} = {{gap}}."
answer = "diag(f'(a_t)) W"
explanation = "The chain rule through h_t = f(a_t)."
tags = ["jacobian"]

[card.symbols]
W = "H×H"
"a_{t}" = "H"
"a_{t-1}" = "H"
"h_{t-1}" = "H"
"f'" = "elementwise"
f = "elementwise"

[[card.feedback]]
answer = "W diag(f'(a_t))"
text = "The order matters: the derivative acts on the rows."

[[card.feedback]]
answer = "W"
text = "Only for a linear RNN."
"""


@pytest.fixture(scope="module")
def jacobian_card(tmp_path_factory) -> FormulaCard:
    """The JACOBIAN card, read once for the property test."""
    path = tmp_path_factory.mktemp("formula") / "deck.toml"
    path.write_text(HEADER + JACOBIAN, encoding="utf-8")
    card = load_deck(path).card("jac")
    assert isinstance(card, FormulaCard)
    return card


@pytest.fixture
def jacobian(write_deck) -> FormulaCard:
    card = load_deck(write_deck(JACOBIAN)).card("jac")
    assert isinstance(card, FormulaCard)
    return card


@pytest.mark.parametrize(
    "typed",
    [
        "diag(f'(a_t)) W",
        "diag(f′(a_t))*W",
        "diag(f’(a_{t}))·W",
        "diag(f'(a_(t))) × W",
        "(W^T diag(f'(a_t)))^T",  # (Wᵀ D)ᵀ = D W: D is diagonal
    ],
)
def test_right_in_any_notation(jacobian, typed):
    verdict = grade_response(jacobian, typed)
    assert verdict.right, verdict.detail
    assert verdict.feedback is None
    assert verdict.correct_answer == "diag(f'(a_t)) W"


def test_feedback_is_matched_by_equivalence_not_text(jacobian):
    verdict = grade_response(jacobian, "W*diag(f′(a_{t}))")
    assert not verdict.right
    assert verdict.feedback == "The order matters: the derivative acts on the rows."
    assert verdict.correct_answer == "diag(f'(a_t)) W"
    # 2W − W is W: the linear-RNN feedback, though the text is nothing like "W"
    assert grade_response(jacobian, "2W - W").feedback == "Only for a linear RNN."
    # wrong with no feedback of its own
    off_by_one = grade_response(jacobian, "diag(f'(a_{t-1})) W")
    assert not off_by_one.right and off_by_one.feedback is None


def test_a_dimension_mismatch_is_a_wrong_answer_that_says_why(jacobian):
    verdict = grade_response(jacobian, "W h_{t-1}ᵀ")
    assert not verdict.right
    assert "cannot multiply W (H×H) by" in verdict.detail
    shape = grade_response(jacobian, "W h_{t-1}")
    assert not shape.right and "is H, the answer is H×H" in shape.detail


@pytest.mark.parametrize("typed", ["", "W @ h", "diag(f'(a_t)", "V W"])
def test_unreadable_answers_raise_answer_error(jacobian, typed):
    with pytest.raises(AnswerError):
        grade_response(jacobian, typed)


def test_the_gap_is_a_blank_and_the_answer_is_the_model_formula(jacobian):
    assert prepare(jacobian).question == "One backward step multiplies by ∂h_t/∂h_{t−1} = `_____`."
    assert jacobian.answer_text() == "diag(f'(a_t)) W"
    plain = CARD_TYPES["formula"].show_question("What is J?", jacobian)
    assert plain == "What is J?"


def test_relations_and_scalars(write_deck):
    deck = load_deck(
        write_deck(
            """
            [[card]]
            id = "rel"
            type = "formula"
            prompt = "ρ(W) {{gap}} σ_max(W)"
            answer = "≤"
            explanation = "E"
            tags = ["t"]

            [[card]]
            id = "inv"
            type = "formula"
            prompt = "σ_max(W) > {{gap}}"
            answer = "1/γ"
            symbols = { "γ" = "positive" }
            explanation = "E"
            tags = ["t"]
            [[card.feedback]]
            answer = "1"
            text = "Only for tanh."
            """
        )
    )
    rel, inv = deck.card("rel"), deck.card("inv")
    assert all(grade_response(rel, t).right for t in ("<=", "⩽", "\\le", "is at most"))
    assert not grade_response(rel, ">=").right
    assert all(grade_response(inv, t).right for t in ("1 / gamma", "γ⁻¹", "γ^(-1)"))
    assert not grade_response(inv, "γ−1").right
    assert grade_response(inv, "γ/γ").feedback == "Only for tanh."


FORMULA = """
[[card]]
id = "f"
type = "formula"
prompt = "J = {{gap}}"
explanation = "E"
tags = ["t"]
"""

BAD_FORMULAS = [
    (
        "answer with a dimension error",
        'answer = "W h_{t-1}ᵀ" #!\nsymbols = { W = "H×H", "h_{t-1}" = "H" }',
        "cannot read the answer 'W h_{t-1}ᵀ' with the declared symbols: cannot multiply",
    ),
    (
        "answer with an undeclared symbol",
        'answer = "W x_t" #!\nsymbols = { W = "H×H" }',
        "unknown symbol 'x_{t}'",
    ),
    (
        "unreadable shape",
        'answer = "W"\nsymbols = { W = "H by H" } #!',
        "cannot declare 'W' = 'H by H'",
    ),
    (
        "one base name, two shapes",
        'answer = "h_t"\nsymbols = { "h_{t}" = "H", "h_(t-1)" = "D" } #!',
        "h_{t-1} is D but h_{t} is H",
    ),
    (
        "one symbol declared twice in two spellings",
        'answer = "h_t"\nsymbols = { "h_{t}" = "H", "h_(t)" = "H" } #!',
        "'h_(t)' names the same symbol as 'h_{t}'",
    ),
    (
        "symbols as a list",
        'answer = "W"\nsymbols = ["W"] #!',
        "symbols must be a table, not a list",
    ),
    (
        "shape not text",
        'answer = "W"\nsymbols = { W = 3 } #!',
        "the shape of 'W' must be text",
    ),
    (
        "unreadable feedback answer",
        'answer = "W"\nsymbols = { W = "H×H" }\n[[card.feedback]]\nanswer = "W @ W" #!\ntext = "x"',
        "cannot read the feedback answer 'W @ W'",
    ),
    (
        "feedback answer not text",
        'answer = "W"\nsymbols = { W = "H×H" }\n[[card.feedback]]\nanswer = 2 #!\ntext = "x"',
        "feedback answer must be a formula in quotes",
    ),
]


@pytest.mark.parametrize(
    ("label", "keys", "message"), BAD_FORMULAS, ids=[c[0] for c in BAD_FORMULAS]
)
def test_bad_formula_cards_are_refused_at_their_line(tmp_path, label, keys, message):
    source = HEADER + FORMULA + keys + "\n"
    path = tmp_path / "bad.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    line = next(n for n, row in enumerate(source.split("\n"), 1) if "#!" in row)
    found = [i for i in caught.value.issues if message in i.message]
    assert found, [str(i) for i in caught.value.issues]
    assert found[0].line == line and found[0].severity == "error"
    assert str(found[0]).startswith(f"{path}:{line}:")


def test_a_prompt_with_two_gaps_is_refused(tmp_path):
    source = HEADER + FORMULA.replace("J = {{gap}}", "{{gap}} = {{gap}}") + 'answer = "1"\n'
    path = tmp_path / "bad.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert any("at most once (found 2)" in i.message for i in caught.value.issues)


def test_bundled_formula_cards_accept_their_answer_in_other_notations():
    from tests.deck.answer_corpus import bundled_cards

    cards = {key[1]: card for key, card in bundled_cards().items() if card.type == "formula"}
    assert set(cards) == {
        "forward-preactivation", "mse-output-error", "delta-last-step", "dh0-formula",
        "jacobian-chain", "per-step-jacobian", "necessary-for-exploding", "rho-vs-sigma",
        "value-clip-formula", "leaky-unit", "gradcheck-relative-error", "free-running-jacobian",
        "lstm-direct-path",
    }  # fmt: skip
    assert grade_response(cards["forward-preactivation"], "h(t-1)").right
    assert not grade_response(cards["forward-preactivation"], "x_t").right
    assert "x_{t} is D" in grade_response(cards["forward-preactivation"], "x_t").detail
    assert grade_response(cards["value-clip-formula"], "max(-c, min(c, g_j))").right
    assert grade_response(cards["leaky-unit"], "1-alpha").right
    assert grade_response(cards["free-running-jacobian"], "U·V").right
    assert not grade_response(cards["free-running-jacobian"], "V*U").right
    assert grade_response(cards["gradcheck-relative-error"], "norm(n) + norm(a)").right
    assert grade_response(cards["lstm-direct-path"], "diag(f(t))").right
    assert not grade_response(cards["lstm-direct-path"], "diag(f_t)*W").right
    assert not grade_response(cards["lstm-direct-path"], "diag(i_t)").right


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("Wahtf'_{}()-+*/^ᵀ.T0123456789 ·×′’−diagmnx|‖,<=≤γ")),
        max_size=40,
    )
)
def test_any_typed_text_is_a_verdict_or_an_answer_error(jacobian_card, text):
    try:
        verdict = grade_response(jacobian_card, text)
    except AnswerError:
        return
    assert isinstance(verdict.right, bool) and verdict.correct_answer == "diag(f'(a_t)) W"
