"""The preview checks the whole file exactly as the run will, before anything is written.

It calls the same service as the run (:func:`run_import`) as a dry run that keeps the valid
rows and rejects the others, so every check the run makes — types, references, duplicate ids
within the file, rows that clash with the book — is in the preview, with the same counts and the
same rejects CSV. That call records no run of its own and needs no transaction (on SQLite it
never holds the write lock), so the preview leaves nothing behind but its result, stored on the
pending run until the mapping or the options change (or another import changes the book).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accountplan.ingest.mappings import Mapping
from accountplan.ingest.models import ImportRun
from accountplan.ingest.page_mapping import read_columns
from accountplan.ingest.report import Status
from accountplan.ingest.services import ImportOptions, ImportSource, run_import
from accountplan.ingest.webterms import rejects_for_web, report_for_web

if TYPE_CHECKING:
    from accountplan.core.models import User

PREVIEW_KEY = "preview_key"


@dataclass
class WholeFile:
    """What the run would do with every row of the file."""

    report: dict[str, Any]
    headers: list[str]
    problems: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """The file cannot be imported at all (columns, encoding, no rows)."""
        return self.report.get("status") == Status.REFUSED

    @property
    def rejected(self) -> int:
        """Rows with problems."""
        return int(self.report.get("rejected") or 0)

    @property
    def valid(self) -> int:
        """Rows the run would write."""
        return int(self.report.get("valid") or 0)


def run_options(run: ImportRun) -> ImportOptions:
    """The options chosen on the upload form."""
    opts = run.options or {}
    return ImportOptions(
        dry_run=bool(opts.get("dry_run")),
        skip_invalid=bool(opts.get("skip_invalid")),
        accept_suggestions=bool(opts.get("accept_suggestions")),
        sheet=opts.get("sheet") or None,
    )


def _fingerprint(run: ImportRun) -> str:
    """Changes when the mapping, the options or the book (another import) change."""
    last = ImportRun.objects.exclude(finished_at=None).order_by("-finished_at").first()
    parts = [
        run.entity,
        run.mapping_name,
        run.mapping_toml,
        repr(sorted((run.options or {}).items())),
        str(last.pk if last else 0),
        str(last.finished_at if last else ""),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def check_whole_file(run: ImportRun, mapping: Mapping, user: User) -> WholeFile:
    """Validate every row of the pending ``run``'s file as the run will; write nothing."""
    key = _fingerprint(run)
    stored = run.report or {}
    if stored.get(PREVIEW_KEY) == key:
        return _whole(stored)
    source = ImportSource(run.file_name, bytes(run.file_data or b""))
    chosen = run_options(run)
    options = ImportOptions(
        dry_run=True,
        skip_invalid=True,
        accept_suggestions=chosen.accept_suggestions,
        sheet=chosen.sheet,
    )
    # A dry run that records no run: no transaction, so on SQLite it never holds the write lock.
    report = run_import(run.entity, source, mapping, options=options, user=user, record=False)
    data = report_for_web(report.to_dict())
    data[PREVIEW_KEY] = key
    data["file_headers"], data["file_samples"] = file_columns(run)
    rejects = rejects_for_web(report.rejects_csv)
    ImportRun.objects.filter(pk=run.pk, status=Status.PENDING).update(
        report=data, rejects_csv=rejects
    )
    run.report, run.rejects_csv = data, rejects
    return _whole(data)


def file_headers(run: ImportRun) -> list[str]:
    """The file's column headers, in order ([] when the file cannot be read)."""
    return file_columns(run)[0]


def file_columns(run: ImportRun) -> tuple[list[str], list[str]]:
    """The file's column headers, in order, and an example value of each."""
    return read_columns(bytes(run.file_data or b""), run.file_name, run_options(run).sheet)


def forget(run: ImportRun) -> None:
    """Drop a stored preview (the mapping changed)."""
    ImportRun.objects.filter(pk=run.pk, status=Status.PENDING).update(report={}, rejects_csv="")
    run.report, run.rejects_csv = {}, ""


def _whole(data: dict[str, Any]) -> WholeFile:
    problems: dict[int, list[dict[str, Any]]] = {}
    for issue in data.get("errors", []):
        problems.setdefault(int(issue.get("line") or 0), []).append(issue)
    return WholeFile(
        data, list(data.get("file_headers", [])), problems, list(data.get("file_samples", []))
    )
