"""`studyapp serve [--host 127.0.0.1] [--port 8000]`: the app in a web browser."""

from __future__ import annotations

import argparse
import shlex
import sys

LOCALHOST = "127.0.0.1"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the app to web browsers (one app process per visitor)",
        description="Serves the app over HTTP with textual-serve. Every visitor gets an app "
        "process of their own with a new progress directory under DATA_DIR/web-visitors. "
        "Binds to 127.0.0.1 (this machine only) unless --host says otherwise.",
    )
    parser.add_argument("--host", default=LOCALHOST, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=run)


def session_command(data: str, theme: str, config: str | None = None) -> str:
    """The shell command textual-serve runs for each visitor (reading, never writing, the
    settings file `config` when given)."""
    parts = [sys.executable, "-m", "studyapp.interop.web_session", "--data-dir", data]
    settings = [] if config is None else ["--config", config]
    return shlex.join([*parts, "--theme", theme, *settings])


def run(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    from studyapp.paths import data_dir

    data = data_dir(args.data_dir)
    url = f"http://{args.host}:{args.port}"
    reach = (
        "this machine only; pass --host 0.0.0.0 to share it on your network"
        if args.host in (LOCALHOST, "localhost", "::1")
        else f"any machine that can reach {args.host}"
    )
    print(
        f"studyapp serve: open {url} ({reach}); progress under {data}/web-visitors; Ctrl+C stops",
        flush=True,
    )
    Server(
        session_command(str(data), args.theme or args.settings.theme, str(args.settings_path)),
        host=args.host,
        port=args.port,
        title="studyapp",
    ).serve()
    return 0
