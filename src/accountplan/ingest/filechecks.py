"""Whole-file checks run after every row is converted: duplicate keys, loops, cascades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accountplan.ingest.report import Issue

if TYPE_CHECKING:
    from accountplan.ingest.validation import Row, Validator


def check_duplicates(v: Validator) -> None:
    """The same key twice in one file: the later row is an error, named in the file's terms."""
    seen: dict[tuple[Any, ...], int] = {}
    unique_nk = v.spec.name == "users"  # product names repeat across catalogue versions
    replace = v.em.mode == "replace"  # every line of a replacing file is a line
    for row in v.rows:
        keys = [v.row_key(row)]
        if unique_nk and keys[0] != v.natural_key(row):
            keys.append(v.natural_key(row))
        for key in keys:
            if key is None or (replace and key[0] == "nk"):
                continue
            if key in seen:
                row.errors.append(_duplicate(v, row, key, seen[key]))
                break
            seen[key] = row.line


def _duplicate(v: Validator, row: Row, key: tuple[Any, ...], first: int) -> Issue:
    """A duplicate's message: the file's columns and the values as written."""
    fields = ["external_id"] if key[0] == "ext" else list(v.spec.natural_key)
    bound = [f for f in fields if f in v.bound] or fields
    columns = ", ".join(v.bound[f][1] if f in v.bound else f for f in bound)
    value = ", ".join(v.cell(row.raw, f) or "—" for f in bound)
    reason = f"duplicate: line {first} has the same {columns}"
    if key[0] == "ext" and not v.em.key and v.spec.name in ("purchases", "line-items"):
        reason += (
            f" (several lines of one order? declare a key of several columns, e.g. key = "
            f'["{columns}", "Line"] in [{v.spec.name}])'
        )
    elif key[0] == "nk" and v.spec.name == "purchases":
        reason += (
            ' (two genuine lines? map the order number to order_number, declare key = ["Order",'
            ' "Line"], or mode = "replace" in the mapping)'
        )
    return Issue(row.line, columns, value, reason, kind="duplicate key")


#: A loop longer than this is named by its first lines and its length, not line by line.
LOOP_LINES_SHOWN = 12


def check_cycles(v: Validator) -> None:
    """Parent / reports-to / manager chains that loop back within the file.

    Each row points at one other row at most, so the rows and their pointers are a functional
    graph: one walk from each row not seen yet, every row visited once (linear in the rows,
    whatever the depth of the chains; a check that walked every chain from every row took
    115 s for a 3,000-deep chain). Every row on a loop is refused, with the loop's lines."""
    n = len(v.rows)
    for fs in v.spec.self_refs:
        column = v.bound.get(fs.name, (0, fs.name))[1]
        state = [0] * n  # 0: not seen, 1: on the current walk, 2: done
        for first in range(n):
            if state[first]:
                continue
            walk: list[int] = []
            at: int | None = first
            while at is not None and 0 <= at < n and state[at] == 0:
                state[at] = 1
                walk.append(at)
                at = v.rows[at].pending.get(fs.name)
            if at is not None and 0 <= at < n and state[at] == 1:
                loop = walk[walk.index(at) :]
                _refuse_loop(v, loop, fs.name, column)
            for i in walk:
                state[i] = 2


def _refuse_loop(v: Validator, loop: list[int], field: str, column: str) -> None:
    """Refuse every row of ``loop`` (rows in pointer order), naming the loop from each row."""
    size = len(loop)
    for k, index in enumerate(loop):
        order = loop[k:] + loop[:k]
        if size <= LOOP_LINES_SHOWN:
            lines = " → ".join(str(v.rows[i].line) for i in [*order, index])
        else:
            shown = " → ".join(str(v.rows[i].line) for i in order[: LOOP_LINES_SHOWN - 2])
            last, back = v.rows[order[-1]].line, v.rows[index].line
            lines = f"{shown} → … → {last} → {back} ({size:,} lines)"
        row = v.rows[index]
        row.errors.append(
            Issue(row.line, column, v.cell(row.raw, field), f"loop: lines {lines}", kind="loop")
        )


def cascade_rejections(v: Validator) -> None:
    """A row that points at a rejected row of the same file is rejected too (and so on down
    the chain): one pass over the rows pointing at each rejected row, linear in the rows."""
    pointing: dict[int, list[int]] = {}
    for index, row in enumerate(v.rows):
        for target in row.pending.values():
            pointing.setdefault(target, []).append(index)
    queue = [i for i, row in enumerate(v.rows) if not row.ok]
    while queue:
        target = queue.pop()
        for index in pointing.get(target, ()):
            row = v.rows[index]
            if not row.ok:
                continue
            f, to = next((f, t) for f, t in row.pending.items() if not v.rows[t].ok)
            column = v.bound.get(f, (0, f))[1]
            row.errors.append(
                Issue(
                    row.line,
                    column,
                    v.cell(row.raw, f),
                    f"refers to line {v.rows[to].line}, which is rejected",
                    kind="refers to a rejected row",
                )
            )
            queue.append(index)


def cascade_by_account(v: Validator) -> None:
    """With --skip-invalid, an account with a rejected row keeps its lines: none is replaced.

    Replacing the account's other lines would delete the rejected row's line from the book.
    """
    rejected: dict[Any, int] = {}
    for row in v.rows:
        account = row.data.get("account")
        if not row.ok and account is not None:
            rejected.setdefault(account, row.line)
    for row in v.rows:
        account = row.data.get("account")
        if row.ok and account in rejected:
            column = v.bound.get("account", (0, "account"))[1]
            row.errors.append(
                Issue(
                    row.line,
                    column,
                    v.cell(row.raw, "account"),
                    f"not replaced: line {rejected[account]} of the same account is rejected, "
                    "so this account's lines stay as they are",
                    kind="account not replaced (another of its rows is rejected)",
                )
            )
