"""`accountplan serve` runs a real WSGI server (gunicorn) that also serves the static files."""

from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, encoding: str = "identity") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module: starting it collects and compresses the static files."""
    tmp_path = tmp_path_factory.mktemp("serve")
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


def test_pages_are_gzip_compressed_when_asked(server: str) -> None:
    _, plain_headers, plain = _get(f"{server}/login/")
    assert "Content-Encoding" not in plain_headers
    status, headers, body = _get(f"{server}/login/", "gzip, deflate")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    page = gzip.decompress(body)
    assert b"Sign in" in page
    # Smaller, despite the up to 100 random bytes Django adds against BREACH.
    assert len(body) < len(plain)


def test_hashed_static_files_are_compressed_and_cached_for_a_year(server: str) -> None:
    _, _, page = _get(f"{server}/login/")
    links = re.findall(r'href="(/static/accountplan/app\.[0-9a-f]{12}\.css)"', page.decode())
    assert len(links) == 1, "the page links the content-hashed stylesheet"
    status, headers, body = _get(f"{server}{links[0]}", "gzip")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    max_age = int(re.findall(r"max-age=(\d+)", headers["Cache-Control"])[0])
    assert max_age >= 365 * 24 * 3600
    assert b".topbar" in gzip.decompress(body)
    # Brotli when the browser offers it: the smaller copy made at collectstatic.
    _, br_headers, br_body = _get(f"{server}{links[0]}", "br, gzip")
    assert br_headers["Content-Encoding"] == "br"
    assert len(br_body) <= len(body)
    # The plain name still answers (old links, tools), with a short cache life only.
    _, plain_headers, _ = _get(f"{server}/static/accountplan/app.css")
    assert "immutable" not in plain_headers["Cache-Control"]


def test_serve_freezes_what_it_loaded_before_the_workers_fork() -> None:
    """The loaded app (Django, every view module) is kept out of the collector's full passes:
    after the freeze the collector tracks only what is made later, and the views are loaded."""
    import gc

    from accountplan.core.management.commands.serve import _freeze_what_is_loaded

    before = gc.get_freeze_count()
    try:
        _freeze_what_is_loaded()
        assert gc.get_freeze_count() > before + 10_000
        assert len(gc.get_objects()) < gc.get_freeze_count()
        assert "accountplan.governance.views" in sys.modules
    finally:
        gc.unfreeze()


def test_one_thread_means_sync_workers_and_more_threaded_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One request at a time per process by default (an idle process takes the next
    connection); ``WEB_THREADS`` or ``--threads`` above 1 switches to threaded workers."""
    from accountplan.core.management.commands.serve import default_threads, gunicorn_settings

    monkeypatch.delenv("WEB_THREADS", raising=False)
    assert default_threads() == 1
    monkeypatch.setenv("WEB_THREADS", "4")
    assert default_threads() == 4
    monkeypatch.setenv("WEB_THREADS", "0")
    assert default_threads() == 1
    sync = gunicorn_settings("127.0.0.1:8000", 5, 1)
    assert (sync["worker_class"], sync["threads"], sync["workers"]) == ("sync", 1, 5)
    threaded = gunicorn_settings("127.0.0.1:8000", 5, 4)
    assert (threaded["worker_class"], threaded["threads"]) == ("gthread", 4)
