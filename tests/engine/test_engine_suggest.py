"""The bounded did-you-mean shared by the registry and the deck field reader."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.suggest import MAX_COMPARED, close_matches

NAMES = ["bptt.gradients", "bptt.truncated", "clipping.global_norm", "vanishing.bound"]


def test_finds_a_misspelt_name():
    assert close_matches("bptt.gradient", NAMES)[0] == "bptt.gradients"
    assert close_matches("clipping.globalnorm", NAMES, n=1) == ["clipping.global_norm"]


def test_nothing_close_gives_nothing():
    assert close_matches("zzzzzz", NAMES) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.lists(st.text(max_size=40), max_size=8))
def test_agrees_with_difflib_on_short_words(word, options):
    ours = set(close_matches(word, options, n=len(options) or 1, cutoff=0.6))
    theirs = set(difflib.get_close_matches(word, options, n=len(options) or 1, cutoff=0.6))
    assert ours == theirs


def test_a_huge_misspelt_value_is_cut_before_comparing(monkeypatch):
    seen = []
    original = difflib.SequenceMatcher.set_seq1

    def spy(self, a):
        seen.append(len(a))
        return original(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", spy)
    huge = "bptt.gradients" + "x" * 1_000_000
    assert close_matches(huge, [*NAMES, huge]) == [huge]
    assert max(seen) <= MAX_COMPARED
