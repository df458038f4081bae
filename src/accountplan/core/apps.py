from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Users with roles, scoping helpers, the shared layout and the server commands."""

    name = "accountplan.core"
    label = "core"
    verbose_name = "Core"
