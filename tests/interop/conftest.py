"""Shared fixtures: a small deck with one card of each exported kind."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE_DECK = """
[deck]
id = "interop-sample"
title = "Interop <sample> & co"
topic = "clipping"
tags = ["sample deck"]

[[card]]
id = "basic-html"
type = "flashcard"
prompt = "What does <b>clip</b> & *rescale* do?"
back = "Rescales g when ‖g‖ > c"
explanation = "Pascanu et al. 2013 <script>alert(1)</script>"
tags = ["basics"]

[card.engine]
experiment = "clipping.by_norm"
params = { max_norm = 2.0 }

[[card]]
id = "pick-one"
type = "choice"
prompt = "Which norm does clip_grad_norm_ use by default?"
choices = ["L2 over all tensors", "L1 per tensor", "max per entry"]
answer = "L2 over all tensors"
explanation = "One global L2 norm."
tags = ["pytorch"]

[[card.feedback]]
answer = "L1 per tensor"
text = "That is not the default norm_type."

[card.engine]
experiment = "clipping.by_norm"
params = { max_norm = 2.0 }

[[card]]
id = "gap"
type = "cloze"
prompt = "The state h_{t-1} feeds {{gap}} into a_t."
answers = ["W h_{t-1}", "W h_(t-1)"]
explanation = "The recurrent term."
tags = ["forward"]

[card.engine]
experiment = "clipping.by_norm"
params = { max_norm = 2.0 }

[[card]]
id = "random-coefficient"
type = "numeric"
prompt = "Gradients [3, 4] and [12] clipped with max_norm={max_norm}: the coefficient?"
sigfigs = 6
explanation = "min(1, max_norm/(13 + 1e-6)) = {{= coefficient:.9g}}"
tags = ["global-norm"]

[card.random]
max_norm = { choices = [1.0, 2.0, 5.0] }

[card.engine]
experiment = "clipping.by_norm"
params = { max_norm = 2.0 }
answer = "coefficient"
"""


@pytest.fixture
def sample_deck(tmp_path: Path) -> Path:
    path = tmp_path / "sample.toml"
    path.write_text(SAMPLE_DECK, encoding="utf-8")
    return path
