"""The registry of rules.

A rule is a pure function ``check(ctx, thresholds) -> list[Hit]`` over data the context selects in
bulk (a handful of queries for the whole book, whose cost grows with the rows that exist, never one
query per account). Another app adds a rule from its ``AppConfig.ready()``::

    from accountplan.governance.rules.registry import Rule, register

    register(Rule(code="review.due", version=1, label="Review due or overdue",
                  severity="amber", defaults={"grace_days": 0}, check=my_check))

``my_check(ctx: RuleContext, thresholds: dict) -> list[Hit]``. ``ctx`` offers today, the current
snapshot's tiers, plays and values, the active plans and their sections (``rules.context``); the
app may query its own models in bulk too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accountplan.governance.rules.context import RuleContext


@dataclass(frozen=True)
class Evidence:
    """One row behind a finding: a human label, its date, a link to it."""

    label: str
    date: str | None = None
    url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "date": self.date, "url": self.url}


@dataclass(frozen=True)
class Hit:
    """A finding as a rule sees it; the engine turns it into a stored ``Finding``."""

    account_id: int
    summary: str
    fix_url: str
    plan_id: int | None = None
    subject: str = ""
    severity: str | None = None  # None: the rule's default severity
    evidence: list[Evidence] = field(default_factory=list)


Check = Callable[["RuleContext", dict[str, Any]], list[Hit]]


@dataclass(frozen=True)
class Rule:
    """A versioned rule: code, label, default severity, thresholds with defaults, the check."""

    code: str
    version: int
    label: str
    severity: str
    defaults: dict[str, Any]
    check: Check
    group: str = ""
    help: str = ""


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add (or replace, by code) a rule."""
    if rule.severity not in ("red", "amber"):
        raise ValueError(f"rule {rule.code}: severity must be red or amber")
    _RULES[rule.code] = rule
    return rule


def rules() -> list[Rule]:
    """Every registered rule, by code."""
    return [_RULES[c] for c in sorted(_RULES)]


def get(code: str) -> Rule | None:
    return _RULES.get(code)
