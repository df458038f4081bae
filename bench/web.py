"""The pages and API lists under load: p50/p95 and bytes per URL at N concurrent clients.

Usage (the app's database from the environment, as ``accountplan serve`` reads it)::

    ACCOUNTPLAN_DATA_DIR=... .venv/bin/python bench/web.py --port 8110 [--clients 8]
        [--seconds 10] [--workers N] [--threads N] [--user bench --password bench]
        [--only accounts,map]
        [--during rescore]

It starts ``accountplan serve`` itself (gunicorn, the serve command's own worker and thread
counts: ``--workers`` processes, by default the serve command's, with ``--threads`` threads each,
by default the serve command's (1: sync workers); no background
task worker), signs in as a user that sees the whole book (created or reset when missing:
``--user``), picks real URLs from the database (an account, the biggest territory, a plan),
warms each URL once, then drives it for
``--seconds`` with ``--clients`` threads, each with its own keep-alive connection (``http.client``
on loopback), beside the login page as the trivial reference. Prints a table and, on the last
line, a JSON summary. The figures include this driver's own cost on the same machine: read the
reference row.

``--during rescore`` measures the pages while the app rescores: the server runs with its own
background worker (as ``accountplan serve`` does by default), each page is visited once, a
rescore of the current
snapshot's date is queued, and the pages are driven in turn, ``--seconds`` each, round after
round, queueing another rescore whenever one ends, until every page has been driven while a
rescore was running. Prints each rescore's duration and the pages' figures under it (errors
count every non-200 answer and every failed connection: on SQLite a long write must never make
a read fail).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "/login/"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()


def ensure_user(username: str, password: str) -> None:
    """A manager-role user who sees the whole book, with the given password."""
    from accountplan.core.models import User

    user, _ = User.objects.get_or_create(username=username, defaults={"role": "manager"})
    user.role = "manager"
    user.is_staff = True
    user.set_password(password)
    user.save()


def pick_urls() -> dict[str, str]:
    """Real URLs of the book in the database: the pages and API lists the targets name."""
    from django.db.models import Count

    from accountplan.book.models import Account
    from accountplan.plans.models import AccountPlan
    from accountplan.portfolio.models import AccountScore, Snapshot

    snapshot = Snapshot.objects.current(level="product") or Snapshot.objects.current()
    territory = (
        Account.objects.exclude(territory="")
        .values("territory")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("territory", flat=True)
        .first()
    )
    account_id = None
    if snapshot is not None:
        account_id = (
            AccountScore.objects.filter(snapshot=snapshot)
            .order_by("-whitespace_value")
            .values_list("account_id", flat=True)
            .first()
        )
    if account_id is None:
        account_id = Account.objects.order_by("pk").values_list("pk", flat=True).first()
    plan = AccountPlan.objects.order_by("pk").first()
    if plan is None and snapshot is not None:
        # A big book loaded in bulk has no plans: write the demo's full plans for a few accounts.
        from accountplan.demo.plans import write_demo_plans

        write_demo_plans(snapshot, count=3)
        plan = AccountPlan.objects.order_by("pk").first()
    urls = {
        "login (reference)": "/login/",
        "home page": "/",
        "accounts list": "/accounts/",
        "accounts search": "/accounts/?q=acme",
        "account page": f"/accounts/{account_id}/",
        "products list": "/products/",
        "white space map": f"/whitespace/?territory={territory}",
        "grid": "/grid/",
        "plans list": "/plans/",
        "API accounts": "/api/accounts?limit=50",
        "API scores": "/api/analytics/accounts?limit=50",
        "API cells": f"/api/analytics/cells?limit=50&account={account_id}",
        "API grid": "/api/analytics/grid?limit=1000&sample=true",
        "API plans": "/api/plans?limit=50",
    }
    if plan is not None:
        urls["plan page"] = f"/plans/{plan.pk}/"
    return {k: v.replace(" ", "%20") for k, v in urls.items()}


def login(port: int, username: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login/")
    resp = conn.getresponse()
    body = resp.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if csrf_cookie is None or token is None:
        raise SystemExit("login page without a CSRF token")
    form = f"username={username}&password={password}&csrfmiddlewaretoken={token.group(1)}"
    conn.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.group(1)}",
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    resp = conn.getresponse()
    resp.read()
    session = re.search(r"sessionid=([^;]+)", resp.getheader("Set-Cookie") or "")
    if resp.status != 302 or session is None:
        raise SystemExit(f"login failed: HTTP {resp.status}")
    return f"sessionid={session.group(1)}; csrftoken={csrf_cookie.group(1)}"


def fetch(conn: http.client.HTTPConnection, url: str, cookie: str) -> tuple[int, int]:
    headers = {"Accept-Encoding": "identity"}
    if url != REFERENCE:  # the reference is the login page as an anonymous visitor sees it
        headers["Cookie"] = cookie
    conn.request("GET", url, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    return resp.status, len(body)


def drive(port: int, url: str, cookie: str, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads, each its own keep-alive connection, GET ``url`` until time is up."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[int] = [0] * clients
    sizes: list[int] = [0] * clients
    start = time.perf_counter()
    stop_at = start + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                status, size = fetch(conn, url, cookie)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            latencies[i].append(time.perf_counter() - t0)
            sizes[i] = size
            if status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    flat = sorted(x for per in latencies for x in per)
    n = len(flat)
    return {
        "url": url,
        "requests": n,
        "errors": sum(errors),
        "rps": round(n / elapsed, 1),
        "median_ms": round(statistics.median(flat) * 1000, 1) if n else None,
        "p95_ms": round(flat[min(n - 1, int(0.95 * n))] * 1000, 1) if n else None,
        "bytes": max(sizes),
    }


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def queue_rescore() -> int:
    """Queue a rescore of the current snapshot's date for the server's worker; its id."""
    from django.db import connection, transaction

    from accountplan.portfolio.models import Snapshot
    from accountplan.portfolio.services import enqueue_rescore

    current = Snapshot.objects.current(level="product")
    with transaction.atomic():
        snapshot = enqueue_rescore(trigger="bench", as_of=current.as_of if current else None)
    connection.close()
    return snapshot.pk


def rescore_state(snapshot_id: int) -> tuple[str, float | None]:
    """The snapshot's status and, once it has finished, how long it ran."""
    from django.db import connection

    from accountplan.portfolio.models import Snapshot

    snapshot = Snapshot.objects.get(pk=snapshot_id)
    connection.close()
    took = None
    if snapshot.finished_at and snapshot.started_at:
        took = (snapshot.finished_at - snapshot.started_at).total_seconds()
    return snapshot.status, took


