"""A table of bad decks: each yields the expected message at the expected line.

The expected line is the one marked `#!` in the source; every failure must come as a
DeckError whose issues print as `file:line:col: error: message`, never a traceback.
"""

from __future__ import annotations

import re

import pytest

from studyapp.deck.loader import DeckError, Limits, load_deck
from tests.deck.conftest import HEADER

CARD = """
[[card]]
id = "a"
type = "choice"
prompt = "P"
explanation = "E"
choices = ["x", "y"]
answer = "x"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"
"""


def card(**changes: str) -> str:
    """CARD with some `key = value` lines replaced (value text given verbatim)."""
    text = CARD
    for key, value in changes.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
        if count == 0:
            text = text.replace("[card.engine]", f"{key} = {value}\n[card.engine]")
    return text


NUMERIC = """
[[card]]
id = "n"
type = "numeric"
prompt = "How much is {rho}?"
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"
answer = "value"
"""

BAD_DECKS = [
    ("unterminated string", HEADER + card(prompt='"P  #!'), "invalid TOML"),
    ("bare word value", HEADER + card(answer="x #!"), "invalid TOML: Invalid value"),
    ("missing deck table", "#!\n" + CARD, "missing [deck] table"),
    ("no cards", HEADER.replace("[deck]", "[deck] #!"), "the deck has no cards"),
    ("unknown key", HEADER + card(promt='"P" #!'), "did you mean 'prompt'"),
    (
        "key of another type",
        HEADER + card(back='"B" #!'),
        "unknown key 'back' in a choice card; it belongs to flashcard cards",
    ),
    ("unknown type", HEADER + card(type='"choise" #!'), "did you mean 'choice'"),
    (
        "duplicate card id",
        HEADER + CARD + card(id='"a" #!'),
        "duplicate card id 'a': the card at line 10 already uses it",
    ),
    ("invalid id", HEADER + card(id='"Bad Id" #!'), "is not a valid id"),
    ("choice answer not a choice", HEADER + card(answer='"z" #!'), "'z' is not one of the choices"),
    ("choice did you mean", HEADER + card(answer='"xx" #!'), "did you mean 'x'?"),
    (
        "one choice only",
        HEADER + card(choices='["x"] #!'),
        "choices needs at least 2 items",
    ),
    (
        "multi without right answer",
        HEADER + card(type='"multi"', answer='"x"').replace("answer = ", "answers = [] #!") + "\n",
        "needs at least one right answer",
    ),
    (
        "order with duplicate steps",
        HEADER
        + card(type='"order"', steps='["a", "b", "a"] #!')
        .replace('choices = ["x", "y"]\n', "")
        .replace('answer = "x"\n', ""),
        "steps lists 'a' twice",
    ),
    ("empty prompt", HEADER + card(prompt='"   " #!'), "prompt is empty"),
    ("blank choice", HEADER + card(choices='["x", " "] #!'), "item 2 of choices is empty"),
    (
        "choice of wrong type",
        HEADER + card(choices='["x", 2] #!'),
        "item 2 of choices is an integer",
    ),
    ("prompt of wrong type", HEADER + card(prompt="5 #!"), "prompt must be text in quotes"),
    ("tags not a list", HEADER + card(tags='"t" #!'), "tags must be a list of texts"),
    ("hint wrong type", HEADER + card(hint="true #!"), "hint must be text in quotes"),
    (
        "truefalse answer in quotes",
        HEADER + card(type='"truefalse"', answer='"true" #!').replace('choices = ["x", "y"]\n', ""),
        "answer must be true or false (no quotes)",
    ),
    (
        "unknown experiment",
        HEADER + card().replace('"test.fixture_power"', '"test.fixture_powr" #!'),
        "unknown experiment 'test.fixture_powr'; did you mean test.fixture_power",
    ),
    (
        "param out of bounds",
        HEADER + card() + "params = { rho = 3.0 } #!\n",
        "rho = 3.0 is outside what 'test.fixture_power' allows: write float in [0, 2]",
    ),
    (
        "param of wrong type",
        HEADER + card() + 'params = { steps = "many" } #!\n',
        "steps = 'many' is outside",
    ),
    (
        "unknown param",
        HEADER + card() + "params = { rhoo = 1.0 } #!\n",
        "has no parameter 'rhoo'; did you mean 'rho'?",
    ),
    (
        "engine.answer on a choice card",
        HEADER + card() + 'answer = "value" #!\n',
        "engine.answer names the scalar answer of numeric cards",
    ),
    (
        "engine not a table",
        HEADER
        + card().replace('[card.engine]\nexperiment = "test.fixture_power"\n', "")
        + 'engine = "test.fixture_power" #!\n',
        "engine must be a table",
    ),
    (
        "feedback answer not a choice",
        HEADER + card() + '[[card.feedback]]\nanswer = "w" #!\ntext = "no"\n',
        "'w' is not one of the choices",
    ),
    (
        "feedback without text",
        HEADER + card() + '[[card.feedback]] #!\nanswer = "y"\n',
        "missing 'text'",
    ),
    (
        "cloze without gap",
        HEADER
        + card(type='"cloze"', prompt='"No gap here" #!', answers='["a"]')
        .replace('choices = ["x", "y"]\n', "")
        .replace('answer = "x"\n', ""),
        "must contain the gap {{gap}} exactly once (found 0)",
    ),
    (
        "bigo unreadable answer",
        HEADER
        + card(type='"bigo"', answer='"O(T*" #!', variables='["T"]').replace(
            'choices = ["x", "y"]\n', ""
        ),
        "cannot read 'O(T*' as big-O",
    ),
    (
        "bigo unknown variable",
        HEADER
        + card(type='"bigo"', answer='"O(T*N)" #!', variables='["T", "H"]').replace(
            'choices = ["x", "y"]\n', ""
        ),
        "unknown symbol 'N'; the variables are T, H",
    ),
    (
        "numeric without any answer",
        HEADER
        + NUMERIC.replace('answer = "value"\n', "").replace("[card.engine]", "[card.engine] #!"),
        "a numeric card needs answer = <number> or engine.answer",
    ),
    (
        "numeric answer in quotes",
        HEADER + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nanswer = "0.5" #!'),
        "answer must be a number (no quotes), not text",
    ),
    (
        "sigfigs with rtol",
        HEADER + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nrtol = 0.1\nsigfigs = 3 #!'),
        "give either sigfigs or rtol/atol, not both",
    ),
    (
        "sigfigs out of range",
        HEADER + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nsigfigs = 0 #!'),
        "sigfigs must be a whole number from 1 to 12",
    ),
    (
        "negative rtol",
        HEADER + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nrtol = -0.1 #!'),
        "rtol must be at least 0",
    ),
    (
        "infinite answer",
        HEADER + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nanswer = inf #!'),
        "answer must be a finite number",
    ),
    (
        "random range outside the bounds",
        HEADER + NUMERIC + "[card.random]\nrho = { min = 0.5, max = 2.5 } #!\n",
        "rho = 2.5 is outside what 'test.fixture_power' allows",
    ),
    (
        "random floats for an int param",
        HEADER + NUMERIC + "[card.random]\nsteps = { min = 1.5, max = 3.0 } #!\n",
        "steps is a whole number",
    ),
    (
        "random min above max",
        HEADER + NUMERIC + "[card.random]\nrho = { min = 1.5, max = 0.5 } #!\n",
        "min (1.5) must be below max (0.5)",
    ),
    (
        "random choice outside the bounds",
        HEADER + NUMERIC + "[card.random]\nsteps = { choices = [2, 99] } #!\n",
        "steps = 99 is outside",
    ),
    (
        "random name not a parameter",
        HEADER + NUMERIC + "[card.random]\nrh = { min = 0.5, max = 1.0 } #!\n",
        "has no parameter 'rh'; did you mean 'rho'?",
    ),
    (
        "random with a stated answer",
        HEADER
        + NUMERIC.replace('tags = ["t"]', 'tags = ["t"]\nanswer = 0.5 #!')
        + "[card.random]\nrho = { min = 0.5, max = 1.0 }\n",
        "a randomised card's answer comes from the engine",
    ),
    (
        "single brackets for a card",
        HEADER + CARD.replace("[[card]]", "[card] #!"),
        "cards are written [[card]] (double brackets)",
    ),
    (
        "unknown top-level key",
        "cards = 3 #!\n" + HEADER + CARD,
        "unknown top-level key 'cards'; did you mean 'card'?",
    ),
    (
        "unknown topic",
        HEADER.replace('topic = "general"', 'topic = "clipin" #!') + CARD,
        "unknown topic 'clipin'; did you mean 'clipping'?",
    ),
    (
        "deck version not an integer",
        HEADER.replace("version = 2", 'version = "2" #!') + CARD,
        "version must be a whole number",
    ),
    (
        "string too long",
        HEADER + card(explanation='"' + "x" * 20_001 + '" #!'),
        "explanation is 20,001 characters long; the limit is 20,000",
    ),
    (
        "code-shaped experiment name",
        HEADER + card().replace('"test.fixture_power"', "\"__import__('os').system('ls')\" #!"),
        "unknown experiment \"__import__('os').system('ls')\"",
    ),
]


