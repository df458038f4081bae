"""Figures the standing attack suite prints at the end of a test run (issue 14).

A test that attacks the app records what it tried with the ``attack_figures`` fixture, e.g.
``attack_figures("schemathesis: 42 operations, 1,260 cases, 0 server errors")``. The lines travel
with the test's report (so they survive pytest-xdist's workers) and the run's summary lists them
under "attack suite".
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

KEY = "attack-figure"
SEEN: list[str] = []


@pytest.fixture
def attack_figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    def record(line: str) -> None:
        request.node.user_properties.append((KEY, line))

    return record


def collect(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key == KEY:
            SEEN.append(f"{report.nodeid.split('::')[0]}: {value}")


def summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SEEN:
        terminalreporter.section("attack suite")
        for line in SEEN:
            terminalreporter.write_line(line)
