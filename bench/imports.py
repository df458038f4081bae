"""Importing purchase lines beside the database's own bulk load of the same CSV.

Usage: .venv/bin/python bench/imports.py [--scales 10000,100000] [--repeat 3,1]
       [--db sqlite|postgres|both] [--out ~/accountplan-imports]
       [--before PATH/TO/accountplan [--before-max 10000]]

For each scale: a synthetic book (``bookgen.py``, cached under ``--out``) is turned into the
purchase-lines file a user would import (``Account,Product,Date,Quantity,Amount``: account and
product by external id), then per database:

- the book without its purchase lines is bulk-loaded (``bulkload.py``, then the lines deleted);
- ``accountplan import purchases FILE --mapping purchases.toml`` (``mode = "replace"``) runs in its
  own process under ``/usr/bin/time -v``: wall seconds and peak RSS; the lines are deleted between
  repeats;
- the reference: ``sqlite3 .import`` of the same CSV into a bare table of a fresh database file,
  and PostgreSQL ``\\copy`` (COPY FROM STDIN) into a bare typed table;
- the floor: the same lines with their database ids already resolved, loaded by the database's
  own tool into the app's purchase-lines table with its key and indexes (``sqlite3 .import``
  into a temporary table, then one ``INSERT … SELECT``; ``\\copy`` with the foreign-key
  triggers off): what no import into that table can beat.

Medians of the repeats (``--repeat`` per scale), the ratio import / reference, and the load average
(the machine's 2 cores may be shared). ``--before`` times another build of ``accountplan`` (e.g.
the main branch's venv) once per scale, for a before/after. Hold ``flock /work/bench.lock``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
VENV = Path(sys.executable).parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "importer_bench"
PG_REF = "importer_ref"
MAPPING = """name = "bench purchases"
[purchases]
mode = "replace"
[purchases.columns]
Account = "account"
Product = "product"
Date = "date"
Quantity = "quantity"
Amount = "amount"
"""


def purchases_csv(book: Path) -> Path:
    """The book's purchase lines as an import file (external ids, not database ids)."""
    out = book / "purchases_import.csv"
    if out.exists():
        return out
    accounts = pl.read_parquet(book / "accounts.parquet", columns=["id", "external_id"])
    products = pl.read_parquet(book / "products.parquet", columns=["id", "external_id"])
    lines = pl.read_parquet(book / "purchase_lines.parquet")
    frame = (
        lines.join(accounts.rename({"id": "account_id", "external_id": "Account"}), on="account_id")
        .join(products.rename({"id": "product_id", "external_id": "Product"}), on="product_id")
        .sort("id")
        .select("Account", "Product", pl.col("date").alias("Date"),
                pl.col("quantity").alias("Quantity"), pl.col("amount").alias("Amount"))
    )  # fmt: skip
    frame.write_csv(out.with_suffix(".tmp"))
    out.with_suffix(".tmp").rename(out)
    return out


def ids_csv(book: Path) -> Path:
    """The same lines with their database ids (what the import resolves), for the floor."""
    out = book / "purchases_ids.csv"
    if not out.exists():
        lines = pl.read_parquet(book / "purchase_lines.parquet")
        frame = lines.sort("id").select(
            "account_id",
            "product_id",
            "date",
            "quantity",
            "amount",
            pl.lit("").alias("order_number"),
        )
        frame.write_csv(out.with_suffix(".tmp"))
        out.with_suffix(".tmp").rename(out)
    return out


def book_for(scale: int, out: Path) -> Path:
    book = out / f"book{scale}"
    if not (book / "meta.json").exists():
        subprocess.run(
            [sys.executable, HERE / "bookgen.py", str(scale), "--out", str(book)], check=True
        )
    return book


def env_for(db: str, out: Path, scale: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["ACCOUNTPLAN_DATA_DIR"] = str(out / f"db-{db}-{scale}")
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG}/{PG_DB}"
    return env


def psql(db: str, *commands: str) -> None:
    for command in commands:
        subprocess.run(
            ["psql", f"{PG}/{db}", "-q", "-v", "ON_ERROR_STOP=1", "-c", command],
            check=True,
            capture_output=True,
        )


