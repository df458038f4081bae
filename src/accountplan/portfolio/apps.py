from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """Portfolio analytics stored: snapshots of scores, the scorecard, the rescore task."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accountplan.portfolio"
    verbose_name = "Portfolio analytics"
