"""Cells lost to a competitor (issue 11 point 5: "the white space map marks cells lost to a
competitor").

A cell (account × product, or × family on a family map) is lost to a competitor when the account
has a lost opportunity on that product (of that family) naming a competitor. Read live from the
opportunities (not from the snapshot), so a deal lost today is marked today: one aggregated query
for the accounts of the page (``account_id IN`` the page's rows, grouped by account, product and
competitor), never one per cell and never over the whole book; an export of many accounts sends
the IN-list in chunks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils.html import format_html

from accountplan.analytics.cells import NO_FAMILY
from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Opportunity
from accountplan.core import fmt

#: Accounts per query (SQLite's variable limit; PostgreSQL's planner).
CHUNK = 5000
#: Competitors named in one cell's label at most (the most recent losses).
MAX_NAMED = 3


@dataclass(frozen=True)
class Loss:
    """One competitor a cell was lost to, and the latest close date of those losses."""

    competitor: str
    day: dt.date | None

    @property
    def text(self) -> str:
        return f"{self.competitor} on {fmt.date(self.day)}"

    @property
    def iso(self) -> str:
        return f"{self.competitor} ({self.day.isoformat() if self.day else '—'})"


def label(losses: Sequence[Loss]) -> str:
    """ "Lost to Globex on Mar 3, 2026" (the most recent first; at most ``MAX_NAMED``)."""
    named = "; to ".join(x.text for x in losses[:MAX_NAMED])
    more = len(losses) - MAX_NAMED
    return f"Lost to {named}" + (f" (and {more} more)" if more > 0 else "")


def export_text(losses: Sequence[Loss]) -> str:
    """The export's cell: "Globex (2026-03-03); Initech (2025-11-01)"."""
    return "; ".join(x.iso for x in losses)


def mark_html(losses: Sequence[Loss]) -> str:
    """The cell's marker: an image with the label as its accessible name (escaped)."""
    text = label(losses)
    return str(
        format_html(
            '<i class="mk comp" role="img" aria-label="{}" data-label="{}"></i>', text, text
        )
    )


PRODUCT_FIELDS = ("product__external_id", "product__name", "product__family")


def item_key(level: str, external_id: str | None, name: str | None, family: str | None) -> str:
    """The map's column of a product, as the analysis keys it (``analytics.cells.item_map``):
    the external id (else the name) on a product map, the family ("(none)") on a family map."""
    if level == "family":
        return (family or "").strip() or NO_FAMILY
    return (external_id or "").strip() or (name or "")


def lost_to_competitor(
    account_ids: Sequence[int], columns: Iterable[str], level: str
) -> dict[int, dict[str, list[Loss]]]:
    """account id → item → the competitors its cell was lost to (latest first), for these
    accounts and these columns (items) only: one grouped query per ``CHUNK`` accounts."""
    items = set(columns)
    if not account_ids or not items:
        return {}
    latest: dict[tuple[int, str], dict[str, dt.date | None]] = {}
    ids = sorted(set(account_ids))
    for start in range(0, len(ids), CHUNK):
        rows = (
            Opportunity.objects.filter(
                account_id__in=ids[start : start + CHUNK],
                status=OpportunityStatus.LOST,
                product__isnull=False,
            )
            .exclude(competitor="")
            .values("account_id", *PRODUCT_FIELDS, "competitor")
            .annotate(day=Max("close_date"))
            .order_by()
            .values_list("account_id", *PRODUCT_FIELDS, "competitor", "day")
        )
        for account_id, external_id, product, family, competitor, day in rows:
            name = (competitor or "").strip()
            item = item_key(level, external_id, product, family)
            if not name or item not in items:
                continue
            seen = latest.setdefault((account_id, item), {})
            before = seen.get(name)
            if name not in seen or (day is not None and (before is None or day > before)):
                seen[name] = day
    out: dict[int, dict[str, list[Loss]]] = {}
    for (account_id, item), named in latest.items():
        losses = [Loss(n, d) for n, d in named.items()]
        losses.sort(key=lambda x: (x.day or dt.date.min, x.competitor), reverse=True)
        out.setdefault(account_id, {})[item] = losses
    return out
