"""The scorecard: TOML round trip, validation errors, the form, and its effect on the analysis."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accountplan.portfolio.forms import ScorecardForm
from accountplan.portfolio.scorecard import export_toml, get_scorecard, to_config

pytestmark = pytest.mark.django_db

CUSTOM = """
[weights]
whitespace_value = 50
icp_fit = 10
growth = 0
satisfaction = 5
share_of_wallet_gap = 35

[icp]
industries = ["Retail", "Banking"]
min_employees = 100
max_employees = 5000
regions = ["EMEA"]

[thresholds]
tier1_min_percentile = 80
full_share = 0.75
min_peers = 3
"""


def test_import_then_export_round_trips(tmp_path: Path):
    source = tmp_path / "in.toml"
    source.write_text(CUSTOM, encoding="utf-8")
    call_command("scorecard", "import", str(source), stdout=io.StringIO())
    exported = tmp_path / "out.toml"
    call_command("scorecard", "export", str(exported), stdout=io.StringIO())
    card = get_scorecard()
    assert (card.weight_whitespace_value, card.weight_growth) == (50, 0)
    assert card.icp_industries == ["Retail", "Banking"]

    # Import what was exported: nothing changes.
    call_command("scorecard", "import", str(exported), stdout=io.StringIO())
    assert export_toml(get_scorecard()) == exported.read_text(encoding="utf-8")
    config = to_config(get_scorecard(), dt.date(2024, 1, 1))
    assert {a.key: a.weight for a in config.attributes}["share_of_wallet_gap"] == 35
    assert config.icp is not None and config.icp.min_employees == 100
    assert (config.tier1_min_percentile, config.full_share, config.min_peers) == (80, 0.75, 3)


def test_defaults_export_the_methodology(db: None):
    text = export_toml(get_scorecard())
    assert "whitespace_value = 30" in text
    assert "tier1_min_percentile = 90" in text
    assert to_config(get_scorecard(), dt.date(2024, 1, 1)).icp is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[weights]\ngrowth = -1", "Growth weight must be ≥ 0"),
        (
            "[weights]\nwhitespace_value = 0\nicp_fit = 0\ngrowth = 0\nsatisfaction = 0\n"
            "share_of_wallet_gap = 0",
            "At least one weight must be above 0",
        ),
        ("[thresholds]\ntier1_min_percentile = 95", "between 80 and 90"),
        ("[thresholds]\nfull_share = 1.5", "Full share must be above 0 and at most 1"),
        ("[weights]\nloyalty = 3", "Unknown weight 'loyalty'"),
        ("[icp]\nmin_employees = 500\nmax_employees = 100", "must not exceed"),
        ('[weights]\ngrowth = "high"', "Growth weight must be a number"),
        ("weights = [", "not valid TOML"),
    ],
)
def test_bad_scorecards_are_refused_with_a_clear_error(tmp_path: Path, toml: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    before = export_toml(get_scorecard())
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("scorecard", "import", str(path))
    assert export_toml(get_scorecard()) == before


def test_the_form_applies_the_same_rules(db: None):
    card = get_scorecard()
    fields = {
        "weight_whitespace_value": 0,
        "weight_icp_fit": 0,
        "weight_growth": 0,
        "weight_satisfaction": 0,
        "weight_share_of_wallet_gap": 0,
        "tier1_min_percentile": 85,
        "full_share": 0.8,
        "min_peers": 5,
        "industries": "Retail, Banking",
    }
    form = ScorecardForm(fields, instance=card)
    assert not form.is_valid()
    assert "At least one weight must be above 0" in str(form.errors)

    form = ScorecardForm({**fields, "weight_growth": 10}, instance=card)
    assert form.is_valid(), form.errors
    form.save()
    card.refresh_from_db()
    assert card.icp_industries == ["Retail", "Banking"]
    assert card.tier1_min_percentile == 85