def drive_during_rescore(
    port: int, urls: dict[str, str], cookie: str, clients: int, seconds: float
) -> dict[str, Any]:
    """Each page driven ``seconds`` at a time while a rescore runs, until all have been."""
    pending = dict(urls)
    merged: dict[str, dict[str, Any]] = {}
    rescores: list[dict[str, Any]] = []
    for url in urls.values():  # the steady state before: each page once, as a visitor left it
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        fetch(warm, url, cookie)
        warm.close()
    snapshot_id = queue_rescore()
    while pending:
        status = rescore_state(snapshot_id)[0]
        if status in ("queued", "running"):
            name, url = next(iter(pending.items()))
            r = drive(port, url, cookie, clients, seconds)
            if rescore_state(snapshot_id)[0] == "running":  # still running at the end: it counts
                merged[name] = r
                del pending[name]
                print(
                    f"{name:<20} median {r['median_ms']} ms  p95 {r['p95_ms']} ms  "
                    f"{r['rps']} req/s  errors {r['errors']}",
                    flush=True,
                )
            continue
        took = rescore_state(snapshot_id)[1]
        rescores.append({"snapshot": snapshot_id, "status": status, "seconds": took})
        print(f"rescore {snapshot_id}: {status} in {took} s", flush=True)
        snapshot_id = queue_rescore()
    while rescore_state(snapshot_id)[0] in ("queued", "running"):
        time.sleep(1)  # a bench waiting for the worker's run to end, not a test
    status, took = rescore_state(snapshot_id)
    rescores.append({"snapshot": snapshot_id, "status": status, "seconds": took})
    print(f"rescore {snapshot_id}: {status} in {took} s", flush=True)
    return {"rescores": rescores, **merged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=None, help="default: the serve command's")
    parser.add_argument("--threads", type=int, default=None, help="default: the serve command's")
    parser.add_argument("--user", default="bench")
    parser.add_argument("--password", default="bench-pass-1")
    parser.add_argument("--only", default="", help="comma-separated substrings of page names")
    parser.add_argument("--no-server", action="store_true", help="use a server already running")
    parser.add_argument("--during", choices=("rescore",), help="drive the pages while rescoring")
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command

    from accountplan.core.management.commands.serve import default_threads, default_workers

    call_command("migrate", verbosity=0)  # a bench book loaded before today's tables
    ensure_user(args.user, args.password)
    urls = pick_urls()
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        urls = {
            k: v for k, v in urls.items() if k.startswith("login") or any(w in k for w in wanted)
        }
    from django.db import connection

    vendor = connection.vendor
    connection.close()

    server = None
    if not args.no_server:
        log = open(ROOT / "bench" / f"web-server-{args.port}.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accountplan",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                *(["--workers", str(args.workers)] if args.workers else []),
                *(["--threads", str(args.threads)] if args.threads else []),
                *([] if args.during else ["--no-worker"]),
                "--no-migrate",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(args.port)
        cookie = login(args.port, args.user, args.password)
        if args.during:
            results = drive_during_rescore(args.port, urls, cookie, args.clients, args.seconds)
            print(json.dumps({"database": vendor, "during": "rescore", "pages": results}))
            return
        results: dict[str, Any] = {}
        print(f"{'page':<20} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'KB':>8} {'err':>4}")
        for name, url in urls.items():
            warm = http.client.HTTPConnection("127.0.0.1", args.port, timeout=300)
            status, _ = fetch(warm, url, cookie)
            warm.close()
            if status != 200:
                print(f"{name:<20} HTTP {status} on {url}")
            # Warm every worker process and thread (imports, caches) before measuring.
            drive(args.port, url, cookie, args.clients, min(2.0, args.seconds / 2))
            r = drive(args.port, url, cookie, args.clients, args.seconds)
            results[name] = r
            print(
                f"{name:<20} {r['median_ms']!s:>10} {r['p95_ms']!s:>8} {r['rps']:>7} "
                f"{r['bytes'] / 1024:>8.1f} {r['errors']:>4}",
                flush=True,
            )
        summary = {
            "database": vendor,
            "clients": args.clients,
            "seconds": args.seconds,
            "gunicorn": f"{args.workers or default_workers()} workers x "
            f"{args.threads or default_threads()} threads",
            "load": os.getloadavg()[0],
            "pages": results,
        }
        print(json.dumps(summary))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
