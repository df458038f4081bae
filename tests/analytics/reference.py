"""An independent, exact re-implementation of the documented rules (docs/methodology.md) in plain
Python: ``fractions.Fraction`` for every figure, no Polars maths (the frames are only read into
rows with ``to_dicts``). ``tests/analytics/test_exact_property.py`` compares it with
``accountplan.analytics.pipeline.analyze`` over generated books.

The contract implemented here, rule by rule:

1. Windows: current = (as_of − N months, as_of], previous = (as_of − 2N, as_of − N] (the day
   clamped); rows after as_of count nowhere; ``window_months`` None: every row up to as_of is
   current and there is no previous window.
2. Items: product level, a product's external id (its name when it has none); family level, the
   family (``(none)`` when empty). Cells = every account × every item; R = exact sum of the amounts
   in the window. Rows for an unknown product or account count nowhere.
3. Peers of (a, i): accounts with R > 0 in i and a known size > 0. When a has a segment (stripped,
   blank = none; ``segment_field`` None = nobody has one) and at least ``min_peers`` peers share
   it, those; otherwise all of them.
4. A peer's rate = R / size rounded half-even to 10 dp; the cell's rate = the median (odd count:
   the middle one; even: (lo + hi) / 2 rounded half-even to 10 dp).
5. P = rate × size (rounded to 10 dp when the size is not whole); unknown without peers or
   without a size > 0. Imported overrides (summed) replace P.
6. State: R ≤ 0 none; P known and R ≥ Decimal(str(full_share)) × P full; else partial.
   W = max(P − R, 0), unknown when P is.
7. Account figures: CR, previous, W (unknown = 0), wallet = Σ max(P, R) (R when P unknown),
   share = CR / wallet (18 dp, None unless wallet > 0), gap = 1 − share, growth = (CR − prev) /
   prev (18 dp, None unless prev > 0).
8. Percentile rank: 100 × (average 1-based rank among exact ties − 1) / (n − 1); 50 when n = 1.
9. Potential score: Σ(weight × percentile) / Σ weight over the attributes the account has.
10. Grid: CR ≥ median CR (all accounts), score ≥ median score (scored accounts), four plays.
11. Tiers: value = CR + W; its percentile p; tier 1 if p ≥ 90, 2 if p ≥ 60, else 3.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from accountplan.analytics.dates import shift_months
from accountplan.analytics.frames import AnalysisConfig, Book

NO_FAMILY = "(none)"
RATE_DP = 10  # rates, potentials and what is derived from them
RATIO_DP = 18  # share of wallet, growth
ZERO = Fraction(0)
PLAYS = {
    (True, True): "Expand",
    (True, False): "Penetrate",
    (False, True): "Nurture",
    (False, False): "Manage",
}
SCORED_ATTRIBUTES = ("whitespace_value", "growth", "satisfaction", "share_of_wallet_gap")


def exact(value: Any) -> Fraction | None:
    """A number read from a frame as an exact Fraction (None stays None).

    Floats are read as the decimal they print as (1000.1 → 10001/10), as a cast to Decimal would.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        text = value.strip()
        return Fraction(Decimal(text)) if text else None
    raise TypeError(f"not a number: {value!r}")


def round_half_even(value: Fraction, places: int) -> Fraction:
    """``value`` rounded half-even to ``places`` decimal places, still exact."""
    scale = 10**places
    scaled = value * scale
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        floor += 1
    return Fraction(floor, scale)


def median(values: list[Fraction], places: int | None = None) -> Fraction:
    """The middle value; for an even count the mean of the two middle ones (rounded half-even to
    ``places`` when given)."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of nothing")
    if n % 2 == 1:
        return ordered[n // 2]
    mean = (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return mean if places is None else round_half_even(mean, places)


def percentile_ranks(values: dict[int, Fraction | None]) -> dict[int, Fraction | None]:
    """Each key's percentile rank among the keys with a value (exact ties share their average
    rank); None for the keys without one."""
    counts = Counter(v for v in values.values() if v is not None)
    n = sum(counts.values())
    average_rank: dict[Fraction, Fraction] = {}
    below = 0
    for value in sorted(counts):  # exact ties: one entry, ranks below+1 .. below+equal
        equal = counts[value]
        average_rank[value] = below + Fraction(equal + 1, 2)
        below += equal
    out: dict[int, Fraction | None] = {}
    for key, value in values.items():
        if value is None:
            out[key] = None
        elif n == 1:
            out[key] = Fraction(50)
        else:
            out[key] = 100 * (average_rank[value] - 1) / (n - 1)
    return out


def _text(value: Any) -> str | None:
    """Stripped text; None when null or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass
