"""Scale benchmark of the analytics core: the app's full rescore, a pandas reference and a DuckDB
floor on synthetic books of growing size. See docs/performance.md.

Usage: .venv/bin/python bench/analyze.py [--scales 10000,100000,1000000] [--repeat 3]
           [--db sqlite|postgres|both] [--out bench/out] [--timeout 900] [--src PATH]
       .venv/bin/python bench/analyze.py --render OUT/results.json [MORE.json …]

Per scale: generate the book (bench/bookgen.py, cached in --out by size and seed), then run each
measurement in its own subprocess (peak memory = that process's own peak RSS): per database, a
bulk load into a fresh database (bench/bulkload.py; not part of the rescore), the cell-revenue
group-by in SQL, and ``analyze_now(as_of=…, trigger="bench", step=…)`` timed per step; the pandas
reference (bench/pandas_ref.py); the DuckDB group-by over the Parquet files. A step past --timeout
(or --max-rss-gb) is killed and reported, and the app is not tried at bigger scales on that
database. PostgreSQL uses ``accountplan_bench`` on --pg, created per load and dropped at the end.
Writes OUT/results.md and OUT/results.json; --render tabulates saved ones (scales merged).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import importlib.metadata
import itertools
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bookgen  # noqa: E402

PG_DB = "accountplan_bench"
AS_OF = dt.date(2025, 12, 31)
#: The cell-revenue group-by: R per (account, product) in the current and the previous window,
#: from purchase lines and won deals with a product (docs/methodology.md, "Window").
CELL_SQL = """
SELECT count(*) AS cells, sum(cur) AS current_revenue, sum(prev) AS previous_revenue FROM (
  SELECT account_id, product_id,
         sum(CASE WHEN d > {cs} THEN amount END) AS cur,
         sum(CASE WHEN d <= {cs} THEN amount END) AS prev
  FROM (
    SELECT account_id, product_id, {date} AS d, amount FROM {lines}
    UNION ALL
    SELECT account_id, product_id, close_date AS d, amount FROM {opps}
    WHERE status = 'won' AND product_id IS NOT NULL AND amount IS NOT NULL
      AND close_date IS NOT NULL
  ) AS revenue
  WHERE d > {ps} AND d <= {end}
  GROUP BY account_id, product_id
) AS cells
"""


def _status_kb(pid: str, key: str) -> int:
    """A VmRSS / VmHWM figure of a process from /proc (0 once it is gone)."""
    try:
        found = re.search(rf"{key}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0
    return int(found.group(1)) if found else 0


def _rss_mb() -> float:
    """This process's own peak memory (VmHWM; Linux carries ru_maxrss over fork + exec, so a
    child's ru_maxrss would be its parent's peak when the parent was bigger)."""
    return round(_status_kb("self", "VmHWM") / 1024, 1)


def _months_back(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months, the day clamped (2020-02-29 → 2019-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """(start of the current window, start of the previous one): each is ``start < date``."""
    return _months_back(as_of, 12), _months_back(as_of, 24)


def child_load(book: Path) -> dict[str, Any]:
    import bulkload

    bulkload.setup_django()
    out = bulkload.load(book)  # timed: wipe, load, index rebuild, ANALYZE (not the migrations)
    return {**out, "seconds": out["wipe_s"] + out["load_s"] + out["analyze_s"]}


def child_rescore(as_of: dt.date) -> dict[str, Any]:
    import bulkload

    bulkload.setup_django()
    import pandas_ref

    from accountplan.portfolio.services import analyze_now

    marks: list[tuple[str, float, float]] = []

    def step(label: str) -> None:
        marks.append((label, time.perf_counter(), _rss_mb()))
        # printed as it happens: a step killed by the timeout still shows where the time went
        print("@@STEP " + json.dumps({"label": label, "at": time.time()}), flush=True)

    step("setup")
    result = analyze_now(as_of=as_of, trigger="bench", step=step)
    step("end")
    steps: dict[str, float] = {}
    peaks: dict[str, float] = {}  # the process's peak memory by the end of each step
    for (label, at, _), (_, until, rss) in itertools.pairwise(marks):
        steps[label] = steps.get(label, 0.0) + until - at
        peaks[label] = rss
    accounts = getattr(result, "accounts", None)
    return {
        "seconds": marks[-1][1] - marks[0][1],
        "steps": steps,
        "peak_so_far_mb": peaks,
        "summary": None if accounts is None else pandas_ref.app_summary(accounts),
    }


def child_cells(as_of: dt.date, book: Path | None = None) -> dict[str, Any]:
    """The cell-revenue group-by: DuckDB over the Parquet files of ``book``, or the app's DB."""
    cs, ps = _window(as_of)
    if book is not None:
        import duckdb

        sql = CELL_SQL.format(
            cs=f"DATE '{cs}'", ps=f"DATE '{ps}'", end=f"DATE '{as_of}'", date='"date"',
            lines=f"read_parquet('{book / 'purchase_lines.parquet'}')",
            opps=f"read_parquet('{book / 'opportunities.parquet'}')",
        )  # fmt: skip
        cursor: Any = duckdb.connect()
        params: list[Any] = []
    else:
        import bulkload

        bulkload.setup_django()
        from django.db import connection

        from accountplan.book.models import Opportunity, PurchaseLine

        sql = CELL_SQL.format(
            cs="%s", ps="%s", end="%s", date="date", lines=PurchaseLine._meta.db_table,
            opps=Opportunity._meta.db_table,
        )  # fmt: skip
        # the current window's start comes twice (current and previous sums), then the window
        params = [cs, cs, ps, as_of]
        if connection.vendor == "sqlite":
            params = [d.isoformat() for d in params]
        cursor = connection.cursor()
    started = time.perf_counter()
    cursor.execute(sql, params)
    cells, cur, prev = cursor.fetchone()
    return {
        "seconds": time.perf_counter() - started,
        "summary": {"cells": cells, "current_revenue": round(float(cur), 2),
                    "previous_revenue": round(float(prev), 2)},
    }  # fmt: skip


