from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The deterministic synthetic demo book and the ``accountplan demo`` command."""

    name = "accountplan.demo"
    label = "demo"
    verbose_name = "Demo book"
