"""Reading the four Salesforce files: which object each holds, its columns (API names or labels),
its rows with their file line, and every problem with file, line, column and reason.

Files are read by the importer's own reader (``ingest.readers.read_table``: CSV in any encoding
and delimiter, or XLSX). A cell our export escaped against spreadsheet formulas (a leading
apostrophe before ``=``, ``+``, ``-``, ``@``) is read without the apostrophe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.core.spreadsheet_safe import is_formula
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.readers import read_table
from accountplan.salesforce import objects as o
from accountplan.salesforce.ids import to18


@dataclass
class Problem:
    """One problem: the file, its 1-based line (the header is line 1; 0: the file as a whole),
    the column as the file names it, the value, and what is wrong."""

    file: str
    line: int
    column: str
    reason: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        where = f"{self.file}" + (f", line {self.line}" if self.line else "")
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.reason}"


class SalesforceImportFailed(DomainError):
    """The files cannot be imported; nothing was written. ``problems`` lists each one."""

    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:20]]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"Nothing was imported: {fmt.count(len(problems), 'problem')}{more}. "
            + " ".join(lines),
            details=[p.as_dict() for p in problems],
        )


@dataclass
class Rec:
    """One data row of one file."""

    obj: o.SfObject
    file: str
    line: int
    values: dict[str, str]
    columns: dict[str, str]

    def get(self, api: str) -> str:
        """The cell of field ``api`` (``key``, ``parent_key`` too), "" when absent."""
        return self.values.get(api, "")

    def has(self, api: str) -> bool:
        """Whether the file has a column for ``api``."""
        return api in self.columns

    def column(self, api: str) -> str:
        """The file's own name of the column of ``api`` (the API name when it has none)."""
        return self.columns.get(api, api)

    def problem(self, api: str, reason: str) -> Problem:
        """A problem with this row's cell of ``api``."""
        return Problem(self.file, self.line, self.column(api), reason, self.get(api))


@dataclass
class Files:
    """The files read, by object name, and the problems met."""

    recs: dict[str, list[Rec]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # object → file name
    problems: list[Problem] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # objects whose file could not be used

    def has(self, obj: o.SfObject) -> bool:
        """Whether a file of ``obj`` was given."""
        return obj.name in self.recs


def unescape(text: str) -> str:
    """A cell as typed: the apostrophe our export put before formula-looking text removed."""
    if text.startswith("'") and is_formula(text[1:]):
        return text[1:]
    return text


def read_files(files: list[tuple[str, bytes]]) -> Files:
    """Read each ``(filename, bytes)``; problems are collected, never raised."""
    out = Files()
    for filename, data in files:
        try:
            table = read_table(data, filename)
        except ImportFailed as exc:
            out.problems.append(Problem(filename, 0, "", exc.message))
            named = o.detect([], filename)
            if named is not None:
                out.refused.add(named.name)
            continue
        obj = o.detect(table.headers, filename)
        if obj is None:
            out.problems.append(
                Problem(
                    filename,
                    1,
                    "",
                    "Not one of Salesforce's account-plan files: name it AccountPlan.csv, "
                    "AccountPlanObjective.csv, AccountPlanObjectiveMeasure.csv or "
                    "AccountPlanObjMeasRela.csv.",
                )
            )
            continue
        if obj.name in out.recs:
            out.problems.append(
                Problem(
                    filename,
                    0,
                    "",
                    f"A second file of {obj.label} ({obj.name}); the first was "
                    f"{out.names[obj.name]}. Give each object once.",
                )
            )
            continue
        cols = o.resolve_header(obj, table.headers)
        missing = _missing(obj, cols)
        if missing:
            out.problems.append(Problem(filename, 1, "", missing))
            out.refused.add(obj.name)
            continue
        names = {api: table.headers[i] for api, i in cols.items()}
        out.names[obj.name] = filename
        out.recs[obj.name] = [
            Rec(
                obj,
                filename,
                line,
                {api: _cell(cells, i) for api, i in cols.items()},
                names,
            )
            for line, cells in table.rows
        ]
    return out


def _cell(cells: list[str], i: int) -> str:
    return unescape(cells[i].strip()) if i < len(cells) else ""


def _missing(obj: o.SfObject, cols: dict[str, int]) -> str:
    needs = [c for c in obj.required if c not in cols]
    if obj.parent and obj.parent not in cols and "parent_key" not in cols:
        needs.append(f"{obj.parent} (or {o.parent_key_column(obj)})")
    if obj is not o.RELATION and "Id" not in cols and "key" not in cols:
        needs.append(f"Id (or {o.key_field()})")
    if not needs:
        return ""
    labels = [
        f"{n} ({obj.col(n).labels[0]})"
        if n in {c.api for c in obj.columns} and obj.col(n).labels
        else n
        for n in needs
    ]
    return (
        f"Missing {fmt.noun(len(labels), 'column')}: {', '.join(labels)}. "
        "Export the file again with these fields."
    )


def sf_id(rec: Rec, api: str, problems: list[Problem]) -> str | None:
    """The 18-character Id in ``api``'s cell; a malformed one is a problem. Blank: None."""
    raw = rec.get(api)
    if not raw:
        return None
    full = to18(raw)
    if full is None:
        problems.append(
            rec.problem(
                api,
                f"{raw!r} is not a Salesforce Id (15 or 18 letters and digits; an 18-character "
                "Id's last three must match its first fifteen).",
            )
        )
    return full


def date(rec: Rec, api: str, problems: list[Problem]) -> dt.date | None:
    """A date cell: 2027-01-31 (also with a time after it, or 1/31/2027). Blank: None."""
    raw = rec.get(api)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(raw, "%m/%d/%Y").date()
    except ValueError:
        problems.append(rec.problem(api, f"{raw!r} is not a date: write it as 2027-01-31."))
        return None
