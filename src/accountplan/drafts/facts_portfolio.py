"""Facts from the stored portfolio snapshot: revenue trend, share of wallet, products bought,
white space with its look-alikes, next best products, play and tier with their reasons.

Read from the newest finished product-level snapshot: the account's ``AccountScore`` row and its
cells (``portfolio.cells.account_cells``: one account's cells, cached per snapshot). Without a
snapshot, or when the account was not scored, there are no such facts (never a guess).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accountplan.analytics.grid import PLAYS
from accountplan.analytics.tiers import CADENCE
from accountplan.book.models import Account
from accountplan.core import fmt
from accountplan.drafts.facts_base import make_fact
from accountplan.drafts.types import Fact
from accountplan.portfolio.cells import Cell, account_cells
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.selectors import current_snapshot

SCORE = "portfolio.AccountScore"
#: White-space cells kept as facts (the biggest expected values), and next best products.
TOP_WHITE_SPACE = 5
TOP_NEXT_BEST = 3
CENT = Decimal("0.01")


def _pct(value: float | None) -> Decimal | None:
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def expected_value(cell: Cell) -> Decimal | None:
    """Propensity × white space, in cents (None unless both are known)."""
    if cell.propensity is None or cell.whitespace_value is None:
        return None
    propensity = Decimal(str(round(cell.propensity, 4)))
    return (propensity * cell.whitespace_value).quantize(CENT)


def portfolio_facts(account: Account, as_of: dt.date) -> list[Fact]:
    snapshot = current_snapshot("product") or current_snapshot()
    if snapshot is None:
        return []
    score = (
        AccountScore.objects.filter(snapshot=snapshot, account=account)
        .select_related("snapshot")
        .first()
    )
    if score is None:
        return []
    day = snapshot.as_of or as_of
    facts = [*_revenue(score, day), *_play(score, day)]
    cells = account_cells(snapshot, score)
    facts += _owned(score, cells, day)
    facts += _white_space(score, cells, day)
    return facts


def _revenue(score: AccountScore, day: dt.date) -> list[Fact]:
    growth = _pct(score.growth)
    prev = score.previous_revenue
    label = f"Revenue {fmt.money(score.current_revenue)} in the current window"
    if prev is not None:
        label += f", {fmt.money(prev)} the window before"
    if growth is not None:
        label += f" ({'+' if growth >= 0 else ''}{growth}%)"
    facts = [
        make_fact(
            "revenue.trend",
            "",
            label,
            {"current": score.current_revenue, "previous": prev, "growth_pct": growth},
            SCORE,
            [score.pk],
            day,
        )
    ]
    share = _pct(score.share_of_wallet)
    if score.wallet and share is not None:
        facts.append(
            make_fact(
                "revenue.wallet",
                "",
                f"Share of wallet {share}% of an estimated wallet of {fmt.money(score.wallet)}",
                {"wallet": score.wallet, "share_pct": share, "white_space": score.whitespace_value},
                SCORE,
                [score.pk],
                day,
            )
        )
    return facts


def _play(score: AccountScore, day: dt.date) -> list[Fact]:
    if not score.play:
        return []
    revenue = "high" if score.high_revenue else "low"
    potential = "high" if score.high_potential else "low"
    reason = f"{revenue} revenue and {potential} potential"
    label = f"Play {score.play} ({reason})"
    values: dict[str, object] = {
        "play": score.play,
        "reason": reason,
        "campaign": PLAYS.get(score.play, ""),
    }
    if score.tier:
        label += f", tier {score.tier}"
        values |= {"tier": score.tier, "cadence": CADENCE.get(score.tier, "")}
    if score.potential_score is not None:
        values["score"] = Decimal(str(round(score.potential_score, 1)))
    return [make_fact("portfolio.play", "", label, values, SCORE, [score.pk], day)]  # type: ignore[arg-type]


def _owned(score: AccountScore, cells: list[Cell], day: dt.date) -> list[Fact]:
    facts = []
    for c in sorted(cells, key=lambda c: (-c.current_revenue, c.item)):
        if c.current_revenue <= 0 or c.product_id is None:
            continue
        state = {"full": "fully adopted", "partial": "partly adopted"}.get(c.state, c.state)
        label = f"{c.item_name}: {fmt.money(c.current_revenue)} bought, {state}"
        if c.potential is not None:
            label += f" (potential {fmt.money(c.potential)})"
        facts.append(
            make_fact(
                "revenue.product",
                c.product_id,
                label,
                {
                    "product_id": c.product_id,
                    "product": c.item_name,
                    "revenue": c.current_revenue,
                    "potential": c.potential,
                    "state": c.state,
                    "headroom": c.whitespace_value if c.state == "partial" else None,
                    "item": c.item,
                },
                SCORE,
                [score.pk],
                day,
            )
        )
    return facts


def _white_space(score: AccountScore, cells: list[Cell], day: dt.date) -> list[Fact]:
    white = [
        c
        for c in cells
        if c.state == "none" and c.product_id is not None and (c.whitespace_value or 0) > 0
    ]
    ranked = sorted(white, key=lambda c: (-(expected_value(c) or 0), c.item))[:TOP_WHITE_SPACE]
    best = [i for i in (score.next_best or []) if isinstance(i, str)][:TOP_NEXT_BEST]
    by_item = {c.item: c for c in cells}
    facts = []
    for rank, c in enumerate(ranked, start=1):
        ev = expected_value(c)
        looks = ", ".join(n for n in c.lookalikes if n)
        label = f"White space {fmt.money(c.whitespace_value)} in {c.item_name}"
        if ev is not None:
            label += f", expected value {fmt.money(ev)}"
        if looks:
            label += f"; look-alikes buying it: {looks}"
        facts.append(
            make_fact(
                "whitespace.product",
                c.product_id,
                label,
                {
                    "product_id": c.product_id,
                    "product": c.item_name,
                    "white_space": c.whitespace_value,
                    "potential": c.potential,
                    "expected_value": ev,
                    "propensity_pct": _pct(c.propensity),
                    "lookalikes": looks,
                    "rank": rank,
                    "item": c.item,
                },
                SCORE,
                [score.pk],
                day,
            )
        )
    for rank, item in enumerate(best, start=1):
        nb = by_item.get(item)
        if nb is None or nb.product_id is None:
            continue
        looks = ", ".join(n for n in nb.lookalikes if n)
        label = f"Next best product #{rank}: {nb.item_name}"
        if looks:
            label += f" (bought by look-alikes {looks})"
        facts.append(
            make_fact(
                "whitespace.next_best",
                nb.product_id,
                label,
                {
                    "product_id": nb.product_id,
                    "product": nb.item_name,
                    "rank": rank,
                    "lookalikes": looks,
                    "white_space": nb.whitespace_value,
                    "item": nb.item,
                },
                SCORE,
                [score.pk],
                day,
            )
        )
    return facts
