from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """Reviews, lost-deal micro-plans and next year's number (issue 11, capability D)."""

    name = "accountplan.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from accountplan.followup import home

        home.register()  # reviews due and lost deals to re-engage on the home page
