"""Fuzzing the deck loader: random bytes, TOML-ish token soup and random documents.

Whatever the input, `inspect_deck` returns issues located at a line of the file and
never raises; a document holding a control character or a non-64-bit integer anywhere
is refused. Each example has a deadline (generous: it catches a hang, not a slow
machine) and the example counts stay modest so the suite stays fast.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.deck.loader import inspect_deck, inspect_text
from studyapp.deck.untrusted_text import CONTROL, INT_RANGE

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)

TOKENS = [
    b"[deck]",
    b"[[card]]",
    b"[card.engine]",
    b"[card.random]",
    b'id = "a"',
    b'type = "choice"',
    b'experiment = "clipping.by_norm"',
    b"params = {",
    b"}",
    b"[",
    b"]",
    b",",
    b"=",
    b'"',
    b'"""',
    b"'''",
    b"#",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b" ",
    b"9" * 4400,
    b"0x" + b"f" * 40,
    b"nan",
    b"-inf",
    b"1e400",
    b"true",
    b"1979-05-27T07:32:00Z",
    b"\\u001b[2J",
    b"\\e",
    b"\\U0010ffff",
    b"[@click=app.quit]x[/]",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\xed\xa0\x80",
    b"\xc3\xa9",
]


def _inspect_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(raw)
        inspection = inspect_deck(path)
        lines = raw.count(b"\n") + raw.count(b"\r") + 1
    for issue in inspection.issues:
        assert issue.path == path
        assert 1 <= issue.line <= lines and issue.col >= 1
        assert issue.message and len(issue.message) < 2000
    if inspection.deck is None:
        assert inspection.errors, "a refused deck says why"


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(raw):
    _inspect_bytes(raw)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=80).map(b"".join))
def test_toml_token_soup_never_raises(raw):
    _inspect_bytes(raw)


SMALL_INT = st.integers(min_value=-(2**70), max_value=2**70)
SCALARS = st.one_of(
    st.text(max_size=40),
    SMALL_INT,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
CARD_KEYS = st.sampled_from(
    ["id", "type", "prompt", "explanation", "hint", "tags", "choices", "answer", "answers",
     "steps", "back", "engine", "feedback", "random", "rtol", "sigfigs", "variables", "x"]
)  # fmt: skip
CARD = st.dictionaries(CARD_KEYS, VALUES, max_size=8)
DECK = st.fixed_dictionaries(
    {"id": st.just("fuzz"), "title": st.text(max_size=30), "topic": st.just("general")},
    optional={"version": SMALL_INT, "tags": VALUES, "authors": VALUES},
)


def _unsafe(value: Any) -> bool:
    """Whether `value` holds, at any depth, a control character or a huge integer."""
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INT_RANGE[0] <= value <= INT_RANGE[1]
    if isinstance(value, dict):
        return any(_unsafe(k) or _unsafe(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unsafe(v) for v in value)
    return False


@FUZZ
@given(DECK, st.lists(CARD, min_size=1, max_size=4))
def test_random_documents_never_raise_and_unsafe_values_are_refused(deck, cards):
    document = {"deck": deck, "card": cards}
    text = tomli_w.dumps(document)
    inspection = inspect_text(text, Path("fuzz.toml"))
    rows = text.count("\n") + 1
    assert all(1 <= issue.line <= rows for issue in inspection.issues)
    if _unsafe(document):
        assert inspection.deck is None
        assert any(
            "control character" in issue.message or "TOML integers" in issue.message
            for issue in inspection.errors
        )
