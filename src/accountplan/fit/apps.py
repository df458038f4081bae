from django.apps import AppConfig


class FitConfig(AppConfig):
    """The opportunity-fit scorecard (issue 13 points 7-9, capability D)."""

    name = "accountplan.fit"
    label = "fit"
    verbose_name = "Opportunity fit"

    def ready(self) -> None:
        from accountplan.fit import rules

        rules.register_rule()  # low-fit deals raise a finding on the owner's home page
