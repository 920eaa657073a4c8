"""The card types, one module each, and the one table that names them.

Adding a card type `kind`: write `kind.py` here with its model (a frozen dataclass
subclassing `Card`, `type: str = "kind"`), its reader (the typed readers of
`studyapp.deck.fields` report into the collector it is given), its grader (returning a
`Verdict` whose `correct_answer` is always set) and a `CardType` naming its TOML keys and
response kind; list it in `CARD_TYPES` below; document its keys in content/README.md.
The validator, grading, quiz session, showing and answer widget need no change.
"""

from __future__ import annotations

from studyapp.deck.cards.base import CardType, ResponseKind, Verdict
from studyapp.deck.cards.bigo import BIGO, BigOCard
from studyapp.deck.cards.choice import CHOICE, ChoiceCard
from studyapp.deck.cards.cloze import CLOZE, ClozeCard
from studyapp.deck.cards.flashcard import FLASHCARD, FlashcardCard
from studyapp.deck.cards.formula import FORMULA, FormulaCard
from studyapp.deck.cards.multi import MULTI, MultiCard
from studyapp.deck.cards.numeric import NUMERIC, NumericCard
from studyapp.deck.cards.order import ORDER, OrderCard
from studyapp.deck.cards.truefalse import TRUEFALSE, TrueFalseCard
from studyapp.deck.model import Card

CARD_TYPES: dict[str, CardType] = {
    kind.name: kind
    for kind in (FLASHCARD, CHOICE, MULTI, TRUEFALSE, NUMERIC, ORDER, CLOZE, BIGO, FORMULA)
}


def card_type(card: Card) -> CardType:
    """The type of `card` (KeyError for a card of no registered type)."""
    return CARD_TYPES[card.type]


__all__ = [
    "CARD_TYPES",
    "BigOCard",
    "Card",
    "CardType",
    "ChoiceCard",
    "ClozeCard",
    "FlashcardCard",
    "FormulaCard",
    "MultiCard",
    "NumericCard",
    "OrderCard",
    "ResponseKind",
    "TrueFalseCard",
    "Verdict",
    "card_type",
]
