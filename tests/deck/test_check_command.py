"""`studyapp check` and `studyapp decks`, driven through the real CLI entry point."""

from __future__ import annotations

import json
import re

import pytest

from studyapp.cli import main
from studyapp.deck.checker import check_paths
from tests.deck.conftest import HEADER
from tests.deck.decks import EVERY_TYPE

LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<msg>.+)$"
)


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out.strip().split("\n")


def line_of(path, fragment: str, after: int = 0) -> int:
    rows = path.read_text().split("\n")
    return next(n for n, row in enumerate(rows, 1) if n > after and fragment in row)


def test_good_deck_passes(fixture_experiments, write_deck, capsys):
    path = write_deck(EVERY_TYPE)
    code, out = run(capsys, str(path))
    assert code == 0
    # each distinct (experiment, params) runs once: default params (the numeric card's
    # params = { rho = 0.5, steps = 10 } are the defaults written out, so the same run),
    # the choice card's, and 3 seeded draws of the random card
    assert out == ["1 file(s), 1 deck(s), 9 card(s), 5 engine run(s): 0 error(s), 0 warning(s)"]


def test_stated_answer_that_disagrees_with_the_engine_fails(
    fixture_experiments, write_deck, capsys
):
    path = write_deck(EVERY_TYPE.replace("answer = 0.0009765625", "answer = 0.00099"))
    code, out = run(capsys, str(path))
    assert code == 1
    (issue, summary) = out
    match = LINE.match(issue)
    assert match and match["severity"] == "error"
    assert int(match["line"]) == line_of(path, "answer = 0.00099")
    assert (
        "answer = 0.00099 disagrees with the engine: test.fixture_power gives value = 0.000976562"
        in issue
    )
    assert summary.endswith("1 error(s), 0 warning(s)")
    # --no-engine skips the runs, so the same deck passes the schema check
    code, out = run(capsys, "--no-engine", str(path))
    assert code == 0 and "0 engine run(s)" in out[-1]


def test_tolerance_decides_agreement(fixture_experiments, write_deck, capsys):
    # 0.000986 is 0.97 % off the engine's 0.0009765625: inside rtol = 1e-2, so it passes
    path = write_deck(EVERY_TYPE.replace("answer = 0.0009765625", "answer = 0.000986"))
    assert run(capsys, str(path))[0] == 0


def test_engine_problems_are_errors_at_the_card(fixture_experiments, write_deck, capsys):
    body = (
        EVERY_TYPE.replace('steps = 10 }\nanswer = "value"', 'steps = 10 }\nanswer = "valeu"')
        .replace(
            'experiment = "test.fixture_power"\n\n[[card]]\nid = "gap"',
            'experiment = "test.fixture_crash"\n\n[[card]]\nid = "gap"',
        )
        + '''
[[card]]
id = "nan"
type = "numeric"
prompt = "P"
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_nan"
answer = "value"
'''
    )  # fmt: skip
    path = write_deck(body)
    code, out = run(capsys, str(path))
    assert code == 1
    issues = [LINE.match(row) for row in out[:-1]]
    assert all(issues) and len(issues) == 3, out
    by_message = {m["msg"].split(":")[0]: int(m["line"]) for m in issues}
    assert by_message[
        "the report of 'test.fixture_power' has no scalar 'valeu'; its scalars are"
    ] == line_of(path, 'answer = "valeu"')
    assert "experiment 'test.fixture_crash' failed" in by_message
    assert by_message["value is nan"] == line_of(
        path, 'answer = "value"', line_of(path, 'id = "nan"')
    )
    assert out[-1].endswith("3 error(s), 0 warning(s)")


def test_random_draws_are_checked(fixture_experiments, write_deck, capsys):
    # 5 seeded draws of the random card, plus the 2 distinct fixed links (the numeric
    # card writes out the default parameters: the same run as the cards without params)
    path = write_deck(EVERY_TYPE)
    result = check_paths([path], draws=5)
    assert result.errors == 0 and result.engine_runs == 2 + 5


def test_loose_atol_warning_needs_the_engine_value(fixture_experiments, write_deck, capsys):
    path = write_deck(
        EVERY_TYPE.replace("rtol = 1e-2\n", "atol = 0.002\nrtol = 0\n").replace(
            "answer = 0.0009765625\n", ""
        )
    )
    code, out = run(capsys, str(path))
    assert code == 0
    (warning, _) = out
    assert "warning: atol = 0.002 is at least the answer 0.000977, so 0 is accepted" in warning
    assert int(LINE.match(warning)["line"]) == line_of(path, "atol = 0.002")


