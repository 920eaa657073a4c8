"""Decks: the TOML format's model, loader, grading, showings and checker.

from studyapp.deck import load_deck, grade_response
deck = load_deck(path)                        # DeckError listing every issue on failure
verdict = grade_response(deck.card("bptt-time"), response, draw=None)
"""

from studyapp.deck.errors import AnswerError
from studyapp.deck.grading import Verdict, grade_response
from studyapp.deck.issues import DeckError
from studyapp.deck.loader import load_deck, load_decks

__all__ = ["AnswerError", "DeckError", "Verdict", "grade_response", "load_deck", "load_decks"]
