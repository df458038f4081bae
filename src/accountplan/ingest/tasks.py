"""The background worker's import task (issue 14 point 12): see ``ingest.background``."""

from __future__ import annotations

from django.tasks import task

from accountplan.ingest import background
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import Status


@task()
def run_web_import(run_id: int) -> str:
    """Import the queued run's file, all or nothing; a run already taken is left alone."""
    from accountplan.ingest.page_preview import run_options
    from accountplan.ingest.services import ImportSource, resolve_mapping, run_import

    path = background.upload_path(run_id)
    if not path.is_file():
        return "skipped"
    with background.Heartbeat(run_id) as beat:
        # Claim it: only the worker whose UPDATE matched a queued run imports it. The heartbeat
        # file is there before the claim, so a worker killed right after is found stale too.
        claimed = ImportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
            status=Status.RUNNING
        )
        if not claimed:
            return "skipped"
        run = ImportRun.objects.select_related("user").get(pk=run_id)
        options = run_options(run)
        options.progress = beat.update
        options.on_written = background.record_written(run_id)
        try:
            mapping = resolve_mapping(run.mapping_name, run.mapping_toml)
            source = ImportSource(run.file_name, path.read_bytes())
            run_import(run.entity, source, mapping, options=options, user=run.user, run=run)
        except Exception as exc:
            background.fail(run_id, f"Failed: {exc} Nothing was written.")
            raise
    background.clean(run_id)
    return "done"
