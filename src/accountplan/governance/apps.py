from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Keeping plans alive: findings from rules, plan health, the home page and the digest."""

    name = "accountplan.governance"
    label = "governance"
    verbose_name = "Plan governance"

    def ready(self) -> None:
        # Register the built-in rules (another app registers its own in its ready()).
        from accountplan.governance.rules import builtin  # noqa: F401
