"""Shared fixtures: the real app served on 127.0.0.1, and headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ServerURL(str):
    """The server's URL; ``.pid`` is its process (for benchmarks that read its CPU time)."""

    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    claims: Path, *, script: Path = ROOT / "dashboard" / "app.py", timeout=60, env: dict | None = None
):
    """Run ``streamlit run`` on a free loopback port until the block ends; yield its URL."""
    port = free_port()
    log = OUTPUT / f"server-{port}.log"
    OUTPUT.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "DASHBOARD_CLAIMS": str(claims), **(env or {})},
        )
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        # Stop the server by its own PID (and its process group), nothing else.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright. Required in CI; skipped elsewhere if absent."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def output_dir(request) -> Path:
    """``test-output/<test name>/``: screenshots a person can open after the run."""
    path = OUTPUT / request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="session")
def repo_claims() -> Path:
    """The repository's claims file (``$DASHBOARD_CLAIMS`` overrides, as for the app)."""
    return Path(os.environ.get("DASHBOARD_CLAIMS") or ROOT / "claims.yaml")


@pytest.fixture
def claims_file(tmp_path, repo_claims, monkeypatch):
    """A copy of the repository's claims that a test may break; the app reads it."""
    path = tmp_path / "claims.yaml"
    shutil.copy(repo_claims, path)
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(path))
    return path
