from django.apps import AppConfig


class DraftsConfig(AppConfig):
    """Drafts of plan sections from the account's own data, each sentence citing its facts."""

    name = "accountplan.drafts"
    label = "drafts"
    verbose_name = "Plan drafts"

    def ready(self) -> None:
        from accountplan.drafts import home

        home.register()  # next-best-action suggestions on the home page
