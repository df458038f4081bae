"""Reviews keep the plan's figures exactly; the number adds up; pages keep the permissions."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.core.models import Role
from accountplan.followup.csvsafe import safe_cell
from accountplan.followup.models import Review, Target
from accountplan.followup.number import the_number
from accountplan.followup.selectors import reviews_due
from accountplan.followup.services import create_review
from accountplan.followup.targets import import_targets
from accountplan.plans import services as plan_services
from accountplan.plans.models import PlanStatus
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import create_snapshot, run_snapshot
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
YEAR = str(TODAY.year)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def book():  # type: ignore[no-untyped-def]
    mgr = UserFactory(username="alice", role=Role.MANAGER)
    ae = UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE)
    viewer = UserFactory(username="vic", role=Role.VIEWER)
    outsider = UserFactory(username="carl", role=Role.ACCOUNT_EXECUTIVE)
    planned = AccountFactory(name="Planned", owner=ae, territory="East")
    unplanned = AccountFactory(name="Unplanned", owner=ae, territory="West")
    p = ProductFactory(name="Gizmo")
    day = TODAY - dt.timedelta(days=1) if TODAY.month > 1 or TODAY.day > 1 else TODAY
    OpportunityFactory(account=planned, product=p, amount=Decimal("300.10"), close_date=day)
    OpportunityFactory(account=unplanned, product=p, amount=Decimal("455.55"), close_date=day)
    OpportunityFactory(
        account=planned, product=p, amount=Decimal("99.99"), status=OpportunityStatus.OPEN,
        stage="Open", type=OpportunityType.UPSELL, close_date=TODAY + dt.timedelta(days=5),
    )  # fmt: skip
    run_snapshot(create_snapshot(as_of=TODAY, window_months=12))
    plan = plan_services.create_plan(planned, YEAR, mgr, owner=ae, status=PlanStatus.ACTIVE)
    plan_services.save_section(
        plan,
        "goals",
        {
            "components": [
                {"kind": "upsell", "amount": "1000.50"},
                {"kind": "cross_sell", "amount": "250"},
            ]
        },
        1,
        ae,
    )
    return {"mgr": mgr, "ae": ae, "viewer": viewer, "outsider": outsider, "plan": plan,
            "planned": planned, "unplanned": unplanned}  # fmt: skip


def test_a_review_keeps_the_plan_figures_exactly(book):  # type: ignore[no-untyped-def]
    plan = book["plan"]
    review = create_review(
        plan, book["ae"], reviewed_on=TODAY, findings=["Stale map", " "], recalibrations="Cut"
    )
    f = review.figures
    # Independent recomputation from the rows.
    revenue = AccountScore.objects.get(account=book["planned"]).current_revenue
    assert revenue == Decimal("300.10")
    assert f["revenue"] == "300.10"
    assert f["goal_build"] == "1250.50"
    assert f["won"] == "300.10"
    assert f["pipeline"] == "99.99"
    won_attributed = Decimal(f["goal_build_won"])
    assert Decimal(f["progress_pct"]) == (won_attributed * 100 / Decimal("1250.50")).quantize(
        Decimal("0.01")
    )
    assert review.findings == ["Stale map"]


def test_reviews_due_by_tier_cadence_and_after_a_review(book):  # type: ignore[no-untyped-def]
    plan = book["plan"]
    later = TODAY + dt.timedelta(days=400)
    rows = reviews_due(book["ae"], later)
    assert [r.plan.pk for r in rows] == [plan.pk]
    assert rows[0].overdue and rows[0].link == f"/plans/{plan.pk}/reviews/"
    assert reviews_due(book["outsider"], later) == []
    create_review(plan, book["ae"], reviewed_on=later, findings=[])
    assert reviews_due(book["ae"], later) == []


def test_review_page_permissions(book):  # type: ignore[no-untyped-def]
    plan = book["plan"]
    url = f"/plans/{plan.pk}/reviews/"
    assert _client(book["outsider"]).get(url).status_code == 404
    assert _client(book["viewer"]).get(url).status_code == 200
    assert _client(book["viewer"]).post(url, {"findings": "x"}).status_code == 403
    r = _client(book["ae"]).post(url, {"reviewed_on": TODAY.isoformat(), "findings": "A\nB"})
    assert r.status_code == 302
    assert Review.objects.get().findings == ["A", "B"]
    page = _client(book["ae"]).get(url).content.decode()
    assert "1,250.50" in page or "1250.50" in page


def test_the_number_adds_up(book):  # type: ignore[no-untyped-def]
    Target.objects.create(period=YEAR, amount=Decimal("5000"))
    import_targets(f"period,owner,territory,amount\n{YEAR},bob,,4000\n{YEAR},,East,3000\n".encode())
    rows = {(r.kind, r.key): r for r in the_number(book["mgr"], YEAR)}
    whole = rows[("book", "")]
    # Goal builds: the one plan; run rate: the unplanned account's window revenue.
    assert whole.goal_build == Decimal("1250.50")
    assert whole.run_rate == Decimal("455.55")
    assert whole.gap == Decimal("5000") - Decimal("1250.50") - Decimal("455.55")
    bob = rows[("owner", str(book["ae"].pk))]
    assert (bob.target, bob.goal_build, bob.run_rate) == (
        Decimal("4000"), Decimal("1250.50"), Decimal("455.55"),
    )  # fmt: skip
    east = rows[("territory", "East")]
    assert (east.target, east.goal_build, east.run_rate) == (
        Decimal("3000"), Decimal("1250.50"), Decimal("0"),
    )  # fmt: skip
    assert rows[("territory", "West")].run_rate == Decimal("455.55")
    assert len(whole.plans) == 1
    out = StringIO()
    call_command("number", "--period", YEAR, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["rows"][0]["gap"] == "3293.95"


def test_number_page_csv_and_target_permissions(book):  # type: ignore[no-untyped-def]
    c = _client(book["ae"])
    assert c.get(f"/number/?period={YEAR}").status_code == 200
    assert c.post("/number/", {"period": YEAR, "amount": "1"}).status_code == 403
    m = _client(book["mgr"])
    m.post("/number/", {"period": YEAR, "amount": "1,000", "territory": "East"})
    assert Target.objects.get().amount == Decimal("1000")
    type(book["unplanned"]).objects.filter(pk=book["unplanned"].pk).update(territory="=West")
    csv_text = m.get(f"/number/?period={YEAR}&format=csv").content.decode()
    assert "Whole book" in csv_text
    assert "'=West" in csv_text
    # Outsiders see only their (empty) book.
    rows = the_number(book["outsider"], YEAR)
    assert rows[0].goal_build == 0 and rows[0].run_rate == 0


def test_bad_targets_file_writes_nothing(db):  # type: ignore[no-untyped-def]
    from accountplan.core.errors import DomainError

    with pytest.raises(DomainError, match="line 3"):
        import_targets(b"period,owner,territory,amount\nFY2027,,,10\nFY2027,,,abc\n")
    assert not Target.objects.exists()


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1+1", "+x", "-3", "@a", "ok", None)] == [
        "'=1+1", "'+x", "'-3", "'@a", "ok", "",
    ]  # fmt: skip


def test_api_reviews_micro_plans_and_number(book):  # type: ignore[no-untyped-def]
    plan = book["plan"]
    url = f"/api/plans/{plan.pk}/reviews"
    body = {"reviewed_on": TODAY.isoformat(), "findings": ["Gap"], "recalibrations": ""}
    viewer = _client(book["viewer"])
    assert viewer.post(url, body, content_type="application/json").status_code == 403
    assert _client(book["outsider"]).get(url).status_code == 404
    r = _client(book["ae"]).post(url, body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["figures"]["goal_build"] == "1250.50"
    assert [x["findings"] for x in viewer.get(url).json()] == [["Gap"]]
    lost = OpportunityFactory(
        account=book["planned"], status=OpportunityStatus.LOST, stage="Lost", amount=Decimal("9")
    )
    from accountplan.followup.services import create_micro_plans

    create_micro_plans()
    items = _client(book["ae"]).get("/api/lost-deals").json()
    assert [i["opportunity_id"] for i in items] == [lost.pk]
    assert _client(book["outsider"]).get("/api/lost-deals").json() == []
    go = f"/api/lost-deals/{items[0]['id']}/re-engage"
    assert viewer.post(go).status_code == 403
    done = _client(book["ae"]).post(go).json()
    assert done["status"] == "reengaged" and done["winback_opportunity_id"]
    rows = _client(book["mgr"]).get(f"/api/number?period={YEAR}").json()
    assert rows[0]["goal_build"] == "1250.50"
