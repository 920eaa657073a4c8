"""A recursive-descent parser of formula notation into a `tree.Node`.

relation := sum (('<=' | '<' | '>=' | '>' | '=') sum)?
sum      := product (('+' | '-') product)*
product  := unary (('*' | '/' | '⊙') unary | unary written next to it)*
unary    := ('-' | '+') unary | postfix
postfix  := atom ('^' power | "'" | 'ᵀ')*        ^T, ^t, ^⊤, ', ᵀ and .T transpose
atom     := number | '(' relation ')' | '‖' sum '‖' | '|' sum '|'
          | name subscript? ( '(' arguments ')' )?

A subscript is `_x`, `_{...}` or `_(...)`, or `(t-1)` right after an indexed symbol
(`h(t-1)`); `h_t-1` written without spaces is h_{t-1} when h is indexed. Indices are
read as a sum of letters and integers and printed canonically (`t-1`, `t+1`, `max`).
Depth and length are bounded: any text gives a tree or an AnswerError.
"""

from __future__ import annotations

from collections.abc import Collection

from studyapp.deck.errors import AnswerError
from studyapp.deck.notation.tokens import Token, tokenize
from studyapp.deck.notation.tree import Call, Node, Num, Op, Rel, Sym

MAX_DEPTH = 60
BUILTINS = (
    "diag", "min", "max", "abs", "clip", "norm", "sqrt", "exp", "log", "tanh",
    "transpose", "σ_{max}",
)  # fmt: skip
RELATIONS = ("<=", "<", ">=", ">", "=")
_WORD_RELATIONS: dict[tuple[str, ...], str] = {
    ("is", "at", "most"): "<=",
    ("is", "at", "least"): ">=",
}


def relation_only(text: str) -> str | None:
    """The canonical relation when `text` is a lone relation (`⩽`, `\\le`, `is at most`)."""
    tokens = tokenize(text)
    if len(tokens) == 1 and tokens[0].text in RELATIONS:
        return tokens[0].text
    return _WORD_RELATIONS.get(tuple(t.text.lower() for t in tokens))


def parse(text: str, functions: Collection[str] = (), indexed: Collection[str] = ()) -> Node:
    """The tree of `text`. `functions` are declared elementwise function names (`f'`),
    `indexed` the base names that take subscripts written as `h(t-1)`."""
    relation = relation_only(text)
    if relation is not None:
        return Rel(relation, None, None)
    tokens = tokenize(text)
    if not tokens:
        raise AnswerError("type a formula")
    return _Parser(tokens, set(functions), set(indexed)).parse()


