"""Pass 2 of a streamed import: keys over the whole file, the replace plan, one bulk write.

The valid rows of pass 1 are in Parquet files. Duplicate keys and (with ``--skip-invalid`` in
replace mode) the other lines of an account with a rejected line are found by columns over all
of them; the rejected ones become rows with their messages like any other. Then, all or
nothing: with problems and no skip, nothing is written. Otherwise, in one transaction, the
replaced lines are deleted and the new ones inserted through ``portfolio.bulk.insert_parts``
(COPY on PostgreSQL; on SQLite a bare temporary table, then one ``INSERT … SELECT``). On SQLite
a very big import (``REBUILD_FROM`` rows) that at least doubles the table drops the table's plain
indexes first and builds them again after (one sort each instead of millions of B-tree inserts
that no longer fit the page cache), inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import DatabaseError, connection, transaction

from accountplan.core import fmt
from accountplan.ingest.filechecks import _duplicate
from accountplan.ingest.report import Issue
from accountplan.ingest.stream import Pass1
from accountplan.ingest.validation import Row
from accountplan.portfolio import bulk

#: Ids per DELETE statement.
DELETE_BATCH = 10_000
#: On SQLite, rows an import adds from which the table's plain indexes are dropped and built
#: again after (one sort each) rather than kept up to date by the ``INSERT … SELECT`` of the
#: staged rows. Below it, keeping them is cheaper while they fit SQLite's page cache (2M
#: purchase lines into an empty table: 8.3 s of CPU kept up to date, against 1.6 s to insert
#: and 11.1 s to build the four indexes again).
REBUILD_FROM = 5_000_000


@dataclass
class StreamPlan:
    """What pass 2 found and will write."""

    rejected: list[Row] = field(default_factory=list)
    drop_lines: pl.DataFrame | None = None  # lines of valid parts not written (rejected/unchanged)
    unchanged: int = 0
    deletes: list[int] = field(default_factory=list)
    creates: int = 0
    scope: tuple[int, dt.date, dt.date] | None = None


def _scan(p1: Pass1) -> pl.LazyFrame:
    return pl.scan_parquet(p1.parts)


def _key_expr(p1: Pass1, replace: bool) -> pl.Expr | None:
    """The upsert key of a valid row as text (``key_text``'s form); None when no key applies."""
    cols = p1.columns
    ext = pl.col(cols["external_id"]) if "external_id" in cols else None
    ext_key = pl.lit("e:") + ext if ext is not None else None
    if replace:
        return ext_key
    nk = p1.validator.spec.natural_key
    parts = []
    for f in nk:
        if f not in cols:
            parts.append(pl.lit(""))
            continue
        c = pl.col(cols[f])
        if f == "date":
            parts.append(c.dt.strftime("%Y-%m-%d"))
        else:
            parts.append(c.cast(pl.String).fill_null(""))
    nk_key = pl.lit("n:") + pl.concat_str(parts, separator="|")
    if ext is None or ext_key is None:
        return nk_key
    return pl.when(ext.is_not_null()).then(ext_key).otherwise(nk_key)


def check_keys(p1: Pass1, plan: StreamPlan, replace: bool) -> None:
    """The same key twice in the file: the later rows are rejected (``check_duplicates``)."""
    expr = _key_expr(p1, replace)
    if expr is None:
        return
    keyed = _scan(p1).select("line", expr.alias("key")).filter(pl.col("key").is_not_null())
    invalid = pl.LazyFrame(p1.keys, schema={"line": pl.Int64, "key": pl.String}, orient="row")
    if replace:
        invalid = invalid.filter(pl.col("key").str.starts_with("e:"))
    both = pl.concat([keyed, invalid]).with_columns(pl.col("line").min().over("key").alias("first"))
    dups = both.filter(pl.col("line") != pl.col("first")).select("line", "first").collect()
    if dups.height == 0:
        return
    firsts = dict(dups.iter_rows())
    bad = {r.line for r in p1.invalid}
    rows = _rows_at(p1, [line for line in firsts if line not in bad])
    for row in rows:
        key = p1.validator.row_key(row)
        assert key is not None
        row.errors.append(_duplicate(p1.validator, row, key, firsts[row.line]))
    for row in p1.invalid:
        if row.line in firsts:
            key = p1.validator.row_key(row)
            if key is not None:
                row.errors.append(_duplicate(p1.validator, row, key, firsts[row.line]))
    plan.rejected.extend(rows)


def cascade_accounts(p1: Pass1, plan: StreamPlan) -> None:
    """``cascade_by_account``: an account with a rejected line keeps all its lines."""
    account = p1.columns.get("account")
    if account is None:
        return
    first: dict[int, int] = {}
    for row in sorted([*p1.invalid, *plan.rejected], key=lambda r: r.line):
        pk = row.data.get("account")
        if pk is not None:
            first.setdefault(pk, row.line)
    if not first:
        return
    taken = {r.line for r in plan.rejected}
    hit = (
        _scan(p1)
        .filter(pl.col(account).is_in(list(first)))
        .select("line")
        .collect()
        .get_column("line")
        .to_list()
    )
    v = p1.validator
    column = v.bound.get("account", (0, "account"))[1]
    for row in _rows_at(p1, [line for line in hit if line not in taken]):
        row.errors.append(
            Issue(
                row.line,
                column,
                v.cell(row.raw, "account"),
                f"not replaced: line {first[row.data['account']]} of the same account is "
                "rejected, so this account's lines stay as they are",
                kind="account not replaced (another of its rows is rejected)",
            )
        )
        plan.rejected.append(row)


def _rows_at(p1: Pass1, lines: list[int]) -> list[Row]:
    """Valid rows of pass 1 (by line) as rows again, with their cells and values."""
    if not lines:
        return []
    frame = _scan(p1).filter(pl.col("line").is_in(lines)).sort("line").collect()
    raw_cols = [c for c in frame.columns if c.startswith("c") and c[1:].isdigit()]
    rows = []
    for rec in frame.iter_rows(named=True):
        cells = [rec[c] for c in raw_cols]
        while cells and cells[-1] is None:
            cells.pop()
        row = Row(0, rec["line"], [c or "" for c in cells])
        row.data = {f: rec[attr] for f, attr in p1.columns.items()}
        rows.append(row)
    return rows


def plan_replace(p1: Pass1, plan: StreamPlan) -> None:
    """``replace.plan_replace`` by columns: the file's lines against the book's in its scope."""
    cols = p1.columns
    kept = _kept(p1, plan).select("line", *cols.values()).collect()
    if kept.height == 0:
        return
    first, last = kept.get_column(cols["date"]).min(), kept.get_column(cols["date"]).max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    accounts = kept.get_column(cols["account"]).unique()
    plan.scope = (accounts.len(), first, last)
    existing = _existing(p1, first, last)
    in_scope = pl.col(cols["date"]).is_between(first, last) & pl.col(cols["account"]).is_in(
        accounts.implode()
    )
    if "external_id" in cols:
        exts = kept.get_column(cols["external_id"]).drop_nulls().unique()
        in_scope = in_scope | pl.col(cols["external_id"]).is_in(exts.implode())
    existing = existing.filter(in_scope)
    if existing.height == 0:
        return  # nothing of the book in the file's scope: every line is new
    sig = list(cols.values())
    mine = kept.select("line", *[_sig(cols, a) for a in sig]).with_columns(
        pl.int_range(pl.len()).over(sig).alias("_occ")
    )
    theirs = (
        existing.sort("id")
        .select("id", *[_sig(cols, a) for a in sig])
        .with_columns(pl.int_range(pl.len()).over(sig).alias("_occ"))
    )
    matched = mine.join(theirs, on=[*sig, "_occ"], how="inner", nulls_equal=True)
    plan.unchanged = matched.height
    plan.deletes = sorted(set(theirs.get_column("id").to_list()) - set(matched.get_column("id")))
    plan.drop_lines = pl.concat(
        [plan.drop_lines, matched.select("line")]
        if plan.drop_lines is not None
        else [matched.select("line")]
    )


def _sig(cols: dict[str, str], attr: str) -> pl.Expr:
    if attr in (cols.get("quantity"), cols.get("amount")):
        return (pl.col(attr).cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias(attr)
    return pl.col(attr)


def _existing(p1: Pass1, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The book's lines between the file's dates (and those with one of its external ids)."""
    model = p1.validator.spec.model
    table = model._meta.db_table
    cols = p1.columns
    schema: dict[str, Any] = {"id": pl.Int64}
    select = ["id"]
    for f, attr in cols.items():
        q = connection.ops.quote_name(attr)
        if f == "date" or f in ("quantity", "amount"):
            select.append(f"CAST({q} AS TEXT)")
            schema[attr] = pl.String
        elif f in ("external_id", "order_number"):
            select.append(q)
            schema[attr] = pl.String
        else:
            select.append(q)
            schema[attr] = pl.Int64
    sql = f"SELECT {', '.join(select)} FROM {connection.ops.quote_name(table)} WHERE "  # noqa: S608 (quoted names)
    where = f"{connection.ops.quote_name(cols['date'])} BETWEEN %s AND %s"
    params: list[Any] = [first.isoformat(), last.isoformat()]
    if "external_id" in cols:
        where = f"({where}) OR external_id IS NOT NULL"
    frames = []
    with connection.cursor() as cursor:
        cursor.execute(sql + where, params)
        while batch := cursor.fetchmany(100_000):
            frames.append(pl.DataFrame(batch, schema=schema, orient="row"))
    if not frames:
        return pl.DataFrame(schema=schema).with_columns(*_typed(cols))
    return pl.concat(frames).with_columns(*_typed(cols))


def _typed(cols: dict[str, str]) -> list[pl.Expr]:
    out = [pl.col(cols["date"]).str.slice(0, 10).str.to_date("%Y-%m-%d")]
    for f in ("quantity", "amount"):
        if f in cols:
            out.append(pl.col(cols[f]).cast(pl.Float64))
    return out


def _kept(p1: Pass1, plan: StreamPlan) -> pl.LazyFrame:
    """Valid rows of pass 1 that are not rejected by pass 2 (nor already in the book)."""
    frame = _scan(p1)
    gone = [r.line for r in plan.rejected]
    if gone:
        frame = frame.filter(~pl.col("line").is_in(gone))
    if plan.drop_lines is not None:
        frame = frame.join(plan.drop_lines.lazy(), on="line", how="anti")
    return frame


def write(p1: Pass1, plan: StreamPlan, progress: Callable[[int], None] | None) -> int:
    """Delete the replaced lines and insert the new ones (caller holds the transaction)."""
    model = p1.validator.spec.model
    table = model._meta.db_table
    for start in range(0, len(plan.deletes), DELETE_BATCH):
        model._default_manager.filter(pk__in=plan.deletes[start : start + DELETE_BATCH]).delete()
    attrs = list(p1.columns.values())
    gone = {r.line for r in plan.rejected}
    drop = plan.drop_lines
    constants = bulk.save_defaults(model, attrs)
    rebuild = _drop_indexes(table, plan.creates)
    unchecked = _lock_references(p1, plan)

    def frames() -> Iterator[pl.DataFrame]:
        for part in p1.parts:
            frame = pl.read_parquet(part, columns=["line", *attrs])
            if gone:
                frame = frame.filter(~pl.col("line").is_in(list(gone)))
            if drop is not None and drop.height:
                frame = frame.join(drop, on="line", how="anti")
            yield frame.select(*attrs)

    written = bulk.insert_parts(table, frames(), constants, progress)
    with connection.cursor() as cursor:
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = origin")
        for sql in rebuild:
            cursor.execute(sql)
    return written


def _lock_references(p1: Pass1, plan: StreamPlan) -> bool:
    """On PostgreSQL, check the new lines' foreign keys once per referenced row, not per line.

    Every account, product and buying center the lines name is locked ``FOR KEY SHARE`` (what
    the per-row foreign-key trigger does for each line, here once per distinct row), so none can
    go before the import commits, and a row gone since validation fails the import. Then the
    session's triggers are off (``session_replication_role = replica``) while the lines go in:
    no foreign-key check is queued per line. Needs the right to set that parameter (superuser,
    or ``GRANT SET``); without it the database checks each line as usual. Returns whether the
    checks are off.
    """
    if connection.vendor != "postgresql" or plan.creates == 0:
        return False
    model = p1.validator.spec.model
    targets = {
        f.attname: f.related_model._meta.db_table  # type: ignore[union-attr]
        for f in model._meta.concrete_fields
        if f.is_relation and f.attname in p1.columns.values()
    }
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    kept = _kept(p1, plan)
    with connection.cursor() as cursor:
        for attr, target in targets.items():
            ids = kept.select(pl.col(attr).drop_nulls().unique()).collect().get_column(attr)
            if ids.len() == 0:
                continue
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(target)} "  # noqa: S608
                "WHERE id = ANY(%s) FOR KEY SHARE) locked",
                [ids.to_list()],
            )
            (locked,) = cursor.fetchone()
            if locked != ids.len():
                raise DatabaseError(
                    f"{fmt.count(ids.len() - locked, 'row')} of {target} that the file refers to "
                    "were deleted during the import"
                )
    return True


def _drop_indexes(table: str, creates: int) -> list[str]:
    """On SQLite, when the import adds ``REBUILD_FROM`` rows or more and at least doubles
    ``table``: drop its plain indexes (returns the statements that build them again)."""
    if connection.vendor != "sqlite" or creates < REBUILD_FROM:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        (count,) = cursor.fetchone()
        if creates < count:
            return []
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        plain = [(n, s) for n, s in cursor.fetchall() if not s.upper().startswith("CREATE UNIQUE")]
        for name, _ in plain:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [s for _, s in plain]
