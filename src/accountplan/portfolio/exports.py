"""The accounts and cells tables as files (CSV, XLSX, Parquet), keyed by the imported ids."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook

from accountplan.core.spreadsheet_safe import safe_frame, safe_row

FORMATS = ("csv", "xlsx", "parquet")

ACCOUNT_COLUMNS = [
    "account_id",
    "account_name",
    "industry",
    "territory",
    "owner_name",
    "employees",
    "current_revenue",
    "previous_revenue",
    "growth",
    "whitespace_value",
    "wallet",
    "share_of_wallet",
    "share_of_wallet_gap",
    "icp_fit",
    "satisfaction",
    "potential_score",
    "missing_attributes",
    "high_revenue",
    "high_potential",
    "play",
    "value",
    "value_percentile",
    "tier",
    "cadence",
    "cost_to_serve",
    "gross_margin",
    "cost_to_serve_flag",
    "clv",
    "next_best",
]

CELL_COLUMNS = [
    "account_id",
    "account_name",
    "item",
    "item_name",
    "family",
    "current_revenue",
    "previous_revenue",
    "size",
    "override",
    "potential",
    "potential_source",
    "peer_count",
    "peer_median_rate",
    "peer_segment",
    "state",
    "whitespace_value",
    "open_opportunities",
    "open_amount",
    "recent_lost",
    "explanation",
]

RATE_COLUMNS = ["peer_key", "item", "peer_count", "segment_count", "peer_median_rate",
                "peer_segment", "peer_text"]  # fmt: skip

#: Accounts expanded per chunk when the whole grid is written (bounds memory).
CHUNK_ACCOUNTS = 20_000


def _external_ids(accounts: pl.DataFrame) -> pl.DataFrame:
    # The id the account was imported with; the database id when it has none.
    return accounts.select(
        "account_id",
        pl.coalesce("external_id", pl.col("account_id").cast(pl.String)).alias("ext"),
        "account_name",
    )


def accounts_table(accounts: pl.DataFrame) -> pl.DataFrame:
    """The accounts table to export: ``account_id`` is the external id; lists become text."""
    ids = _external_ids(accounts)
    out = accounts.join(ids.select("account_id", "ext"), on="account_id", how="left")
    out = out.with_columns(
        pl.col("ext").alias("account_id"),
        pl.col("next_best").list.join("; ").alias("next_best"),
    )
    return out.select([c for c in ACCOUNT_COLUMNS if c in out.columns])


def cells_table(cells: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """The cells table to export: ``account_id`` is the account's external id."""
    ids = _external_ids(accounts)
    out = cells.join(ids, on="account_id", how="left").with_columns(
        pl.col("ext").alias("account_id")
    )
    return out.select([c for c in CELL_COLUMNS if c in out.columns])


def rates_table(rates: pl.DataFrame) -> pl.DataFrame:
    """The peer table: one row per (peer group, item), the rate every derived P comes from."""
    return rates.select(RATE_COLUMNS)


def all_cells(analysis: Any) -> Iterator[pl.DataFrame]:
    """Every account × item of an analysis, in chunks of accounts (stored and derived cells)."""
    from accountplan.analytics.derive import expand_cells

    ids = analysis.keys.get_column("account_id").sort().to_list()
    for start in range(0, max(len(ids), 1), CHUNK_ACCOUNTS):
        yield expand_cells(analysis, ids[start : start + CHUNK_ACCOUNTS])


def write_cells(analysis: Any, accounts: pl.DataFrame, folder: Path, fmt: str) -> Path:
    """Write every cell (derived ones included) to ``folder/cells.fmt``, chunk by chunk."""
    chunks = (cells_table(chunk, accounts) for chunk in all_cells(analysis))
    path = folder / f"cells.{fmt}"
    if fmt == "csv":
        with path.open("wb") as out:
            for i, chunk in enumerate(chunks):
                safe_frame(chunk).write_csv(out, include_header=i == 0)
        return path
    return write_table(pl.concat(list(chunks)), folder, "cells", fmt)


def _xlsx(frame: pl.DataFrame, path: Path, sheet: str) -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(safe_row(frame.columns))
    for row in frame.iter_rows():
        ws.append(safe_row(float(v) if isinstance(v, Decimal) else v for v in row))
    book.save(path)


def write_table(frame: pl.DataFrame, folder: Path, name: str, fmt: str) -> Path:
    """Write ``frame`` to ``folder/name.fmt`` and return the path."""
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        safe_frame(frame).write_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "xlsx":
        _xlsx(frame, path, name)
    else:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return path