class CellRef:
    """One cell (account × item)."""

    account_id: int
    item: str
    revenue: Fraction  # R
    previous: Fraction | None
    size: Fraction | None  # the account's size when > 0
    peer_count: int
    peer_rate: Fraction | None  # the median rate (None without peers)
    peer_segment: str | None  # the segment the peers came from (None: all accounts)
    override: Fraction | None
    potential: Fraction | None  # P
    state: str
    whitespace: Fraction | None  # W


@dataclass
class AccountRef:
    """One account's figures."""

    account_id: int
    current_revenue: Fraction
    previous_revenue: Fraction | None
    whitespace_value: Fraction
    wallet: Fraction
    share_of_wallet: Fraction | None
    share_of_wallet_gap: Fraction | None
    growth: Fraction | None
    satisfaction: Fraction | None
    percentiles: dict[str, Fraction | None] = field(default_factory=dict)
    potential_score: Fraction | None = None
    high_revenue: bool = False
    high_potential: bool | None = None
    play: str | None = None
    value: Fraction = ZERO
    value_percentile: Fraction = ZERO
    tier: int = 3

    def attribute(self, key: str) -> Fraction | None:
        """The value the scorecard ranks for ``key``."""
        return {
            "whitespace_value": self.whitespace_value,
            "growth": self.growth,
            "satisfaction": self.satisfaction,
            "share_of_wallet_gap": self.share_of_wallet_gap,
        }[key]


@dataclass
class Ref:
    """The reference result: cells by (account_id, item), accounts by id, items in order."""

    cells: dict[tuple[int, str], CellRef]
    accounts: dict[int, AccountRef]
    items: list[str]
    revenue_median: Fraction | None
    score_median: Fraction | None


def _rows(frame: Any) -> list[dict[str, Any]]:
    return frame.to_dicts() if frame is not None and frame.width > 0 else []


def _item_of(product: dict[str, Any], level: str) -> str:
    if level == "product":
        return _text(product.get("external_id")) or (product.get("product_name") or "")
    if level == "family":
        return _text(product.get("family")) or NO_FAMILY
    raise ValueError(f"level must be 'product' or 'family', not {level!r}")


def _windows(
    as_of: dt.date, months: int | None
) -> tuple[tuple[dt.date | None, dt.date], tuple[dt.date, dt.date] | None]:
    """((current start, end), (previous start, end) or None); each is start < date ≤ end."""
    if months is None:
        return (None, as_of), None
    start = shift_months(as_of, -months)
    return (start, as_of), (shift_months(as_of, -2 * months), start)


def _inside(day: dt.date, window: tuple[dt.date | None, dt.date]) -> bool:
    start, end = window
    return day <= end and (start is None or day > start)


