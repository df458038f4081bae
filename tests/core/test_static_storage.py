"""Static links: hashed names from a current manifest, plain names without one or with a stale one;
pages compressed when the browser asks."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

from django.test import Client

from accountplan.config.settings import PACKAGE_DIR
from accountplan.core.staticfiles import HashedStaticFilesStorage

HASHED = "accountplan/app.0123456789ab.css"


def _storage_with_manifest(root: Path, written: float) -> HashedStaticFilesStorage:
    manifest = root / "staticfiles.json"
    paths = {"accountplan/app.css": HASHED}
    manifest.write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "x"}))
    os.utime(manifest, (written, written))
    return HashedStaticFilesStorage(location=str(root), base_url="/static/")


def test_without_a_manifest_links_are_the_plain_names(tmp_path: Path) -> None:
    storage = HashedStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("accountplan/app.css") == "/static/accountplan/app.css"
    assert not storage.is_current()


def test_a_manifest_newer_than_the_files_gives_hashed_links(tmp_path: Path) -> None:
    storage = _storage_with_manifest(tmp_path, time.time() + 3600)
    assert storage.url("accountplan/app.css") == f"/static/{HASHED}"
    # A file the manifest does not know keeps its plain name instead of failing the page.
    assert storage.url("accountplan/tables.js") == "/static/accountplan/tables.js"
    # ...and collectstatic has work to do: the manifest does not cover every file.
    assert not storage.is_current()


def test_a_manifest_older_than_a_changed_file_is_ignored(tmp_path: Path) -> None:
    source = PACKAGE_DIR / "static" / "accountplan" / "app.css"
    storage = _storage_with_manifest(tmp_path, source.stat().st_mtime - 60)
    assert storage.url("accountplan/app.css") == "/static/accountplan/app.css"


def test_pages_are_compressed_when_the_browser_asks(db: None) -> None:
    client = Client()
    plain = client.get("/login/")
    assert "Content-Encoding" not in plain
    zipped = client.get("/login/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content).startswith(b"<!doctype html>")
