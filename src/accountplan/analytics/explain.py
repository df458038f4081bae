"""``explain``: one account's figures and the reasoning behind its score, play and tier, as text.

``explain_text`` works on plain values (an account row, its score parts, the book's medians, its
top white-space cells), so the CLI (from an ``Analysis``) and the pages (from a stored snapshot)
print the same reasoning.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from accountplan.analytics import fmt
from accountplan.analytics.frames import AnalysisConfig
from accountplan.analytics.grid import PLAYS, thresholds
from accountplan.analytics.tiers import CADENCE


def _pct(value: float | Decimal | None) -> str:
    return "unknown" if value is None else f"{100 * float(value):.1f} %"


def _score_lines(row: dict[str, Any], parts: Sequence[dict[str, Any]]) -> list[str]:
    if not row["scored"]:
        return ["Potential score: unscored (no attribute known), so no play."]
    lines = [
        f"Potential score: {row['potential_score']:.1f} / 100 = Σ(weight × percentile) / "
        "Σ(weight) over the attributes it has:"
    ]
    for part in parts:
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


def _play_lines(
    row: dict[str, Any], medians: tuple[Decimal | float | None, float | None], currency: str
) -> list[str]:
    median_revenue, median_score = medians
    cr = fmt.money(row["current_revenue"], currency)
    revenue = (
        f"current revenue {cr} {'≥' if row['high_revenue'] else '<'} the median "
        f"{fmt.money(median_revenue, currency)} "
        f"({'high' if row['high_revenue'] else 'low'} revenue)"
    )
    if not row["play"]:
        return [f"Play: none (unscored); {revenue}."]
    score = (
        f"score {row['potential_score']:.1f} {'≥' if row['high_potential'] else '<'} the median "
        f"{median_score or 0:.1f} of scored accounts "
        f"({'high' if row['high_potential'] else 'low'} potential)"
    )
    return [f"Play: {row['play']}: {revenue} and {score}.", f"  Campaign: {PLAYS[row['play']]}."]


def _tier_lines(row: dict[str, Any], config: AnalysisConfig, currency: str) -> list[str]:
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
        f"at percentile {p or 0:.1f} {why}. Cadence: {CADENCE[row['tier']]}."
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


def _cell_lines(cells: Sequence[dict[str, Any]], currency: str) -> list[str]:
    if not cells:
        return ["Top white space: none (no cell with a known potential above its revenue)."]
    lines = ["Top white space:"]
    for cell in cells:
        w = fmt.money(cell["whitespace_value"], currency)
        p = fmt.money(cell["potential"], currency)
        r = fmt.money(cell["current_revenue"], currency)
        lines.append(
            f"  - {cell['item_name']} ({cell['item']}): W {w} = P {p} − R {r}, "
            f"{cell['state']}; P: {cell['explanation']}"
        )
    return lines


def top_white_space(cells: Sequence[dict[str, Any]], top: int = 5) -> list[dict[str, Any]]:
    """The cells with the most white space (W > 0), biggest first, ties by item."""
    open_cells = [c for c in cells if (c["whitespace_value"] or 0) > 0]
    open_cells.sort(key=lambda c: (-c["whitespace_value"], c["item"]))
    return open_cells[:top]


def explain_text(
    row: dict[str, Any],
    parts: Sequence[dict[str, Any]],
    medians: tuple[Decimal | float | None, float | None],
    cells: Sequence[dict[str, Any]],
    config: AnalysisConfig,
) -> str:
    """The explanation of one account from plain values (see the module docstring)."""
    currency = str(config.extra.get("currency", "$"))
    window = "all dates" if config.window_months is None else f"{config.window_months} months"
    ext = f", external id {row['external_id']}" if row.get("external_id") else ""
    growth = "unknown" if row["growth"] is None else f"{100 * float(row['growth']):+.1f} %"
    previous = row["previous_revenue"]
    lines = [
        f"{row['account_name']} (account {row['account_id']}{ext})",
        f"As of {config.as_of.isoformat()}, window {window}, cells by {config.level}.",
        f"Current revenue: {fmt.money(row['current_revenue'], currency)}; previous: "
        f"{'unknown' if previous is None else fmt.money(previous, currency)}; "
        f"growth: {growth}.",
        f"White-space value: {fmt.money(row['whitespace_value'], currency)}; wallet: "
        f"{fmt.money(row['wallet'], currency)}; share of wallet: {_pct(row['share_of_wallet'])}.",
        *_score_lines(row, parts),
        *_play_lines(row, medians, currency),
        *_tier_lines(row, config, currency),
        "Customer lifetime value: "
        + ("unknown (no margin)" if row["clv"] is None else fmt.money(row["clv"], currency))
        + f" over {config.clv_years} years at {100 * config.clv_discount_rate:g} % discount.",
        *_cell_lines(top_white_space(cells), currency),
    ]
    return "\n".join(lines)


def explain(analysis: Any, account_id: int, top: int = 5) -> str:
    """A multi-line, human explanation of an account of an ``Analysis``."""
    from accountplan.analytics.derive import expand_cells

    found = analysis.accounts.filter(pl.col("account_id") == account_id)
    if found.height == 0:
        raise ValueError(f"no account with id {account_id} in this analysis")
    row = found.row(0, named=True)
    parts = analysis.scores.filter(pl.col("account_id") == account_id).to_dicts()
    cells = expand_cells(analysis, [account_id]).to_dicts()
    return explain_text(
        row, parts, thresholds(analysis.accounts), top_white_space(cells, top), analysis.config
    )
