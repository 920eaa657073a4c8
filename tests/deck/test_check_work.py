"""`studyapp check` bounds its work and shows it: each distinct run once, a per-deck
budget, one deck's failure kept to that deck, progress on stderr, a closed pipe."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from studyapp.cli import main
from studyapp.commands.check_progress import PlainProgress, check_progress
from studyapp.deck import checker
from studyapp.deck.checker import CheckBudget, check_paths
from tests.deck.conftest import HEADER

TF = """
[[card]]
id = "c{n}"
type = "truefalse"
prompt = "P"
answer = true
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"
params = {params}
"""


def cards(params: list[str]) -> str:
    return HEADER + "".join(TF.format(n=n, params=p) for n, p in enumerate(params))


def test_identical_runs_are_computed_once_defaults_included(
    fixture_experiments, write_deck, monkeypatch
):
    calls = []
    real = checker.registry.run
    monkeypatch.setattr(
        checker.registry,
        "run",
        lambda name, params, **kw: calls.append(params) or real(name, params),
    )
    path = write_deck(
        cards(["{}", "{ rho = 0.5 }", '{ steps = 10, mode = "a" }', "{ rho = 1.0 }", "{}"]),
        header=False,
    )
    result = check_paths([path])
    assert result.errors == 0
    assert result.engine_runs == 2 and len(calls) == 2  # the defaults, and rho = 1.0


def test_a_deck_over_the_run_budget_is_stopped_with_a_located_error(
    fixture_experiments, write_deck
):
    path = write_deck(cards([f"{{ steps = {n} }}" for n in range(1, 8)]), header=False)
    result = check_paths([path], budget=CheckBudget(max_runs=4))
    assert result.engine_runs == 4
    (issue,) = [i for i in result.issues if i.severity == "error"]
    assert "engine checks stopped at this card" in issue.message
    assert "more than 4 distinct engine runs" in issue.message
    rows = path.read_text().split("\n")
    assert rows[issue.line - 1] == "[[card]]" and rows[issue.line] == 'id = "c4"'


def test_the_budget_is_per_deck_so_other_decks_are_still_checked(fixture_experiments, tmp_path):
    greedy = cards([f"{{ steps = {n} }}" for n in range(1, 8)])
    (tmp_path / "a.toml").write_text(greedy, encoding="utf-8")
    modest = cards(["{ rho = 1.5 }", "{ rho = 1.25 }"]).replace('id = "fixture"', 'id = "b"')
    (tmp_path / "b.toml").write_text(modest, encoding="utf-8")
    result = check_paths([tmp_path], budget=CheckBudget(max_runs=3))
    stopped = [i for i in result.issues if "engine checks stopped" in i.message]
    assert [i.path.name for i in stopped] == ["a.toml"]
    assert result.engine_runs == 3 + 2


def test_a_zero_second_budget_stops_after_the_first_run(fixture_experiments, write_deck):
    path = write_deck(cards(["{ steps = 1 }", "{ steps = 2 }"]), header=False)
    result = check_paths([path], budget=CheckBudget(max_seconds=0.0))
    assert result.engine_runs == 1
    assert "engine checks stopped" in result.issues[-1].message


def test_a_crash_while_checking_one_deck_is_that_decks_error(
    fixture_experiments, tmp_path, monkeypatch
):
    (tmp_path / "a.toml").write_text(cards(["{}"]), encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        cards(["{ rho = 1.5 }"]).replace('id = "fixture"', 'id = "b"'), encoding="utf-8"
    )
    real = checker._EngineCheck.card

    def card(self, inspection, i, card):
        if inspection.path.name == "a.toml":
            raise KeyError("surprise")
        return real(self, inspection, i, card)

    monkeypatch.setattr(checker._EngineCheck, "card", card)
    result = check_paths([tmp_path])
    (issue,) = result.issues
    assert issue.path.name == "a.toml" and "cannot check the deck (KeyError" in issue.message
    assert result.engine_runs == 1  # b.toml was still checked


def test_plain_progress_lines_name_each_deck(fixture_experiments, tmp_path):
    for name in ("a", "b"):
        deck = cards(["{ steps = 1 }", "{ steps = 2 }"]).replace('"fixture"', f'"{name}"')
        (tmp_path / f"{name}.toml").write_text(deck, encoding="utf-8")
    stream = io.StringIO()
    check_paths([tmp_path], progress=PlainProgress(stream))
    assert stream.getvalue().split("\n") == [
        "running 4 engine check(s)",
        f"checking {tmp_path / 'a.toml'} (engine checks done: 0/4)",
        f"checking {tmp_path / 'b.toml'} (engine checks done: 2/4)",
        "engine checks finished",
        "",
    ]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar(fixture_experiments, write_deck):
    path = write_deck(cards(["{ steps = 1 }", "{ steps = 2 }", "{ steps = 3 }"]), header=False)
    terminal = FakeTerminal()
    with check_progress(terminal) as progress:
        assert not isinstance(progress, PlainProgress)
        check_paths([path], progress=progress)
    drawn = terminal.getvalue()
    assert "━" in drawn and "3/3" in drawn and "engine checks finished" in drawn
    pipe = io.StringIO()
    with check_progress(pipe) as progress:
        assert isinstance(progress, PlainProgress)


def test_check_into_a_closed_pipe_ends_quietly(tmp_path):
    # 2000 cards without an answer: about 200 kB of errors, more than a pipe holds
    card = '[[card]]\nid = "c{n}"\ntype = "truefalse"\nprompt = "P"\nexplanation = "E"\n'
    text = HEADER + "".join(card.replace("{n}", str(n)) for n in range(2000))
    (tmp_path / "many.toml").write_text(text, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, "-m", "studyapp", "check", "--quiet", "--no-engine", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(10)
    reader.stdout.close()  # like `| head -c 10`
    errors = reader.stderr.read().decode()
    assert reader.wait(timeout=120) == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors


def test_cli_budget_options(fixture_experiments, write_deck, capsys):
    path = write_deck(cards([f"{{ steps = {n} }}" for n in range(1, 5)]), header=False)
    code = main(["check", "--quiet", "--max-engine-runs", "2", str(path)])
    out = capsys.readouterr()
    assert code == 1 and out.err == ""
    assert "more than 2 distinct engine runs" in out.out


def test_a_long_run_is_cancelled_when_the_decks_time_is_spent(
    fixture_experiments, write_deck, monkeypatch
):
    polls = []

    def long_run(name, params, *, cancel):
        """Stands for a long experiment: it polls `cancel` between its steps."""
        while not cancel():
            polls.append(time.perf_counter())
            time.sleep(0.01)
        raise checker.registry.Cancelled(f"{name} cancelled")

    monkeypatch.setattr(checker.registry, "run", long_run)
    path = write_deck(cards(["{ steps = 1 }", "{ steps = 2 }"]), header=False)
    result = check_paths([path], budget=CheckBudget(max_seconds=0.05))
    messages = [issue.message for issue in result.issues]
    assert messages[0] == (
        "experiment 'test.fixture_power' stopped: the deck's engine time (0.05 s) ran out "
        "during this run"
    )
    assert "engine checks stopped at this card" in messages[1]
    assert len(messages) == 2 and polls
