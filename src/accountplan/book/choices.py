"""Choices of the book of business, kept apart so importers and forms share them."""

from django.db import models


class AccountStatus(models.TextChoices):
    """Where the account stands with us."""

    PROSPECT = "prospect", "Prospect"
    CUSTOMER = "customer", "Customer"
    FORMER = "former", "Former customer"
    INACTIVE = "inactive", "Inactive"


class BuyingCenterKind(models.TextChoices):
    """A buying center is a division, department or site that buys on its own."""

    DIVISION = "division", "Division"
    DEPARTMENT = "department", "Department"
    SITE = "site", "Site"


class OpportunityType(models.TextChoices):
    """Why the deal exists: a new logo, more of a product, another product, or a renewal."""

    NEW = "new", "New business"
    UPSELL = "upsell", "Upsell"
    CROSS_SELL = "cross_sell", "Cross-sell"
    RENEWAL = "renewal", "Renewal"
    WIN_BACK = "win_back", "Win-back"


class OpportunityStatus(models.TextChoices):
    """Every CRM stage maps to one of these three."""

    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class ActivityKind(models.TextChoices):
    """What kind of touch an activity was."""

    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    TASK = "task", "Task"
    NOTE = "note", "Note"


class TeamFunction(models.TextChoices):
    """The functions of an account team (seed 001: the account plan is a cross-functional job)."""

    SALES = "sales", "Sales"
    SALES_SUPPORT = "sales_support", "Sales support"
    SERVICE = "service", "Service"
    MARKETING = "marketing", "Marketing"
    OPERATIONS = "operations", "Operations"
    EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
