from django.apps import AppConfig


class IngestConfig(AppConfig):
    """File imports: readers, column mappings, validation and the import report."""

    name = "accountplan.ingest"
    label = "ingest"
    verbose_name = "Imports"
