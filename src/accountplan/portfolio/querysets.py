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
        qs = self.done()
        if level is not None:
            qs = qs.filter(level=level)
        if window_months is None:
            qs = qs.filter(window_months__isnull=True)
        elif window_months != "any":
            qs = qs.filter(window_months=window_months)
        return qs.first()
