"""Pages of portfolio analytics: the white space map, the prioritization grid, the scorecard.

Views stay thin: ``page_forms`` parse the query string leniently, ``selectors`` build the scoped
queries, ``services`` queue rescores. Every page reads the current (newest finished) snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accountplan.analytics.grid import PLAYS
from accountplan.book.selectors import account_filter_options
from accountplan.core.errors import Forbidden
from accountplan.core.pagination import paginate
from accountplan.portfolio import (
    campaign_list,
    cells,
    competitor_losses,
    grid_data,
    map_page,
    selectors,
)
from accountplan.portfolio.charts import grid_spec
from accountplan.portfolio.downloads import FORMATS, table_response
from accountplan.portfolio.forms import ScorecardForm
from accountplan.portfolio.map_cells import join_rows, map_cells
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.page_forms import GridFilterForm
from accountplan.portfolio.scorecard import export_toml, get_scorecard, peer_warning, segment_field
from accountplan.portfolio.services import enqueue_rescore, request_rescore

if TYPE_CHECKING:
    from accountplan.core.models import User

GRID_PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _common(user: User, snapshot: Snapshot | None) -> dict[str, Any]:
    """Context every portfolio page shows: the snapshot, a pending rescore, the rescore button."""
    return {
        "snapshot": snapshot,
        "pending": selectors.pending_rescore(),
        "can_rescore": user.can_edit_book,
    }


def _full_share(snapshot: Snapshot) -> float:
    return float((snapshot.config or {}).get("full_share") or 0.8)


@login_required
def whitespace_map(request: HttpRequest) -> HttpResponse:
    """Accounts × products (or families): what each account buys, and the white space left."""
    user = _user(request)
    form, snapshot, levels = map_page.map_state(request)
    context: dict[str, Any] = {"form": form, "levels": levels, **_common(user, snapshot)}
    if snapshot is not None:
        family = form.values["family"]
        cols = map_page.map_columns(form, snapshot)
        # The total of a territory is a count over its accounts' scores: once per filter set.
        key = f"map-count:{grid_data.scope(user)}:{sorted(vars(form.filters()).items())!r}"
        if form.narrowed:
            page, rows, narrowed_total = map_page.narrowed_page(request, form, snapshot, cols, key)
            scores = [row["score"] for row in rows]
            context["narrowed_total"] = narrowed_total
        else:
            scores_qs = map_page.map_scores(request, form, snapshot)
            count = grid_data.cached(snapshot, key, scores_qs.count, grid_data.SCOPED_SECONDS)
            page = paginate(request, scores_qs, per_page=map_page.MAP_PAGE_SIZE, count=count)
            # Which scores make this page: an ordered pass over the filter's rows (with
            # statistics SQLite sorts a whole territory for it), so kept per filter set, sort
            # and page.
            ids = grid_data.cached(
                snapshot,
                f"map-page:{key}:{form.values['sort']}:{page.number}:{page.paginator.per_page}",
                lambda: [s.pk for s in page.object_list],
                grid_data.SCOPED_SECONDS,
            )
            by_pk = {s.pk: s for s in scores_qs.filter(pk__in=ids)}
            scores = [by_pk[pk] for pk in ids if pk in by_pk]
            rows = [
                {"score": s, "whitespace": s.whitespace_value, "revenue": s.current_revenue}
                for s in scores
            ]
        full_share = _full_share(snapshot)
        # A page's cells depend on the snapshot alone: the same page again is a cache hit.
        accounts = ",".join(str(s.account_id) for s in scores)
        page_cells = grid_data.cached(
            snapshot,
            f"map-cells:{family}:{form.values['item']}:{accounts}",
            lambda: map_cells(snapshot, scores, cols, full_share),
            grid_data.SCOPED_SECONDS,
        )
        # Cells lost to a competitor: live, one grouped query for this page's accounts.
        lost = competitor_losses.lost_to_competitor(
            [s.account_id for s in scores], [c.item for c in cols], snapshot.level
        )
        marks = {
            aid: {item: competitor_losses.mark_html(x) for item, x in items.items()}
            for aid, items in lost.items()
        }
        html = join_rows(page_cells, cols, marks)
        for row in rows:
            row["cells"] = html[row["score"].account_id]
        context |= {
            "page_obj": page,
            "rows": rows,
            "rows_html": map_page.rows_html(rows),
            "header_html": map_page.header_html(cols),
            "columns": cols,
            "full_share": full_share,
            "sort": form.values["sort"],
            "level": snapshot.level,
            "narrowed": form.narrowed,
        }
    return render(request, "portfolio/pages/whitespace.html", context)


@login_required
def whitespace_cell(request: HttpRequest) -> HttpResponse:
    """One cell's hover text (``?account=&item=&level=``), loaded on demand by whitespace.js:
    R, P, W, the state, where P comes from, the peers, the deals and the propensity."""
    levels = selectors.available_levels()
    level = request.GET.get("level", "")
    snapshot = selectors.current_snapshot(level if level in levels else None)
    account = request.GET.get("account", "")
    if snapshot is None or not account.isdigit():
        raise Http404("No such cell.")
    score = (
        selectors.account_scores(_user(request), snapshot).filter(account_id=int(account)).first()
    )
    cols = [c for c in selectors.columns(snapshot) if c.item == request.GET.get("item", "")]
    if score is None or not cols:
        raise Http404("No such cell.")
    cell = cells.derive_cells(snapshot, [score], cols).get(score.account_id, {}).get(cols[0].item)
    if cell is None:
        raise Http404("No such cell.")
    return HttpResponse(selectors.cell_title(score.account.name, cell), content_type="text/plain")


MAP_EXPORT_HEADER = [
    "account_id",
    "account_name",
    "owner",
    "territory",
    "segment",
    "industry",
    "tier",
    "play",
    "item",
    "item_name",
    "family",
    "state",
    "current_revenue",
    "potential",
    "whitespace_value",
    "potential_source",
    "peer_count",
    "explanation",
    "open_opportunities",
    "recent_lost",
    "propensity",
    "lost_to_competitor",
]


@login_required
def whitespace_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered map as a table, one row per cell (all pages), CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404("Unknown format: use csv or xlsx.")
    user = _user(request)
    form, snapshot, _levels = map_page.map_state(request)
    if snapshot is None:
        return HttpResponse(
            "No scores yet: run accountplan analyze or click Rescore.",
            status=404,
            content_type="text/plain",
        )
    scores = list(map_page.map_scores(request, form, snapshot))
    family = form.values["family"]
    cols = map_page.map_columns(form, snapshot)
    cells = selectors.cells_by_account(user, snapshot, scores, family)
    lost = competitor_losses.lost_to_competitor(
        [s.account_id for s in scores], [c.item for c in cols], snapshot.level
    )

    def rows() -> Any:
        for s in scores:
            a = s.account
            for col in cols:
                c = cells.get(s.account_id, {}).get(col.item)
                if c is None:
                    continue
                yield [
                    a.external_id or a.pk,
                    a.name,
                    str(a.owner or ""),
                    a.territory,
                    a.segment,
                    a.industry,
                    s.tier,
                    s.play,
                    c.item,
                    c.item_name,
                    c.family,
                    c.state,
                    campaign_list.money(c.current_revenue),
                    campaign_list.money(c.potential),
                    campaign_list.money(c.whitespace_value),
                    c.potential_source,
                    c.peer_count,
                    c.explanation,
                    c.open_opportunities,
                    c.recent_lost,
                    campaign_list.share(c.propensity),
                    competitor_losses.export_text(lost.get(s.account_id, {}).get(c.item, [])),
                ]

    return table_response(MAP_EXPORT_HEADER, rows(), fmt, f"whitespace-{snapshot.as_of}")


# --- grid ----------------------------------------------------------------------------------------


def _grid_state(request: HttpRequest) -> tuple[GridFilterForm, Snapshot | None]:
    user = _user(request)
    snapshot = selectors.current_snapshot("product") or selectors.current_snapshot()
    form = GridFilterForm(request.GET, account_filter_options(user, snapshot))
    form.parse()
    return form, snapshot


def _grid_base(request: HttpRequest, form: GridFilterForm, snapshot: Snapshot) -> QuerySet[Any]:
    filters = form.filters()
    filters.play = ""  # the play is the list's tab, not a filter of the chart
    return selectors.filter_scores(selectors.account_scores(_user(request), snapshot), filters)


def _with_play(qs: QuerySet[Any], play: str) -> QuerySet[Any]:
    if play == "none":
        return qs.filter(play="")
    return qs.filter(play=play) if play else qs


def _grid_key(request: HttpRequest, form: GridFilterForm) -> str:
    """The cache key part of the viewer's scope and the chart's filters."""
    filters = form.filters()
    filters.play = ""
    return f"{grid_data.scope(_user(request))}:{sorted(vars(filters).items())!r}"


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    """Current revenue against potential score: four plays, their campaigns and their accounts.

    Beyond ``grid_data.SAMPLE_POINTS`` scored accounts the chart draws an even sample and
    offers ``?points=all``; counts, thresholds and the list are always exact.
    """
    user = _user(request)
    form, snapshot = _grid_state(request)
    context: dict[str, Any] = {"form": form, **_common(user, snapshot)}
    if snapshot is not None:
        base = _grid_base(request, form, snapshot)
        key = _grid_key(request, form)
        everything = request.GET.get("points") == "all"
        counts = grid_data.counts(snapshot, base, key)
        limits = grid_data.thresholds(snapshot)
        plotted = grid_data.points(snapshot, base, key, everything)
        play = form.values["play"]
        in_tab = {q.play: q.count for q in counts.quadrants} | {
            "": counts.total,
            "none": counts.unscored,
        }
        page = paginate(
            request,
            selectors.order_scores(_with_play(base, play), form.values["sort"]),
            per_page=GRID_PAGE_SIZE,
            count=in_tab.get(play),
        )
        names = selectors.item_names(snapshot)
        list_rows = list(page.object_list)
        for s in list_rows:
            s.next_best_names = [names.get(i, i) for i in s.next_best or []]
        spec = grid_spec(
            plotted.points, None if limits.revenue is None else float(limits.revenue), limits.score
        )
        spec["usermeta"]["account_url"] = reverse("book:account_detail", args=[0])
        context |= {
            "list_rows": list_rows,
            "spec": spec,
            "thresholds": limits,
            "quadrants": counts.quadrants,
            "unscored": counts.unscored,
            "plotted": len(plotted.points),
            "scored": plotted.scored,
            "sampled": plotted.sampled,
            "zero_revenue": plotted.zero_revenue,
            "total": counts.total,
            "page_obj": page,
            "play": play,
            "campaign": PLAYS.get(play, ""),
            "sort": form.values["sort"],
        }
    return render(request, "portfolio/pages/grid.html", context)


@login_required
def grid_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The grid's list (filters and play tab applied, every page) for marketing, CSV or XLSX;
    ``contacts=buying`` lists every contact with a buying role instead of one per account."""
    if fmt not in FORMATS:
        raise Http404("Unknown format: use csv or xlsx.")
    contacts = request.GET.get("contacts") or "primary"
    if contacts not in campaign_list.CONTACT_MODES:
        return HttpResponse(
            "Unknown contacts choice: use primary or buying.", status=400, content_type="text/plain"
        )
    user = _user(request)
    form, snapshot = _grid_state(request)
    if snapshot is None:
        return HttpResponse(
            "No scores yet: run accountplan analyze or click Rescore.",
            status=404,
            content_type="text/plain",
        )
    qs = selectors.order_scores(
        _with_play(_grid_base(request, form, snapshot), form.values["play"]), form.values["sort"]
    )
    rows = campaign_list.campaign_rows(user, snapshot, qs, contacts)
    name = campaign_list.list_name(form.values["play"], contacts, snapshot.as_of)
    return table_response(campaign_list.HEADER, rows, fmt, name)


