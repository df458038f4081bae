"""The import report: what was read, what was (or would be) written, and every problem."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SUMMARY_LINES = 5


class Status:
    """How an import ended (also stored on ImportRun)."""

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    FAILED = "failed"
    REFUSED = "refused"
    IMPORTED = "imported"
    PARTIAL = "imported_with_rejects"
    DRY_RUN = "dry_run"

    CHOICES = (
        (PENDING, "Pending (previewed, not run)"),
        (QUEUED, "Queued"),
        (RUNNING, "Running"),
        (FAILED, "Failed"),
        (REFUSED, "Refused"),
        (IMPORTED, "Imported"),
        (PARTIAL, "Imported with rejects"),
        (DRY_RUN, "Dry run"),
    )


@dataclass
class Issue:
    """One problem with one cell: 1-based file line (header = line 1), column, value, reason."""

    line: int
    column: str
    value: str
    reason: str
    suggestion: str = ""
    #: The kind of problem, without this row's specifics (for the grouped summary).
    kind: str = ""

    def to_dict(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return asdict(self)

    @property
    def group(self) -> str:
        """What the summary groups this problem under."""
        return self.kind or self.reason


@dataclass
class ImportReport:
    """Everything an import run tells the user; ``to_dict`` is the JSON report."""

    entity: str
    file: str
    mapping: str
    dry_run: bool = False
    skip_invalid: bool = False
    accept_suggestions: bool = False
    format: str = ""
    encoding: str = ""
    encoding_note: str = ""
    delimiter: str = ""
    sheet: str = ""
    other_sheets: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    status: str = Status.PENDING
    message: str = ""
    errors: list[Issue] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    applied_suggestions: list[dict[str, Any]] = field(default_factory=list)
    also_created: list[str] = field(default_factory=list)
    #: Row counts and amount totals: file, valid, rejected, imported (see reconcile.py).
    reconciliation: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    run_id: int | None = None
    rejects_csv: str = ""

    @property
    def refused(self) -> bool:
        """True when nothing was written because of problems."""
        return self.status == Status.REFUSED

    def error_summary(self) -> list[dict[str, Any]]:
        """Errors grouped by column and kind (not by line), biggest first, with first lines."""
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for issue in self.errors:
            item = groups.setdefault(
                (issue.column, issue.group),
                {"column": issue.column, "reason": issue.group, "count": 0, "lines": []},
            )
            item["count"] += 1
            if len(item["lines"]) < SUMMARY_LINES and issue.line not in item["lines"]:
                item["lines"].append(issue.line)
        return sorted(groups.values(), key=lambda item: -item["count"])

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (without the rejects CSV, which is its own download)."""
        data = asdict(self)
        data.pop("rejects_csv")
        data["errors"] = [e.to_dict() for e in self.errors]
        data["error_summary"] = self.error_summary()
        return data


class WarningLog:
    """Warnings grouped by (column, value, message) so 1,000 identical ones stay readable."""

    MAX_LINES = 20

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, line: int, column: str, value: str, message: str) -> None:
        """Record one occurrence."""
        key = (column, value, message)
        item = self._items.get(key)
        if item is None:
            item = {"column": column, "value": value, "message": message, "count": 0, "lines": []}
            self._items[key] = item
        item["count"] += 1
        if len(item["lines"]) < self.MAX_LINES:
            item["lines"].append(line)

    def as_list(self) -> list[dict[str, Any]]:
        """All warnings, in first-seen order."""
        return list(self._items.values())
