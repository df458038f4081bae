"""``accountplan analyze`` logs its steps when stderr is not a terminal (a log file, CI)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.portfolio.conftest import MAVEN_AS_OF


@pytest.mark.django_db
def test_analyze_logs_its_steps_when_stderr_is_not_a_terminal(
    maven_book: Path, tmp_path: Path
) -> None:
    err = io.StringIO()
    call_command(
        "analyze", "--as-of", MAVEN_AS_OF, "--out", str(tmp_path), stdout=io.StringIO(), stderr=err
    )
    steps = [re.sub(r"^\[[^]]+\] ", "", line) for line in err.getvalue().splitlines()]
    for step in (
        "Loading the book…",
        "Computing white space, scores, plays, tiers and propensity…",
        "Storing the snapshot…",
        "Writing the tables…",
        "Done",
    ):
        assert step in steps
    assert steps.index("Loading the book…") < steps.index("Storing the snapshot…")
