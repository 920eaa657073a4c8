"""Formula notation: tokens, a parser into an expression tree, symbol declarations and
shapes, and equivalence by evaluation at random draws (numpy, never eval or sympify).

    symbols = declare({"W": "H×H", "h_{t-1}": "H", "f'": "elementwise", "a_{m}": "H"})
    grade_formula("diag(f′(a_m))*W", "diag(f'(a_m)) W", symbols).right   # True
"""

from studyapp.deck.notation.equivalence import Verdict, equivalent, grade_formula, read
from studyapp.deck.notation.parser import parse
from studyapp.deck.notation.symbols import Symbols, declare
from studyapp.deck.notation.tree import show

__all__ = ["Symbols", "Verdict", "declare", "equivalent", "grade_formula", "parse", "read", "show"]
