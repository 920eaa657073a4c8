"""The safe evaluator for typed numeric answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.deck.errors import AnswerError
from studyapp.deck.numbers import Precision, evaluate


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9.77e-4", 9.77e-4),
        ("1/1024", 1 / 1024),
        ("0.25^5", 0.25**5),
        ("2**-10", 2**-10),
        ("2^-10", 2**-10),
        ("-(1 - 0.9) * 3", -(1 - 0.9) * 3),
        ("9" * 199, float("9" * 199)),
        ("  +4 ", 4.0),
        ("(2^3)^2", 64.0),
        ("2^3^2", 2.0**9),  # right-associative, like Python and maths
        ("3 × 4 − 2", 10.0),
        ("5,376", 5376.0),
        ("282,624.5", 282624.5),
        ("282 624", 282624.0),
        ("1\u202f000\u202f000", 1e6),
        ("−8.26893×10^-2", -8.26893e-2),
        (".5", 0.5),
        ("1e300", 1e300),
        ("0^0", 1.0),
        ("(-8)^3", -512.0),
    ],
)
def test_reads_arithmetic(text, value):
    assert evaluate(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "type a number"),
        ("x", "only numbers"),
        ("__import__('os')", "only numbers"),
        ("math.pi", "only numbers"),
        ("abs(-1)", "only numbers"),
        ("[1][0]", "only numbers"),
        ("'1'", "is not a number"),
        ("True", "is not a number"),
        ("1j", "is not a number"),
        ("1 if 1 else 2", "only numbers"),
        ("lambda: 1", "only numbers"),
        ("1 // 2", "only numbers"),
        ("7 % 2", "only numbers"),
        ("1/0", "division by zero"),
        ("0^-1", "zero to a negative power"),
        ("(-8)^(1/3)", "fractional power"),
        ("9**9**9", "exponent 3.8742e+08 is too large"),
        ("10^400", "too large"),
        ("1e400", "too large"),
        ("1e300 * 1e10", "too large"),
        ("2^1001", "exponent 1001 is too large"),
        ("1 +", "cannot read"),
        ("(" * 150 + "1" + ")" * 150, "longer than 200"),
        ("1\x00", "cannot read"),
        ("1_000", "is not a number"),
        ("0x0d", "is not a number"),
        ("0b1101", "is not a number"),
        ("0o15", "is not a number"),
        ("1,5", "a comma only groups thousands"),
        ("1,0000", "a comma only groups thousands"),
        ("9" * 5000, "longer than 200"),
        ("2 3", "cannot read"),
        ("1 0000", "cannot read"),
        ("2^" + "(" * 49 + "2" + ")" * 49, "nested too deeply"),
    ],
)
def test_refuses(text, reason):
    with pytest.raises(AnswerError) as caught:
        evaluate(text)
    assert reason in str(caught.value)


@given(st.text(max_size=60))
def test_any_text_gives_a_finite_number_or_answer_error(text):
    try:
        value = evaluate(text)
    except AnswerError:
        return
    assert math.isfinite(value)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_round_trips_repr(value):
    assert evaluate(repr(value)) == value


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("5.65°", "degrees", 5.65),
        ("5.65 °", "degrees", 5.65),
        ("5.65 deg", "degrees", 5.65),
        ("5.65 degrees", "degrees", 5.65),
        ("5.65", "degrees", 5.65),
        ("12 ms", "ms", 12.0),
        ("3 GB", "GB", 3.0),
        ("2 gigabytes", "GB", 2.0),
    ],
)
def test_reads_units_by_any_alias(text, unit, value):
    assert evaluate(text, unit=unit) == value


@pytest.mark.parametrize(("text", "unit"), [("5 ms", "s"), ("5 rad", "degrees"), ("5°", "")])
def test_refuses_another_unit(text, unit):
    with pytest.raises(AnswerError):
        evaluate(text, unit=unit)


@pytest.mark.parametrize(
    ("precision", "value", "expected", "right"),
    [
        (Precision(sigfigs=6), 2.0, 1.9999998461538582, True),
        (Precision(sigfigs=9), 2.0, 1.9999998461538582, False),
        (Precision(sigfigs=3), 5.65, 5.653297377085017, True),
        (Precision(sigfigs=3), 5.66, 5.653297377085017, False),
        (Precision(sigfigs=2), 0.13, 0.125, True),  # half a unit either way
        (Precision(sigfigs=2), 0.12, 0.125, True),
        (Precision(sigfigs=2), 0.14, 0.125, False),
        (Precision(rtol=1e-3), 304.5, 304.4816395414213, True),
        (Precision(rtol=1e-3), 304.9, 304.4816395414213, False),
        (Precision(atol=0.01), 0.005, 0.0, True),
        (Precision(sigfigs=3), 0.0, 0.0, True),
    ],
)
def test_precision_matches(precision, value, expected, right):
    assert precision.matches(value, expected) is right


def test_precision_is_stated_for_the_prompt():
    assert Precision(sigfigs=3).describe() == "to 3 significant figures"
    assert Precision(sigfigs=1).describe() == "to 1 significant figure"
    assert Precision(rtol=1e-3).describe() == "within 0.1% (relative)"
    assert Precision(atol=0.5).describe(2.0) == "within ±0.5"


@given(
    st.floats(min_value=1e-200, max_value=1e200),
    st.sampled_from([Precision(sigfigs=3), Precision(sigfigs=6), Precision(rtol=1e-6)]),
)
def test_the_number_shown_is_accepted(expected, precision):
    digits = precision.digits_shown(expected)
    shown = f"{expected:.{digits}g}"
    assert precision.matches(evaluate(shown), expected)
