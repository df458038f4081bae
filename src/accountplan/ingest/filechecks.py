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


#: Rows of a loop named in its message; a longer loop is summed up with its length.
LOOP_SHOWN = 12


def check_cycles(v: Validator) -> None:
    """Parent / reports-to / manager chains that loop back within the file.

    Each row points at most at one row per field, so one walk per row that stops at a row
    already walked finds every loop in time linear in the rows (a 20,000-deep chain included).
    Every row of a loop is rejected, its message naming the loop's lines from that row.
    """
    for fs in v.spec.self_refs:
        state = [0] * len(v.rows)  # 0 unseen, 1 on the current walk, 2 done
        for first in range(len(v.rows)):
            walk: list[int] = []
            nxt: int | None = first
            while nxt is not None and nxt < len(v.rows) and state[nxt] == 0:
                state[nxt] = 1
                walk.append(nxt)
                nxt = v.rows[nxt].pending.get(fs.name)
            if nxt is not None and nxt < len(v.rows) and state[nxt] == 1:
                loop = walk[walk.index(nxt) :]
                for pos, i in enumerate(loop):
                    _loop_issue(v, fs.name, i, loop[pos:] + loop[:pos])
            for i in walk:
                state[i] = 2


def _loop_issue(v: Validator, field: str, index: int, loop: list[int]) -> None:
    """Reject row ``index``, in ``loop`` (its rows from this one on)."""
    row = v.rows[index]
    shown = [str(v.rows[i].line) for i in loop[:LOOP_SHOWN]]
    if len(loop) > LOOP_SHOWN:
        shown.append(f"… ({len(loop):,} rows in the loop)")
    lines = " → ".join([*shown, str(row.line)])
    column = v.bound.get(field, (0, field))[1]
    row.errors.append(
        Issue(row.line, column, v.cell(row.raw, field), f"loop: lines {lines}", kind="loop")
    )


def cascade_rejections(v: Validator) -> None:
    """A row that points at a rejected row of the same file is rejected too.

    Walks from the rejected rows to the rows that point at them (each row once): linear.
    """
    pointing: dict[int, list[tuple[int, str]]] = {}
    for row in v.rows:
        for f, target in row.pending.items():
            pointing.setdefault(target, []).append((row.index, f))
    todo = [row.index for row in v.rows if not row.ok]
    while todo:
        rejected = v.rows[todo.pop()]
        for index, f in pointing.get(rejected.index, ()):
            row = v.rows[index]
            if not row.ok:
                continue
            column = v.bound.get(f, (0, f))[1]
            row.errors.append(
                Issue(
                    row.line,
                    column,
                    v.cell(row.raw, f),
                    f"refers to line {rejected.line}, which is rejected",
                    kind="refers to a rejected row",
                )
            )
            todo.append(index)


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