def marked_line(text: str) -> int:
    """The 1-based line carrying the `#!` marker."""
    (line,) = [n for n, row in enumerate(text.split("\n"), 1) if "#!" in row]
    return line


@pytest.mark.parametrize(("label", "source", "message"), BAD_DECKS, ids=[c[0] for c in BAD_DECKS])
def test_bad_deck_reports_message_at_line(fixture_experiments, tmp_path, label, source, message):
    path = tmp_path / "bad.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    line = marked_line(source)
    found = [i for i in caught.value.issues if message in i.message]
    assert found, f"no issue containing {message!r}; got {[str(i) for i in caught.value.issues]}"
    assert found[0].line == line, str(found[0])
    assert all(i.severity == "error" for i in caught.value.issues)
    assert str(found[0]).startswith(f"{path}:{line}:{found[0].col}: error: ")
    assert str(caught.value) == str(caught.value.issues[0])


def test_every_bad_card_is_reported(fixture_experiments, write_deck):
    path = write_deck(
        card(id='"one"', answer='"z"')
        + card(id='"two"', prompt='""')
        + card(id='"three"', type='"chioce"')
        + card(id='"four"')
    )
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    messages = [i.message for i in caught.value.issues]
    assert len(messages) == 3, messages
    assert "not one of the choices" in messages[0]
    assert "prompt is empty" in messages[1]
    assert "unknown card type 'chioce'" in messages[2]
    assert [i.line for i in caught.value.issues] == sorted(i.line for i in caught.value.issues)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(HEADER.encode() + b'\n[[card]]\nprompt = "caf\xe9"\n')
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    (issue,) = caught.value.issues
    assert (issue.line, issue.col) == (11, 14)
    assert "not UTF-8 text (byte 0xe9)" in issue.message


