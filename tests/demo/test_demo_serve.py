"""`accountplan demo` serves the book it has just scored, white space map included.

The demo computes its snapshot in its own process before serving. gunicorn forks its workers
from the process it runs in, and Polars' thread pool does not survive a fork: served from that
process, the white space map (parallel Polars work) hung forever. The demo now serves from a
fresh process; this test signs in with the printed login and opens the map.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.core.test_serve import _free_port


def test_the_demo_serves_the_white_space_map(tmp_path: Path) -> None:
    env = {**os.environ, "ACCOUNTPLAN_DATA_DIR": str(tmp_path), "WEB_CONCURRENCY": "1"}
    env.pop("DATABASE_URL", None)  # the embedded SQLite default, in a throwaway folder
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "demo.log"
    command = [sys.executable, "-m", "accountplan", "demo", "--scale=0.1", "--as-of=2025-06-30"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"], env=env, stdout=out, stderr=out
        )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        # Wait for readiness (the demo book, its snapshot, the server), however loaded the
        # machine; the deadline only stops a demo that never comes up from hanging the suite.
        deadline = time.monotonic() + 600
        while True:
            try:
                form = opener.open(f"{base}/login/", timeout=5).read().decode()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the demo did not answer within 10 minutes"
                time.sleep(0.2)
        password = re.findall(r"Password\s+(\S+)", log.read_text())[0]
        token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[0]
        fields = {"username": "demo", "password": password, "csrfmiddlewaretoken": token}
        signed_in = opener.open(
            f"{base}/login/", data=urllib.parse.urlencode(fields).encode(), timeout=30
        )
        assert "/login/" not in signed_in.url

        page = opener.open(f"{base}/whitespace/", timeout=120)  # it hung forever before
        assert page.status == 200
        assert b"White space" in page.read()
    finally:
        process.terminate()
        process.wait(timeout=60)
