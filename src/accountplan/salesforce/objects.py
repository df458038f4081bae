"""Salesforce's four account-plan objects as files: their columns (API names and labels), the
limits we write within, and which object a file holds.

Field names were checked against Salesforce's object reference (see docs/salesforce.md, "Sources").
Column headers may be API names (``AccountId``, as Data Loader writes them, in any case) or field
labels (``Account ID``, as reports show them): both are compared ignoring case, spaces and
punctuation. Other columns (``CreatedDate``…) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

#: Most characters we write into a long text field (Salesforce's reference gives the type
#: ``textarea`` without a length; 32,000 stays under a long text area's 32,768 and is checked
#: against the org with describeSObjects()).
LONG_TEXT = 32_000
#: Most characters of a record name (a standard Name field holds 80).
NAME = 80
#: Most characters of a measure's TargetValue / CurrentValue (type string).
VALUE = 255


@dataclass(frozen=True)
class Col:
    """One column: its API name, the labels reports show, and our length limit (0: none)."""

    api: str
    labels: tuple[str, ...] = ()
    limit: int = 0


@dataclass(frozen=True)
class SfObject:
    """One of the four objects: its file name, its columns in the order we write them, its
    parent lookup (children only) and the columns a file of it must have."""

    name: str
    label: str
    columns: tuple[Col, ...]
    parent: str = ""  # the parent lookup's API name, e.g. AccountPlanId
    parent_object: str = ""
    required: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        """``AccountPlan.csv``…"""
        return f"{self.name}.csv"

    def col(self, api: str) -> Col:
        """The column named ``api``."""
        return next(c for c in self.columns if c.api == api)


def _text(api: str, *labels: str) -> Col:
    return Col(api, labels, LONG_TEXT)


PLAN = SfObject(
    "AccountPlan",
    "account plans",
    (
        Col("Id", ("Account Plan ID", "Record ID")),
        Col("Name", ("Account Plan Name", "Account Plan"), NAME),
        Col("AccountId", ("Account ID",)),
        Col("OwnerId", ("Owner ID",)),
        Col("StartDate", ("Start Date",)),
        Col("EndDate", ("End Date",)),
        Col("Status", ()),
        _text("AccountVision", "Account Vision"),
        _text("AccountStrategicPriorities", "Account Strategic Priorities"),
        _text("AccountChallenges", "Account Challenges"),
        _text("AccountIndustryTrends", "Account Industry Trends"),
        _text("AccountCompetitors", "Account Competitors"),
        _text("AccountCompetitiveStrengths", "Account Competitive Strengths"),
        _text("AccountCmptvWeaknesses", "Account Competitive Weaknesses"),
        _text("AccountPrfmIndicators", "Account Performance Indicators"),
        _text("RelationshipStrengths", "Relationship Strengths"),
        _text("RelationshipWeaknesses", "Relationship Weaknesses"),
        _text("RelationshipOpportunities", "Relationship Opportunities"),
        _text("RelationshipThreats", "Relationship Threats"),
        _text("Notes"),
    ),
    required=("Name", "AccountId"),
)

OBJECTIVE = SfObject(
    "AccountPlanObjective",
    "objectives",
    (
        Col("Id", ("Account Plan Objective ID", "Objective ID", "Record ID")),
        Col("AccountPlanId", ("Account Plan ID",)),
        Col("Name", ("Account Plan Objective Name", "Objective Name", "Objective"), NAME),
        _text("Description"),
        Col("StartDate", ("Start Date",)),
        Col("EndDate", ("End Date",)),
        Col("Status", ()),
        Col("ObjectiveOwnerId", ("Objective Owner ID",)),
    ),
    parent="AccountPlanId",
    parent_object="AccountPlan",
    required=("Name",),
)

MEASURE = SfObject(
    "AccountPlanObjectiveMeasure",
    "measures",
    (
        Col("Id", ("Account Plan Objective Measure ID", "Measure ID", "Record ID")),
        Col("AccountPlanObjectiveId", ("Account Plan Objective ID",)),
        Col("Name", ("Account Plan Objective Measure Name", "Measure Name", "Measure"), NAME),
        Col("ValueType", ("Value Type",)),
        Col("TargetValue", ("Target Value",), VALUE),
        Col("CurrentValue", ("Current Value",), VALUE),
    ),
    parent="AccountPlanObjectiveId",
    parent_object="AccountPlanObjective",
    required=("ValueType", "TargetValue"),
)

RELATION = SfObject(
    "AccountPlanObjMeasRela",
    "measure–opportunity links",
    (
        Col("Id", ("Account Plan Obj Meas Rela ID", "Record ID")),
        Col("AccountPlanObjectiveMeasureId", ("Account Plan Objective Measure ID",)),
        Col("ReferenceRecordId", ("Reference Record ID", "Reference Record")),
    ),
    parent="AccountPlanObjectiveMeasureId",
    parent_object="AccountPlanObjectiveMeasure",
    required=("ReferenceRecordId",),
)

OBJECTS: tuple[SfObject, ...] = (PLAN, OBJECTIVE, MEASURE, RELATION)
BY_NAME = {o.name: o for o in OBJECTS}

#: Picklist values (API value → ours) of the plan's and the measure's fields.
PLAN_STATUS = {"Not Started": "draft", "Active": "active", "Inactive": "archived"}
OBJECTIVE_STATUS = ("New", "In Progress", "Closed")
VALUE_TYPES = ("Currency", "Number", "Percent")


def key_field() -> str:
    """The key column's name: a custom External Id field the admin may add to each object
    (``ACCOUNTPLAN_SALESFORCE_KEY_FIELD``, default ``Accountplan_Key__c``)."""
    return str(getattr(settings, "SALESFORCE_KEY_FIELD", "") or "Accountplan_Key__c")


def parent_key_column(obj: SfObject) -> str:
    """The child's column naming its parent by key: ``AccountPlan.Accountplan_Key__c``."""
    return f"{obj.parent_object}.{key_field()}"


def header(obj: SfObject) -> list[str]:
    """The columns we write for ``obj``: its fields, the key, and (children) the parent's key."""
    names = [c.api for c in obj.columns] + [key_field()]
    if obj.parent:
        names.append(parent_key_column(obj))
    return names


def squash(name: str) -> str:
    """A header compared ignoring case, spaces and punctuation (``Account ID`` == ``ACCOUNTID``)."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def resolve_header(obj: SfObject, headers: list[str]) -> dict[str, int]:
    """Field (API name, ``key``, ``parent_key``) → column index, for the columns we know."""
    wanted: dict[str, str] = {}
    for c in obj.columns:
        for name in (c.api, *c.labels):
            wanted.setdefault(squash(name), c.api)
    wanted[squash(key_field())] = "key"
    if obj.parent:
        wanted[squash(parent_key_column(obj))] = "parent_key"
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        api = wanted.get(squash(h))
        if api and api not in found:
            found[api] = i
    return found


def detect(headers: list[str], filename: str) -> SfObject | None:
    """Which object a file holds: by its name (``AccountPlanObjective.csv``, longest name first),
    else by its columns (a reference record → links; a value type → measures; an account →
    plans; a plan lookup → objectives)."""
    stem = squash(filename.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    for obj in sorted(OBJECTS, key=lambda o: -len(o.name)):
        if squash(obj.name) in stem:
            return obj
    squashed = {squash(h) for h in headers}
    for obj, marker in (
        (RELATION, "referencerecordid"),
        (MEASURE, "valuetype"),
        (PLAN, "accountid"),
        (OBJECTIVE, "accountplanid"),
    ):
        if marker in squashed:
            return obj
    return None
