"""Long commands show their progress in a log too: one line per step, and a line while a step
lasts (rich's spinner draws nothing when stderr is not a terminal)."""

from __future__ import annotations

import io
import re

from rich.console import Console

from accountplan.core.progress import Progress, elapsed


def test_elapsed_reads_like_a_person_would_write_it() -> None:
    assert elapsed(4.24) == "4.2 s"
    assert elapsed(65) == "1 min 05 s"
    assert elapsed(3720) == "1 h 02 min"


def test_off_a_terminal_each_step_and_each_beat_is_a_line() -> None:
    out = io.StringIO()
    console = Console(file=out, width=200)
    assert not console.is_terminal
    with Progress(console, "Loading the book…", every=3600) as progress:
        progress.update("Computing…")
        progress.tick()  # what the beat thread prints every `every` seconds
    lines = out.getvalue().splitlines()
    assert [re.sub(r"^\[[^]]+\] ", "", line) for line in lines] == [
        "Loading the book…",
        "Computing…",
        "Computing: still under way (0.0 s in this step)",
        "Done",
    ]
    assert all(re.match(r"^\[\d+\.\d s\] ", line) for line in lines)