def run_child(kind: str, book: Path, as_of: dt.date) -> None:
    runners = {
        "load": lambda: child_load(book),
        "rescore": lambda: child_rescore(as_of),
        "sql": lambda: child_cells(as_of),
        "duckdb": lambda: child_cells(as_of, book),
        "pandas": lambda: __import__("pandas_ref").run(book, as_of),
    }
    out = runners[kind]()
    out.setdefault("seconds", out.get("total_s"))
    out["peak_rss_mb"] = _rss_mb()
    print("\n@@RESULT " + json.dumps(out, default=str))


class Runner:
    """Runs one child step at a time with a timeout and a memory ceiling."""

    def __init__(
        self, out: Path, timeout: float, max_rss_gb: float, pg: str, src: Path | None
    ) -> None:
        self.out, self.timeout, self.max_rss_kb = out, timeout, max_rss_gb * 1024 * 1024
        self.pg, self.src = pg.rstrip("/"), src

    def env(self, db: str | None) -> dict[str, str]:
        env = {**os.environ, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "accountplan.config.settings"}
        env.pop("DATABASE_URL", None)
        env["ACCOUNTPLAN_DATA_DIR"] = str(self.out / "db" / (db or "none"))
        if self.src:  # measure another copy of the app (e.g. a `git archive` of a commit)
            env["PYTHONPATH"] = os.pathsep.join([str(self.src), env.get("PYTHONPATH", "")])
        if db == "postgres":
            env["DATABASE_URL"] = f"{self.pg}/{PG_DB}"
        return env

    def fresh_db(self, db: str) -> None:
        if db == "sqlite":
            shutil.rmtree(self.out / "db" / "sqlite", ignore_errors=True)
        else:
            self.pg_admin(
                f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}"
            )

    def pg_admin(self, *statements: str) -> list[Any]:
        import psycopg

        rows = []
        with psycopg.connect(f"{self.pg}/postgres", autocommit=True) as conn:
            for statement in statements:
                cur = conn.execute(statement)  # type: ignore[arg-type]
                rows.append(cur.fetchone() if cur.description else None)
        return rows

    def step(self, kind: str, book: Path, as_of: dt.date, db: str | None = None) -> dict[str, Any]:
        """Run one measurement in a fresh process; {"status": "ok", ...} or timeout/memory/error."""
        cmd = [sys.executable, __file__, "--child", kind, "--book", str(book),
               "--as-of", as_of.isoformat()]  # fmt: skip
        load = os.getloadavg()[0]
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            proc = subprocess.Popen(
                cmd, stdout=stdout, stderr=stderr, env=self.env(db), cwd=BENCH.parent,
                start_new_session=True,
            )  # fmt: skip
            started, peak_kb, status = time.monotonic(), 0, "ok"
            while proc.poll() is None:
                peak_kb = max(peak_kb, _status_kb(str(proc.pid), "VmRSS"))
                if time.monotonic() - started > self.timeout:
                    status = "timeout"
                elif peak_kb > self.max_rss_kb:
                    status = "memory"
                if status != "ok":
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    break
                time.sleep(0.2)
            wall = time.monotonic() - started
            text, err = (_read(f) for f in (stdout, stderr))
        if status != "ok":
            return {"status": status, "seconds": wall, "peak_rss_mb": round(peak_kb / 1024, 1),
                    "load_avg": load, "steps_until_killed": _partial_steps(text)}  # fmt: skip
        marker = text.rfind("@@RESULT ")
        if proc.returncode != 0 or marker < 0:
            tail = err.strip().splitlines()[-3:]
            return {"status": "error", "seconds": wall, "error": " | ".join(tail), "load_avg": load}
        result = json.loads(text[marker + len("@@RESULT ") :])
        return {"status": "ok", **result, "load_avg": load}


