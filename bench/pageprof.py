"""Where one page's time goes: SQL statements, their time, and the rest (Python), per URL.

Usage: ``ACCOUNTPLAN_DATA_DIR=... .venv/bin/python bench/pageprof.py [URL ...] [--repeat 5]
[--sql]`` (without URLs: the pages ``bench/web.py`` picks). Runs in this process through
Django's test client as the bench user (created by ``bench/web.py``); prints, per URL, the
median total time, the number of queries, their total time, bytes and CPU time (process time:
steadier than the wall clock on a busy machine); ``--sql`` also prints
the slowest statements of the last run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import ensure_user, pick_urls, setup_django


def _timer(statements: list[tuple[float, str]]) -> Any:
    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - t0, sql))

    return timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--sql-chars", type=int, default=300)
    parser.add_argument("--top", type=int, default=5, help="slowest statements printed")
    parser.add_argument("--user", default="bench")
    parser.add_argument("--profile", action="store_true", help="cProfile the last run")
    parser.add_argument("--sort", default="cumulative", help="profile order (e.g. tottime)")
    parser.add_argument("--lines", type=int, default=35, help="profile lines printed")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    ensure_user(args.user, "bench-pass-1")
    from accountplan.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    urls = args.urls or [u for u in pick_urls().values() if u != "/login/"]
    for url in urls:
        runs: list[tuple[float, int, float, int]] = []
        statements: list[tuple[float, str]] = []
        cpu: list[float] = []
        for _ in range(args.repeat):
            statements = []
            timer = _timer(statements)

            profiler = cProfile.Profile() if args.profile else None
            with connection.execute_wrapper(timer):
                t0, c0 = time.perf_counter(), time.process_time()
                if profiler is not None:
                    profiler.enable()
                resp = client.get(url)
                if profiler is not None:
                    profiler.disable()
                total = time.perf_counter() - t0
                cpu.append(time.process_time() - c0)
            runs.append((total, len(statements), sum(t for t, _ in statements), len(resp.content)))
        total = statistics.median(r[0] for r in runs) * 1000
        sql_ms = statistics.median(r[2] for r in runs) * 1000
        print(
            f"{url[:60]:<60} {resp.status_code} total {total:7.1f} ms  sql {runs[-1][1]:3d} q "
            f"{sql_ms:7.1f} ms  python {total - sql_ms:7.1f} ms  {runs[-1][3] / 1024:7.1f} KB  "
            f"cpu {statistics.median(cpu) * 1000:6.1f} ms",
            flush=True,
        )
        if profiler is not None:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
        if args.sql:
            for t, sql in sorted(statements, reverse=True)[: args.top]:
                print(f"    {t * 1000:7.1f} ms  {sql[: args.sql_chars]}")


if __name__ == "__main__":
    main()
