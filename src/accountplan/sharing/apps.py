from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Planning with the customer: visibility, published shared views, share links and the
    customer's page (issue 12)."""

    name = "accountplan.sharing"
    label = "sharing"
    verbose_name = "Sharing with the customer"

    def ready(self) -> None:
        from accountplan.sharing import findings

        findings.register_rules()  # scorecard drops and the tier's cadence write findings
