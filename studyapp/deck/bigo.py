"""Big-O answers: a bounded parser and an exact asymptotic-equivalence test.

`parse(text, variables)` reads answers such as `O(T*H^2 + T*H*D)`, `O(TH^2 + THD)`,
`O(T H²)`, `O(T·(H² + HD))`, `O(T H^2) + O(T H D)` or `O(T log T)` into a small
expression tree (no eval, no sympify). Only the card's `variables`, numbers,
`+ * / ^ **`, parentheses, implicit multiplication and `log`/`sqrt` are accepted.
In a run of variables written together the power binds to the last one (`TH^2` is
T·H²). `O(`, `Θ(` or `Theta(` at the top level is the wrapper, so a variable named O
still works inside it; `Ω(` and `o(` are refused with a message (a lower bound and a
strict bound are not the growth the cards ask for).

`growth_terms(node, variables)` is the expression's growth as a set of terms
prod_v v^p_v (log v)^q_v with coefficients dropped, computed directly, never by
expanding: (a + b)^e for e > 0 is Θ(a^e + b^e), log(a + b) is Θ(log a + log b), and
dominated terms are pruned after every step, so `(T+H+D+O)^100` has four terms.
Every number, exponent and term count is capped, so any input finishes in bounded
time or raises AnswerError.

`equivalent(a, b, variables)` decides whether each side is O(the other) for variables
growing in any proportion: a term is covered when a convex combination of the other
side's exponent vectors is >= its own in every variable (weighted AM-GM), powers first
and log powers only where the powers tie, so T log T is not T^(1+ε).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from studyapp.deck.errors import AnswerError

MAX_LENGTH = 300
MAX_EXPONENT = 100
MAX_DENOMINATOR = 100  # exponents are simple fractions such as 3/2
MAX_NUMBER_DIGITS = 15
MAX_CONSTANT_BITS = 64  # constants inside exponents stay small
MAX_DEPTH = 50
MAX_TERMS = 32  # distinct undominated terms of one expression
FUNCTIONS = ("log", "ln", "lg", "log2", "log10", "sqrt")
WRAPPERS = ("O", "Θ", "Theta", "theta")
REFUSED_WRAPPERS = {
    "Ω": "Ω(...) is a lower bound; write the growth itself as O(...)",
    "Omega": "Omega(...) is a lower bound; write the growth itself as O(...)",
    "o": "o(...) means strictly slower growth; write the growth itself as O(...)",
}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_TIMES = str.maketrans({"·": "*", "⋅": "*", "×": "*", "∙": "*", "−": "-"})
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TOKEN = re.compile(
    rf"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<sup>[{_SUP}]+)"
    rf"|(?P<name>(?![{_SUP}])[^\W\d](?:(?![{_SUP}])\w)*)"
    r"|(?P<op>\*\*|[-+*/^()]))"
)

# Tree nodes: ("num", Fraction) | ("var", name) | ("add", [nodes]) | ("mul", [nodes])
# | ("pow", node, Fraction) | ("log", node)
Node = tuple[Any, ...]


@dataclass
class _Token:
    kind: str
    text: str
    pos: int


def _tokens(text: str) -> list[_Token]:
    tokens = []
    pos = 0
    source = text.translate(_TIMES)
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos:].lstrip()[0]
            raise AnswerError(f"unexpected {char!r} in the big-O answer")
        kind = match.lastgroup or "op"
        value = match.group(kind)
        if kind == "sup":
            tokens.append(_Token("op", "^", match.start(kind)))
            kind, value = "num", value.translate(_SUPERSCRIPTS)
        if kind == "num" and len(value) > MAX_NUMBER_DIGITS:
            raise AnswerError(f"a number longer than {MAX_NUMBER_DIGITS} digits")
        tokens.append(_Token(kind, value, match.start(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """expr := term ('+' term)*; term := factor (['*' | '/'] factor)*;
    factor := atom ('^' exponent)?; atom := number | variable run | func atom
    | wrapper '(' expr ')' | '(' expr ')'."""

    def __init__(self, tokens: list[_Token], variables: Sequence[str]):
        self.tokens = tokens
        self.i = 0
        self.variables = tuple(variables)
        self.depth = 0
        self.wrapped = 0  # how many O(...) wrappers enclose the current token

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.i + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None:
            raise AnswerError("the big-O answer ends too early (a missing ')' or term?)")
        if text is not None and token.text != text:
            raise AnswerError(f"expected {text!r} but found {token.text!r}")
        self.i += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise AnswerError("type a big-O answer, e.g. O(T*H^2)")
        node = self.expr()
        extra = self.peek()
        if extra is not None:
            raise AnswerError(f"unexpected {extra.text!r} in the big-O answer")
        return node

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError("the big-O answer is nested too deeply")

    def expr(self) -> Node:
        self.deeper()
        terms = [self.term()]
        while (token := self.peek()) is not None and token.text in "+-":
            if token.text == "-":
                raise AnswerError("subtraction has no meaning inside O(...): add the terms")
            self.take()
            terms.append(self.term())
        self.depth -= 1
        return terms[0] if len(terms) == 1 else ("add", terms)

    def term(self) -> Node:
        factors = self.factor()
        while (token := self.peek()) is not None:
            if token.text in ("*", "/"):
                self.take()
                factor = self.factor()
                if token.text == "/":
                    factor = [("pow", _product(factor), Fraction(-1))]
                factors.extend(factor)
            elif token.kind in ("num", "name") or token.text == "(":
                factors.extend(self.factor())  # implicit multiplication: T H^2, 2T, T(H+D)
            else:
                break
        return _product(factors)

    def factor(self) -> list[Node]:
        """The factors of one atom, the power applied to the last (`TH^2` is T·H²)."""
        factors = self.atom()
        token = self.peek()
        if token is not None and token.text in ("^", "**"):
            self.take()
            factors[-1] = ("pow", factors[-1], self.exponent())
        return factors

    def exponent(self) -> Fraction:
        """A constant exponent: 2, (1/2), -1, or a right-nested tower of small numbers."""
        self.deeper()
        sign = 1
        if (token := self.peek()) is not None and token.text in "-+":
            self.take()
            sign = -1 if token.text == "-" else 1
        value = _constant(_product(self.atom()))
        if value is None:
            raise AnswerError("exponents must be numbers (exponential terms are not supported)")
        token = self.peek()
        if token is not None and token.text in ("^", "**"):
            self.take()
            value = _bounded_power(value, self.exponent())
        self.depth -= 1
        value *= sign
        if abs(value) > MAX_EXPONENT:
            raise AnswerError(f"an exponent is too large (at most {MAX_EXPONENT})")
        if value.denominator > MAX_DENOMINATOR:
            raise AnswerError("exponents must be simple fractions such as 3/2")
        return value

    def atom(self) -> list[Node]:
        self.deeper()
        token = self.take()
        nxt = self.peek()
        opens = nxt is not None and nxt.text == "("
        if token.kind == "num":
            result: list[Node] = [("num", Fraction(token.text))]
        elif token.text == "(":
            result = [self.inside_parentheses()]
        elif token.kind == "name" and opens and self.wrapped == 0 and token.text in WRAPPERS:
            self.take("(")
            self.wrapped += 1
            result = [self.inside_parentheses(wrapper=True)]
            self.wrapped -= 1
        elif (
            token.kind == "name"
            and opens
            and token.text in REFUSED_WRAPPERS
            and token.text not in self.variables
        ):
            raise AnswerError(REFUSED_WRAPPERS[token.text])
        elif token.kind == "name" and token.text in FUNCTIONS and nxt is not None:
            if nxt.kind == "op" and nxt.text != "(":
                raise AnswerError(f"{token.text} needs an argument, e.g. {token.text}(T)")
            argument = _product(self.atom())  # log(T*H), or log T without parentheses
            result = [
                ("pow", argument, Fraction(1, 2)) if token.text == "sqrt" else ("log", argument)
            ]
        elif token.kind == "name":
            result = self.variables_in(token.text)
        elif token.text == ")":
            raise AnswerError("the big-O answer ends too early (a missing term before ')')")
        else:
            raise AnswerError(f"unexpected {token.text!r} in the big-O answer")
        self.depth -= 1
        return result

    def inside_parentheses(self, wrapper: bool = False) -> Node:
        if (token := self.peek()) is not None and token.text == ")":
            raise AnswerError("type a big-O answer, e.g. O(T*H^2)")
        node = self.expr()
        if wrapper and self.peek() is None:
            raise AnswerError("a ')' is missing at the end of the big-O answer")
        self.take(")")
        return node

    def variables_in(self, name: str) -> list[Node]:
        """A declared variable, or a run of them written together (`HD` is H, D)."""
        if name in self.variables:
            return [("var", name)]
        factors: list[Node] = []
        rest = name
        while rest:
            match = max((v for v in self.variables if rest.startswith(v)), key=len, default=None)
            if match is None:
                allowed = ", ".join(self.variables) or "none"
                raise AnswerError(f"unknown symbol {name!r}; the variables are {allowed}")
            factors.append(("var", match))
            rest = rest[len(match) :]
        return factors


def _product(factors: list[Node]) -> Node:
    return factors[0] if len(factors) == 1 else ("mul", factors)


def _bounded_power(base: Fraction, exponent: Fraction) -> Fraction:
    """base**exponent for a small integer exponent, AnswerError when the result is huge."""
    if exponent.denominator != 1:
        raise AnswerError("a fractional power of a number cannot be an exponent")
    if base == 0 and exponent < 0:
        raise AnswerError("zero to a negative power")
    size = max(abs(base.numerator), base.denominator).bit_length()
    if size * abs(exponent) > MAX_CONSTANT_BITS:
        raise AnswerError(f"an exponent is too large (at most {MAX_EXPONENT})")
    return base ** int(exponent)


def _constant(node: Node) -> Fraction | None:
    """The value of a variable-free tree of numbers, + * / and powers, else None."""
    kind = node[0]
    if kind == "num":
        number: Fraction = node[1]
        return number
    if kind in ("add", "mul"):
        values = [_constant(child) for child in node[1]]
        known = [v for v in values if v is not None]
        if len(known) < len(values):
            return None
        total = Fraction(0 if kind == "add" else 1)
        for v in known:
            total = total + v if kind == "add" else total * v
            if max(abs(total.numerator), total.denominator).bit_length() > MAX_CONSTANT_BITS:
                raise AnswerError("a number in an exponent is too large")
        return total
    if kind == "pow":
        base = _constant(node[1])
        return None if base is None else _bounded_power(base, node[2])
    return None


def parse(text: str, variables: Sequence[str]) -> Node:
    """The expression tree of a big-O answer, or AnswerError saying what is wrong
    (including an answer whose growth cannot be computed within the limits)."""
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    node = _Parser(_tokens(text), variables).parse()
    growth_terms(node, variables)
    return node


# ---- growth: terms prod_v v^p_v (log v)^q_v as vectors (p_1..p_n, q_1..q_n)

Term = tuple[Fraction, ...]


def _dominates(a: Term, b: Term, n: int) -> bool:
    """a >= b for large variables: per variable (p, q) is lexicographically >=."""
    return all((a[v], a[n + v]) >= (b[v], b[n + v]) for v in range(n))


def _pruned(terms: Iterable[Term], n: int) -> frozenset[Term]:
    """The terms no other term dominates; AnswerError beyond MAX_TERMS of them."""
    kept: list[Term] = []
    for term in sorted(set(terms), key=lambda t: (sum(t[:n]), sum(t[n:])), reverse=True):
        if not any(_dominates(other, term, n) for other in kept):
            kept.append(term)
            if len(kept) > MAX_TERMS:
                raise AnswerError(
                    f"the expression has more than {MAX_TERMS} distinct terms; simplify it"
                )
    return frozenset(kept)


def growth_terms(node: Node, variables: Sequence[str]) -> frozenset[Term]:
    """The growth of `node` as its undominated terms prod_v v^p_v (log v)^q_v."""
    return _growth(node, tuple(variables))


def _growth(node: Node, variables: tuple[str, ...]) -> frozenset[Term]:
    n = len(variables)
    kind = node[0]
    if kind == "num":
        return frozenset({(Fraction(0),) * (2 * n)})
    if kind == "var":
        return frozenset({tuple(Fraction(v == node[1]) for v in variables) + (Fraction(0),) * n})
    if kind == "add":
        return _pruned((t for child in node[1] for t in _growth(child, variables)), n)
    if kind == "mul":
        result = _growth(("num", Fraction(1)), variables)
        for child in node[1]:
            right = _growth(child, variables)
            result = _pruned(
                (tuple(x + y for x, y in zip(a, b, strict=True)) for a in result for b in right), n
            )
        return result
    if kind == "pow":
        terms, exponent = _growth(node[1], variables), node[2]
        if len(terms) > 1 and exponent < 0:
            raise AnswerError("dividing by a sum is not supported; write the terms' growth")
        return _pruned((tuple(exponent * x for x in term) for term in terms), n)
    return _log_growth(_growth(node[1], variables), n)


def _log_growth(terms: frozenset[Term], n: int) -> frozenset[Term]:
    """log of a sum of terms: Θ(sum of log v over the variables that grow in it)."""
    if any(term[v] < 0 for term in terms for v in range(n)):
        raise AnswerError("only logarithms of growing expressions, e.g. log(T)")
    growing = {v for term in terms for v in range(n) if term[v] > 0}
    if any(term[n + v] != 0 and v not in growing for term in terms for v in range(n)):
        raise AnswerError("only logarithms of products of variables, e.g. log(T)")
    zero = (Fraction(0),) * (2 * n)
    if not growing:
        return frozenset({zero})
    return frozenset(tuple(Fraction(i == n + v) for i in range(2 * n)) for v in sorted(growing))


# ---- covering: is one term O(a sum of terms)?

LOG_TIE_WEIGHT = Fraction(1, 10**12)  # log powers decide only where the powers tie


def _best_margin(term: Sequence[Fraction], vectors: Sequence[Sequence[Fraction]]) -> Any:
    """max over convex weights l of min_v (sum_s l_s*s_v - term_v), an exact LP:
    maximise y = z + shift subject to sum_s l_s*s_v - y >= term_v - shift, sum l = 1."""
    import sympy
    from sympy.solvers.simplex import linprog

    shift = 1 + 2 * max(abs(x) for vec in [*vectors, term] for x in vec)
    rows = [[-vec[v] for vec in vectors] + [1] for v in range(len(term))]
    bounds = [shift - t for t in term]
    best, _ = linprog(
        sympy.Matrix([0] * len(vectors) + [-1]).T,
        sympy.Matrix(rows).applyfunc(_rational),
        sympy.Matrix(bounds).applyfunc(_rational),
        sympy.Matrix([[1] * len(vectors) + [0]]),
        sympy.Matrix([1]),
    )
    return -best - _rational(shift)


def covered(term: Term, terms: frozenset[Term], n: int) -> bool:
    """True when `term` is O(sum of `terms`) for all variables growing in any way.

    By weighted AM-GM, prod_s s^l_s <= sum_s l_s*s, so `term` is covered when a
    convex combination of the exponent vectors is >= its own in every variable:
    decided on the powers by an exact LP; when the best margin is exactly 0, log
    powers break the tie (weighted by an infinitesimal-like 1e-12)."""
    if any(_dominates(other, term, n) for other in terms):
        return True
    if len(terms) < 2:
        return False
    vectors = [other[:n] for other in terms]
    margin = _best_margin(term[:n], vectors)
    if margin != 0:
        return bool(margin > 0)
    mixed = [[p + LOG_TIE_WEIGHT * q for p, q in zip(o[:n], o[n:], strict=True)] for o in terms]
    target = [p + LOG_TIE_WEIGHT * q for p, q in zip(term[:n], term[n:], strict=True)]
    return bool(_best_margin(target, mixed) >= 0)


def _rational(value: Any) -> Any:
    import sympy

    fraction = Fraction(value)
    return sympy.Rational(fraction.numerator, fraction.denominator)


def equivalent(a: Node, b: Node, variables: Sequence[str]) -> bool:
    """True when O(a) and O(b) are the same asymptotic class: every term of each is
    covered by the terms of the other."""
    n = len(variables)
    terms_a, terms_b = growth_terms(a, variables), growth_terms(b, variables)
    return all(covered(t, terms_b, n) for t in terms_a) and all(
        covered(t, terms_a, n) for t in terms_b
    )
