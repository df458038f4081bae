"""``accountplan serve``: the app behind gunicorn, static files by WhiteNoise. Not runserver.

Before serving it applies the migrations and collects the static files (hashed, compressed).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from accountplan.core.staticfiles import collected_files_are_current


def default_workers() -> int:
    """``WEB_CONCURRENCY``, else gunicorn's own advice, 2 × the cores + 1 (at most 9). Each
    keep-alive connection stays with the process that took it: with 2 processes, 8 clients
    shared out 5 and 3 left one core waiting on the other (home page on the 100k bench book,
    8 clients on 2 cores: p95 177-194 ms with 2 processes, 141-163 ms with 5)."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        return int(configured)
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def default_threads() -> int:
    """``WEB_THREADS``, else 1: one request at a time per process (gunicorn's sync workers).

    A sync worker takes a connection only when it is idle, so requests go to whichever process
    is free; a threaded worker keeps each keep-alive connection, and three clients on one
    process share one interpreter lock while another process waits. Home page, 100k bench book,
    8 clients: p95 70-76 ms with 5 sync processes, 80-184 ms with 5 processes x 4 threads
    (docs/performance.md). Behind a buffering proxy, as docs/configuration.md advises, slow
    clients never hold a process; facing browsers directly, ``WEB_THREADS=4`` is the safer
    choice."""
    configured = os.environ.get("WEB_THREADS", "").strip()
    return max(1, int(configured)) if configured else 1


class Command(BaseCommand):
    help = "Serve the app with gunicorn (production-grade WSGI server); static files included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND", "127.0.0.1:8000"),
            help="Address to listen on (default 127.0.0.1:8000, env BIND).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Worker processes (default 2 × the cores + 1, at most 9; env WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=default_threads(),
            help="Threads per process (default 1: sync workers; more: threaded workers; env "
            "WEB_THREADS).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations.")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting the static files (hashed, compressed copies in STATIC_ROOT).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker (run `accountplan worker` elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not options["no_collectstatic"] and not collected_files_are_current():
            # Hashed names let browsers cache the files for a year, and the compressed copies
            # are made once here rather than on every request (core/staticfiles.py). Compressing
            # takes a while: it is skipped when no static file changed since the last time.
            call_command("collectstatic", interactive=False, verbosity=0)
        run_gunicorn(
            options["bind"],
            options["workers"],
            threads=options["threads"],
            with_worker=not options["no_worker"],
        )


def run_gunicorn(bind: str, workers: int, *, threads: int = 1, with_worker: bool = True) -> None:
    """Run gunicorn in this process with our WSGI application.

    With ``with_worker`` the background task worker (``accountplan worker``: rescores after
    imports) runs as a child process beside it and is stopped with it.
    """
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "accountplan", "worker"])
    try:
        _gunicorn(bind, workers, threads)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _freeze_what_is_loaded() -> None:
    """Load every view module, then keep what is loaded out of the garbage collector's sight.

    Django, the views and Polars are some 190,000 objects a full collection walks; in a web
    worker that collection came every 200 requests or so and stopped the worker's threads for
    100 ms (measured on the 100k bench book). Frozen before gunicorn forks its workers, they
    are never walked again (and the workers share their pages instead of copying them as the
    collector writes). What requests allocate is collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.collect()
    gc.freeze()


def gunicorn_settings(bind: str, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for ``serve``: sync workers for one thread (``default_threads``),
    threaded workers for more."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        # a sync worker's whole request counts against it: room for a large upload on a slow link
        "timeout": 300,
        "accesslog": "-",
    }


def _gunicorn(bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from accountplan.config.wsgi import application

    _freeze_what_is_loaded()

    class Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in gunicorn_settings(bind, workers, threads).items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    Server().run()
