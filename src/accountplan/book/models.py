"""The book of business. Rows carry the CRM's external id so re-imports update, never duplicate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from accountplan.book.choices import (
    AccountStatus,
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.book.querysets import (
    AccountQuerySet,
    AccountScopedQuerySet,
    ProductQuerySet,
)
from accountplan.book.search_keys import SearchKeyField


def money(**kwargs: Any) -> models.DecimalField:
    """A money amount: 16 digits with cents (up to 99 trillion)."""
    return models.DecimalField(max_digits=16, decimal_places=2, **kwargs)


class Account(models.Model):
    """A customer or prospect company; may belong to a parent account."""

    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255, db_index=True)
    #: The name casefolded and accent-stripped, for the global search (``book.search``).
    search_key = SearchKeyField(sources=("name",))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        db_index=False,  # a partial index below: most accounts have no parent
    )
    industry = models.CharField(max_length=120, blank=True, db_index=True)
    segment = models.CharField(max_length=120, blank=True, db_index=True)
    territory = models.CharField(max_length=120, blank=True, db_index=True)
    country = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True, help_text="State, province or region.")
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = money(null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    website = models.CharField(max_length=255, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.CUSTOMER
    )
    satisfaction = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Imported satisfaction score (e.g. CSAT or NPS); blank when unknown.",
    )
    cost_to_serve = money(null=True, blank=True, help_text="Annual cost to serve.")
    gross_margin = money(
        null=True, blank=True, help_text="Annual gross margin earned on the account."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["owner", "name"]),
            # Only the accounts with a parent: SQLite's statistics of a plain index count every
            # NULL as one value, so its planner would scan the table for an account's children.
            models.Index(
                fields=["parent"], condition=Q(parent__isnull=False), name="account_parent_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def location(self) -> str:
        """City, state or province, country: the parts that are known ("" when none is)."""
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


class BuyingCenter(models.Model):
    """A division, department or site of an account that buys on its own."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="buying_centers")
    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(
        max_length=16, choices=BuyingCenterKind.choices, default=BuyingCenterKind.DIVISION
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="buying_center_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.account.name} / {self.name}"


class Product(models.Model):
    """Something we sell, in a family (series), with a list price."""

    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    #: Catalogues repeat a name across versions (each with its own external id): the external
    #: id is the key. Only products without one must have a name of their own.
    name = models.CharField(max_length=255, db_index=True)
    search_key = SearchKeyField(sources=("name",))
    family = models.CharField(max_length=120, blank=True, db_index=True)
    list_price = money(null=True, blank=True)
    active = models.BooleanField(default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["family", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(external_id__isnull=True),
                name="product_name_unique_without_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PotentialOverride(models.Model):
    """An imported potential for one cell (account × product or family) that beats the estimate."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="potential_overrides"
    )
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE)
    family = models.CharField(max_length=120, blank=True)
    amount = money()
    note = models.CharField(max_length=255, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "product", "family"], name="potential_override_unique_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(product__isnull=False) | ~models.Q(family=""),
                name="potential_override_has_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} × {self.product or self.family}: {self.amount}"


class Contact(models.Model):
    """A person at an account; ``reports_to`` draws the org chart."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    buying_center = models.ForeignKey(
        BuyingCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=120)
    #: "last first", normalised: a surname (or "surname first name") is an index range.
    search_key = SearchKeyField(sources=("last_name", "first_name"))
    #: "first last", normalised: a first name, or the name as people say it.
    first_key = SearchKeyField(sources=("first_name", "last_name"))
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=120, blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=60, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Opportunity(models.Model):
    """A deal: its CRM stage maps to open, won or lost."""

    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="opportunities")
    buying_center = models.ForeignKey(
        BuyingCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities"
    )
    name = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=16, choices=OpportunityType.choices, blank=True)
    stage = models.CharField(max_length=120, help_text="The stage label as the CRM names it.")
    status = models.CharField(max_length=8, choices=OpportunityStatus.choices, db_index=True)
    amount = money(null=True, blank=True)
    created_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    loss_reason = models.CharField(max_length=255, blank=True)
    competitor = models.CharField(max_length=255, blank=True)
    #: A win-back deal names the lost deal it re-engages (``followup.services.reengage``).
    won_back_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="win_backs"
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-close_date", "name"]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.name or self.external_id or f"Opportunity {self.pk}"


class OpportunityLineItem(models.Model):
    """A product line on an opportunity (Salesforce OpportunityLineItem)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="line_items"
    )
    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="line_items")
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=1)
    unit_price = money(null=True, blank=True)
    amount = money()

    def __str__(self) -> str:
        return f"{self.opportunity} / {self.product}"


class OpportunityContactRole(models.Model):
    """A contact's role on a deal (Salesforce OpportunityContactRole)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="contact_roles"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="opportunity_roles")
    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    role = models.CharField(max_length=120, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="opportunity_contact_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} on {self.opportunity}"


class PurchaseLine(models.Model):
    """An order or invoice line: what an account actually bought, when, and for how much."""

    # Unique where filled (``purchase_line_external_id``): most files carry no line id, and an
    # index entry per empty id cost every import of 2M lines ~2 s on PostgreSQL (with the
    # ``_like`` index Django adds to a unique text column) for nothing.
    external_id = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 (no id = NULL, outside the unique index)
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="purchase_lines",
        db_index=False,  # purchase_line_cells starts with the account: one B-tree less per line
    )
    buying_center = models.ForeignKey(
        BuyingCenter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="purchase_lines",
        db_index=False,  # purchase_line_buying_center: only the lines that have one
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchase_lines")
    date = models.DateField(db_index=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=1)
    amount = money()
    order_number = models.CharField(
        max_length=120,
        blank=True,
        help_text="The source's order or invoice number (tells identical lines apart).",
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        indexes = [
            # covering the analytics loader's group-by (portfolio.loader.CELL_INDEX): revenue
            # per (account, product) and window is read from the index alone, in its order
            models.Index(
                fields=["account", "product", "date", "amount"], name="purchase_line_cells"
            ),
            # most lines have no buying center: the index holds those that do (a buying
            # center's deletion sets its lines' to NULL through it)
            models.Index(
                fields=["buying_center"],
                name="purchase_line_buying_center",
                condition=models.Q(buying_center__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                name="purchase_line_external_id",
                condition=models.Q(external_id__isnull=False),
                violation_error_message="Another purchase line has this external id.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} / {self.product} / {self.date}"


class Activity(models.Model):
    """A call, email, meeting, task or note with an account (and maybe a contact or a deal)."""

    external_id = models.CharField(max_length=120, unique=True, null=True, blank=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="activities")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    kind = models.CharField(max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE)
    subject = models.CharField(max_length=255)
    date = models.DateField(db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    notes = models.TextField(blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.date} {self.subject}"


class AccountTeamMember(models.Model):
    """A user on an account's team, in one function (sales, service, executive sponsor…)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_teams"
    )
    function = models.CharField(
        max_length=24, choices=TeamFunction.choices, default=TeamFunction.SALES
    )
    responsibility = models.CharField(max_length=255, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account__name", "function"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "function"], name="account_team_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()}) on {self.account}"
