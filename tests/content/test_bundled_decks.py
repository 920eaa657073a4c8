"""The bundled decks: they load, pass `studyapp check` (engine links run, numeric answers
recomputed), meet the counts of issue 6, and every answer key grades as right while every
targeted feedback is attached to a wrong answer."""

from __future__ import annotations

from collections import Counter

import pytest

from studyapp.deck.cards import (
    BigOCard,
    ChoiceCard,
    ClozeCard,
    FlashcardCard,
    FormulaCard,
    MultiCard,
    NumericCard,
    OrderCard,
    TrueFalseCard,
)
from studyapp.deck.checker import check_paths
from studyapp.deck.grading import grade_response
from studyapp.deck.loader import load_decks
from studyapp.deck.model import Card, Deck
from studyapp.paths import bundled_decks_dir

CARD_TYPES = {
    "flashcard", "choice", "multi", "truefalse", "numeric", "order", "cloze", "bigo", "formula"
}  # fmt: skip

# Seed 002's ten quiz questions, word for word (../shared/seeds/002_*.txt).
SEED_QUIZ_QUESTIONS = (
    "What is the primary method used to compute gradients of the loss function in "
    "Recurrent Neural Networks (RNNs)?",
    "What is the purpose of unrolling the RNN in time during the BPTT algorithm?",
    "What is the step in the BPTT algorithm where the gradients of the loss are computed?",
    "What can occur when the gradients of the loss function grow exponentially during "
    "backpropagation?",
    "What technique can be used to mitigate exploding gradients?",
    "What can occur when the gradients of the loss function shrink exponentially during "
    "backpropagation?",
    "What technique can be used to mitigate vanishing gradients?",
    "Why do exploding gradients cause unstable training?",
    "What is the main difference between exploding gradients and vanishing gradients?",
    "What is the computational complexity of the BPTT algorithm?",
)


@pytest.fixture(scope="module")
def decks() -> list[Deck]:
    result = load_decks([bundled_decks_dir()])
    assert not result.failures, "\n".join(str(failure) for failure in result.failures)
    return result.decks


def all_cards(decks: list[Deck]) -> list[tuple[Deck, Card]]:
    return [(deck, card) for deck in decks for card in deck.cards]


def right_response(card: Card):
    """The response a learner who knows the answer gives (numeric cards excluded)."""
    if isinstance(card, FlashcardCard):
        return True
    if isinstance(card, ChoiceCard):
        return card.answer
    if isinstance(card, MultiCard):
        return list(card.answers)
    if isinstance(card, TrueFalseCard):
        return card.answer
    if isinstance(card, OrderCard):
        return list(card.steps)
    if isinstance(card, FormulaCard):
        return card.answer
    if isinstance(card, (ClozeCard, BigOCard)):
        return card.answers[0] if isinstance(card, ClozeCard) else card.answer
    raise TypeError(card.type)


def test_counts_and_types(decks):
    cards = all_cards(decks)
    assert len(decks) >= 6
    assert len(cards) >= 120
    used = Counter(card.type for _, card in cards)
    assert set(used) == CARD_TYPES, f"unused types: {CARD_TYPES - set(used)}"


def test_deck_and_card_ids_are_unique(decks):
    assert len({deck.id for deck in decks}) == len(decks)
    for deck in decks:
        ids = [card.id for card in deck.cards]
        assert len(ids) == len(set(ids)), deck.id


def test_every_card_has_an_explanation_and_an_engine_link(decks):
    for deck, card in all_cards(decks):
        assert card.explanation.strip(), f"{deck.id}/{card.id}: empty explanation"
        assert card.engine is not None, f"{deck.id}/{card.id}: no engine link"


def test_numeric_answers_come_from_the_engine_and_some_are_randomised(decks):
    numeric = [card for _, card in all_cards(decks) if isinstance(card, NumericCard)]
    for card in numeric:
        assert card.engine is not None and card.engine.answer, f"{card.id}: no engine.answer"
        assert card.answer is None, f"{card.id}: a typed answer would bypass the engine"
    assert sum(1 for card in numeric if card.random) >= 5


