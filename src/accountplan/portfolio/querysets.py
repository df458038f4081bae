"""Reads of stored snapshots."""

from __future__ import annotations

from typing import Any

from django.db import models


class SnapshotQuerySet(models.QuerySet[Any]):
    """Snapshots; the "current" one is the newest finished run."""

    def done(self) -> SnapshotQuerySet:
        """Finished snapshots, newest first."""
        return self.filter(status="done").order_by("-finished_at", "-pk")

    def current(self, level: str | None = None, window_months: int | str | None = "any") -> Any:
        """The newest finished snapshot (of ``level`` and window when given), or None."""
        from accountplan.core.request_memo import memo

        if self.query.has_filters():  # a narrowed query: its own answer, not the book's
            return self._current(level, window_months)
        return memo(
            ("current-snapshot", self.model, level, window_months),
            lambda: self._current(level, window_months),
        )

    def _current(self, level: str | None, window_months: int | str | None) -> Any:
        qs = self.done()
        if level is not None:
            qs = qs.filter(level=level)
        if window_months is None:
            qs = qs.filter(window_months__isnull=True)
        elif window_months != "any":
            qs = qs.filter(window_months=window_months)
        return qs.first()
