"""The one formatting path: amounts, percentages, dates and codes as people read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation

from accountplan.core import fmt


def test_amounts_are_rounded_with_separators_and_blank_is_a_dash() -> None:
    assert fmt.money(Decimal("1250291.72")) == "$1,250,292"
    assert fmt.money("1250291.72", 2) == "$1,250,291.72"
    assert fmt.money(-12.5) == "-$13"
    assert fmt.money(None) == fmt.money("") == "—"
    assert fmt.money_short(1_250_291) == "$1.3M"
    assert fmt.number(96.59977703455964, None) == "96.6"
    assert fmt.number(12500) == "12,500"


def test_percentages_keep_at_most_the_places_asked() -> None:
    assert fmt.percent(0.425) == "43%"
    assert fmt.pct("87.50", 2) == "87.5%"
    assert fmt.pct(15) == "15%"
    assert fmt.signed_percent(-0.05) == "−5%"
    assert fmt.signed_percent(0.001) == "0%"


def test_dates_use_one_format_and_read_iso_text() -> None:
    assert fmt.date(dt.date(2026, 2, 15)) == "Feb 15, 2026"
    assert fmt.date("2026-06-25") == "Jun 25, 2026"
    assert fmt.date(None) == "—"
    assert fmt.date("undated") == "undated"
    moment = dt.datetime(2026, 6, 25, 14, 5, tzinfo=dt.UTC)
    assert fmt.datetime(moment) == "Jun 25, 2026 14:05"
    assert fmt.date(moment) == "Jun 25, 2026"


def test_dates_follow_the_language_when_django_knows_it() -> None:
    with translation.override("de"):
        assert fmt.date(dt.date(2026, 6, 25)) == "25. Juni 2026"


def test_codes_become_their_labels_or_words() -> None:
    assert fmt.label("decision_maker") == "Decision maker"
    assert fmt.label("not_started") == "Not started"
    assert fmt.label("company_overview") == "Company overview"
    assert fmt.label("on_track") == "On track"
    assert fmt.words("inputs.win_rate_pct") == "Win rate %"
    assert fmt.words("owner_id") == "Owner"
    assert fmt.lower_label("economic_buyer") == "economic buyer"
    assert fmt.label(None) == "—"


def test_a_count_agrees_with_its_noun() -> None:
    assert fmt.count(1, "stakeholder") == "1 stakeholder"
    assert fmt.count(4, "stakeholder") == "4 stakeholders"
    assert fmt.count(0, "line") == "0 lines"
    assert fmt.count(12500, "line") == "12,500 lines"
    assert fmt.count(2, "company", "companies") == "2 companies"
    assert (fmt.noun(1, "key"), fmt.noun(3, "key"), fmt.noun(0, "key")) == ("key", "keys", "keys")
