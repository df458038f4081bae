"""The fit score is a pure function: gates stop it, blocks and analytics add up as documented,
unknowns score zero and become discovery questions, and a fraction recomputation agrees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountplan.fit.scoring import Facts, score
from accountplan.fit.settings import (
    FitSettingsError,
    default_layout,
    layout_of,
    parse_toml,
    to_toml,
    validate,
)
from tests.fit.reference import reference_score

CONFIG = validate(default_layout())
ASKED = [q.key for q in CONFIG.questions() if q.source == "asked"]


def _facts(mobilizer: bool | None, values: dict[str, str | None]) -> Facts:
    return Facts(
        mobilizer=mobilizer,
        analytics={k: None if v is None else Decimal(v) for k, v in values.items()},
    )


def test_a_gate_answered_no_stops_the_scoring() -> None:
    answers = dict.fromkeys(ASKED, "yes") | {"financially_sound": "no"}
    r = score(CONFIG, answers, _facts(True, {"strategic_fit": "1"}))
    assert r.gated and r.score == 0 and r.band.label == "Disqualified"
    assert all(p.points is None for p in r.parts if p.kind in ("block", "analytics"))


def test_everything_yes_and_full_analytics_scores_100() -> None:
    answers = dict.fromkeys(ASKED, "yes")
    values = {"strategic_fit": "1", "cost_to_serve": "1", "growth_potential": "1"}
    r = score(CONFIG, answers, _facts(True, values))
    assert r.score == Decimal("100.0") and r.band.label == "Pursue" and not r.discovery


def test_unknowns_score_zero_and_become_discovery() -> None:
    r = score(CONFIG, {"meaningful_spend": "yes"}, _facts(None, {}))
    assert r.score == 0 and r.band.label == "Low fit"
    keys = [q.key for q in r.discovery]
    assert "financially_sound" in keys and "mobilizer" in keys
    assert "meaningful_spend" not in keys


def test_a_worked_case_by_hand() -> None:
    # pressure 20 × 2/2 = 20; discontent 15 × 1/2 = 7.5; receptivity 0; emerging 20 × 1/2 = 10
    # (mobilizer from the map); analytics 10 × 0.6 + 10 × 0.25 + 0 (unknown) = 8.5
    # 100 × 46 / 100 = 46.0: "Qualify further".
    answers = {
        "meaningful_spend": "yes",
        "financially_sound": "yes",
        "pressure_business": "yes",
        "pressure_deadline": "yes",
        "discontent_named": "yes",
        "discontent_cost": "no",
        "receptive_insight": "no",
        "emerging_unsolved": "no",
    }
    values = {"strategic_fit": "0.6", "cost_to_serve": "0.25", "growth_potential": None}
    r = score(CONFIG, answers, _facts(True, values))
    assert r.score == Decimal("46.0")
    assert r.band.label == "Qualify further"
    assert reference_score(default_layout(), answers, True, values) == ("46.0", r.band.label, False)


def test_demand_reading_counts_the_signals() -> None:
    r = score(CONFIG, {"demand_shaping": "yes", "demand_new_goal": "yes"}, _facts(None, {}))
    assert r.demand == "emerging"
    r = score(CONFIG, {"demand_rfp": "yes"}, _facts(None, {}))
    assert r.demand == "established"
    r = score(CONFIG, {}, _facts(None, {}))
    assert r.demand == "unclear"


answer = st.sampled_from(["yes", "no", "unknown"])
share = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=1, places=4, allow_nan=False).map(str)
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(ASKED), answer),
    st.sampled_from([True, False, None]),
    st.fixed_dictionaries(
        {"strategic_fit": share, "cost_to_serve": share, "growth_potential": share}
    ),
    st.lists(st.integers(min_value=0, max_value=40), min_size=4, max_size=4),
    st.lists(st.integers(min_value=1, max_value=7), min_size=8, max_size=8),
)
def test_fraction_recomputation_agrees(
    answers: dict[str, str],
    mobilizer: bool | None,
    values: dict[str, str | None],
    block_weights: list[int],
    question_weights: list[int],
) -> None:
    layout = default_layout()
    qi = 0
    for b, w in zip(layout["blocks"], block_weights, strict=True):
        b["weight"] = w
        for q in b["questions"]:
            q["weight"] = question_weights[qi]
            qi += 1
    config = validate(layout)
    r = score(config, answers, _facts(mobilizer, values))
    expected = reference_score(layout, answers, mobilizer, values)
    assert (str(r.score), r.band.label, r.gated) == expected


def test_toml_round_trip_keeps_the_settings() -> None:
    layout = layout_of(CONFIG)
    assert parse_toml(to_toml(layout)) == layout


def test_invalid_settings_list_every_problem() -> None:
    layout = default_layout()
    layout["blocks"][0]["weight"] = -1
    layout["bands"][-1]["min_score"] = 10
    layout["gates"][0]["key"] = "Bad Key"
    with pytest.raises(FitSettingsError) as exc:
        validate(layout)
    details = exc.value.details
    assert isinstance(details, list) and len(details) == 3
