"""The keys of a plan's sections and the choices inside them, as Django ``TextChoices``.

``SectionKey`` names the stored sections in the plan's reading order; ``OUTLINE`` and
``REVISION_KEYS`` add the computed account overview and the plan-level key a revision may carry.
The other enums are the closed lists a section's fields pick from (news kinds, buying roles,
statuses…). They sit apart from the Pydantic schemas (``sections``) so models, forms and
exports can name a key or a choice without loading the schemas; ``sections`` re-exports them.
"""

from __future__ import annotations

from django.db import models


class SectionKey(models.TextChoices):
    """The stored sections, in the plan's reading order (the account overview is computed)."""

    COMPANY_OVERVIEW = "company_overview", "Company overview"
    PROFILE_POSITION = "profile_position", "Profile and position"
    CUSTOMER_GOALS = "customer_goals", "Customer goals and KPIs"
    NEEDS = "needs", "Needs mapping"
    RELATIONSHIPS = "relationships", "Relationship map"
    GOALS = "goals", "Goals and strategy"
    PROSPECTING = "prospecting", "Prospecting plan"
    ACTIONS = "actions", "Action plan"
    TEAM_SUPPORT = "team_support", "Team support"
    DASHBOARD = "dashboard", "Performance dashboard"


#: The computed section shown first; never stored.
ACCOUNT_OVERVIEW = "account_overview"
#: The revision key of plan-level changes (status, owner, period, clone).
PLAN_KEY = "plan"
#: Every key a revision may carry.
REVISION_KEYS: list[tuple[str, str]] = [
    (PLAN_KEY, "Plan"),
    *SectionKey.choices,
]
#: The whole outline, in reading order, with titles (account overview included).
OUTLINE: list[tuple[str, str]] = [(ACCOUNT_OVERVIEW, "Account overview"), *SectionKey.choices]

# --- choices inside sections ---------------------------------------------------------------


class NewsKind(models.TextChoices):
    """News signals worth noting about the customer (seed 001)."""

    NEW_C_LEVEL_HIRE = "new_c_level_hire", "New C-level hire"
    PRODUCT_LAUNCH = "product_launch", "Product launch"
    ACQUISITION = "acquisition", "Acquisition"
    LOSS_TO_COMPETITOR = "loss_to_competitor", "Loss to a competitor"
    STAGNATION_OR_DECLINE = "stagnation_or_decline", "Stagnation or decline"
    IPO = "ipo", "IPO"
    FUNDING = "funding", "Funding"
    OTHER = "other", "Other"


class HealthRating(models.TextChoices):
    """The customer's financial health, in one word."""

    STRONG = "strong", "Strong"
    STABLE = "stable", "Stable"
    WEAK = "weak", "Weak"
    UNKNOWN = "unknown", "Unknown"


class CompetitivePosition(models.TextChoices):
    """Our position against a competitor at the account."""

    AHEAD = "ahead", "Ahead"
    EVEN = "even", "Even"
    BEHIND = "behind", "Behind"


class BuyingRole(models.TextChoices):
    """A stakeholder's role in buying."""

    DECISION_MAKER = "decision_maker", "Decision maker"
    ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
    CHAMPION = "champion", "Champion"
    INFLUENCER = "influencer", "Influencer"
    USER = "user", "User"
    BLOCKER = "blocker", "Blocker"


class Influence(models.TextChoices):
    """How much a stakeholder weighs on the decision."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Attitude(models.TextChoices):
    """A stakeholder's attitude to us."""

    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    DETRACTOR = "detractor", "Detractor"


class Mobilizer(models.TextChoices):
    """Whether a stakeholder makes things happen or only talks."""

    MOBILIZER = "mobilizer", "Mobilizer"
    TALKER = "talker", "Talker"
    UNKNOWN = "unknown", "Unknown"


class ComponentKind(models.TextChoices):
    """Where a part of the goal build comes from."""

    RENEWAL = "renewal", "Renewal"
    UPSELL = "upsell", "Upsell"
    CROSS_SELL = "cross_sell", "Cross-sell"
    NEW_BUYING_CENTER = "new_buying_center", "New buying center"
    WIN_BACK = "win_back", "Win-back"


class ActionStatus(models.TextChoices):
    """Where an action stands."""

    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class DependencyStatus(models.TextChoices):
    """Where a dependency stands."""

    OPEN = "open", "Open"
    AT_RISK = "at_risk", "At risk"
    RESOLVED = "resolved", "Resolved"


class MilestoneStatus(models.TextChoices):
    """Where a milestone stands."""

    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    LATE = "late", "Late"
    DONE = "done", "Done"


class MilestoneMeasure(models.TextChoices):
    """What a measured milestone counts, from the data."""

    WON_REVENUE = "won_revenue", "Won revenue"
    PIPELINE = "pipeline", "Open pipeline"
