"""A corpus of hostile decks and authoring mistakes, each a distinct attack or slip.

Most are the valid deck `hostile/base.toml` (every card type, linked to real
experiments) with one change; the line that must be reported carries a `#!` marker.
Special files (FIFO, link loops, a directory, a device) and encodings are built by
`materialise`. Each entry says what a checker must find: a message fragment at a line,
or (`accepted`) no error at all, for markup that is valid text shown literally.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BASE = (Path(__file__).parent / "hostile" / "base.toml").read_text(encoding="utf-8")
MARK = "#!"


@dataclass(frozen=True)
class Hostile:
    """One corpus entry: how to write it, and what the checker must say."""

    name: str
    message: str  # fragment of the expected error ("" for an accepted deck)
    text: str | None = None  # the deck source (None: `build` makes the file)
    line: int | None = None  # expected line when the source has no marker
    build: Callable[[Path], None] | None = None  # writes the special file at the path
    accepted: bool = False
    check_only: bool = False  # a valid deck that only `studyapp check` refuses (engine work)

    @property
    def expected_line(self) -> int:
        if self.line is not None:
            return self.line
        assert self.text is not None
        (line,) = [n for n, row in enumerate(self.text.split("\n"), 1) if MARK in row]
        return line


def in_card(card_id: str, old: str, new: str, source: str = BASE) -> str:
    """`source` with the first `old` after the card `card_id` starts replaced by `new`."""
    start = source.index(f'id = "{card_id}"')
    at = source.index(old, start)
    return source[:at] + new + source[at + len(old) :]


def in_deck(old: str, new: str) -> str:
    """BASE with `old` in the [deck] table replaced by `new`."""
    assert BASE.count(old) >= 1
    at = BASE.index(old)
    return BASE[:at] + new + BASE[at + len(old) :]


def params(card_id: str, value: str, experiment: str = "clipping.by_norm") -> str:
    """BASE with the card's engine link given `params = value` (marked)."""
    link = f'experiment = "{experiment}"\nparams = {value} {MARK}'
    return in_card(card_id, 'experiment = "clipping.by_norm"', link)


def escaped(field_old: str, field_new: str, card_id: str | None = None) -> str:
    """BASE with one field rewritten to hold an escape sequence (marked)."""
    new = f"{field_new} {MARK}"
    return in_card(card_id, field_old, new) if card_id else in_deck(field_old, new)


MARKUP = "[@click=app.screenshot('pwned.svg')]click[/] [/x] [b]bold[/b] [link=https://x]l[/link]"


def every_field_with_markup() -> str:
    """BASE with markup and a Textual action in every text field (valid: shown literally)."""
    text = BASE
    for old in (
        'title = "Base deck"',
        'description = "A valid deck the corpus mutates."',
        'authors = ["tests"]',
    ):
        key = old.split(" = ")[0]
        text = text.replace(old, f"{key} = {_list_or_text(old)}")
    for key in ("prompt", "explanation", "hint", "back", "text", "unit"):
        lines = text.split("\n")
        for n, row in enumerate(lines):
            if row.startswith(f'{key} = "') and "{{gap}}" not in row:
                lines[n] = f'{key} = "{MARKUP} {n}"'
        text = "\n".join(lines)
    text = text.replace('tags = ["clip"]', f'tags = ["clip", "{MARKUP}"]')
    text = text.replace('"compute the norm"', f'"compute the norm {MARKUP}"')
    text = text.replace('"by norm", "by value"]', f'"by norm", "by value", "{MARKUP}"]')
    text = text.replace('answers = ["norm"]', f'answers = ["norm", "{MARKUP}"]')
    return text.replace('id = "hostile-base"', 'id = "hostile-markup"')


def _list_or_text(old: str) -> str:
    return f'["{MARKUP}"]' if old.startswith("authors") else f'"{MARKUP}"'


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _self_link(path: Path) -> None:
    path.symlink_to(path.name)


def _link_cycle(path: Path) -> None:
    other = path.with_name(path.stem + "-other.toml")
    path.symlink_to(other.name)
    other.symlink_to(path.name)


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inner.toml").write_text(BASE, encoding="utf-8")


def _device(path: Path) -> None:
    path.symlink_to(os.devnull)


def _dangling(path: Path) -> None:
    path.symlink_to("nowhere/absent.toml")


def _folder_loop(path: Path) -> None:
    """A deck folder holding a link to itself: a directory, never walked into."""
    path.symlink_to(".")


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


