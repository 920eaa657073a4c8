"""`studyapp serve`: the server answers on a free localhost port, and a real headless
browser (Debian's chromium + chromedriver, through selenium) answers one quiz card."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.commands.serve import session_command

REPO = Path(__file__).resolve().parents[2]
PATIENCE_S = 60.0  # a guard against a hang only; every wait ends as soon as it is met


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    config = tmp_path / "settings.toml"  # never the learner's; cards in deck order
    config.write_text("[quiz]\nshuffle_cards = false\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studyapp",
            "--data-dir",
            str(tmp_path),
            "--config",
            str(config),
            "serve",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: page(url) is not None or process.poll() is not None, "the server")
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        yield url, tmp_path, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_binds_localhost_and_serves_the_page(server):
    url, _, process = server
    html = page(url)
    assert html is not None and "textual-terminal" in html
    assert f'data-session-websocket-url="ws://127.0.0.1:{url.split(":")[2].rstrip("/")}/ws"' in html
    process.terminate()
    out = process.communicate(timeout=30)[0]
    assert f"open {url.rstrip('/')} (this machine only" in out


def test_session_command_runs_the_visitor_module():
    command = session_command("/data dir", "nord")
    assert "-m studyapp.interop.web_session --data-dir '/data dir' --theme nord" in command
    command = session_command("/d", "nord", "/my config/settings.toml")
    assert command.endswith("--theme nord --config '/my config/settings.toml'")


def test_each_visitor_gets_a_new_progress_directory(tmp_path):
    from studyapp.interop.web_session import visitor_dir

    first, second = visitor_dir(tmp_path), visitor_dir(tmp_path)
    assert first != second and first.parent == second.parent == tmp_path / "web-visitors"
    assert not any(first.iterdir())


def browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} not found (apt-get install chromium chromium-driver)"
    return None


def answers(data: Path) -> list[tuple[str, str]]:
    found = []
    for store in (data / "web-visitors").glob("visitor-*/progress.sqlite3"):
        with sqlite3.connect(store) as conn:
            found += conn.execute("SELECT deck_id, card_id FROM answers").fetchall()
    return found


@pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
def test_headless_browser_answers_a_quiz_card(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, data, _ = server
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        driver.get(url)
        wait_for(
            lambda: (
                "-first-byte"
                in (driver.find_element(By.TAG_NAME, "body").get_attribute("class") or "")
            ),
            "the app's output",
        )
        wait_for(
            lambda: any((data / "web-visitors").glob("visitor-*/progress.sqlite3")),
            "the visitor's progress store",
        )
        keyboard = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        # home: Enter opens the quiz options, Enter starts the quiz on the first deck, whose
        # first card is a cloze (card shuffling is off in the served settings); a step
        # that arrives before its screen is repeated harmlessly
        for _ in range(5):
            for keys in (Keys.ENTER, Keys.ENTER, "h_{t-1}" + Keys.ENTER):
                keyboard.send_keys(keys)
                time.sleep(1.5)
            if answers(data):
                break
        assert answers(data) == [("bptt", "forward-preactivation")]
    finally:
        driver.quit()