def test_each_deck_links_several_experiments(decks):
    """Links demonstrate each card's point, so no deck leans on one generic experiment."""
    for deck in decks:
        used = Counter(card.engine.experiment for card in deck.cards if card.engine)
        assert len(used) >= 3, f"{deck.id}: only {sorted(used)}"
        assert max(used.values()) <= 0.6 * len(deck.cards), f"{deck.id}: {used}"


def test_the_answer_key_grades_as_right(decks):
    for deck, card in all_cards(decks):
        if isinstance(card, NumericCard):
            continue  # recomputed by the engine in test_checker_is_clean
        verdict = grade_response(card, right_response(card))
        assert verdict.correct, f"{deck.id}/{card.id}: {verdict.detail}"


def test_every_alternative_cloze_answer_is_accepted(decks):
    for _, card in all_cards(decks):
        if isinstance(card, ClozeCard):
            for alternative in card.answers:
                assert grade_response(card, alternative).correct, (card.id, alternative)


def wrong_response(card: Card, answer):
    if isinstance(card, MultiCard):
        return [*card.answers, answer]
    if isinstance(card, NumericCard):
        return repr(answer)
    return answer


def test_targeted_feedback_is_shown_for_its_wrong_answer(decks):
    count = 0
    for deck, card in all_cards(decks):
        for item in card.feedback:
            if isinstance(card, NumericCard):
                continue  # needs the engine's expected value; covered by the checker
            verdict = grade_response(card, wrong_response(card, item.answer))
            assert not verdict.correct, f"{deck.id}/{card.id}: feedback on a right answer"
            assert verdict.feedback is not None and item.text in verdict.feedback, card.id
            count += 1
    assert count >= 40


def test_seed_quiz_has_the_ten_questions_verbatim(decks):
    (quiz,) = [deck for deck in decks if deck.id == "source-quiz"]
    prompts = [" ".join(card.prompt.split()) for card in quiz.cards]
    for question in SEED_QUIZ_QUESTIONS:
        assert any(p.startswith(question) for p in prompts), question


def test_deck_one_orders_the_complete_proof(decks):
    (bptt,) = [deck for deck in decks if deck.id == "bptt"]
    proof = [card for card in bptt.cards if isinstance(card, OrderCard) and "proof" in card.tags]
    steps = [step for card in proof for step in card.steps]
    assert any("Σ_{t=1}^{T} Σ_{k=1}^{t}" in step for step in steps[: len(steps) // 2])
    assert "ε_k h_{k−1}ᵀ" in steps[-1]
    assert any("∂⁺h_t/∂W" in step for step in steps), "the immediate partial is part of it"


def test_checker_is_clean():
    """`studyapp check content`: every link runs, every numeric answer (each random draw)
    is recomputed, no errors and no warnings."""
    result = check_paths([bundled_decks_dir()])
    assert result.issues == [], "\n".join(str(issue) for issue in result.issues)
    assert result.cards >= 120
    assert result.engine_runs > 0


# Randomised cards whose point is that the answer does not move with the draw: an IRNN keeps
# lag-60 norm 1 at any input scale.
INVARIANT_UNDER_DRAWS = {"irnn-norm"}


def test_every_random_draw_has_a_finite_nonzero_engine_answer(decks):
    """`studyapp check` samples three draws per card; this runs every listed choice."""
    from engine import registry

    checked = 0
    for deck, card in all_cards(decks):
        if not (isinstance(card, NumericCard) and card.random):
            continue
        assert all(p.choices for p in card.random), f"{card.id}: only choice lists are used"
        assert len(card.random) == 1, f"{card.id}: one random parameter per card"
        (param,) = card.random
        assert "{" + param.name + "}" in card.prompt, f"{card.id}: the prompt hides the draw"
        answers = set()
        for value in param.choices:
            report = registry.run(card.engine.experiment, {**card.engine.params, param.name: value})
            answer = float(report.scalar(card.engine.answer))
            assert answer == answer and abs(answer) < float("inf"), (card.id, value)
            assert answer != 0.0, (card.id, value)
            answers.add(round(answer, 12))
            checked += 1
        if card.id in INVARIANT_UNDER_DRAWS:
            assert len(answers) == 1, f"{deck.id}/{card.id}: the answer should not move"
        else:
            assert len(answers) > 1, f"{deck.id}/{card.id}: every draw gives the same answer"
    assert checked >= 20