def _partial_steps(text: str) -> dict[str, float]:
    """Seconds per step from the @@STEP lines of a killed child (the last one until the kill)."""
    marks = [json.loads(line[8:]) for line in text.splitlines() if line.startswith("@@STEP ")]
    ends = [m["at"] for m in marks[1:]] + [time.time()]
    return {m["label"]: round(end - m["at"], 1) for m, end in zip(marks, ends, strict=False)}


def _read(file: Any) -> str:
    file.seek(0)
    return str(file.read().decode(errors="replace"))


def machine(runner: Runner, dbs: list[str]) -> dict[str, Any]:
    """CPU, memory and the versions that matter."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    mem_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    info: dict[str, Any] = {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "date": dt.date.today().isoformat(),
    }  # fmt: skip
    for name in ("polars", "pandas", "duckdb", "pyarrow", "numpy", "django"):
        info[name] = importlib.metadata.version(name)
    info["app_src"] = str(runner.src or "installed")
    git = subprocess.run(
        ["git", "-C", str(BENCH.parent), "describe", "--always", "--dirty"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    info["git"] = git.stdout.strip()
    if "postgres" in dbs:
        info["postgresql"] = runner.pg_admin("SHOW server_version")[0][0]
    return info


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median seconds (and per step), max peak memory; the status of the worst run."""
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        peak = max((r.get("peak_rss_mb") or 0 for r in runs), default=None)
        status = runs[-1]["status"] if runs else "skipped"
        return {"status": status, "runs": runs, "peak_rss_mb": peak}
    labels = ok[0].get("steps") or {}
    steps = {k: statistics.median(r["steps"].get(k, 0.0) for r in ok) for k in labels}
    return {
        "status": "ok",
        "seconds": statistics.median(r["seconds"] for r in ok),
        "steps": steps,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
        # a step's peak: the process's peak memory by the end of that step
        "step_peak_mb": {k: max(r.get("peak_so_far_mb", {}).get(k, 0) for r in ok) for k in labels},
        "runs": runs,
    }


