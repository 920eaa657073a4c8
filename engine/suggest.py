"""A bounded did-you-mean: the known names closest to a misspelt one.

difflib's ratio is quadratic in the lengths compared, so a huge misspelt value could
take seconds. Here the typed word and each option are cut to MAX_COMPARED characters
and at most MAX_OPTIONS options are considered, so one call does bounded work whatever
it is given. Names longer than the cut are still suggested by their beginnings.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_COMPARED = 64  # characters of the word and of each option compared
MAX_OPTIONS = 2000


def close_matches(word: str, options: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `n` of `options` whose similarity ratio to `word` is >= `cutoff`, best first
    (difflib's ratio 2*M/(len(a)+len(b)) on the first MAX_COMPARED characters)."""
    typed = word[:MAX_COMPARED]
    scored = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(typed)
    for index, option in enumerate(options):
        if index >= MAX_OPTIONS:
            break
        matcher.set_seq1(option[:MAX_COMPARED])
        if (
            matcher.real_quick_ratio() >= cutoff
            and matcher.quick_ratio() >= cutoff
            and (ratio := matcher.ratio()) >= cutoff
        ):
            scored.append((ratio, index, option))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [option for _, _, option in scored[:n]]
