from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Marketing campaigns from the grid's quadrants, frozen at launch, measured (issue 13)."""

    name = "accountplan.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
