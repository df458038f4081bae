"""A full plan for the sharing tests: every section filled, a unique marker in every text field
(``MK<path>ZZ``), a lost deal with a marked loss reason and competitor, everything shareable
marked shared, and a published view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accountplan.plans.services import save_section
from accountplan.sharing import services
from tests.plans.conftest import Book, book  # noqa: F401  (the plans tests' small book)


def mk(path: str) -> str:
    """The marker planted in field ``path``."""
    return f"MK{path.replace('.', '_')}ZZ"


def full_sections(contacts: list[int], products: list[int], users: list[int]) -> dict[str, Any]:
    """Every section with every text field marked (ids fixed so tests can address items)."""
    c1, c2, _c3 = contacts
    p1 = products[0]
    return {
        "company_overview": {
            "description": mk("co.description"),
            "history": mk("co.history"),
            "mission": mk("co.mission"),
            "news": [
                {
                    "id": "news1",
                    "kind": "acquisition",
                    "date": "2026-01-05",
                    "title": mk("co.news.title"),
                    "source_url": "https://example.com/" + mk("co.news.source_url"),
                    "notes": mk("co.news.notes"),
                }
            ],
        },
        "profile_position": {
            "financial_health": {"rating": "weak", "text": mk("pp.fh.text")},
            "competitors": [
                {
                    "id": "comp1",
                    "name": mk("pp.comp.name"),
                    "supplies": mk("pp.comp.supplies"),
                    "our_position": "behind",
                    "notes": mk("pp.comp.notes"),
                }
            ],
            "swot": {
                "strengths": [mk("pp.swot.s")],
                "weaknesses": [mk("pp.swot.w")],
                "opportunities": [mk("pp.swot.o")],
                "threats": [mk("pp.swot.t")],
            },
        },
        "customer_goals": {
            "north_star_metric": mk("cg.north_star_metric"),
            "priorities_12m": [{"id": "prio1", "text": mk("cg.prio.text")}],
            "efforts_made": mk("cg.efforts_made"),
            "biggest_challenge": mk("cg.biggest_challenge"),
            "success_measures": mk("cg.success_measures"),
            "how_they_achieve": mk("cg.how_they_achieve"),
        },
        "needs": {
            "needs": [
                {
                    "id": "need1",
                    "rank": 1,
                    "need": mk("nd.need"),
                    "stakeholder_contact_ids": [c1],
                    "product_ids": [p1],
                    "notes": mk("nd.notes"),
                }
            ]
        },
        "relationships": {
            "stakeholders": [
                {
                    "id": "st1",
                    "contact_id": c2,
                    "buying_role": "blocker",
                    "influence": "high",
                    "attitude": "detractor",
                    "mobilizer": "talker",
                    "strength": 2,
                    "our_owner_id": users[0],
                    "notes": mk("rl.notes"),
                }
            ]
        },
        "goals": {
            "objective_amount": "987654.00",
            "objective_text": mk("gl.objective_text"),
            "strategy": mk("gl.strategy"),
            "components": [
                {
                    "id": "cmp1",
                    "kind": "upsell",
                    "product_id": p1,
                    "amount": "123457.00",
                    "notes": mk("gl.cmp.notes"),
                    "source_cell": mk("gl.cmp.source_cell"),
                }
            ],
        },
        "prospecting": {"inputs": {"growth_pct": "10"}, "notes": mk("pr.notes")},
        "actions": {
            "actions": [
                {
                    "id": "act1",
                    "title": mk("ac.title"),
                    "owner_id": users[0],
                    "due_date": "2027-03-31",
                    "status": "todo",
                    "notes": mk("ac.notes"),
                },
                {
                    "id": "act2",
                    "title": mk("ac2.title"),
                    "due_date": "2027-04-30",
                    "status": "todo",
                    "notes": mk("ac2.notes"),
                },
            ]
        },
        "team_support": {
            "commitments": [
                {
                    "id": "com1",
                    "function": "service",
                    "commitment": mk("ts.commitment"),
                    "owner_id": users[0],
                }
            ],
            "dependencies": [
                {
                    "id": "dep1",
                    "description": mk("ts.dep.description"),
                    "owner": mk("ts.dep.owner"),
                }
            ],
        },
        "dashboard": {
            "milestones": [
                {
                    "id": "ms1",
                    "title": mk("db.ms.title"),
                    "target": mk("db.ms.target"),
                    "actual": mk("db.ms.actual"),
                    "date": "2027-06-30",
                    "status": "on_track",
                }
            ],
            "adjustments": [{"id": "adj1", "note": mk("db.adj.note")}],
        },
    }


#: Markers of the whitelisted fields: what the customer is meant to see when all is shared.
VISIBLE = {
    mk(p)
    for p in (
        "co.description",
        "co.history",
        "co.mission",
        "co.news.title",
        "cg.north_star_metric",
        "cg.prio.text",
        "cg.efforts_made",
        "cg.biggest_challenge",
        "cg.success_measures",
        "cg.how_they_achieve",
        "nd.need",
        "gl.objective_text",
        "ac.title",
        "ac2.title",
        "ts.commitment",
        "db.ms.title",
        "db.ms.target",
    )
}
#: Items by shareable list.
ITEMS = {
    "company_overview.news": {"news1"},
    "customer_goals.priorities_12m": {"prio1"},
    "needs.needs": {"need1"},
    "goals.components": {"cmp1"},
    "actions.actions": {"act1", "act2"},
    "dashboard.milestones": {"ms1"},
    "team_support.commitments": {"com1"},
}


@dataclass
class Shared:
    book: Book
    sections: dict[str, Any]


@pytest.fixture
def shared(book: Book) -> Shared:  # noqa: F811
    """The full plan, everything shareable shared (amounts not), act2 on the customer's side,
    a lost deal with marked loss reason and competitor, and view 1 published."""
    from tests.factories import OpportunityFactory

    sections = full_sections(
        [c.pk for c in book.contacts], [p.pk for p in book.products], [book.bob.pk]
    )
    for key, data in sections.items():
        save_section(book.plan, key, data, 1, book.bob)
    OpportunityFactory.create(
        account=book.account,
        product=book.products[0],
        status="lost",
        loss_reason=mk("opp.loss_reason"),
        competitor=mk("opp.competitor"),
    )
    services.set_visibility(
        book.plan,
        book.bob,
        sections=set(services.rules.SHAREABLE),
        items={k: set(v) for k, v in ITEMS.items()},
        goal_amounts=False,
        customer_owners={"act2": book.contacts[0].pk},
    )
    services.publish(book.plan, book.bob)
    return Shared(book=book, sections=sections)