def bench_scale(runner: Runner, scale: int, args: argparse.Namespace, dead: set[str]) -> dict:
    """Every measurement at one scale."""
    book, meta = bookgen.cached(scale, args.out, seed=args.seed, as_of=args.as_of)
    print(f"# {scale:,} accounts: book {book} ({meta['rows']})", file=sys.stderr)
    as_of = dt.date.fromisoformat(str(meta["as_of"]))
    found: dict[str, Any] = {"book": meta}
    for kind, label in (("duckdb", "duckdb floor"), ("pandas", "pandas reference")):
        runs: list[dict[str, Any]] = []
        for _ in range(args.repeat):
            runs.append(runner.step(kind, book, as_of))
            if runs[-1]["status"] != "ok":
                break
        found[label] = median_of(runs)
        print(f"  {label}: {_fmt_s(found[label])}", file=sys.stderr)
    for db in args.dbs:
        loads, rescores, sqls = [], [], []
        for _ in range(0 if db in dead else args.repeat):
            runner.fresh_db(db)
            loads.append(runner.step("load", book, as_of, db))
            if loads[-1]["status"] != "ok":
                break
            sqls.append(runner.step("sql", book, as_of, db))
            rescores.append(runner.step("rescore", book, as_of, db))
            if rescores[-1]["status"] != "ok":
                dead.add(db)
                break
        if db == "postgres":
            runner.pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        for name, runs in (("load", loads), ("SQL cell group-by", sqls), ("rescore", rescores)):
            found[f"{db} {name}"] = median_of(runs)
            print(f"  {db} {name}: {_fmt_s(found[f'{db} {name}'])}", file=sys.stderr)
    found["checks"] = checks(found)
    print(f"  checks: {json.dumps(found['checks'])}", file=sys.stderr)
    return found


def checks(found: dict[str, Any]) -> dict[str, Any]:
    """Do the implementations agree? Current revenue everywhere; app vs pandas on the rest."""
    summaries: dict[str, dict[str, Any]] = {}
    for key, entry in found.items():
        for run in entry.get("runs") or [] if isinstance(entry, dict) else []:
            if run["status"] == "ok" and "current_revenue" in (run.get("summary") or {}):
                summaries[key] = run["summary"]
                break
    totals = {k: s["current_revenue"] for k, s in summaries.items()}
    spread = max(totals.values()) - min(totals.values()) if totals else 0.0
    out: dict[str, Any] = {"current_revenue": totals, "revenue_agrees": spread < 1.0}
    ref = summaries.get("pandas reference") or {}
    for key, summary in summaries.items():
        if key.endswith("rescore") and ref:
            keys = ("accounts", "tiers", "plays", "whitespace_value", "wallet", "mean_score")
            diff = {k: [summary.get(k), ref[k]] for k in keys if not _same(summary.get(k), ref[k])}
            out[f"{key} vs pandas"] = diff or "same"
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-6 * max(abs(b), 1.0)
    return bool(a == b)


def _fmt_s(entry: dict[str, Any] | None, key: str | None = None) -> str:
    if entry is None:
        return "—"
    if entry["status"] != "ok":
        partial = _partial(entry)
        if key and key in partial:  # the step the kill interrupted ran at least this long
            last = key == list(partial)[-1]
            return f"{'≥ ' if last else ''}{partial[key]:,.0f} s{' (killed)' if last else ''}"
        return str(entry["status"])
    value = entry["steps"].get(key) if key else entry["seconds"]
    return "—" if value is None else f"{value:,.1f} s" if value >= 1 else f"{value:,.2f} s"


def _partial(entry: dict[str, Any]) -> dict[str, float]:
    return (entry.get("runs") or [{}])[-1].get("steps_until_killed") or {}


