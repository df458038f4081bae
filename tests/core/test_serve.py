"""`accountplan serve` runs a real WSGI server (gunicorn) that also serves the static files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, "ACCOUNTPLAN_DATA_DIR": str(tmp_path), "WEB_CONCURRENCY": "1"}
    env.pop("DATABASE_URL", None)  # the embedded SQLite default, in a throwaway folder
    port = _free_port()
    cli = [sys.executable, "-m", "accountplan"]
    process = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Wait for readiness (migrations, static files, the worker), however loaded the machine;
        # the deadline only stops a server that never comes up from hanging the suite.
        deadline = time.monotonic() + 300
        while True:
            try:
                _get(f"{base}/login/")
                break
            except OSError:
                if process.poll() is not None:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise AssertionError(err) from None
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not answer within 5 minutes") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_serve_answers_with_gunicorn_and_the_migrated_database(server: str) -> None:
    status, headers, body = _get(f"{server}/login/")
    assert status == 200
    assert headers.get("Server", "").startswith("gunicorn")
    assert b"Sign in" in body


def test_serve_serves_static_files(server: str) -> None:
    status, headers, _ = _get(f"{server}/static/accountplan/app.css")
    assert status == 200
    assert "text/css" in headers.get("Content-Type", "")


def test_debug_pages_are_not_shown(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        _get(f"{server}/no-such-page/")
    assert excinfo.value.code == 404
    assert b"Traceback" not in excinfo.value.read()
    assert b"URLconf" not in excinfo.value.read()