def fresh(db: str, env: dict[str, str], book: Path) -> None:
    """The book without purchase lines in a fresh database."""
    if db == "postgres":
        psql(
            "postgres", f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}"
        )
    else:
        shutil.rmtree(env["ACCOUNTPLAN_DATA_DIR"], ignore_errors=True)
    subprocess.run(
        [VENV / "python", HERE / "bulkload.py", str(book)], env=env, check=True, capture_output=True
    )
    # The bulk load skips what the app's own import of the deals does: a micro-plan for each lost
    # deal. Without them the first timed import made all of them (60k at 100k accounts, ~10 s).
    subprocess.run(
        [VENV / "accountplan", "shell", "-c", MICRO_PLANS], env=env, check=True, capture_output=True
    )
    clear(db, env)


MICRO_PLANS = "from accountplan.followup.services import create_micro_plans; create_micro_plans()"


def clear(db: str, env: dict[str, str]) -> None:
    """Delete every purchase line (between repeats)."""
    sql = "DELETE FROM book_purchaseline"
    if db == "postgres":
        # CHECKPOINT: the deleted pages are written now, not during the next timed step
        psql(PG_DB, sql, "VACUUM ANALYZE book_purchaseline", "CHECKPOINT")
    else:
        path = Path(env["ACCOUNTPLAN_DATA_DIR"]) / "accountplan.sqlite3"
        subprocess.run(["sqlite3", str(path), sql + "; VACUUM;"], check=True)