TF_CARD = BASE.split("[[card]]")[4]  # the truefalse card, its engine link included
HEAD = BASE.split("[[card]]")[0]


def _cards(count: int) -> str:
    """`count` small truefalse cards (the file stays under the 1 MiB limit)."""
    card = '[[card]]\nid = "c{n}"\ntype = "truefalse"\nprompt = "P"\nanswer = true\n'
    card += 'explanation = "E"\n'
    return HEAD + "".join(card.replace("{n}", str(n)) for n in range(count))


def _budget_deck(count: int) -> str:
    """`count` truefalse cards, each asking for a different seed: distinct engine runs."""
    body = []
    for n in range(count):
        one = TF_CARD.replace('id = "tf"', f'id = "tf-{n}"')
        one = one.replace('"clipping.by_norm"', f'"clipping.by_norm"\nparams = {{ seed = {n} }}')
        body.append("[[card]]" + one)
    return HEAD + "".join(body)


def _random_nan() -> str:
    """The numeric card made randomised, with NaN as a range's lower end."""
    text = in_card("num", "answer = 13.0\n", "")
    text = in_card("num", "rtol = 0.01\n", "", text)
    link = 'experiment = "clipping.by_norm"\nanswer = "total_norm"\n'
    link += f"[card.random]\nmax_norm = {{ min = nan, max = 1.0 }} {MARK}\n"
    return in_card("num", 'experiment = "clipping.by_norm"\n', link, text)


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, row in enumerate(text.split("\n"), 1) if fragment in row)


HUGE = "9" * 5000
TEN_K = _cards(10_000)
BUDGET = _budget_deck(320)
HUNDRED_K = ", ".join(['"t"'] * 100_000)
ESCAPES = ",".join(['"\\e"'] * 100_000)

