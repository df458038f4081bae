"""Joint expectations and the customer scorecard (issue 12 points 4–5): the customer writes
through their link, our side in the plan; what each sees when; the review's agreed actions in
the action plan with their revision; the scorecard's weighted score recomputed independently;
the plan's history naming the recipient; the drop and cadence rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accountplan.governance.models import Finding
from accountplan.governance.services import run_rules
from accountplan.plans.models import PlanRevision, PlanSection
from accountplan.portfolio.models import AccountScore, Snapshot
from accountplan.sharing import expectations, links, scorecard_services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.models import ExpectationRound, ScorecardRound
from tests.sharing.conftest import Shared

pytestmark = pytest.mark.django_db


def test_weighted_score_is_the_documented_formula() -> None:
    rows = [
        sc.Scored(Decimal("30"), 4),
        sc.Scored(Decimal("20"), 2),
        sc.Scored(Decimal("50"), None),  # N/A: out of both sums
        sc.Scored(Decimal("12.5"), 5),
    ]
    scored = [(Fraction(str(r.weight)), r.score) for r in rows if r.score is not None]
    expected = sum(w * s for w, s in scored) / sum(w for w, _ in scored)
    got = sc.weighted_score(rows)
    cents = int(expected * 100 + Fraction(1, 2))  # half up, exactly
    assert got == Decimal(cents) / 100
    assert got == Decimal("3.56")  # (120 + 40 + 62.5) / (30 + 20 + 12.5) = 222.5 / 62.5
    assert sc.weighted_score([sc.Scored(Decimal(1), None)]) is None
    assert sc.weighted_score([]) is None


def test_trend_and_drop() -> None:
    points = sc.trend([("2026-Q2", Decimal("3.4")), ("2026-Q1", Decimal("4.0"))])
    assert [p.period for p in points] == ["2026-Q1", "2026-Q2"]
    assert points[1].change == Decimal("-0.6")
    assert sc.last_drop(points) == points[1]
    assert sc.last_drop(points, Decimal("0.7")) is None
    assert sc.check_period("2026-Q1", dt.date(2026, 5, 1)) == "2026-Q1"
    with pytest.raises(sc.DomainError):
        sc.check_period("2026-Q3", dt.date(2026, 5, 1))
    for bad in ("6", "0", "", "x"):  # nothing chosen is not a silent N/A
        with pytest.raises(sc.DomainError):
            sc.parse_score(bad)
    assert sc.parse_score("na") is None and sc.parse_score("3") == 3


def _history_authors(plan_id: int) -> list[tuple[str, str]]:
    return [
        (r.customer_edit.recipient, r.customer_edit.what)
        for r in PlanRevision.objects.filter(plan_id=plan_id, customer_edit__isnull=False)
        .select_related("customer_edit")
        .order_by("pk")
    ]


def test_expectations_stay_hidden_until_both_are_in_then_review_makes_actions(
    shared: Shared,
) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="ann@acme.test", name="Ann")
    guest = Client(enforce_csrf_checks=False)
    secret = "We expect a named engineer within 4 hours"
    answer = guest.post(
        f"/s/{new.raw}/expectations/", {"expectation": [secret, "", "Quarterly roadmap"]}
    )
    assert answer.status_code == 302
    owner = Client()
    owner.force_login(book.bob)
    url = f"/plans/{book.plan.pk}/sharing/expectations/"
    assert secret not in owner.get(url).content.decode()  # a draft: hidden from us
    guest.post(f"/s/{new.raw}/expectations/", {"expectation": [secret], "hand_in": "1"})
    html = owner.get(url).content.decode()
    assert secret not in html and "handed in" in html  # in, but ours are not: still hidden
    # Handed in: the customer cannot change them any more.
    again = guest.post(f"/s/{new.raw}/expectations/", {"expectation": ["changed"]})
    assert again.status_code == 400
    page = guest.get(f"/s/{new.raw}/").content.decode()
    ours_text = "The customer team answers our calls within a day"
    assert ours_text not in page
    owner.post(
        f"/plans/{book.plan.pk}/sharing/expectations/ours/",
        {"expectation": [ours_text], "hand_in": "1"},
    )
    assert secret in owner.get(url).content.decode()
    assert ours_text in guest.get(f"/s/{new.raw}/").content.decode()

    rnd = ExpectationRound.objects.get(plan=book.plan)
    rows = expectations.review_rows(rnd)
    assert rows[0]["theirs"].body == secret and rows[0]["ours"].body == ours_text
    before = PlanSection.objects.get(plan=book.plan, key="actions").version
    post = {
        "theirs_0": rows[0]["theirs"].pk,
        "ours_0": rows[0]["ours"].pk,
        "alignment_0": "partly",
        "action_0": "Agree a 4-hour response for P1 tickets",
        "due_0": "2027-02-01",
    }
    owner.post(f"/plans/{book.plan.pk}/sharing/expectations/review/", post)
    section = PlanSection.objects.get(plan=book.plan, key="actions")
    assert section.version == before + 1
    made = [a for a in section.data["actions"] if a["title"].startswith("Agree a 4-hour")]
    assert len(made) == 1 and made[0]["due_date"] == "2027-02-01"
    assert PlanRevision.objects.filter(plan=book.plan, key="actions", version=section.version)
    # Saving the review again does not add the action twice.
    owner.post(f"/plans/{book.plan.pk}/sharing/expectations/review/", post)
    data = PlanSection.objects.get(plan=book.plan, key="actions").data
    assert sum(a["title"].startswith("Agree a 4-hour") for a in data["actions"]) == 1
    rnd.refresh_from_db()
    assert rnd.reviewed_at is not None and rnd.reviewed_by == book.bob
    outcome = guest.get(f"/s/{new.raw}/").content.decode()
    assert "Partly aligned" in outcome and "Agree a 4-hour response" in outcome
    authors = _history_authors(book.plan.pk)
    assert ("Ann <ann@acme.test>", "Handed in 1 expectation of the relationship "
            "(joint expectation session 1)") in authors  # fmt: skip
    assert all(secret not in what for _, what in authors)  # the history never told us early


def test_only_the_owner_or_a_manager_opens_early(shared: Shared) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="ann@acme.test")
    expectations.write_customer(new.link, ["Be on time"], hand_in=False)
    team = Client()
    team.force_login(book.dave)
    url = f"/plans/{book.plan.pk}/sharing/expectations/open/"
    assert team.post(url).status_code == 403
    owner = Client()
    owner.force_login(book.bob)
    assert owner.post(url).status_code == 302
    assert (
        "Be on time" in owner.get(f"/plans/{book.plan.pk}/sharing/expectations/").content.decode()
    )


def test_customer_forms_need_csrf(shared: Shared) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="ann@acme.test")
    strict = Client(enforce_csrf_checks=True)
    for path, body in (
        ("expectations/", {"expectation": ["x"]}),
        ("scorecard/metrics/", {"name_0": "Speed", "weight_0": "1"}),
        ("scorecard/scores/", {"period": "2026-Q1"}),
    ):
        assert strict.post(f"/s/{new.raw}/{path}", body).status_code == 403, path
    assert not ExpectationRound.objects.exists()


def _score(link: links.ShareLink, period: str, values: dict[str, str]) -> None:
    metrics = {m.name: m.pk for m in scorecard_services.active_metrics(link.plan)}
    scorecard_services.score_period(
        link, period, {metrics[k]: (v, f"on {k}") for k, v in values.items()},
        today=dt.date(2026, 12, 1),
    )  # fmt: skip


def test_scorecard_through_the_link_history_exports_and_drop_finding(shared: Shared) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="ann@acme.test", name="Ann")
    guest = Client()
    answer = guest.post(
        f"/s/{new.raw}/scorecard/metrics/",
        {"name_0": "Responsiveness", "weight_0": "3", "name_1": "=HYPERLINK(1)",
         "weight_1": "1", "name_2": "Value for money", "weight_2": ""},
    )  # fmt: skip
    assert answer.status_code == 302
    assert [m.name for m in scorecard_services.active_metrics(book.plan)] == [
        "Responsiveness",
        "=HYPERLINK(1)",
    ]
    _score(new.link, "2026-Q1", {"Responsiveness": "5", "=HYPERLINK(1)": "3"})
    metrics = {m.name: m.pk for m in scorecard_services.active_metrics(book.plan)}
    answer = guest.post(
        f"/s/{new.raw}/scorecard/scores/",
        {"period": sc.quarter_of(timezone.localdate()),
         f"score_{metrics['Responsiveness']}": "4", f"score_{metrics['=HYPERLINK(1)']}": "na",
         f"comment_{metrics['Responsiveness']}": "<script>x</script>"},
    )  # fmt: skip
    assert answer.status_code == 302
    rows = scorecard_services.history(book.plan)
    assert [r.weighted for r in rows] == [Decimal("4.50"), Decimal("4.00")]
    assert rows[1].change == Decimal("-0.50") and rows[1].not_applicable == 1
    page = guest.get(f"/s/{new.raw}/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    owner = Client()
    owner.force_login(book.bob)
    for url in (
        f"/plans/{book.plan.pk}/sharing/scorecard/",
        f"/plans/{book.plan.pk}/",
        f"/accounts/{book.account.pk}/",
    ):
        html = owner.get(url).content.decode()
        assert 'data-testid="score-chart"' in html and "4.00" in html, url
    authors = [w for _, w in _history_authors(book.plan.pk)]
    assert any(w.startswith("Set the scorecard's metrics: Responsiveness (3.00)") for w in authors)
    assert any(w.startswith("Scored 2026-Q1: weighted score 4.50") for w in authors)
    # Exports: formulas escaped, numbers as numbers.
    text = owner.get(f"/plans/{book.plan.pk}/sharing/scorecard.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["Quarter", "Weighted score", "Change"]
    assert [r[3] for r in table[1:] if "HYPERLINK" in r[3]][:1] == ["'=HYPERLINK(1)"]
    xlsx = owner.get(f"/plans/{book.plan.pk}/sharing/scorecard.xlsx").content
    wb = load_workbook(io.BytesIO(xlsx))
    assert [c.value for c in wb["Scorecard"][2]][:2] == ["2026-Q1", 4.5]
    assert all(c.value != "=HYPERLINK(1)" for row in wb["Scores"].iter_rows() for c in row)
    # The drop (0.5, the default threshold) raises a finding on the (active) plan.
    book.plan.__class__.objects.filter(pk=book.plan.pk).update(status="active")
    run_rules(trigger="test", today=timezone.localdate())
    found = Finding.objects.open().get(rule="share.scorecard_drop")
    assert found.plan_id == book.plan.pk and found.severity == "amber"
    assert "from 4.50 to 4.00" in found.summary


def test_cadence_by_tier(shared: Shared) -> None:
    book = shared.book
    today = timezone.localdate()
    snap = Snapshot.objects.create(status="done", finished_at=timezone.now(), as_of=today)
    AccountScore.objects.create(snapshot=snap, account=book.account, tier=1, play="Penetrate")
    book.plan.__class__.objects.filter(pk=book.plan.pk).update(
        created_at=timezone.now() - dt.timedelta(days=200), status="active"
    )
    run_rules(trigger="test", today=today)
    hit = Finding.objects.open().get(rule="share.cadence_due")
    assert "joint expectation session overdue" in hit.summary and hit.severity == "amber"
    # Tier 2: a scorecard each quarter, counted from the last scored quarter.
    AccountScore.objects.filter(snapshot=snap).update(tier=2)
    new = links.create_link(book.plan, book.bob, email="ann@acme.test")
    scorecard_services.set_metrics(new.link, [("Speed", "1")])
    run_rules(trigger="test", today=today)
    assert (
        "customer scorecard overdue" in Finding.objects.open().get(rule="share.cadence_due").summary
    )
    metric = scorecard_services.active_metrics(book.plan)[0]
    scorecard_services.score_period(new.link, sc.quarter_of(today), {metric.pk: ("4", "")})
    assert ScorecardRound.objects.count() == 1
    run_rules(trigger="test", today=today)
    assert not Finding.objects.open().filter(rule="share.cadence_due").exists()