def test_json_output(fixture_experiments, write_deck, capsys):
    bad = write_deck(EVERY_TYPE.replace('answer = "O(T*H^2)"', 'answer = "nope"'), name="bad.toml")
    good = write_deck(EVERY_TYPE.replace('id = "fixture"', 'id = "other"'), name="good.toml")
    code = main(["check", "--json", "--no-engine", str(bad), str(good)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["summary"] == {
        "files": 2, "decks": 1, "cards": 9, "engine_runs": 0, "errors": 1, "warnings": 0,
    }  # fmt: skip
    (issue,) = data["issues"]
    assert issue["path"] == str(bad) and issue["severity"] == "error"
    assert issue["line"] == line_of(bad, 'answer = "nope"') and issue["col"] == 1
    assert "'nope' is not one of the choices" in issue["message"]


def test_directories_and_duplicate_deck_ids(fixture_experiments, tmp_path, capsys):
    folder = tmp_path / "decks"
    folder.mkdir()
    for name in ("a.toml", "b.toml"):
        (folder / name).write_text(HEADER + EVERY_TYPE, encoding="utf-8")
    code, out = run(capsys, "--no-engine", str(folder))
    assert code == 1
    assert (
        out[0] == f"{folder / 'b.toml'}:2:1: error: deck id 'fixture' is already used by "
        f"{folder / 'a.toml'}; give this deck its own id"
    )


def test_no_decks_and_missing_files(tmp_path, capsys):
    code, out = run(capsys, str(tmp_path))
    assert code == 1 and "no deck files (*.toml) found" in out[0]
    code, out = run(capsys, str(tmp_path / "absent.toml"))
    assert code == 1 and out[0].startswith(f"{tmp_path / 'absent.toml'}:1:1: error: cannot read")


def test_syntax_error_output_is_one_located_line(tmp_path, capsys):
    path = tmp_path / "broken.toml"
    path.write_text('[deck]\nid = "x"\ntitle = oops\n', encoding="utf-8")
    code, out = run(capsys, str(path))
    assert code == 1
    hint = 'values are "text in quotes", numbers, true/false, [lists] or { tables }'
    assert out[0] == f"{path}:3:9: error: invalid TOML: Invalid value; {hint}"


def test_check_needs_a_path(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["check"])
    assert caught.value.code == 2


def test_decks_command_lists_ids_counts_and_failures(
    fixture_experiments, tmp_path, monkeypatch, capsys
):
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "a.toml").write_text(HEADER + EVERY_TYPE, encoding="utf-8")
    (bundled / "b.toml").write_text("[deck]\nid = 3\n", encoding="utf-8")
    monkeypatch.setattr("studyapp.commands.decks.bundled_decks_dir", lambda: bundled)
    assert main(["decks"]) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[0] == f"bundled decks in {bundled}:"
    assert re.match(r"^  fixture\s+9 cards  Fixture deck  \(a\.toml\)$", out[1])
    assert out[2].startswith(f"  FAILED b.toml: {bundled / 'b.toml'}:1:1: error: missing 'title'")
    assert out[2].endswith(f"(+3 more; run `studyapp check {bundled / 'b.toml'}`)")


def test_decks_command_on_the_bundled_decks(capsys):
    assert main(["decks"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("bundled decks in ")
    assert "bptt" in out


def test_failing_random_draw_is_reported_once_with_its_values(
    fixture_experiments, write_deck, capsys
):
    path = write_deck(
        """
        [[card]]
        id = "nan-draws"
        type = "numeric"
        prompt = "Value at {rho}?"
        explanation = "E"
        tags = ["t"]
        [card.engine]
        experiment = "test.fixture_nan"
        answer = "value"
        [card.random]
        rho = { min = 0.5, max = 1.5 }
        """
    )
    code, out = run(capsys, str(path))
    assert code == 1
    (issue, summary) = out
    assert re.search(r"error: value is nan \(draw 0: \{'rho': [0-9.]+\}\)$", issue)
    assert "3 engine run(s): 1 error(s)" in summary
