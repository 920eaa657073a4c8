"""Support for the app tests: test experiments, small test decks, constants, helpers.

The tests never depend on the bundled experiments or decks, which change as content lands.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timezone

from engine.registry import Cancelled, Experiment, Param
from engine.report import Formula, Report, Scalar, Series, Table

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
DECAY = "apptest.decay"
SLOW = "apptest.slow"
EXPERIMENTS = (DECAY, SLOW)
TERMINAL = (80, 24)
LARGE = (120, 40)
THEME = "textual-dark"

calls: Counter[str] = Counter()  # experiment name -> times run (and "apptest.slow:cancelled")
slow_started = threading.Event()


def decay(rho: float, steps: int, mode: str, log_scale: bool) -> Report:
    """rho^k for k = 0..steps, with every part a Report can have."""
    calls[DECAY] += 1
    values = [rho**k for k in range(steps + 1)]
    return Report(
        title=f"rho^k for rho={rho:g}, k=0..{steps}",
        steps=["start from 1", "multiply by rho at each step: h[t-1] -> h[t]"],
        scalars=[
            Scalar("final", values[-1], "", "rho^steps"),
            Scalar("rho", rho, "", "decay per step"),
        ],
        tables=[Table("first values", ["k", "rho^k"], [[k, v] for k, v in enumerate(values)][:4])],
        series=[
            Series(
                "rho^k",
                list(range(steps + 1)),
                values,
                plot="decay",
                x_label="lag k",
                y_label="rho^k",
                log_y=log_scale,
            )
        ],
        formulas=[Formula("rule", "ρ^k")],
    )


def slow(ticks: int, progress, cancel) -> Report:
    """Sleeps 20 ms per tick, reporting progress, until done or cancelled."""
    calls[SLOW] += 1
    slow_started.set()
    for tick in range(ticks):
        if cancel():
            calls[f"{SLOW}:cancelled"] += 1
            raise Cancelled("stopped by the learner")
        progress(tick / ticks, f"tick {tick} of {ticks}")
        time.sleep(0.02)
    return Report(title=f"{ticks} ticks done", scalars=[Scalar("ticks", ticks)])


TEST_EXPERIMENTS = (
    Experiment(
        DECAY,
        "vanishing",
        "How rho^k decays with the lag k (a stand-in for a Jacobian norm).",
        (
            Param("rho", float, 0.5, "decay per step", minimum=0.0, maximum=2.0),
            Param("steps", int, 4, "number of steps", minimum=1, maximum=50),
            Param("mode", str, "plain", "how to show it", choices=("plain", "signed")),
            Param("log_scale", bool, True, "plot on a log axis"),
        ),
        decay,
    ),
    Experiment(
        SLOW,
        "clipping",
        "A long experiment: ticks with progress, stops when cancelled.",
        (Param("ticks", int, 3, "how many 20 ms ticks", minimum=1, maximum=5000),),
        slow,
        long=True,
    ),
)


QUIZ_DECK = f'''
[deck]
id = "apptest"
title = "App test deck"
description = "Small deck for the app tests."
topic = "vanishing"
version = 1
authors = ["tests"]
tags = ["test"]

[[card]]
id = "pick"
type = "choice"
prompt = "What does rho^k do for rho = 0.5 as k grows? (h[t-1] stays literal)"
explanation = "It halves at every step."
choices = ["It vanishes", "It explodes", "It stays [constant]"]
answer = "It vanishes"
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
[[card.feedback]]
answer = "It explodes"
text = "Only for rho > 1."

[[card.feedback]]
answer = "It stays [constant]"
text = "Only for rho = 1."

[[card]]
id = "power"
type = "numeric"
prompt = "What is 0.5^4?"
explanation = "0.5^4 = 1/16."
answer = 0.0625
rtol = 1e-3
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
answer = "final"
'''

FLASH_DECK = f'''
[deck]
id = "appflash"
title = "App flash deck"
description = "Flashcards for the app tests."
topic = "clipping"
version = 1
authors = ["tests"]
tags = ["test"]

[[card]]
id = "front"
type = "flashcard"
prompt = "What does global-norm clipping preserve?"
explanation = "Only the length changes."
back = "The direction of the gradient."
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.9, steps = 6 }}
'''

BROKEN_DECK = """
[deck]
id = "broken"
title = "Broken
"""


def table_cells(table) -> dict[str, str]:
    """First column -> second column of a DataTable, as plain text."""
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return {str(row[0]): str(row[1]) for row in rows}


def scalar_cells(panel) -> dict[str, str]:
    """Scalar name -> shown value in an engine panel's report (its first table)."""
    from studyapp.ui.widgets.report_view import ReportView

    return {row[0]: row[1] for row in panel.query_one(ReportView).tables[0].rows}


def screen_text(app) -> str:
    """The active screen as plain text, one line per terminal row (what a learner reads)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def option_texts(widget) -> list[str]:
    """The texts of a choice or multi widget's options as shown, without their `N. `."""
    return [
        str(widget.get_option_at_index(i).prompt).split(". ", 1)[1]
        for i in range(widget.option_count)
    ]


def key_for(widget, text: str) -> str:
    """The number key of the option showing `text` (choices are shuffled by default, so
    tests answer by text, never by position)."""
    return str(option_texts(widget).index(text) + 1)


def key_not_for(widget, *texts: str) -> str:
    """The number key of the first option showing none of `texts` (a wrong choice)."""
    shown = option_texts(widget)
    return str(next(i for i, t in enumerate(shown) if t not in texts) + 1)
