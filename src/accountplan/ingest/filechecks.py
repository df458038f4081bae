"""Whole-file checks run after every row is converted: duplicate keys, loops, cascades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accountplan.ingest.report import Issue

if TYPE_CHECKING:
    from accountplan.ingest.validation import Validator


def check_duplicates(v: Validator) -> None:
    """The same key twice in one file: the later row is an error."""
    seen: dict[tuple[Any, ...], int] = {}
    unique_nk = v.spec.name in ("products", "users")
    for row in v.rows:
        keys = [v.row_key(row)]
        if unique_nk and keys[0] != v.natural_key(row):
            keys.append(v.natural_key(row))
        for key in keys:
            if key is None:
                continue
            if key in seen:
                column = v.bound.get("external_id", (0, "external_id"))[1]
                if key[0] == "nk":
                    column = ", ".join(v.spec.natural_key)
                row.errors.append(
                    Issue(
                        row.line,
                        column,
                        str(key[1] if len(key) == 2 else key[1:]),
                        f"duplicate: line {seen[key]} has the same key",
                    )
                )
                break
            seen[key] = row.line


def check_cycles(v: Validator) -> None:
    """Parent / reports-to / manager chains that loop back within the file."""
    for fs in v.spec.self_refs:
        for row in v.rows:
            chain = [row.index]
            nxt = row.pending.get(fs.name)
            while nxt is not None and nxt not in chain and len(chain) < 10_000:
                chain.append(nxt)
                nxt = v.rows[nxt].pending.get(fs.name) if nxt < len(v.rows) else None
            if nxt == row.index:
                lines = " → ".join(str(v.rows[i].line) for i in [*chain, row.index])
                column = v.bound.get(fs.name, (0, fs.name))[1]
                row.errors.append(
                    Issue(row.line, column, v.cell(row.raw, fs.name), f"loop: lines {lines}")
                )


def cascade_rejections(v: Validator) -> None:
    """A row that points at a rejected row of the same file is rejected too."""
    changed = True
    while changed:
        changed = False
        for row in v.rows:
            if not row.ok:
                continue
            for f, target in row.pending.items():
                if not v.rows[target].ok:
                    column = v.bound.get(f, (0, f))[1]
                    row.errors.append(
                        Issue(
                            row.line,
                            column,
                            v.cell(row.raw, f),
                            f"refers to line {v.rows[target].line}, which is rejected",
                        )
                    )
                    changed = True
                    break