# --- scorecard and rescore ----------------------------------------------------------------------


FIELD_TEXT: dict[str, tuple[str, str]] = {
    "icp_min_employees": ("Minimum employees", "Blank: no lower bound."),
    "icp_max_employees": ("Maximum employees", "Blank: no upper bound."),
    "tier1_min_percentile": ("Tier 1 from percentile", "Between 80 (top 20 %) and 90 (top 10 %)."),
    "full_share": ("Full share", "A cell is full when R ≥ this share of P (above 0, at most 1)."),
    "min_peers": ("Minimum peers", "Fewer buyers in the peer group: all buyers are peers."),
    "peer_field": (
        "Peer group",
        "Potential compares an account with the buyers sharing this value; None: all buyers.",
    ),
    "industries": ("Target industries", "Comma-separated, e.g. Retail, Banking."),
    "regions": ("Target regions", "Comma-separated territories or countries."),
}


def _label(form: ScorecardForm) -> None:
    """Readable labels: a weight is named by its attribute."""
    for name, f in form.fields.items():
        if name.startswith("weight_"):
            f.label, f.help_text = str(f.help_text).removesuffix(" weight"), ""
        elif name in FIELD_TEXT:
            f.label, f.help_text = FIELD_TEXT[name]


@login_required
@require_http_methods(["GET", "POST"])
def scorecard(request: HttpRequest) -> HttpResponse:
    """View the scorecard; managers and admins edit it, and saving queues a rescore."""
    user = _user(request)
    card = get_scorecard()
    status = 200
    if request.method == "POST":
        if not user.can_edit_book:
            raise PermissionDenied("Only managers and admins may change the scorecard.")
        form = ScorecardForm(request.POST, instance=card)
        if form.is_valid():
            form.save()
            queued = enqueue_rescore(trigger="scorecard", user=user)
            messages.success(
                request,
                f"Scorecard saved. Rescore queued (snapshot {queued.pk}); the pages show the "
                "new scores once the worker has computed them.",
            )
            return HttpResponseRedirect(reverse("portfolio:scorecard"))
        status = 400
    else:
        form = ScorecardForm(instance=card)
    _label(form)
    if not user.can_edit_book:
        for f in form.fields.values():
            f.disabled = True
    snapshot = selectors.current_snapshot("product") or selectors.current_snapshot()
    context = {
        "form": form,
        "card": card,
        # Counts over the whole book: only for those who see the whole book.
        "peer_warning": peer_warning(segment_field(card.peer_field))
        if user.sees_whole_book
        else None,
        **_common(user, snapshot),
    }
    return render(request, "portfolio/pages/scorecard.html", context, status=status)


@login_required
def scorecard_toml(request: HttpRequest) -> HttpResponse:
    """The scorecard as TOML (``accountplan scorecard import`` reads it back)."""
    response = HttpResponse(export_toml(get_scorecard()), content_type="application/toml")
    response["Content-Disposition"] = 'attachment; filename="scorecard.toml"'
    return response


@login_required
@require_POST
def rescore(request: HttpRequest) -> HttpResponse:
    """Queue a rescore of the book (managers and admins) and go back to the page."""
    try:
        snapshot = request_rescore(
            _user(request), "family" if request.POST.get("level") == "family" else "product"
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(
        request,
        f"Rescore queued (snapshot {snapshot.pk}). The worker computes it in the background; "
        "reload the page in a minute to see the new scores.",
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portfolio:whitespace")
    return HttpResponseRedirect(target)