def _ratio(now: float | None, before: float | None) -> str:
    return f" (×{now / before:.1f})" if now and before else ""


def table(results: dict[str, Any]) -> str:
    """The markdown table: one row per measurement, time and peak memory per scale."""
    scales = list(results)
    rows: list[tuple[str, str, str | None]] = [
        ("duckdb floor", "DuckDB cell group-by (Parquet)", None),
        ("pandas reference", "pandas reference (compute)", None),
    ]
    for db in ("sqlite", "postgres"):
        if not any(f"{db} load" in results[s] for s in scales):
            continue
        rows.append((f"{db} load", f"{db}: bulk load + indexes + ANALYZE", None))
        rows.append((f"{db} SQL cell group-by", f"{db}: SQL cell group-by", None))
        rows.append((f"{db} rescore", f"{db}: **app rescore total**", None))
        labels: list[str] = []
        for s in scales:
            entry = results[s].get(f"{db} rescore") or {}
            for label in entry.get("steps") or _partial(entry):
                if label not in labels:
                    labels.append(label)
        rows += [(f"{db} rescore", f"{db}: rescore — {label}", label) for label in labels]
    head = "| step | " + " | ".join(f"{s:,} time | {s:,} peak MB" for s in map(int, scales)) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(scales)]
    for key, name, step in rows:
        cells, prev_s, prev_m = [], None, None
        for s in scales:
            entry = results[s].get(key)
            secs = None
            if entry and entry["status"] == "ok":
                secs = entry["steps"].get(step) if step else entry["seconds"]
            mem = (
                (entry or {}).get("step_peak_mb", {}).get(step)
                if step
                else (entry or {}).get("peak_rss_mb")
            )
            cells.append(_fmt_s(entry, step) + _ratio(secs, prev_s))
            cells.append(("—" if not mem else f"{mem:,.0f}") + _ratio(mem, prev_m))
            prev_s, prev_m = secs, mem
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--max-rss-gb", type=float, default=12.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--src", type=Path, default=None, help="the app's src folder to measure")
    parser.add_argument("--render", type=Path, nargs="+", help="tabulate results.json files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--book", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.render:
        if args.render:  # several files (e.g. 1M run apart with --repeat 1): scales merge
            print(render([json.loads(f.read_text(encoding="utf-8")) for f in args.render]))
        else:
            run_child(args.child, args.book, args.as_of)
        return
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    ignore = args.out / ".gitignore"  # books and databases are big: keep them out of git
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    args.dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    runner = Runner(args.out, args.timeout, args.max_rss_gb, args.pg, args.src)
    report: dict[str, Any] = {
        "machine": machine(runner, args.dbs),
        "args": {k: str(v) for k, v in vars(args).items() if k not in ("child", "book")},
        "results": {},
    }
    dead: set[str] = set()
    try:
        for scale in (int(s) for s in args.scales.split(",")):
            report["results"][str(scale)] = bench_scale(runner, scale, args, dead)
            (args.out / "results.json").write_text(json.dumps(report, indent=1, default=str))
    finally:
        if "postgres" in args.dbs:
            runner.pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    (args.out / "results.md").write_text(render([report]) + "\n", encoding="utf-8")
    print(render([report]))


def render(reports: list[dict[str, Any]]) -> str:
    """The machine, how each report ran, and one table over all their scales."""
    m = reports[0]["machine"]
    how = "; ".join(
        f"{', '.join(f'{int(k):,}' for k in r['results'])}: median of {r['args']['repeat']}, "
        f"timeout {float(r['args']['timeout']):.0f} s, app {r['machine'].get('git')} "
        f"({r['machine'].get('app_src')}), {r['machine']['date']}"
        for r in reports
    )
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
        f"Polars {m['polars']}, pandas {m['pandas']}, DuckDB {m['duckdb']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m.get('postgresql', '—')}. {how}\n\n"
        + table({k: v for r in reports for k, v in r["results"].items()})
    )


if __name__ == "__main__":
    main()
