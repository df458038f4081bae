"""The repository stands on its own: what the app, its tests, bench and docs use is inside it.

A clone with nothing beside it must install, run and test; the Maven sample once came from
../shared, so a lone clone failed every test that imports it.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

from tests.conftest import MAVEN_DIR, REPO


def files() -> list[Path]:
    """Every text file git tracks (what a clone has)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    paths = [REPO / name for name in listed.split("\0") if name]
    binary = {".png", ".woff2", ".ico", ".xlsx", ".pdf"}
    return [p for p in paths if p.is_file() and p.suffix not in binary]


def test_nothing_refers_to_files_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared|/work/shared")
    offenders = [
        str(path.relative_to(REPO))
        for path in files()
        if path != Path(__file__)
        and outside.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert offenders == []


def test_the_maven_sample_is_shipped_with_its_source() -> None:
    shipped = REPO / "samples" / "maven-crm"
    assert shipped == MAVEN_DIR or "MAVEN_CRM_DIR" in os.environ  # the tests' default
    for name in ("accounts.csv", "products.csv", "sales_pipeline.csv", "sales_teams.csv"):
        assert (shipped / name).stat().st_size > 0, name
    assert sum(1 for _ in (shipped / "sales_pipeline.csv").open(encoding="utf-8")) == 8_801
    assert "Maven Analytics" in (shipped / "README.md").read_text(encoding="utf-8")


def test_the_licence_is_apache_2() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert "Apache License" in (REPO / "LICENSE").read_text(encoding="utf-8")[:200]