class _Parser:
    def __init__(self, tokens: list[Token], functions: set[str], indexed: set[str]):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.functions, self.indexed = functions, indexed

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.i + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in texts

    def take(self, text: str | None = None) -> Token:
        token = self.peek()
        if token is None:
            raise AnswerError("the formula ends too early (a missing term or ')'?)")
        if text is not None and token.text != text:
            raise AnswerError(f"expected {text!r} but found {token.text!r}")
        self.i += 1
        return token

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError("the formula is nested too deeply")

    def parse(self) -> Node:
        node = self.relation()
        if (token := self.peek()) is not None:
            raise AnswerError(f"unexpected {token.text!r} in the formula")
        return node

    def relation(self) -> Node:
        left = self.sum()
        if self.at(*RELATIONS):
            op = self.take().text
            return Rel(op, left, self.sum())
        return left

    def sum(self) -> Node:
        self.enter()
        node = self.product()
        while self.at("+", "-"):
            kind = "add" if self.take().text == "+" else "sub"
            node = Op(kind, (node, self.product()))
        self.depth -= 1
        return node

    def product(self) -> Node:
        node = self.unary()
        while True:
            if self.at("*", "/", "⊙"):
                kind = {"*": "times", "/": "div", "⊙": "hadamard"}[self.take().text]
                node = Op(kind, (node, self.unary()))
            elif self.starts_atom():
                node = Op("matmul", (node, self.postfix()))
            else:
                return node

    def starts_atom(self) -> bool:
        token = self.peek()
        return token is not None and (token.kind in ("num", "name") or token.text in ("(", "‖"))

    def unary(self) -> Node:
        self.enter()
        if self.at("-", "+"):
            sign = self.take().text
            operand = self.unary()
            node = Op("neg", (operand,)) if sign == "-" else operand
        else:
            node = self.postfix()
        self.depth -= 1
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while True:
            if self.at("ᵀ", "'"):
                self.take()
                node = Op("transpose", (node,))
            elif self.at("^"):
                self.take()
                token = self.peek()
                if (
                    token is not None and token.kind == "name" and token.text in ("T", "t")
                ) or self.at("ᵀ"):
                    self.take()
                    node = Op("transpose", (node,))
                else:
                    node = Op("pow", (node, self.power()))
            else:
                return node

    def power(self) -> Node:
        self.enter()
        if self.at("-", "+"):
            sign = self.take().text
            operand = self.power()
            node = Op("neg", (operand,)) if sign == "-" else operand
        else:
            node = self.atom()
            if self.at("^"):
                self.take()
                node = Op("pow", (node, self.power()))
        self.depth -= 1
        return node

    def atom(self) -> Node:
        self.enter()
        token = self.take()
        if token.kind == "num":
            node: Node = Num(float(token.text))
        elif token.text in ("(", "{"):
            node = self.relation()
            self.take(")" if token.text == "(" else "}")
        elif token.text in ("‖", "|"):
            inner = self.sum()
            self.take(token.text)
            node = Call("norm" if token.text == "‖" else "abs", (inner,))
        elif token.kind == "name":
            node = self.named(token)
        else:
            raise AnswerError(f"unexpected {token.text!r} in the formula")
        self.depth -= 1
        return node

    def named(self, token: Token) -> Node:
        name = token.text
        if self.at("_"):
            self.take()
            name = f"{name}_{{{self.subscript(name)}}}"
        elif name in self.indexed and self.at("(") and not self.peek().spaced:  # type: ignore[union-attr]
            index = self.try_index_in_parentheses()
            if index is not None:
                name = f"{name}_{{{index}}}"
        following = self.peek(1)
        called = following is not None and following.text == "("
        if self.at("'") and called and name + "'" in self.functions:
            self.take()
            name += "'"
        if self.at("(") and (name in self.functions or name in BUILTINS):
            self.take("(")
            args = [self.sum()]
            while self.at(","):
                self.take()
                args.append(self.sum())
            self.take(")")
            if name == "transpose":
                if len(args) != 1:
                    raise AnswerError("transpose takes one argument")
                return Op("transpose", (args[0],))
            return Call(name, tuple(args))
        if name in BUILTINS:
            raise AnswerError(f"{name} needs its argument in parentheses, e.g. {name}(x)")
        return Sym(name)

    def subscript(self, base: str) -> str:
        """The canonical index after `_`: `{t - 1}`, `(t−1)`, `t`, or `t-1` unspaced."""
        if self.at("{", "("):
            closing = "}" if self.take().text == "{" else ")"
            index = self.index_until(closing)
            self.take(closing)
            return index
        token = self.take()
        if token.kind not in ("name", "num"):
            raise AnswerError(f"a subscript is missing after {base}_")
        parts = [token]
        nxt, after = self.peek(), self.peek(1)
        if (
            base in self.indexed
            and nxt is not None
            and nxt.text in ("-", "+")
            and not nxt.spaced
            and after is not None
            and after.kind == "num"
            and not after.spaced
        ):
            parts += [self.take(), self.take()]  # h_t-1 written together: h_{t-1}
        return canonical_index(parts)

    def try_index_in_parentheses(self) -> str | None:
        """`(t-1)` right after an indexed name, if it holds only an index."""
        start = self.i
        self.take("(")
        parts = []
        while (token := self.peek()) is not None and (
            token.kind in ("name", "num") or token.text in ("+", "-")
        ):
            parts.append(self.take())
        if parts and self.at(")") and parts[0].kind == "name":
            self.take(")")
            return canonical_index(parts)
        self.i = start
        return None

    def index_until(self, closing: str) -> str:
        parts = []
        while (token := self.peek()) is not None and token.text != closing:
            if token.kind not in ("name", "num") and token.text not in ("+", "-", ","):
                raise AnswerError(f"cannot read {token.text!r} in a subscript")
            parts.append(self.take())
            if len(parts) > 20:
                raise AnswerError("the subscript is too long")
        return canonical_index(parts)


def canonical_index(parts: list[Token]) -> str:
    """`t - 1` -> `t-1`, `1 + t` -> `t+1`, `max` -> `max`: letters first, then the constant."""
    letters: dict[str, int] = {}
    constant, sign, words = 0, 1, []
    for token in parts:
        if token.text in ("+", "-"):
            sign = -1 if token.text == "-" else 1
        elif token.text == ",":
            words.append(",")
        elif token.kind == "num":
            if "." in token.text or len(token.text) > 6:
                raise AnswerError("subscripts are whole numbers or letters")
            constant += sign * int(token.text)
            sign = 1
        else:
            letters[token.text] = letters.get(token.text, 0) + sign
            sign = 1
    if "," in words:
        return ",".join(t.text for t in parts if t.text != ",")
    text = ""
    for letter, count in sorted(letters.items()):
        if count == 0:
            continue
        term = letter if abs(count) == 1 else f"{abs(count)}{letter}"
        text += ("-" if count < 0 else ("+" if text else "")) + term
    if constant or not text:
        text += f"{constant:+d}" if text else str(constant)
    return text
