"""A small account's facts and its offline draft, built straight from the draft types (the
model pass's tests need nothing of the fact builder or the offline drafter)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accountplan.drafts.types import DraftEntry, Fact, FactSet, FactSource, PlanDraft, SectionDraft

AS_OF = dt.date(2026, 6, 30)
LOST = "deals.lost_to_competitor:acme"
ADOPTED = "products.adopted"
REVENUE = "revenue.trend"
STALE = "contacts.stale:41"
NEWS = "news.signal:7"  # cited by no entry: never sent to the model


def _source(table: str, *ids: int) -> FactSource:
    return FactSource(table=table, row_ids=ids, as_of=AS_OF)


def facts() -> FactSet:
    return FactSet(
        account_id=1,
        period="FY2027",
        as_of=AS_OF,
        facts=[
            Fact(
                LOST,
                "deals.lost_to_competitor",
                "Lost 2 deals to Acme Corp in 2026",
                {
                    "competitor": "Acme Corp",
                    "count": 2,
                    "amount": Decimal("12000.00"),
                    "last_lost_on": dt.date(2026, 3, 15),
                },
                _source("book.Opportunity", 11, 12),
            ),
            Fact(
                ADOPTED,
                "products.adopted",
                "3 products fully adopted",
                {"count": 3, "products": "Sync Pro, Vault, Insight"},
                _source("book.PurchaseLine", 21, 22, 23),
            ),
            Fact(
                REVENUE,
                "revenue.trend",
                "Revenue grew 18 % to $250,000 in FY2026",
                {"revenue": Decimal("250000.00"), "growth": Decimal("0.18"), "period": "FY2026"},
                _source("book.PurchaseLine", 21, 22, 23),
            ),
            Fact(
                STALE,
                "contacts.stale",
                "Jane Smith (CFO), decision maker, not contacted since Jan 10, 2026",
                {"contact": "Jane Smith", "title": "CFO", "last_contact": dt.date(2026, 1, 10)},
                _source("book.Contact", 41),
            ),
            Fact(
                NEWS,
                "news.signal",
                "Acme Corp announced a merger",
                {"title": "Acme Corp announced a merger"},
                _source("plans.PlanSection", 7),
            ),
        ],
    )


#: The structured goal-build item: its data does not hold its sentence, so it is not offered.
COMPONENT = DraftEntry(
    field="components",
    text="Renew the $250,000 base",
    fact_ids=(REVENUE,),
    item={"kind": "renewal", "amount": "250000.00"},
)


def draft() -> PlanDraft:
    """e1, e2: the overview's summary; e3: an action (a list item holding its sentence);
    e4: a SWOT threat; plus the goal-build component, not offered."""
    return PlanDraft(
        account_id=1,
        period="FY2027",
        as_of=AS_OF,
        facts_version=1,
        sections=[
            SectionDraft(
                "overview",
                [
                    DraftEntry("summary", "Revenue grew 18 % to $250,000 in FY2026.", (REVENUE,)),
                    DraftEntry(
                        "summary",
                        "3 products are fully adopted: Sync Pro, Vault and Insight.",
                        (ADOPTED,),
                    ),
                ],
            ),
            SectionDraft(
                "actions",
                [
                    DraftEntry(
                        "actions",
                        "Call Jane Smith, not contacted since Jan 10, 2026.",
                        (STALE,),
                        item={"title": "Call Jane Smith, not contacted since Jan 10, 2026."},
                    )
                ],
            ),
            SectionDraft(
                "swot",
                [
                    DraftEntry(
                        "swot.threats", "Lost 2 deals to Acme Corp in 2026 ($12,000).", (LOST,)
                    )
                ],
            ),
            SectionDraft("goals", [COMPONENT]),
        ],
    )


def answer(*entries: dict[str, object]) -> dict[str, object]:
    """A model answer: each entry with a "key" (its section), "replaces", "text", "fact_ids"."""
    sections: dict[str, list[dict[str, object]]] = {}
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k != "key"}
        sections.setdefault(str(entry["key"]), []).append(fields)
    return {"sections": [{"key": key, "entries": items} for key, items in sections.items()]}


GOOD = [
    {
        "key": "overview",
        "replaces": ["e1", "e2"],
        "text": "Revenue rose 18 % to $250,000 in FY2026, and three products (Sync Pro, Vault "
        "and Insight) are fully adopted.",
        "fact_ids": [REVENUE, ADOPTED],
    },
    {
        "key": "actions",
        "replaces": ["e3"],
        "text": "Reach out to Jane Smith, the CFO, who has not been contacted since January 10, "
        "2026.",
        "fact_ids": [STALE],
    },
    {
        "key": "swot",
        "replaces": ["e4"],
        "text": "Acme Corp won 2 deals from us in 2026, worth $12,000 in total.",
        "fact_ids": [LOST],
    },
]


def good_but(index: int, **changes: object) -> dict[str, object]:
    """The good answer with one of its sentences changed."""
    entries = [dict(e) for e in GOOD]
    entries[index] |= changes
    return answer(*entries)
