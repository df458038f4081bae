"""``explain``: one account's figures and the reasoning behind its score, play and tier, as text."""

from __future__ import annotations

from typing import Any

import polars as pl

from accountplan.analytics import fmt
from accountplan.analytics.grid import PLAYS, thresholds
from accountplan.analytics.pipeline import Analysis
from accountplan.analytics.tiers import CADENCE


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{100 * value:.1f} %"


def _score_lines(analysis: Analysis, row: dict[str, Any]) -> list[str]:
    parts = analysis.scores.filter(pl.col("account_id") == row["account_id"])
    if not row["scored"]:
        return ["Potential score: unscored (no attribute known), so no play."]
    lines = [
        f"Potential score: {row['potential_score']:.1f} / 100 = Σ(weight × percentile) / "
        "Σ(weight) over the attributes it has:"
    ]
    for part in parts.iter_rows(named=True):
        if part["used"]:
            lines.append(
                f"  - {part['label']}: {fmt.number(part['value'])} → percentile "
                f"{part['percentile']:.1f}, weight {fmt.number(part['weight'])}"
            )
        elif part["weight"] == 0:
            lines.append(f"  - {part['label']}: weight 0, not used")
    if row["missing_attributes"]:
        lines.append(f"  Missing (left out, other weights rescaled): {row['missing_attributes']}")
    return lines


def _play_lines(analysis: Analysis, row: dict[str, Any], currency: str) -> list[str]:
    median_revenue, median_score = thresholds(analysis.accounts)
    cr = fmt.money(row["current_revenue"], currency)
    revenue = (
        f"current revenue {cr} {'≥' if row['high_revenue'] else '<'} the median "
        f"{fmt.money(median_revenue, currency)} "
        f"({'high' if row['high_revenue'] else 'low'} revenue)"
    )
    if row["play"] is None:
        return [f"Play: none (unscored); {revenue}."]
    score = (
        f"score {row['potential_score']:.1f} {'≥' if row['high_potential'] else '<'} the median "
        f"{median_score:.1f} of scored accounts "
        f"({'high' if row['high_potential'] else 'low'} potential)"
    )
    return [f"Play: {row['play']}: {revenue} and {score}.", f"  Campaign: {PLAYS[row['play']]}."]


def _tier_lines(analysis: Analysis, row: dict[str, Any], currency: str) -> list[str]:
    config = analysis.config
    p = row["value_percentile"]
    if row["tier"] == 1:
        why = f"≥ {fmt.number(config.tier1_min_percentile)}"
    elif row["tier"] == 2:
        why = (
            f"≥ {fmt.number(config.tier2_min_percentile)} and "
            f"< {fmt.number(config.tier1_min_percentile)}"
        )
    else:
        why = f"< {fmt.number(config.tier2_min_percentile)}"
    lines = [
        f"Tier {row['tier']}: value {fmt.money(row['value'], currency)} (revenue + white space) "
        f"at percentile {p:.1f} {why}. Cadence: {CADENCE[row['tier']]}."
    ]
    cts, gm = row["cost_to_serve"], row["gross_margin"]
    if cts is None or gm is None:
        lines.append("Cost to serve vs margin: unknown (needs both), not flagged.")
    elif row["cost_to_serve_flag"]:
        lines.append(
            f"Flagged for review: cost to serve {fmt.money(cts, currency)} exceeds the gross "
            f"margin {fmt.money(gm, currency)}."
        )
    else:
        lines.append(
            f"Cost to serve {fmt.money(cts, currency)} within the gross margin "
            f"{fmt.money(gm, currency)}: not flagged."
        )
    return lines


def _cell_lines(analysis: Analysis, account_id: int, currency: str, top: int) -> list[str]:
    cells = (
        analysis.cells.filter(
            (pl.col("account_id") == account_id) & (pl.col("whitespace_value") > 0)
        )
        .sort(["whitespace_value", "item"], descending=[True, False])
        .head(top)
    )
    if cells.height == 0:
        return ["Top white space: none (no cell with a known potential above its revenue)."]
    lines = ["Top white space:"]
    for cell in cells.iter_rows(named=True):
        w = fmt.money(cell["whitespace_value"], currency)
        p = fmt.money(cell["potential"], currency)
        r = fmt.money(cell["current_revenue"], currency)
        lines.append(
            f"  - {cell['item_name']} ({cell['item']}): W {w} = P {p} − R {r}, "
            f"{cell['state']}; P: {cell['explanation']}"
        )
    return lines


def explain(analysis: Analysis, account_id: int, top: int = 5) -> str:
    """A multi-line, human explanation of an account: figures, score, play, tier, white space."""
    found = analysis.accounts.filter(pl.col("account_id") == account_id)
    if found.height == 0:
        raise ValueError(f"no account with id {account_id} in this analysis")
    row = found.row(0, named=True)
    config = analysis.config
    currency = str(config.extra.get("currency", "$"))
    window = "all dates" if config.window_months is None else f"{config.window_months} months"
    ext = f", external id {row['external_id']}" if row["external_id"] else ""
    growth = "unknown" if row["growth"] is None else f"{100 * row['growth']:+.1f} %"
    previous = row["previous_revenue"]
    lines = [
        f"{row['account_name']} (account {account_id}{ext})",
        f"As of {config.as_of.isoformat()}, window {window}, cells by {config.level}.",
        f"Current revenue: {fmt.money(row['current_revenue'], currency)}; previous: "
        f"{'unknown' if previous is None else fmt.money(previous, currency)}; "
        f"growth: {growth}.",
        f"White-space value: {fmt.money(row['whitespace_value'], currency)}; wallet: "
        f"{fmt.money(row['wallet'], currency)}; share of wallet: {_pct(row['share_of_wallet'])}.",
        *_score_lines(analysis, row),
        *_play_lines(analysis, row, currency),
        *_tier_lines(analysis, row, currency),
        "Customer lifetime value: "
        + ("unknown (no margin)" if row["clv"] is None else fmt.money(row["clv"], currency))
        + f" over {config.clv_years} years at {100 * config.clv_discount_rate:g} % discount.",
        *_cell_lines(analysis, account_id, currency, top),
    ]
    return "\n".join(lines)
