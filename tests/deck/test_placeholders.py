"""`{{= scalar}}` placeholders: formatting, rendering, loader errors, checker errors and
showings (rendered at once, or when the Report arrives later)."""

from __future__ import annotations

import re

import pytest

from engine import registry
from engine.report import Report, Scalar
from studyapp.deck.checker import check_paths
from studyapp.deck.grading import grade_response
from studyapp.deck.loader import DeckError, load_deck
from studyapp.deck.placeholders import (
    PENDING,
    format_value,
    missing_scalars,
    placeholders,
    render_text,
)
from studyapp.deck.showing import draw, prepare

REPORT = Report(
    "r",
    scalars=[
        Scalar("norm", 0.0017971234),
        Scalar("count", 1048576),
        Scalar("ratio", 0.5),
        Scalar("bad", float("nan")),
    ],
)


def position(path, fragment: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, col) of the nth occurrence of `fragment` in the file."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth + 1):
        at = text.index(fragment, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def errors_of(path) -> list:
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    return [issue for issue in caught.value.issues if issue.severity == "error"]


# ---- formatting and rendering


@pytest.mark.parametrize(
    ("spec", "value", "text"),
    [
        (".4g", 0.0017971234, "0.001797"),
        (".3g", 1048576, "1.05e6"),
        (".2e", 0.0017971234, "1.80e-3"),
        ("e", 123456.0, "1.234560e5"),
        (".0f", 1048576, "1048576"),
        (",.0f", 1048576, "1,048,576"),
        (",.2f", 1234.5, "1,234.50"),
        (".3f", 2.0 / 3.0, "0.667"),
        ("%", 0.5, "50.000000%"),
        (".1%", 0.92468, "92.5%"),
        (".15g", 0.1, "0.1"),
        (".2e", 1e-300, "1.00e-300"),
    ],
)
def test_format_value_follows_the_whitelisted_spec(spec, value, text):
    assert format_value(value, spec) == text


@pytest.mark.parametrize(
    "spec", ["", "r", "s", ".3x", ",.3g", ",", ".0g", ".16g", ".99f", "{x}", ">10", ".3g}"]
)
def test_format_value_refuses_any_other_spec(spec):
    with pytest.raises(ValueError, match=r"format spec|digits|decimals"):
        format_value(1.0, spec)


def test_render_fills_each_placeholder_with_its_default_or_given_spec():
    text = "lag-60 norm {{= norm}} ({{=norm:.2e}}), {{= count:.0f}} floats, {{= ratio:.0%}}."
    assert render_text(text, REPORT) == "lag-60 norm 0.001797 (1.80e-3), 1048576 floats, 50%."
    assert render_text("{{= bad}} and {{= count }}", REPORT) == "nan and 1.049e6"


def test_render_without_a_report_shows_pending_and_never_raises():
    assert render_text("is {{= norm:.3g}} or {{= count}}", None) == f"is {PENDING} or {PENDING}"
    assert render_text("no placeholders {{gap}} {x}", None) == "no placeholders {{gap}} {x}"
    assert render_text("{{= missing}}", REPORT) == "[no scalar missing]"
    assert render_text("{{= norm:r}} {{= 1+1}} {{= norm", REPORT) == (
        "{{= norm:r}} {{= 1+1}} {{= norm"
    )


def test_parsing_reads_only_a_name_and_a_spec():
    (ok, bad_spec, expression, call, unclosed) = placeholders(
        "{{= norm:.3g}} {{= norm:!r}} {{= 1+1}} {{= __import__('os').getcwd()}} {{= norm"
    )
    assert (ok.name, ok.spec, ok.problem) == ("norm", ".3g", None)
    assert "unknown format spec '!r'" in bad_spec.problem
    assert "cannot read placeholder '{{= 1+1}}'" in expression.problem
    assert "cannot read placeholder" in call.problem
    assert "never closed" in unclosed.problem
    assert [p.name for p in missing_scalars("{{= norm}} {{= __import__}}", REPORT)] == [
        "__import__"
    ]


# ---- the loader


def flash(explanation: str, engine: bool = True, extra: str = "") -> str:
    link = '[card.engine]\nexperiment = "test.fixture_power"\n' if engine else ""
    return (
        f'[[card]]\nid = "f"\ntype = "flashcard"\nprompt = "Q"\nback = "B"\n'
        f'explanation = """\n{explanation}"""\ntags = ["t"]\n{extra}{link}'
    )


def test_placeholder_in_a_card_without_engine_link_is_an_error_where_it_is_written(write_deck):
    path = write_deck(flash("first line\nthe value is {{= value:.3g}}.\n", engine=False))
    (issue,) = errors_of(path)
    assert (issue.line, issue.col) == position(path, "{{= value:.3g}}")
    assert "filled from the card's engine Report, and this card has none" in issue.message
    assert "add [card.engine]" in issue.message and "'value'" in issue.message


def test_bad_specs_and_malformed_placeholders_are_errors_at_their_column(
    fixture_experiments, write_deck
):
    text = "a {{= value:.3q}} b {{= value:.20g}}\nc {{= value * 2}} d {{= value"
    path = write_deck(flash(text))
    issues = errors_of(path)
    assert [(i.line, i.col) for i in issues] == [
        position(path, "{{= value:.3q}}"),
        position(path, "{{= value:.20g}}"),
        position(path, "{{= value * 2}}"),
        position(path, "{{= value", nth=3),
    ]
    assert "unknown format spec '.3q'; use one of .Ng" in issues[0].message
    assert "20 significant digits; use 1 to 15" in issues[1].message
    assert "write {{= scalar_name}} or {{= scalar_name:.3g}}" in issues[2].message
    assert "never closed" in issues[3].message


def test_placeholders_before_the_answer_are_errors(fixture_experiments, write_deck):
    body = flash("ok {{= value}}", extra='hint = "about {{= value}}"\n').replace(
        'prompt = "Q"', 'prompt = "Is it {{= value:.2f}}?"'
    )
    path = write_deck(body)
    (prompt_issue, hint_issue) = errors_of(path)
    assert (prompt_issue.line, prompt_issue.col) == position(path, "{{= value:.2f}}")
    assert "in prompt: placeholders are filled in after answering" in prompt_issue.message
    assert (hint_issue.line, hint_issue.col) == position(path, "{{= value}}", nth=1)
    assert "in hint" in hint_issue.message


def test_placeholders_in_back_and_feedback_are_checked_too(fixture_experiments, write_deck):
    body = """
    [[card]]
    id = "c"
    type = "choice"
    prompt = "Q"
    explanation = "E"
    choices = ["x", "y"]
    answer = "x"
    tags = ["t"]
    [[card.feedback]]
    answer = "y"
    text = "no: {{= value:zz}}"
    """
    path = write_deck(body)
    (issue,) = errors_of(path)
    assert (issue.line, issue.col) == position(path, "{{= value:zz}}")
    path = write_deck(
        flash("E", engine=False).replace('back = "B"', 'back = "is {{= value}}"'), "b.toml"
    )
    (issue,) = errors_of(path)
    assert (issue.line, issue.col) == position(path, "{{= value}}")
    assert "this card has none" in issue.message


# ---- the checker


def test_checker_accepts_real_scalars_and_lists_the_names_for_unknown_ones(
    fixture_experiments, write_deck
):
    good = write_deck(flash("{{= value}} after {{= steps:.0f}} steps"), "good.toml")
    assert check_paths([good]).issues == []
    bad = write_deck(flash("{{= value}}, {{= __import__}} and {{= valeu:.2e}}"), "bad.toml")
    result = check_paths([bad])
    assert [(i.line, i.col) for i in result.issues] == [
        position(bad, "{{= __import__}}"),
        position(bad, "{{= valeu:.2e}}"),
    ]
    for issue, name in zip(result.issues, ["__import__", "valeu"], strict=True):
        assert issue.severity == "error"
        assert f"the report of 'test.fixture_power' has no scalar {name!r}" in issue.message
        assert issue.message.endswith("its scalars are: value, steps")
    assert check_paths([bad], run_engine=False).issues == []  # the loader cannot know names


def test_checker_verifies_placeholders_for_every_random_draw(fixture_experiments, write_deck):
    body = """
    [[card]]
    id = "odd"
    type = "numeric"
    prompt = "Half of {steps}?"
    explanation = "{{= half}}; odd: {{= odd_only:.0f}}"
    tags = ["t"]
    [card.engine]
    experiment = "test.fixture_odd"
    answer = "half"
    [card.random]
    steps = { choices = [1, 2] }
    """
    path = write_deck(body)
    card = load_deck(path).card("odd")
    draws = [draw(card, seed)["steps"] for seed in range(3)]
    assert 1 in draws and 2 in draws  # the three checked draws include both cases
    (issue,) = check_paths([path]).issues
    first_even = draws.index(2)
    assert f"(draw {first_even}: {{'steps': 2}})" in issue.message
    assert "no scalar 'odd_only'" in issue.message
    assert (issue.line, issue.col) == position(path, "{{= odd_only:.0f}}")
    odd_only = write_deck(body.replace("[1, 2]", "[1, 3]"), "odd.toml")
    assert check_paths([odd_only]).issues == []


# ---- showings


def test_randomised_showing_renders_with_the_drawn_params(fixture_experiments, write_deck):
    body = """
    [[card]]
    id = "rand"
    type = "numeric"
    prompt = "{rho} to the {steps}?"
    sigfigs = 3
    explanation = "rho^steps = {{= value:.6g}} ({{= steps:.0f}} factors)"
    tags = ["t"]
    [card.engine]
    experiment = "test.fixture_power"
    answer = "value"
    [[card.feedback]]
    answer = 0.0
    text = "not zero: {{= value:.2e}}"
    [card.random]
    rho = { min = 0.5, max = 1.5 }
    steps = { choices = [2, 3, 4] }
    """
    card = load_deck(write_deck(body)).card("rand")
    for seed in range(10):
        showing = prepare(card, seed)
        rho, steps = showing.params["rho"], showing.params["steps"]
        assert not showing.needs_report
        assert showing.explanation == f"rho^steps = {rho**steps:.6g} ({steps} factors)"
        (feedback,) = showing.feedback
        expected = f"not zero: {format_value(rho**steps, '.2e')}"
        assert feedback.text == expected and feedback.answer == 0.0
        result = grade_response(card, "0", expected=showing.expected)
        assert not result.correct and showing.render(result.feedback or "") == expected


def test_showing_waits_for_the_report_and_renders_when_it_arrives(fixture_experiments, write_deck):
    body = (
        flash("value {{= value:.4g}} at {{= steps:.0f}} steps").replace(
            'back = "B"', 'back = "B = {{= value:.2e}}"'
        )
        + "params = { rho = 0.5, steps = 4 }\n"
    )
    card = load_deck(write_deck(body)).card("f")
    showing = prepare(card)
    assert showing.report is None and showing.needs_report  # prepare ran nothing
    assert showing.explanation == f"value {PENDING} at {PENDING} steps"
    assert showing.back == showing.answer_text() == f"B = {PENDING}"
    filled = showing.with_report(registry.run("test.fixture_power", showing.params))
    assert not filled.needs_report and filled.params == {"rho": 0.5, "steps": 4}
    assert filled.explanation == "value 0.0625 at 4 steps"
    assert filled.back == filled.answer_text() == "B = 6.25e-2"
    assert render_text(card.explanation, filled.report) == filled.explanation


def test_cards_without_placeholders_render_unchanged(fixture_experiments, write_deck):
    card = load_deck(write_deck(flash("plain x^{x} and {{gap}}"))).card("f")
    showing = prepare(card)
    assert not showing.needs_report
    assert showing.explanation == card.explanation and showing.back == "B"
    assert re.search(r"\{\{gap\}\}", showing.explanation)
