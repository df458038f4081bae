from django.apps import AppConfig


class SalesforceConfig(AppConfig):
    """Round trip of account plans with Salesforce's own account-plan objects (issue 16)."""

    name = "accountplan.salesforce"
    label = "salesforce"
    verbose_name = "Salesforce account plans"
