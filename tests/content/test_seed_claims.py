"""Every claim of the four seed pages (GROUND_TRUTH.md §2: c1–c10, cn1–cn10, d1–d15, a1–a5,
b1–b3) is met by a learner: at least one bundled card carries the tag `seed-claim:<id>`, one
of those cards names the seed it comes from, and a claim the seed gets wrong or imprecise is
asked about in a graded card (not only told on a flashcard)."""

from __future__ import annotations

import re

import pytest

from studyapp.deck.cards import FlashcardCard
from studyapp.deck.loader import load_decks
from studyapp.deck.model import Card, Deck
from studyapp.paths import bundled_decks_dir

TAG_PREFIX = "seed-claim:"

# id -> (verdict in GROUND_TRUTH.md §2, the claim in a few words)
SEED_CLAIMS: dict[str, tuple[str, str]] = {
    "c1": ("correct", "BPTT is the primary method for RNN gradients"),
    "c2": ("imprecise", "unrolling creates a new copy of the network per step"),
    "c3": ("imprecise", "gradients are computed in 'Step 4'"),
    "c4": ("correct", "exponential growth is exploding gradients"),
    "c5": ("correct", "gradient clipping mitigates exploding"),
    "c6": ("correct", "exponential shrinking is vanishing gradients"),
    "c7": ("imprecise", "residual connections mitigate vanishing"),
    "c8": ("correct", "exploding: parameters update too aggressively"),
    "c9": ("imprecise", "the difference is 'the magnitude of gradient growth'"),
    "c10": ("wrong", "BPTT costs O(n^2)"),
    "cn1": ("correct", "BPTT unrolls and propagates backward with the chain rule"),
    "cn2": ("imprecise", "the six-step BPTT algorithm"),
    "cn3": ("imprecise", "clipping = clipping the gradients to a maximum value"),
    "cn4": ("imprecise", "gradient normalisation fixes exploding"),
    "cn5": ("imprecise", "vanishing makes parameters update too slowly"),
    "cn6": ("wrong", "gradient normalisation fixes vanishing"),
    "cn7": ("imprecise", "residual connections between layers fix vanishing"),
    "cn8": ("wrong", "BPTT costs O(T*n*m)"),
    "cn9": ("correct", "truncated BPTT reduces the cost"),
    "cn10": ("wrong", "SGD approximates the gradient to cut the cost"),
    "d1": ("correct", "h_t = σ(U x_t + W h_{t-1}), y_t = φ(V h_t)"),
    "d2": ("correct", "h_t depends on all prior states and prior and current inputs"),
    "d3": ("correct", "E = ½ Σ_t Σ_i ‖y − g‖² (with a typo in the limits)"),
    "d4": ("correct", "∂L_t/∂θ = Σ_k ∂L_t/∂h_t ∂h_t/∂h_k ∂h_k/∂θ (immediate partial)"),
    "d5": ("imprecise", "∂h_t/∂h_k depends on f', which is smaller than one"),
    "d6": ("correct", "the chain rule passes through every intermediate state"),
    "d7": ("wrong", "gradients vanish when W < 1"),
    "d8": ("correct", "gradients can grow exponentially"),
    "d9": ("wrong", "σ = 1/(1 − e^{−x})"),
    "d10": ("correct", "σ' = σ(1 − σ), max 0.25"),
    "d11": ("imprecise", "5 steps: 0.25^5 = 0.00097, very small"),
    "d12": ("correct", "clipping rescales the norm to a threshold"),
    "d13": ("correct", "the threshold is a hyperparameter"),
    "d14": ("correct", "clipping keeps the direction"),
    "d15": ("imprecise", "initialise with eigenvalues equal to one"),
    "a1": ("correct", "the forward pass stores all h(t), y(t)"),
    "a2": ("correct", "L = Σ_t L(t), squared error"),
    "a3": ("wrong", "dh(t)/dW called the loss gradient w.r.t. the hidden state"),
    "a4": ("wrong", "dh(t)/dW = dh(t)/dh(t−1) · dh(t−1)/dW"),
    "a5": ("correct", "W ← W − α dL/dW"),
    "b1": ("correct", "tanh hidden layer, softmax output, cross-entropy"),
    "b2": ("correct", "the double sum over j and k = 0..j"),
    "b3": ("correct", "tanh' = 1 − tanh²"),
}

# How a card names, for the learner, the page a claim comes from: (a) seed 000 is the Q&A
# page, (b) 001 the textbook chapter, (c) 002 the source quiz and its study notes, (d) 003 the
# lecture notes. The tags keep the seed letters: they are data, not text a learner reads.
SOURCE_NAMES = {
    "a": r"Q&A page",
    "b": r"textbook chapter",
    "c": r"source|study notes",
    "d": r"lecture notes",
}


def seed_letter(claim: str) -> str:
    return claim[0]


@pytest.fixture(scope="module")
def decks() -> list[Deck]:
    result = load_decks([bundled_decks_dir()])
    assert not result.failures, "\n".join(str(failure) for failure in result.failures)
    return result.decks


def covering(decks: list[Deck]) -> dict[str, list[Card]]:
    cards: dict[str, list[Card]] = {claim: [] for claim in SEED_CLAIMS}
    for deck in decks:
        for card in deck.cards:
            for tag in card.tags:
                if tag.startswith(TAG_PREFIX):
                    cards.setdefault(tag.removeprefix(TAG_PREFIX), []).append(card)
    return cards


def card_text(card: Card) -> str:
    parts = [card.prompt, card.explanation, getattr(card, "back", "") or ""]
    parts += [item.text for item in card.feedback]
    return " ".join(parts)


def test_the_claim_table_has_every_id_of_ground_truth_section_2():
    expected = (
        [f"c{i}" for i in range(1, 11)]
        + [f"cn{i}" for i in range(1, 11)]
        + [f"d{i}" for i in range(1, 16)]
        + [f"a{i}" for i in range(1, 6)]
        + [f"b{i}" for i in range(1, 4)]
    )
    assert sorted(SEED_CLAIMS) == sorted(expected)


def test_every_seed_claim_tag_names_a_known_claim(decks):
    unknown = sorted(set(covering(decks)) - set(SEED_CLAIMS))
    assert not unknown, f"tags name no claim of GROUND_TRUTH.md §2: {unknown}"


def test_every_seed_claim_is_met_by_a_card(decks):
    missing = [claim for claim, cards in covering(decks).items() if not cards]
    assert not missing, f"no card tagged seed-claim:<id> for {missing}"


def test_a_covering_card_names_the_seed_it_quotes(decks):
    for claim, cards in covering(decks).items():
        if claim not in SEED_CLAIMS:
            continue
        pattern = re.compile(SOURCE_NAMES[seed_letter(claim)], re.IGNORECASE)
        assert any(pattern.search(card_text(card)) for card in cards), (
            f"{claim}: no covering card says where the claim comes from "
            f"({[card.id for card in cards]})"
        )


def test_claims_the_seeds_get_wrong_are_asked_in_graded_cards(decks):
    cards_by_claim = covering(decks)
    for claim, (verdict, summary) in SEED_CLAIMS.items():
        if verdict == "correct":
            continue
        graded = [card for card in cards_by_claim[claim] if not isinstance(card, FlashcardCard)]
        assert graded, f"{claim} ({verdict}: {summary}) is only on flashcards"