def test_file_too_large(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(HEADER + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(DeckError, match="larger than 1,000 bytes"):
        load_deck(path, Limits(max_bytes=1000))


def test_default_file_limit_is_one_mebibyte(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(HEADER + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(DeckError, match="larger than 1,048,576 bytes"):
        load_deck(path)


def test_too_many_cards(fixture_experiments, write_deck):
    path = write_deck("".join(card(id=f'"c{i}"') for i in range(4)))
    with pytest.raises(DeckError) as caught:
        load_deck(path, Limits(max_cards=3))
    (issue,) = caught.value.issues
    assert "the deck has 4 cards; the limit is 3" in issue.message
    assert issue.line == path.read_text().split("\n").index('id = "c3"')  # the 4th [[card]]
    assert len(load_deck(path, Limits(max_cards=4)).cards) == 4


def test_deeply_nested_toml(tmp_path):
    path = tmp_path / "nested.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert caught.value.issues[0].line == 1


def test_missing_file(tmp_path):
    with pytest.raises(DeckError, match="cannot read"):
        load_deck(tmp_path / "absent.toml")


def test_hostile_sizes_keep_messages_short(fixture_experiments, write_deck):
    long_key = "k" * 5000
    path = write_deck(
        card(answer='"' + "z" * 19_000 + '"')
        + card(id='"b"')
        + f"{long_key} = 1\nparams = {{ rho = [{', '.join(['1.0'] * 5000)}] }}\n"
    )
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert len(caught.value.issues) == 3
    assert all(len(issue.message) < 400 for issue in caught.value.issues)
