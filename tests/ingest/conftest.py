"""Helpers for importer tests: run an import from a path, count the book's tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accountplan.book import models as book
from accountplan.core.models import User
from accountplan.ingest.report import ImportReport
from accountplan.ingest.services import ImportOptions, ImportSource, run_import

FILES = Path(__file__).resolve().parent / "files"

BOOK_MODELS = [
    book.Account,
    book.BuyingCenter,
    book.Product,
    book.Contact,
    book.Opportunity,
    book.OpportunityLineItem,
    book.OpportunityContactRole,
    book.PurchaseLine,
    book.Activity,
    book.AccountTeamMember,
    User,
]


def table_counts() -> dict[str, int]:
    """Row counts of every table an import may write."""
    return {m.__name__: m._default_manager.count() for m in BOOK_MODELS}


ImportFn = Callable[..., ImportReport]


def run_queued_imports() -> list[str]:
    """Run the queued web-import tasks here, as ``accountplan worker`` would (each once)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from accountplan.ingest.tasks import run_web_import

    done = []
    queued = DBTaskResult.objects.ready().filter(task_path=run_web_import.module_path)
    for result in list(queued.order_by("enqueued_at")):
        DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.RUNNING)
        done.append(run_web_import.call(*result.args_kwargs["args"]))
        DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.SUCCESSFUL)
    return done


@pytest.fixture
def do_import(db: None) -> ImportFn:
    """Run an import of a file (path or name under tests/ingest/files) through the service."""

    def _run(
        entity: str,
        path: Path | str,
        mapping: Any = "maven",
        *,
        data: bytes | None = None,
        **options: Any,
    ) -> ImportReport:
        p = Path(path)
        if not p.is_absolute() and data is None:
            p = FILES / p
        raw = data if data is not None else p.read_bytes()
        return run_import(
            entity,
            ImportSource(p.name, raw),
            mapping,
            options=ImportOptions(**options),
            user=None,
        )

    return _run


@pytest.fixture
def files_dir() -> Path:
    """tests/ingest/files."""
    return FILES
