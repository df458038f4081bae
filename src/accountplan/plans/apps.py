from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Account plans per account and period, with versioned sections."""

    name = "accountplan.plans"
    label = "plans"
    verbose_name = "Account plans"
