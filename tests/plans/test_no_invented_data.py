"""Forms and schemas invent nothing: every choice starts empty until picked, needs keep unique
ranks, and the prospecting plan starts from the goal build so the plan shows one gap."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict

from accountplan.plans import forms
from accountplan.plans import sections as s
from accountplan.plans.services import save_section
from tests.plans.test_api_computed import SEED_INPUTS, client, prospecting_url
from tests.plans.web.test_plan_pages import client_for

pytestmark = pytest.mark.django_db


def test_a_stakeholder_with_only_a_contact_is_stored_unknown(book: Any) -> None:
    post = QueryDict(mutable=True)
    post.update({"stakeholders.0.contact_id": str(book.contacts[0].pk)})
    for name in ("buying_role", "influence", "attitude", "mobilizer", "strength"):
        post[f"stakeholders.0.{name}"] = ""
    data = forms.parse_post("relationships", post)
    saved = save_section(book.plan, "relationships", data, 1, book.bob).data["stakeholders"][0]
    assert {k: saved[k] for k in ("buying_role", "influence", "attitude", "mobilizer")} == {
        "buying_role": None,
        "influence": None,
        "attitude": None,
        "mobilizer": None,
    }
    assert saved["strength"] is None


@pytest.mark.parametrize(
    ("key", "item"),
    [
        ("dashboard", {"milestones": [{"title": "Pilot signed"}]}),
        ("actions", {"actions": [{"title": "Call the CFO"}]}),
        ("team_support", {"commitments": [{"commitment": "Presales"}]}),
        ("needs", {"needs": [{"need": "Faster close"}]}),
    ],
)
def test_no_choice_defaults_to_a_value(key: str, item: dict[str, Any]) -> None:
    clean = s.validate_section(key, item)
    row = next(iter(clean.values()))[0]
    picked = {k: v for k, v in row.items() if k in ("status", "function", "rank")}
    assert picked and all(v is None for v in picked.values()), picked


def test_every_select_of_every_form_starts_with_an_empty_choice() -> None:
    for key, specs in forms.SPECS.items():
        for spec in specs:
            fields = spec.fields if isinstance(spec, forms.L) else (spec,)
            for f in fields:
                if f.kind == "select":
                    assert f.choices[0] == ("", "—"), (key, f.name)


def test_two_needs_cannot_share_a_rank() -> None:
    needs = {"needs": [{"need": "a", "rank": 1}, {"need": "b", "rank": 1}, {"need": "c"}]}
    with pytest.raises(s.SectionInvalid, match="rank 1 is given to 2 needs"):
        s.validate_section("needs", needs)
    ok = s.validate_section("needs", {"needs": [{"need": "a", "rank": 2}, {"need": "b"}]})
    assert [n["rank"] for n in ok["needs"]] == [2, None]


def test_prospecting_starts_from_the_goal_build(book: Any) -> None:
    save_section(book.plan, "prospecting", {"inputs": SEED_INPUTS}, 1, book.bob)
    goals = {
        "objective_amount": "1500000",
        "components": [
            {"kind": "renewal", "amount": "300000"},
            {"kind": "upsell", "amount": "200000"},
            {"kind": "cross_sell", "amount": "400000"},
        ],
    }
    save_section(book.plan, "goals", goals, 1, book.bob)
    body = client(book.bob).get(prospecting_url(book, "2027-07-02")).json()
    # growth target = the objective; new-business gap = objective − renewals − upsells.
    assert body["plan"]["growth_target"] == "1500000.00"
    assert body["plan"]["gap"] == "1000000.00"
    assert body["objective"] == "1500000.00"
    assert body["from_goal_build"] == ["expected_upgrades", "growth_pct"]
    assert Decimal(body["inputs"]["growth_pct"]) == Decimal("15.00")
    page = client_for(book.bob).get(f"/plans/{book.plan.pk}/").content.decode()
    # The goal build's shortfall is the part of the gap no component holds: 1.0M − 0.4M.
    assert "$600,000 short" in page
    assert "$600,000 is in no component yet" in page
    assert "Typed values not used, the goal build sets them: growth 10%." in page