def timed(cmd: list[Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds, CPU seconds (user + system: what a loaded machine inflates least) and peak
    RSS (MB) of one command, via /usr/bin/time -v."""
    os.sync()  # the previous step's written pages go to disk now, not during this one
    started = time.monotonic()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *map(str, cmd)], env=env, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    if proc.returncode:
        raise RuntimeError(f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    rss = next(
        int(line.split(":")[1]) for line in proc.stderr.splitlines() if "Maximum resident" in line
    )
    cpu = sum(
        float(line.split(":")[1])
        for line in proc.stderr.splitlines()
        if line.strip().startswith(("User time", "System time"))
    )
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(rss / 1024),
        "out": proc.stdout[-600:],
    }


def reference(db: str, csv: Path, out: Path) -> dict[str, Any]:
    """The database's own bulk load of the same CSV into a bare table."""
    if db == "sqlite":
        path = out / "ref.sqlite3"
        path.unlink(missing_ok=True)
        script = out / "ref.sql"
        script.write_text(f".mode csv\n.import {csv} bare\n")
        return timed(["sqlite3", path, f".read {script}"])
    psql("postgres", f"DROP DATABASE IF EXISTS {PG_REF} WITH (FORCE)", f"CREATE DATABASE {PG_REF}")
    psql(
        PG_REF,
        "CREATE TABLE bare (account text, product text, date date, quantity numeric(14,2), "
        "amount numeric(16,2))",
    )
    return timed(["psql", f"{PG}/{PG_REF}", "-c", f"\\copy bare FROM '{csv}' CSV HEADER"])


FLOOR_COLUMNS = "account_id, product_id, date, quantity, amount, order_number"


def floor(db: str, ids: Path, env: dict[str, str], out: Path) -> dict[str, Any]:
    """The database's own bulk load of the lines, ids already resolved, into the app's table
    with its keys and indexes (no reading of names, no validation, no Python): the least any
    import into that table can cost. The lines are deleted after."""
    if db == "sqlite":
        path = Path(env["ACCOUNTPLAN_DATA_DIR"]) / "accountplan.sqlite3"
        script = out / "floor.sql"
        insert = f"INSERT INTO book_purchaseline ({FLOOR_COLUMNS}) SELECT {FLOOR_COLUMNS} "
        script.write_text(
            ".mode csv\nPRAGMA cache_size = -262144;\n"  # the importer's page cache
            f".import --schema temp {ids} floor_stage\nBEGIN;\n"
            f"{insert}FROM temp.floor_stage;\nCOMMIT;\n"
        )
        result = timed(["sqlite3", path, f".read {script}"])
    else:
        script = out / "floor.psql"
        script.write_text(
            "BEGIN;\nSET LOCAL session_replication_role = replica;\n"
            f"\\copy book_purchaseline ({FLOOR_COLUMNS}) FROM '{ids}' CSV HEADER\nCOMMIT;\n"
        )
        result = timed(["psql", f"{PG}/{PG_DB}", "-q", "-v", "ON_ERROR_STOP=1", "-f", script])
    clear(db, env)
    return result


def run_import(accountplan: Path, csv: Path, mapping: Path, env: dict[str, str]) -> dict[str, Any]:
    result = timed([accountplan, "import", "purchases", csv, "--mapping", mapping], env)
    if "Imported" not in result["out"]:
        raise RuntimeError(f"the import did not import: {result['out']}")
    return result


def bench(scale: int, repeat: int, dbs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.out)
    book = book_for(scale, out)
    csv = purchases_csv(book)
    ids = ids_csv(book)
    mapping = out / "purchases.toml"
    mapping.write_text(MAPPING)
    lines = sum(1 for _ in csv.open("rb")) - 1
    found: dict[str, Any] = {"scale": scale, "lines": lines}
    for db in dbs:
        env = env_for(db, out, scale)
        fresh(db, env, book)
        runs, refs, floors = [], [], []
        for _ in range(repeat):
            refs.append(reference(db, csv, out))
            floors.append(floor(db, ids, env, out))
            runs.append(run_import(VENV / "accountplan", csv, mapping, env))
            clear(db, env)
        entry: dict[str, Any] = {
            "import_s": round(statistics.median(r["seconds"] for r in runs), 2),
            "import_peak_mb": max(r["peak_mb"] for r in runs),
            "reference_s": round(statistics.median(r["seconds"] for r in refs), 2),
            "import_cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
            "reference_cpu_s": round(statistics.median(r["cpu_s"] for r in refs), 2),
            "floor_s": round(statistics.median(r["seconds"] for r in floors), 2),
            "runs": [r["seconds"] for r in runs],
            "reference_runs": [r["seconds"] for r in refs],
            "load_average": round(os.getloadavg()[0], 1),
        }
        entry["ratio"] = round(entry["import_s"] / entry["reference_s"], 2)
        entry["floor_ratio"] = round(entry["floor_s"] / entry["reference_s"], 2)
        entry["import_floor_ratio"] = round(entry["import_s"] / entry["floor_s"], 2)
        if args.before and scale <= args.before_max:
            before = run_import(Path(args.before), csv, mapping, env)
            entry["before_s"], entry["before_peak_mb"] = before["seconds"], before["peak_mb"]
            clear(db, env)
        found[db] = entry
        print(json.dumps({db: entry, "scale": scale}), flush=True)
    return found


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| accounts | lines | database | import (median) | bulk load of the CSV | ratio | "
        "floor: ids into the app's table | floor ÷ bare | import ÷ floor | peak memory | before | "
        "load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for found in results:
        for db in ("sqlite", "postgres"):
            e = found.get(db)
            if not e:
                continue
            before = f"{e['before_s']} s, {e['before_peak_mb']} MB" if "before_s" in e else "—"
            rows.append(
                f"| {found['scale']:,} | {found['lines']:,} | {db} | {e['import_s']} s | "
                f"{e['reference_s']} s | {e['ratio']}× | {e['floor_s']} s | {e['floor_ratio']}× | "
                f"{e['import_floor_ratio']}× | "
                f"{e['import_peak_mb']} MB | {before} | "
                f"{e['load_average']} |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000")
    parser.add_argument("--repeat", default="3,1", help="repeats per scale (comma-separated)")
    parser.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--out", default=str(Path.home() / "accountplan-imports"))
    parser.add_argument("--before", help="another accountplan executable to time once per scale")
    parser.add_argument(
        "--before-max", type=int, default=10_000, help="largest scale --before is timed at"
    )
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    repeats = [int(r) for r in args.repeat.split(",")]
    repeats += [repeats[-1]] * (len(scales) - len(repeats))
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [bench(s, r, dbs, args) for s, r in zip(scales, repeats, strict=True)]
    print(table(results))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
