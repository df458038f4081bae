"""Progress of a long command: a spinner on a terminal, plain lines in a log.

Rich's spinner draws nothing when stderr is not a terminal (a log file, CI, the worker's output),
so a long ``analyze`` or ``import`` looked stuck there. ``Progress`` prints one line per step,
with the time since the start, and, while one step lasts, a line every ``every`` seconds
(``ACCOUNTPLAN_PROGRESS_SECONDS``, default 30) saying it is still under way.
"""

from __future__ import annotations

import os
import threading
import time
from types import TracebackType

from rich.console import Console

#: Seconds between two "still" lines of one step when stderr is not a terminal.
DEFAULT_EVERY = 30.0


def elapsed(seconds: float) -> str:
    """``4.2 s``, ``1 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _every() -> float:
    try:
        value = float(os.environ.get("ACCOUNTPLAN_PROGRESS_SECONDS", DEFAULT_EVERY))
    except ValueError:
        return DEFAULT_EVERY
    return value if value > 0 else DEFAULT_EVERY


class Progress:
    """``with Progress(console, "Loading…") as p: … p.update("Computing…")``."""

    def __init__(self, console: Console, text: str, every: float | None = None) -> None:
        self.console = console
        self.text = text
        self.every = every if every is not None else _every()
        self.started = self.step_started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = console.status(text) if console.is_terminal else None

    def __enter__(self) -> Progress:
        if self._status is not None:
            self._status.__enter__()
            return self
        self._line(self.text)
        self._thread = threading.Thread(target=self._beat, name="progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._status is not None:
            self._status.__exit__(kind, error, trace)
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if kind is None:
            self._line("Done")

    def update(self, text: str) -> None:
        """A new step."""
        with self._lock:
            self.text = text
            self.step_started = time.monotonic()
        if self._status is not None:
            self._status.update(text)
        else:
            self._line(text)

    def note(self, text: str) -> None:
        """Where the step stands (e.g. rows done), shown by the next "still" line; no line now."""
        with self._lock:
            self.text = text
        if self._status is not None:
            self._status.update(text)

    def tick(self) -> None:
        """The "still" line of the step under way (the log's heartbeat)."""
        with self._lock:
            text, since = self.text.rstrip("…. "), time.monotonic() - self.step_started
        self._line(f"{text}: still under way ({elapsed(since)} in this step)")

    def _line(self, text: str) -> None:
        stamp = elapsed(time.monotonic() - self.started)
        self.console.print(f"[{stamp}] {text}", markup=False, highlight=False)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()
