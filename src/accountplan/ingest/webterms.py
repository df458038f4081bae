"""The importer's messages in the web page's terms: buttons and fields, never command-line flags.

The engine writes one message for the command line and the pages; the pages pass what they show
(report message, problems, observations, the rejects CSV) through :func:`for_web`.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from accountplan.core.spreadsheet_safe import safe_cell
from accountplan.ingest.report import Status

FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*[a-z])")
WEB_NAMES = {
    "skip-invalid": "“Import the valid rows”",
    "accept-suggestions": "“Accept suggestions” (upload form)",
    "dry-run": "“Dry run” (upload form)",
    "sheet": "the Sheet field of the upload form",
    "rejects": "the rejects download",
    "mapping": "the mapping choice",
    "report": "the report download",
}
ON_THE_WEB = re.compile(r"\s*\(“[^”]*” on the web\)")
SHEET_ON_CSV = re.compile(r"--sheet ('[^']*'|\"[^\"]*\") only applies to XLSX files")


def for_web(text: str) -> str:
    """``text`` with each command-line flag replaced by the page's button or field."""
    if "--" not in text:
        return text
    text = ON_THE_WEB.sub("", text)
    text = SHEET_ON_CSV.sub(r"A sheet (\1) only applies to XLSX files", text)
    return FLAG.sub(lambda m: WEB_NAMES.get(m.group(1), m.group(0)), text)


def refusal(report: dict[str, Any]) -> str:
    """The headline of a refused run with row problems, pointing at the page's own actions."""
    invalid, total = int(report.get("rejected") or 0), int(report.get("rows_read") or 0)
    valid = max(total - invalid, 0)
    text = f"Refused: {invalid:,} of {total:,} rows have problems, so nothing was written. "
    if valid:
        return text + (
            f"Fix them and upload the file again, or import the {valid:,} valid rows and "
            "download the rejects (New import, then “Import the valid rows”)."
        )
    return text + "Fix them and upload the file again."


def report_for_web(report: dict[str, Any]) -> dict[str, Any]:
    """A stored report (``ImportReport.to_dict()``) with every text in web terms."""
    out = dict(report)
    message = str(out.get("message", ""))
    if (
        out.get("status") == Status.REFUSED
        and out.get("rejected")
        and message.startswith("Refused:")
        and " rows have problems" in message
    ):
        out["message"] = refusal(out)
    else:
        out["message"] = for_web(message)
    out["observations"] = [for_web(str(o)) for o in out.get("observations", [])]
    out["errors"] = [_issue(e) for e in out.get("errors", [])]
    out["error_summary"] = [_issue(e) for e in out.get("error_summary", [])]
    out["warnings"] = [_issue(w) for w in out.get("warnings", [])]
    return out


def _issue(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {k: for_web(v) if isinstance(v, str) else v for k, v in item.items()}


def rejects_for_web(text: str) -> str:
    """The rejects CSV with its reason column (the last) in web terms; data cells untouched."""
    if "--" not in text:
        return text
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out)
    for i, row in enumerate(rows):
        if i and row:
            row[-1] = safe_cell(for_web(row[-1]))  # still text a spreadsheet will not run
        writer.writerow(row)
    return out.getvalue()
