"""The white space map page's parts: its form and snapshot, its columns, and the page of a map
whose columns are narrowed (ranked by their white space, ``filtered_rank``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accountplan.book.selectors import account_filter_options
from accountplan.core import fmt
from accountplan.core.pagination import paginate
from accountplan.portfolio import filtered_rank, grid_data, selectors
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.page_forms import MapFilterForm

if TYPE_CHECKING:
    from accountplan.core.models import User

MAP_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def map_state(request: HttpRequest) -> tuple[MapFilterForm, Snapshot | None, list[str]]:
    """The map's form and snapshot. A level asked for but not computed yet (family columns
    before their first run) falls back to the other, and ``form.missing_level`` names it."""
    user = _user(request)
    levels = selectors.available_levels()
    raw_level = request.GET.get("level", "")
    level = raw_level if raw_level in levels else (levels[0] if levels else None)
    snapshot = selectors.current_snapshot(level) if level else None
    families = selectors.families(snapshot) if snapshot else []
    # The product choice's options: the snapshot's items, read once per snapshot.
    items = (
        grid_data.cached(
            snapshot,
            "map-item-choices",
            lambda: [
                (c.item, f"{c.name} ({c.family})" if c.family else c.name)
                for c in selectors.columns(snapshot)
            ],
        )
        if snapshot
        else []
    )
    form = MapFilterForm(
        request.GET, account_filter_options(user, snapshot), levels, families, items
    )
    form.parse()
    if level:
        form.values["level"] = level
    form.missing_level = (  # type: ignore[attr-defined]
        raw_level if raw_level in ("product", "family") and raw_level not in levels else ""
    )
    return form, snapshot, levels


def map_scores(request: HttpRequest, form: MapFilterForm, snapshot: Snapshot) -> QuerySet[Any]:
    qs = selectors.filter_scores(selectors.account_scores(_user(request), snapshot), form.filters())
    return selectors.order_scores(qs, form.values["sort"])


def map_columns(form: MapFilterForm, snapshot: Snapshot) -> list[Any]:
    cols = selectors.columns(snapshot, form.values["family"])
    item = form.values["item"]
    return [c for c in cols if c.item == item] if item else cols


def narrowed_page(
    request: HttpRequest, form: MapFilterForm, snapshot: Snapshot, cols: list[Any], key: str
) -> tuple[Any, list[dict[str, Any]], Decimal]:
    """The page of a map whose columns are narrowed: rows ranked and totalled by the white
    space of those columns (``filtered_rank``), the ranking kept per filter set and sort."""
    scores_qs = map_scores(request, form, snapshot)
    items = ",".join(c.item for c in cols)
    ranking = grid_data.cached(
        snapshot,
        f"map-rank:{key}:{items}:{form.values['sort']}",
        lambda: filtered_rank.rank(snapshot, scores_qs, cols, form.values["sort"]),
        grid_data.SCOPED_SECONDS,
    )
    page = paginate(request, ranking, per_page=MAP_PAGE_SIZE)  # type: ignore[arg-type]
    by_pk = {s.pk: s for s in scores_qs.filter(pk__in=[r.score_id for r in page.object_list])}
    rows = [
        {"score": by_pk[r.score_id], "whitespace": r.whitespace, "revenue": r.revenue}
        for r in page.object_list
        if r.score_id in by_pk
    ]
    return page, rows, sum((r.whitespace for r in ranking), Decimal("0"))


def rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The map's ``<tbody>`` rows: the account, its revenue and white space, then its cells
    (``row["cells"]``, already HTML). Written here, not by a template loop: 50 rows of a dozen
    lookups and two ``{% url %}`` each cost more than the cells they frame."""
    pattern = reverse("book:account_detail", args=[0])
    out = []
    for row in rows:
        s = row["score"]
        url = pattern.replace("/0/", f"/{int(s.account_id)}/", 1) + "#portfolio"
        sub = (f"Tier {s.tier}" if s.tier else "") + (f" · {s.play}" if s.play else "")
        out.append(
            format_html(
                '<tr data-href="{}" data-account="{}"><th scope="row" class="acct"><a href="{}">'
                '{}</a> <span class="sub">{}</span></th><td class="fig num" title="{}">{}</td>'
                '<td class="fig num" title="{}" data-testid="row-whitespace">{}</td>{}</tr>',
                url,
                s.account_id,
                url,
                s.account.name,
                sub,
                fmt.money(row["revenue"]),
                fmt.money_short(row["revenue"]),
                fmt.money(row["whitespace"]),
                fmt.money_short(row["whitespace"]),
                row["cells"],
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 (each row built by format_html above)


def header_html(columns: list[Any]) -> SafeString:
    """The map's item column headers (name, family on hover)."""
    return format_html_join(
        "",
        '<th scope="col" class="item" data-item="{}" title="{}" aria-label="{}">'
        "<span>{}</span></th>",
        (
            (
                c.item,
                f"{c.name} ({c.family})" if c.family and c.family != c.name else c.name,
                c.name,
                c.name,
            )
            for c in columns
        ),
    )