CORPUS: list[Hostile] = [
    # ---- each card type's rules
    Hostile(
        "flashcard-without-back",
        "missing 'back'",
        in_card("flash", 'back = "', '# back = "').replace("[[card]]", f"[[card]] {MARK}", 1),
    ),
    Hostile(
        "flashcard-blank-back",
        "back is empty",
        in_card("flash", 'back = "The direction of the gradient."', f'back = "  " {MARK}'),
    ),
    Hostile(
        "choice-duplicate-choices",
        "lists 'by norm' twice",
        in_card("choice", '["by norm", "by value"]', f'["by norm", "by norm"] {MARK}'),
    ),
    Hostile(
        "choice-101-choices",
        "choices has 101 items; the limit is 100",
        in_card(
            "choice",
            '["by norm", "by value"]',
            "[" + ", ".join(f'"c{n}"' for n in range(100)) + f', "by norm"] {MARK}',
        ),
    ),
    Hostile(
        "multi-answer-not-a-choice",
        "is not one of the choices",
        in_card("multi", 'answers = ["by norm"]', f'answers = ["by nrom"] {MARK}'),
    ),
    Hostile(
        "multi-answers-not-a-list",
        "answers must be a list",
        in_card("multi", 'answers = ["by norm"]', f'answers = "by norm" {MARK}'),
    ),
    Hostile(
        "truefalse-answer-integer",
        "answer must be true or false",
        in_card("tf", "answer = true", f"answer = 1 {MARK}"),
    ),
    Hostile(
        "truefalse-with-choices",
        "unknown key 'choices' in a truefalse card",
        in_card("tf", "answer = true", f'answer = true\nchoices = ["a", "b"] {MARK}'),
    ),
    Hostile(
        "numeric-answer-boolean",
        "answer must be a number",
        in_card("num", "answer = 13.0", f"answer = true {MARK}"),
    ),
    Hostile(
        "numeric-atol-text",
        "atol must be a number",
        in_card("num", "rtol = 0.01", f'atol = "0.1" {MARK}'),
    ),
    Hostile(
        "numeric-sigfigs-99",
        "sigfigs must be a whole number from 1 to 12",
        in_card("num", "rtol = 0.01", f"sigfigs = 99 {MARK}"),
    ),
    Hostile(
        "numeric-unit-not-text",
        "unit must be text",
        in_card("num", 'unit = "units"', f"unit = 3 {MARK}"),
    ),
    Hostile(
        "order-one-step",
        "steps needs at least 2 items",
        in_card(
            "order",
            'steps = ["compute the norm", "compare with c", "scale"]',
            f'steps = ["x"] {MARK}',
        ),
    ),
    Hostile(
        "order-steps-table",
        "steps must be a list",
        in_card(
            "order",
            'steps = ["compute the norm", "compare with c", "scale"]',
            f"steps = {{ a = 1 }} {MARK}",
        ),
    ),
    Hostile(
        "cloze-two-gaps",
        "exactly once (found 2)",
        in_card(
            "cloze",
            'prompt = "Clipping by {{gap}}',
            f'prompt = "{{{{gap}}}} by {{{{gap}}}}" {MARK}\n#',
        ),
    ),
    Hostile(
        "cloze-no-answers",
        "answers needs at least 1 item",
        in_card("cloze", 'answers = ["norm"]', f"answers = [] {MARK}"),
    ),
    Hostile(
        "cloze-case-sensitive-text",
        "case_sensitive must be true or false",
        in_card("cloze", "case_sensitive = false", f'case_sensitive = "no" {MARK}'),
    ),
    Hostile(
        "bigo-not-big-o",
        "big-O",
        in_card("bigo", 'answer = "O(T*H)"', f'answer = "T plus H" {MARK}'),
    ),
    Hostile(
        "bigo-no-variables",
        "variables",
        in_card("bigo", 'variables = ["T", "H"]', f"variables = [] {MARK}"),
    ),
    Hostile(
        "type-not-text",
        "type must be text in quotes",
        in_card("tf", 'type = "truefalse"', f"type = 7 {MARK}"),
    ),
    Hostile(
        "feedback-not-tables",
        "feedback",
        in_card("choice", "[[card.feedback]]", f'[[card.feedback]]\nextra = "x" {MARK}'),
    ),
    # ---- wrong types for every parameter kind
    Hostile(
        "float-param-boolean", "max_norm = True is outside", params("flash", "{ max_norm = true }")
    ),
    Hostile(
        "float-param-list", "max_norm = [1.0] is outside", params("flash", "{ max_norm = [1.0] }")
    ),
    Hostile(
        "int-param-fraction",
        "seed = 3.5 is outside",
        params("flash", "{ seed = 3.5 }"),
    ),
    Hostile("int-param-table", "is outside", params("flash", "{ seed = { a = 1 } }")),
    Hostile("choice-param-number", "source = 1 is outside", params("flash", "{ source = 1 }")),
    Hostile(
        "choice-param-unknown", "source = 'evil' is outside", params("flash", '{ source = "evil" }')
    ),
    Hostile(
        "bool-param-integer",
        "immediate_term = 2 is outside",
        params("flash", "{ immediate_term = 2 }", "bptt.rtrl_vs_bptt"),
    ),
    Hostile(
        "bool-param-date",
        "measure_time",
        params("flash", "{ measure_time = 1979-05-27 }", "bptt.rtrl_vs_bptt"),
    ),
    Hostile("int-param-quoted", "seed = '5' is outside", params("flash", '{ seed = "5" }')),
    Hostile(
        "float-param-quoted", "max_norm = '2.0' is outside", params("flash", '{ max_norm = "2.0" }')
    ),
    Hostile(
        "bool-param-quoted",
        "immediate_term = 'true' is outside",
        params("flash", '{ immediate_term = "true" }', "bptt.rtrl_vs_bptt"),
    ),
    Hostile("params-not-a-table", "params must be a table", params("flash", "[1, 2]")),
    Hostile(
        "deck-as-array-of-tables",
        "deck must be a table",
        BASE.replace("[deck]", f"[[deck]] {MARK}"),
    ),
    Hostile(
        "title-a-date",
        "title must be text in quotes, not a date/time",
        in_deck('title = "Base deck"', f"title = 1979-05-27 {MARK}"),
    ),
    Hostile(
        "params-nested-5000-deep",
        "nested too deeply",
        params("flash", "{ a = " * 5000 + "1" + " }" * 5000),
    ),
    # ---- NaN, infinities and huge integers
    Hostile(
        "numeric-feedback-nan",
        "feedback answer must be a number",
        in_card(
            "num",
            "[card.engine]",
            f'[[card.feedback]]\nanswer = nan {MARK}\ntext = "x"\n[card.engine]',
        ),
    ),
    Hostile(
        "random-choices-nan",
        "max_norm = nan is outside",
        _random_nan().replace("{ min = nan, max = 1.0 }", "{ choices = [nan, 1.0] }"),
    ),
    Hostile(
        "bigo-feedback-huge-exponent",
        "as big-O",
        in_card(
            "bigo",
            "[card.engine]",
            f'[[card.feedback]]\nanswer = "O(T^{HUGE})" {MARK}\ntext = "x"\n[card.engine]',
        ),
    ),
    Hostile("param-nan", "max_norm = nan is outside", params("flash", "{ max_norm = nan }")),
    Hostile("param-minus-inf", "a1 = -inf is outside", params("flash", "{ a1 = -inf }")),
    Hostile("random-min-nan", "random max_norm needs finite numbers", _random_nan()),
    Hostile(
        "rtol-inf",
        "rtol must be a finite number",
        in_card("num", "rtol = 0.01", f"rtol = inf {MARK}"),
    ),
    Hostile(
        "answer-nan",
        "answer must be a finite number",
        in_card("num", "answer = 13.0", f"answer = nan {MARK}"),
    ),
    Hostile(
        "answer-1e400",
        "answer must be a finite number",
        in_card("num", "answer = 13.0", f"answer = 1e400 {MARK}"),
    ),
    Hostile(
        "param-5000-digits", "a number with 5,000 digits", params("flash", f"{{ seed = {HUGE} }}")
    ),
    Hostile(
        "version-5000-hex-digits",
        "TOML integers must lie within",
        in_deck("version = 1", f"version = 0x{'f' * 5000} {MARK}"),
    ),
    Hostile(
        "seed-2-to-the-64",
        "TOML integers must lie within",
        params("flash", f"{{ seed = {2**64} }}"),
    ),
    Hostile(
        "octal-huge",
        "TOML integers must lie within",
        in_deck("version = 1", f"version = 0o{'7' * 3000} {MARK}"),
    ),
    Hostile(
        "sigfigs-huge-decimal",
        "a number with 4,400 digits",
        in_card("num", "rtol = 0.01", f"sigfigs = {'1' * 4400} {MARK}"),
    ),
    # ---- markup (valid text, shown literally) and escape sequences (refused)
    Hostile("markup-in-every-field", "", every_field_with_markup(), accepted=True),
    Hostile(
        "markup-close-tag-title",
        "",
        in_deck('title = "Base deck"', 'title = "[/x]"').replace("hostile-base", "hostile-title"),
        accepted=True,
    ),
    Hostile(
        "csi-clear-screen-title",
        "U+001B (ESC)",
        escaped('title = "Base deck"', 'title = "\\u001b[2J\\u001b[H gone"'),
    ),
    Hostile(
        "osc-window-title-description",
        "U+001B (ESC)",
        escaped(
            'description = "A valid deck the corpus mutates."',
            'description = "\\u001b]0;pwned\\u0007"',
        ),
    ),
    Hostile(
        "osc8-hyperlink-prompt",
        "U+001B (ESC)",
        escaped(
            'prompt = "Which keep the direction?"',
            'prompt = "\\u001b]8;;https://evil\\u001b\\\\x\\u001b]8;;\\u001b\\\\"',
            "multi",
        ),
    ),
    Hostile(
        "nul-in-prompt",
        "U+0000 (NUL)",
        escaped('prompt = "Order the steps."', 'prompt = "a\\u0000b"', "order"),
    ),
    Hostile(
        "bel-in-explanation",
        "U+0007 (BEL)",
        escaped('explanation = "Every entry once."', 'explanation = "ding\\u0007"', "bigo"),
    ),
    Hostile(
        "del-in-hint", "U+007F (DEL)", escaped('hint = "Scaling."', 'hint = "x\\u007f"', "flash")
    ),
    Hostile(
        "c1-csi-in-choice",
        "U+009B (CSI)",
        escaped(
            'choices = ["by norm", "by value"]', 'choices = ["by norm", "\\u009b2J"]', "choice"
        ),
    ),
    Hostile(
        "escape-in-feedback",
        "U+001B (ESC)",
        escaped(
            'text = "Value clipping changes the direction."', 'text = "\\u001b[31mred"', "choice"
        ),
    ),
    Hostile(
        "backspace-in-tag", "U+0008 (BS)", escaped('tags = ["clip"]', 'tags = ["cli\\bp"]', "tf")
    ),
    Hostile(
        "carriage-return-in-back",
        "U+000D (CR)",
        escaped('back = "The direction of the gradient."', 'back = "right\\rwrong"', "flash"),
    ),
    Hostile(
        "escape-in-key",
        "U+001B (ESC)",
        in_card("tf", "answer = true", f'answer = true\n"x\\u001by" = 1 {MARK}'),
    ),
    Hostile(
        "escape-in-author",
        "U+001B (ESC)",
        escaped('authors = ["tests"]', 'authors = ["\\u001b[8m"]'),
    ),
    Hostile(
        "escape-in-step",
        "U+001B (ESC)",
        escaped(
            'steps = ["compute the norm", "compare with c", "scale"]',
            'steps = ["a\\u001bc", "b"]',
            "order",
        ),
    ),
    Hostile(
        "escape-in-cloze-answer",
        "U+001B (ESC)",
        escaped('answers = ["norm"]', 'answers = ["\\u001bnorm"]', "cloze"),
    ),
    Hostile(
        "escape-in-unit", "U+001B (ESC)", escaped('unit = "units"', 'unit = "\\u001b[5m"', "num")
    ),
    Hostile(
        "escape-in-multiline-explanation",
        "U+001B (ESC)",
        in_card(
            "tf",
            'explanation = "One factor for every entry."',
            f'explanation = """ {MARK}\nline\n\\u001b[2J"""',
        ),
    ),
    # ---- special files
    Hostile("fifo", "a named pipe (FIFO)", line=1, build=_fifo),
    Hostile("symlink-to-itself", "a link loop", line=1, build=_self_link),
    Hostile("symlink-cycle", "a link loop", line=1, build=_link_cycle),
    Hostile("directory-named-toml", "a directory, not a deck file", line=1, build=_directory),
    Hostile("folder-link-loop", "a directory, not a deck file", line=1, build=_folder_loop),
    Hostile("link-to-a-device", "a device", line=1, build=_device),
    Hostile("dangling-link", "cannot read: No such file", line=1, build=_dangling),
    # ---- encodings
    Hostile(
        "bom-and-crlf",
        "",
        line=1,
        build=_bytes(
            codecs.BOM_UTF8
            + BASE.replace("hostile-base", "hostile-bom").replace("\n", "\r\n").encode()
        ),
        accepted=True,
    ),
    Hostile(
        "crlf-error-line",
        "answer must be true or false",
        line=_line_of(BASE, 'id = "tf"') + 3,
        build=_bytes(in_card("tf", "answer = true", "answer = 1").replace("\n", "\r\n").encode()),
    ),
    Hostile("utf16-le-bom", "UTF-16", line=1, build=_bytes(BASE.encode("utf-16"))),
    Hostile("utf16-be-no-bom", "UTF-16", line=1, build=_bytes(BASE.encode("utf-16-be"))),
    Hostile(
        "encoded-surrogate",
        "not UTF-8 text (byte 0xed)",
        line=3,
        build=_bytes(b'[deck]\nid = "x"\ntitle = "\xed\xa0\x80"\n'),
    ),
    Hostile(
        "old-mac-line-ends", "invalid TOML", line=1, build=_bytes(BASE.replace("\n", "\r").encode())
    ),
    # ---- sizes
    Hostile(
        "ten-thousand-cards",
        "the deck has 10,000 cards; the limit is 2,000",
        TEN_K,
        line=_line_of(TEN_K, 'id = "c2000"') - 1,
    ),
    Hostile(
        "tags-100k-items",
        "tags has 100000 items",
        in_card("tf", 'tags = ["clip"]', f"tags = [{HUNDRED_K}] {MARK}"),
    ),
    Hostile("param-100k-items", "is outside", params("flash", f"{{ seed = [{HUNDRED_K}] }}")),
    Hostile(
        "unknown-key-100k-items",
        "unknown key 'junk'",
        in_card("tf", "answer = true", f"answer = true\njunk = [{HUNDRED_K}] {MARK}"),
    ),
    Hostile(
        "escapes-100k-items",
        "99,980 more keys or strings hold control characters",
        in_card("tf", "answer = true", f"answer = true\njunk = [{ESCAPES}] {MARK}"),
    ),
    Hostile(
        "key-100k-characters",
        "unknown key",
        in_card("tf", "answer = true", f"answer = true\n{'k' * 100_000} = 1 {MARK}"),
    ),
    Hostile(
        "engine-budget",
        "engine checks stopped at this card",
        BUDGET,
        line=_line_of(BUDGET, 'id = "tf-300"') - 1,
        check_only=True,
    ),
]


def materialise(entry: Hostile, folder: Path) -> Path:
    """Write `entry` into `folder` as `<name>.toml` and return its path."""
    path = folder / f"{entry.name}.toml"
    if entry.build is not None:
        entry.build(path)
    else:
        assert entry.text is not None
        path.write_text(entry.text, encoding="utf-8")
    return path
