"""`python -m engine`: list, show and run experiments; benchmark the engine.

Exit codes: 0 success, 1 the experiment itself failed or was interrupted,
2 bad usage (unknown command, experiment or parameter; a value out of range), with a
message on stderr that says what to type instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import NoReturn

from engine import registry

PROG = "python -m engine"
LIST_WIDTH = 80


class UsageError(Exception):
    """Bad command-line usage; the message says what to type instead."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so main() owns the exit code."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Run the RNN gradient experiments behind every studyapp answer.",
        epilog=f"Start with `{PROG} list`, then `{PROG} show NAME` and `{PROG} run NAME`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("list", help="list the registered experiments, grouped by topic")
    show = sub.add_parser("show", help="an experiment's parameters: defaults, bounds, help")
    show.add_argument("name", help="experiment name, e.g. clipping.by_norm")
    run = sub.add_parser(
        "run",
        help="run an experiment and print its report",
        description="Run an experiment. Parameters are key=value pairs, e.g. "
        f"`{PROG} run vanishing.sigmoid_bound steps=5`.",
    )
    run.add_argument("name", help="experiment name, e.g. clipping.by_norm")
    run.add_argument("params", nargs="*", metavar="key=value", help="parameter values")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.add_argument("--seed", type=int, help="shorthand for seed=N")
    # `bench ARGS...` is forwarded before parsing (see main); listed here for --help.
    sub.add_parser(
        "bench",
        help="benchmark the engine (--latency: every experiment at its defaults; "
        "--bounds: at the corners of its bounds)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv`; a reader that closes the pipe early (`| head`) ends
    the output quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the flush at exit
        return code
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at devnull so that flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        if argv[:1] == ["bench"]:  # forward everything after `bench` untouched
            return _bench(argv[1:])
        args, extras = parser.parse_known_args(argv)
        if extras:  # key=value pairs after an option (`run NAME --json k=v`) land here
            if args.command != "run" or any(e.startswith("-") for e in extras):
                parser.error(f"unrecognized arguments: {' '.join(extras)}")
            args.params += extras
        if args.command is None:
            parser.print_help(sys.stderr)
            print(f"\nerror: no command given; try `{PROG} list`", file=sys.stderr)
            return 2
        if args.command == "list":
            return _list()
        if args.command == "show":
            return _show(args.name)
        return _run(args.name, args.params, as_json=args.json, seed=args.seed)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except registry.UnknownExperiment as err:
        print(f"error: {err}\nSee `{PROG} list` for every experiment.", file=sys.stderr)
        return 2
    except registry.ParamError as err:
        print(
            f"error: {err}\nSee `{PROG} show {err.experiment}` for parameters and bounds.",
            file=sys.stderr,
        )
        return 2


def _list() -> int:
    by_topic: dict[str, list[registry.Experiment]] = {}
    for exp in registry.all_experiments():
        by_topic.setdefault(exp.topic, []).append(exp)
    for topic in sorted(by_topic):
        print(f"{topic}:")
        width = max(len(e.name) for e in by_topic[topic])
        for exp in by_topic[topic]:
            tag = " [long]" if exp.long else ""
            line = f"  {exp.name:<{width}}  {exp.summary}{tag}"
            if len(line) > LIST_WIDTH:  # the summary on its own line, under the name
                line = f"  {exp.name}\n      {exp.summary}{tag}"
            print(line)
    print(f"\nParameters: `{PROG} show NAME`")
    print(f"Run:        `{PROG} run NAME key=value ... [--json] [--seed N]`")
    return 0


def _show(name: str) -> int:
    exp = registry.get(name)
    print(f"{exp.name}  ({exp.topic}{', long-running' if exp.long else ''})")
    print(exp.summary)
    if not exp.params:
        print("\nNo parameters.")
        return 0
    print("\nParameters:")
    for p in exp.params:
        unit = f" {p.unit}" if p.unit else ""
        print(f"  {p.name} = {p.default!r}{unit}   ({p.allowed()})")
        print(textwrap.fill(p.help, width=80, initial_indent=" " * 6, subsequent_indent=" " * 6))
    example = " ".join(f"{p.name}={p.default}" for p in exp.params[:2])
    print(f"\nExample:\n  {PROG} run {exp.name} {example}")
    return 0


def parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`["k=v", ...]` → `{"k": "v"}`; values stay text (`registry.parse` converts them)."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"parameter {pair!r} is not key=value; write e.g. steps=5")
        if key.strip() in params:
            raise UsageError(f"parameter {key.strip()!r} given twice")
        params[key.strip()] = value.strip()
    return params


def _run(name: str, pairs: Sequence[str], *, as_json: bool, seed: int | None) -> int:
    exp = registry.get(name)
    texts = parse_assignments(pairs)
    if seed is not None:
        if "seed" not in {p.name for p in exp.params}:
            raise UsageError(f"{name} takes no seed (it is not random); drop --seed")
        if "seed" in texts:
            raise UsageError("seed given twice: use either --seed N or seed=N")
        texts["seed"] = str(seed)
    params = registry.parse(name, texts)  # usage errors (exit 2) before any work starts
    from engine import threads

    threads.configure()  # BLAS on the idle cores (or the user's OPENBLAS_NUM_THREADS)
    progress = _print_progress if exp.long and sys.stderr.isatty() else None
    try:
        report = registry.run(name, params, progress=progress)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 1
    if progress:
        print(file=sys.stderr)
    if as_json:
        print(report.to_json())
    else:
        from engine.render import render

        print(render(report), end="")
    return 0


def _print_progress(fraction: float, message: str) -> None:
    print(f"\r[{fraction:4.0%}] {message[:60]:<60}", end="", file=sys.stderr, flush=True)


def _bench(args: Sequence[str]) -> int:
    if "--bounds" in args:
        from engine import bounds_bench

        return bounds_bench.main([a for a in args if a != "--bounds"])
    if "--latency" in args:
        from engine import latency

        return latency.main([a for a in args if a != "--latency"])
    try:
        from engine import bench
    except ModuleNotFoundError as err:
        if err.name != "engine.bench":
            raise
        print("error: engine.bench is not available in this build", file=sys.stderr)
        return 1
    return bench.main(list(args))