def _cells(book: Book, config: AnalysisConfig) -> tuple[dict[tuple[int, str], CellRef], list]:
    """Every account × item with R, previous, size, peers, P, state and W."""
    accounts = _rows(book.accounts)
    products = _rows(book.products)
    item_of = {p["product_id"]: _item_of(p, config.level) for p in products}
    items = sorted(set(item_of.values()))
    account_ids = [a["account_id"] for a in accounts]
    known_accounts = set(account_ids)

    size: dict[int, Fraction | None] = {}
    segment: dict[int, str | None] = {}
    for a in accounts:
        s = exact(a.get(config.size_field))
        size[a["account_id"]] = s if s is not None and s > 0 else None
        seg_field = config.segment_field
        segment[a["account_id"]] = _text(a.get(seg_field)) if seg_field else None

    current_win, previous_win = _windows(config.as_of, config.window_months)
    revenue: dict[tuple[int, str], Fraction] = {}
    previous: dict[tuple[int, str], Fraction] = {}
    for row in _rows(book.revenue):
        aid, pid, day, amount = row["account_id"], row["product_id"], row["date"], row["amount"]
        if aid not in known_accounts or pid not in item_of or day is None or amount is None:
            continue
        key = (aid, item_of[pid])
        if _inside(day, current_win):
            revenue[key] = revenue.get(key, ZERO) + exact(amount)
        elif previous_win is not None and _inside(day, previous_win):
            previous[key] = previous.get(key, ZERO) + exact(amount)

    overrides: dict[tuple[int, str], Fraction] = {}
    for row in _rows(book.overrides):
        amount, aid = row.get("amount"), row.get("account_id")
        if amount is None or aid not in known_accounts:
            continue
        if config.level == "product":
            pid = row.get("product_id")
            if pid is None or pid not in item_of:
                continue
            key = (aid, item_of[pid])
        else:
            fam = _text(row.get("family"))
            if row.get("product_id") is not None or fam is None:
                continue
            key = (aid, fam)
        overrides[key] = overrides.get(key, ZERO) + exact(amount)

    full_share = Fraction(Decimal(str(config.full_share)))
    cells: dict[tuple[int, str], CellRef] = {}
    for item in items:
        # every qualifying peer of the item: (account, rate, segment)
        buyers = [
            (b, round_half_even(revenue[(b, item)] / size[b], RATE_DP), segment[b])
            for b in account_ids
            if revenue.get((b, item), ZERO) > 0 and size[b] is not None
        ]
        everyone = [rate for _, rate, _ in buyers]
        peer_groups: dict[str | None, tuple[list[Fraction], str | None, Fraction | None]] = {}
        for a in account_ids:
            seg = segment[a]
            if seg not in peer_groups:  # the same for every account of the segment
                same = [rate for _, rate, s in buyers if seg is not None and s == seg]
                if seg is not None and len(same) >= config.min_peers:
                    group = same, seg
                else:
                    group = everyone, None
                peer_groups[seg] = (*group, median(group[0], RATE_DP) if group[0] else None)
            rates, peer_segment, rate = peer_groups[seg]
            computed = None
            if rate is not None and size[a] is not None:
                computed = rate * size[a]
                if size[a].denominator != 1:
                    computed = round_half_even(computed, RATE_DP)
            override = overrides.get((a, item))
            potential = override if override is not None else computed
            r = revenue.get((a, item), ZERO)
            if r <= 0:
                state = "none"
            elif potential is not None and r >= full_share * potential:
                state = "full"
            else:
                state = "partial"
            cells[(a, item)] = CellRef(
                account_id=a,
                item=item,
                revenue=r,
                previous=previous.get((a, item), ZERO) if previous_win is not None else None,
                size=size[a],
                peer_count=len(rates),
                peer_rate=rate,
                peer_segment=peer_segment,
                override=override,
                potential=potential,
                state=state,
                whitespace=None if potential is None else max(potential - r, ZERO),
            )
    return cells, items


def reference(book: Book, config: AnalysisConfig) -> Ref:
    """The documented rules, computed exactly (see the module docstring)."""
    if config.icp is not None:
        raise NotImplementedError("the reference leaves the ICP out")
    cells, items = _cells(book, config)
    accounts = _rows(book.accounts)
    has_previous = config.window_months is not None

    figures: dict[int, AccountRef] = {}
    for a in accounts:
        aid = a["account_id"]
        mine = [cells[(aid, item)] for item in items]
        cr = sum((c.revenue for c in mine), ZERO)
        prev = sum((c.previous or ZERO for c in mine), ZERO) if has_previous else None
        ws = sum((c.whitespace or ZERO for c in mine), ZERO)
        wallet = sum(
            (c.revenue if c.potential is None else max(c.potential, c.revenue) for c in mine), ZERO
        )
        share = round_half_even(cr / wallet, RATIO_DP) if wallet > 0 else None
        growth = (
            round_half_even((cr - prev) / prev, RATIO_DP) if prev is not None and prev > 0 else None
        )
        figures[aid] = AccountRef(
            account_id=aid,
            current_revenue=cr,
            previous_revenue=prev,
            whitespace_value=ws,
            wallet=wallet,
            share_of_wallet=share,
            share_of_wallet_gap=None if share is None else 1 - share,
            growth=growth,
            satisfaction=exact(a.get("satisfaction")),
        )

    # scorecard
    weights = scorecard_weights(config)
    values = {aid: {k: f.attribute(k) for k, _ in weights} for aid, f in figures.items()}
    percentiles, scores = potential_scores(values, weights)
    for aid, f in figures.items():
        f.percentiles = percentiles[aid]
        f.potential_score = scores[aid]

    # grid
    revenue_median, score_median, grid = plays(
        {aid: f.current_revenue for aid, f in figures.items()},
        {aid: f.potential_score for aid, f in figures.items()},
    )
    for aid, f in figures.items():
        f.high_revenue, f.high_potential, f.play = grid[aid]

    # tiers
    for aid, (value, p, tier) in tiers(
        {aid: f.current_revenue + f.whitespace_value for aid, f in figures.items()}, config
    ).items():
        f = figures[aid]
        f.value, f.value_percentile, f.tier = value, p, tier

    return Ref(
        cells=cells,
        accounts=figures,
        items=items,
        revenue_median=revenue_median,
        score_median=score_median,
    )


