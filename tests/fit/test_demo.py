"""The demo book has scored opportunities, a low-fit one among them raising a finding; each
score is recomputed independently (fractions) from the stored answers and the facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accountplan.demo.fit_cases import CASES, write_fit_cases
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book
from accountplan.fit import selectors
from accountplan.fit.models import FitAnswer
from accountplan.governance.models import Finding
from accountplan.portfolio.services import ensure_snapshot
from tests.fit.reference import reference_score

AS_OF = dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_demo_has_scored_deals_and_a_low_fit_finding() -> None:
    load_demo_book(7, AS_OF, scale=0.1)
    snap = ensure_snapshot(AS_OF, fresh=True)
    assert snap is not None
    write_demo_plans(snap)
    assert write_fit_cases() == {"scored_deals": len(CASES)}
    ids = sorted(set(FitAnswer.objects.values_list("opportunity_id", flat=True)))
    assert len(ids) == len(CASES)
    from accountplan.book.models import Opportunity

    pairs = list(Opportunity.objects.filter(pk__in=ids).values_list("pk", "account_id"))
    scored = selectors.scores(pairs)
    bands = {s.result.band.label for s in scored.values()}
    assert {"Disqualified", "Low fit"} <= bands
    layout = selectors.current_layout()
    for s in scored.values():
        # Each analytics part's "weight × value = points" multiplies out as written (the cost to
        # serve once showed 10 × 0.6250 = 6.2502, from an unrounded ratio).
        for part in s.result.parts:
            if part.kind == "analytics" and part.points is not None and part.answer != "unknown":
                weight, value = part.formula.split(" = ")[0].split(" × ")
                assert Decimal(weight) * Decimal(value) == part.points, part.formula
        answers = {k: a.value for k, a in s.answers.items()}
        values = {k: None if v is None else str(v) for k, v in s.facts.analytics.items()}
        expected = reference_score(layout, answers, s.facts.mobilizer, values)
        assert (str(s.result.score), s.result.band.label, s.result.gated) == expected
    low = [pk for pk, s in scored.items() if s.result.gated or s.result.score < 45]
    findings = Finding.objects.open().filter(rule="fit.low")
    assert sorted(int(f.subject.split(":")[1]) for f in findings) == sorted(low)
    # Running it again scores nothing twice.
    assert write_fit_cases() == {"scored_deals": 0}
    assert len(set(FitAnswer.objects.values_list("opportunity_id", flat=True))) == len(CASES)
