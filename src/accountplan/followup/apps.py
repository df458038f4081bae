from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """Reviews, lost-deal micro-plans and next year's number (issue 11, capability D)."""

    name = "accountplan.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from accountplan.followup import home, rules, signals

        rules.register_rules()  # review.due and lostdeal.reengage write findings
        home.register()  # reviews and re-engagements coming up on the home page
        signals.connect()  # each plan's last review day follows its reviews