def scorecard_weights(config: AnalysisConfig) -> list[tuple[str, Fraction]]:
    """(attribute, weight) of the attributes that apply (no ICP: icp_fit does not)."""
    weights: list[tuple[str, Fraction]] = []
    for attribute in config.attributes:
        if attribute.key == "icp_fit":
            continue
        if attribute.key not in SCORED_ATTRIBUTES:
            raise NotImplementedError(f"the reference knows no attribute {attribute.key!r}")
        weights.append((attribute.key, Fraction(Decimal(str(attribute.weight)))))
    return weights


def potential_scores(
    values: dict[int, dict[str, Fraction | None]], weights: list[tuple[str, Fraction]]
) -> tuple[dict[int, dict[str, Fraction | None]], dict[int, Fraction | None]]:
    """Each account's percentile per attribute and its potential score (None: unscored)."""
    percentiles: dict[int, dict[str, Fraction | None]] = {aid: {} for aid in values}
    for key, _ in weights:
        ranks = percentile_ranks({aid: v[key] for aid, v in values.items()})
        for aid in values:
            percentiles[aid][key] = ranks[aid]
    scores: dict[int, Fraction | None] = {}
    for aid, v in values.items():
        used = [(w, percentiles[aid][k]) for k, w in weights if w > 0 and v[k] is not None]
        den = sum((w for w, _ in used), ZERO)
        scores[aid] = sum((w * p for w, p in used), ZERO) / den if den > 0 else None
    return percentiles, scores


def plays(
    revenue: dict[int, Fraction], scores: dict[int, Fraction | None]
) -> tuple[Fraction | None, Fraction | None, dict[int, tuple[bool, bool | None, str | None]]]:
    """(median CR, median score, {account: (high revenue, high potential, play)})."""
    revenue_median = median(list(revenue.values())) if revenue else None
    scored = [s for s in scores.values() if s is not None]
    score_median = median(scored) if scored else None
    out: dict[int, tuple[bool, bool | None, str | None]] = {}
    for aid, cr in revenue.items():
        high_revenue = revenue_median is not None and cr >= revenue_median
        score = scores.get(aid)
        if score is None or score_median is None:
            out[aid] = (high_revenue, None, None)
        else:
            high_potential = score >= score_median
            out[aid] = (high_revenue, high_potential, PLAYS[(high_potential, high_revenue)])
    return revenue_median, score_median, out


def tiers(
    values: dict[int, Fraction], config: AnalysisConfig
) -> dict[int, tuple[Fraction, Fraction, int]]:
    """{account: (value, value percentile, tier)}."""
    ranks = percentile_ranks(dict(values))
    tier1 = Fraction(Decimal(str(config.tier1_min_percentile)))
    tier2 = Fraction(Decimal(str(config.tier2_min_percentile)))
    out: dict[int, tuple[Fraction, Fraction, int]] = {}
    for aid, value in values.items():
        p = ranks[aid]
        assert p is not None
        out[aid] = (value, p, 1 if p >= tier1 else 2 if p >= tier2 else 3)
    return out
