"""build_document: read one plan through the plans app and turn it into a PlanDocument.

The reads and computations are the plans app's (selectors, page_data lookups, relationships,
prospecting, completeness); this module only maps their results to plain data with names for ids
and labels for choices. The caller has already fetched ``plan`` through
``AccountPlan.objects.for_user(user)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count

from accountplan.book.choices import TeamFunction
from accountplan.book.models import Activity, Opportunity
from accountplan.core.models import Role, User
from accountplan.exports import document as d
from accountplan.plans import page_data, prospecting, selectors
from accountplan.plans import sections as s
from accountplan.plans.models import AccountPlan
from accountplan.plans.performance import component_rows, performance
from accountplan.plans.prospecting_page import goal_build_targets, goals_data
from accountplan.plans.services import sections_of


def _label(choices: Any, value: Any) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def reader(plan: AccountPlan) -> User:
    """The user the export reads as: an unsaved, book-wide reader (the CLI has no signed-in
    user; the web views check access before they call the export)."""
    return User(username="export", role=Role.VIEWER, is_active=True)


def _prospecting(plan: AccountPlan, data: dict[str, Any], today: dt.date) -> d.Prospecting:
    raw = dict(data.get("inputs") or {})
    defaults = selectors.prospecting_defaults(plan)
    values = {
        k: (raw.get(k) if raw.get(k) not in (None, "") else defaults.get(k))
        for k in (
            "current_revenue",
            "growth_pct",
            "deal_size",
            "win_rate_pct",
            "prospects_per_opportunity",
            "expected_upgrades",
            "cycle_months",
            "period_start",
            "period_end",
        )
    }
    dec = page_data.dec
    # The prospecting plan starts from the goal build, as on the page (``prospecting_page``).
    objective, upgrades = goal_build_targets(goals_data(plan))
    if objective is not None:
        values["expected_upgrades"] = upgrades
        revenue = dec(values["current_revenue"])
        values["growth_pct"] = (
            (objective * 100 / revenue).quantize(Decimal("0.01")) if revenue else None
        )
    base = d.Prospecting(
        current_revenue=dec(values["current_revenue"]),
        growth_pct=dec(values["growth_pct"]),
        deal_size=dec(values["deal_size"]),
        win_rate_pct=dec(values["win_rate_pct"]),
        prospects_per_opportunity=dec(values["prospects_per_opportunity"]),
        expected_upgrades=dec(values["expected_upgrades"]),
        cycle_months=int(values["cycle_months"])
        if values["cycle_months"] not in (None, "")
        else None,
        period_start=_date(values["period_start"]),
        period_end=_date(values["period_end"]),
        notes=(data["notes"],) if data.get("notes") else (),
    )
    needed = (
        *((base.current_revenue, base.growth_pct) if objective is None else ()),
        base.deal_size,
        base.win_rate_pct,
        base.prospects_per_opportunity,
    )
    if any(v is None for v in needed):
        return base
    try:
        result = prospecting.plan(
            prospecting.ProspectingInputs(
                current_revenue=base.current_revenue or Decimal(0),
                growth_pct=base.growth_pct or Decimal(0),
                objective=objective,
                deal_size=base.deal_size,  # type: ignore[arg-type]
                win_rate_pct=base.win_rate_pct,  # type: ignore[arg-type]
                prospects_per_opportunity=base.prospects_per_opportunity,  # type: ignore[arg-type]
                expected_upgrades=base.expected_upgrades or Decimal(0),
                cycle_months=base.cycle_months or 0,
                period_start=base.period_start,
                period_end=base.period_end,
            )
        )
    except prospecting.ProspectingError as exc:
        return d.Prospecting(**{**base.__dict__, "notes": (*base.notes, str(exc))})
    rows: tuple[d.AttainmentRow, ...] = ()
    pace = ""
    if base.period_start and base.period_end:
        period = (base.period_start, base.period_end)
        acts = Activity.objects.filter(
            account=plan.account, contact__isnull=False, date__range=period
        )
        opps = Opportunity.objects.filter(account=plan.account)
        actual = prospecting.attainment(
            result,
            acts.aggregate(n=Count("contact", distinct=True))["n"],
            opps.filter(created_date__range=period).count(),
            opps.filter(status="won", close_date__range=period).count(),
            today,
            period,
        )
        names = {
            "prospects": "Prospects engaged",
            "opportunities": "Opportunities opened",
            "deals": "Deals won",
        }
        status = {
            "not_started": "Not started",
            "behind": "Behind",
            "on_track": "On track",
            "ahead": "Ahead",
        }
        rows = tuple(
            d.AttainmentRow(
                names.get(m.name, m.name),
                Decimal(m.planned),
                m.expected,
                Decimal(m.actual),
                status.get(m.status, m.status),
            )
            for m in actual.measures
        )
        behind = [r.measure.lower() for r in rows if r.status == "Behind"]
        share = f"{actual.elapsed_share * 100:.0f} % of the period gone"
        pace = (
            f"Behind pace on {', '.join(behind)} ({share})."
            if behind
            else f"On pace for the date ({share})."
        )
    return d.Prospecting(
        **{
            **base.__dict__,
            "growth_target": result.growth_target,
            "gap": result.gap,
            "deals": result.deals,
            "opportunities": result.opportunities,
            "prospects": result.prospects,
            "pipeline_start": result.pipeline_start,
            "attainment": rows,
            "pace": pace,
        }
    )


def build_document(plan: AccountPlan, today: dt.date | None = None) -> d.PlanDocument:
    """The whole plan as plain data: every section, names for ids, computed figures."""
    today = today or dt.date.today()
    user = reader(plan)
    lk = page_data.load_lookups(user, plan)
    stored = sections_of(plan)
    data = {k: sec.data or {} for k, sec in stored.items()}
    comp = selectors.completeness_of([plan], today)[plan.pk]
    titles = dict(s.OUTLINE)
    header = d.Header(
        account_id=plan.account_id,
        account_name=plan.account.name,
        period=plan.period,
        owner=str(plan.owner) if plan.owner else "",
        status=plan.get_status_display(),
        industry=plan.account.industry,
        territory=plan.account.territory,
        location=plan.account.location,
        cloned_from=plan.cloned_from.period if plan.cloned_from else "",
        updated_at=plan.updated_at,
        team=tuple(
            d.TeamMember(str(m.user), _label(TeamFunction, m.function), m.responsibility)
            for m in lk.team
        )
        + tuple(
            d.TeamMember(str(m.user), m.get_function_display(), "Plan member")
            for m in plan.memberships.select_related("user")
        ),
        completeness_pct=comp.percent,
        sections=tuple(
            d.SectionState(c.key, titles.get(c.key, c.key), c.state, c.updated_at)
            for c in comp.sections
        ),
    )
    ov = selectors.account_overview(plan)
    score = selectors.current_score(plan.account)
    overview = d.AccountOverview(
        current_revenue=ov.current_revenue,
        white_space_value=ov.whitespace_value,
        play=ov.play,
        tier=ov.tier,
        score=score.potential_score if score else None,
        history=tuple(
            d.ProductHistory(
                r.product, r.type, r.won, r.won_amount, r.open, r.open_amount, r.lost, r.lost_amount
            )
            for r in ov.rows
        ),
        won_contacts=tuple(
            d.WonContact(w["contact"], w["title"], w["role"], w["deal"], w["product"])
            for w in ov.won_contacts
        ),
        loss_reasons=_loss_reasons(ov.losses),
    )
    co = data.get(s.SectionKey.COMPANY_OVERVIEW, {})
    company = d.CompanyOverview(
        co.get("description", ""),
        co.get("history", ""),
        co.get("mission", ""),
        tuple(
            d.NewsItem(
                _label(s.NewsKind, n.get("kind")),
                _date(n.get("date")),
                n.get("title", ""),
                n.get("source_url", ""),
                n.get("notes", ""),
            )
            for n in co.get("news", [])
        ),
    )
    pp = data.get(s.SectionKey.PROFILE_POSITION, {})
    fh = pp.get("financial_health") or {}
    swot = pp.get("swot") or {}
    rating = fh.get("rating", "")
    profile = d.Profile(
        financial_health=fh.get("text", ""),
        financial_rating="" if rating in ("", "unknown") else _label(s.HealthRating, rating),
        competitors=tuple(
            d.Competitor(
                c.get("name", ""),
                c.get("supplies", ""),
                _label(s.CompetitivePosition, c.get("our_position")),
                c.get("notes", ""),
            )
            for c in pp.get("competitors", [])
        ),
        strengths=tuple(swot.get("strengths", [])),
        weaknesses=tuple(swot.get("weaknesses", [])),
        opportunities=tuple(swot.get("opportunities", [])),
        threats=tuple(swot.get("threats", [])),
    )
    cg = data.get(s.SectionKey.CUSTOMER_GOALS, {})
    goals = d.CustomerGoals(
        cg.get("north_star_metric", ""),
        tuple(p.get("text", "") for p in cg.get("priorities_12m", [])),
        cg.get("efforts_made", ""),
        cg.get("biggest_challenge", ""),
        cg.get("success_measures", ""),
        cg.get("how_they_achieve", ""),
    )
    needs = tuple(
        d.Need(
            n.get("rank"),
            n.get("need", ""),
            tuple(lk.contact_name(c) for c in n.get("stakeholder_contact_ids", [])),
            tuple(lk.products.get(p, f"product {p}") for p in n.get("product_ids", [])),
            n.get("notes", ""),
        )
        for n in data.get(s.SectionKey.NEEDS, {}).get("needs", [])
    )
    relationships = _relationships(data.get(s.SectionKey.RELATIONSHIPS, {}), lk, today)
    gd = data.get(s.SectionKey.GOALS, {})
    components = gd.get("components", [])
    bounds = prospecting.period_bounds(plan.period) or (
        today.replace(month=1, day=1),
        today.replace(month=12, day=31),
    )
    typed = data.get(s.SectionKey.PROSPECTING, {}).get("inputs") or {}
    start, end = _date(typed.get("period_start")), _date(typed.get("period_end"))
    if start and end:  # the same period as the page's dashboard (the prospecting plan's)
        bounds = (start, end)
    db = data.get(s.SectionKey.DASHBOARD, {})
    figures = performance(user, plan, components, db.get("milestones", []), bounds, today)
    won_rows = component_rows(components, figures)
    goal_build = d.GoalBuild(
        objective_amount=page_data.dec(gd.get("objective_amount")),
        objective_text=gd.get("objective_text", ""),
        strategy=gd.get("strategy", ""),
        components=tuple(
            d.GoalComponent(
                _label(s.ComponentKind, c.get("kind")),
                page_data.dec(c.get("amount")) or Decimal(0),
                lk.products.get(c.get("product_id") or 0, ""),
                lk.buying_centers.get(c.get("buying_center_id") or 0, ""),
                c.get("notes", ""),
                Decimal(w.get("actual") or 0),
                bool(c.get("carried_over")),
            )
            for c, w in zip(components, won_rows, strict=True)
        ),
    )
    labels = {str(c.get("id")): page_data.component_label(c, lk) for c in components}
    actions = tuple(
        d.Action(
            a.get("title", ""),
            labels.get(str(a.get("component_id")), ""),
            lk.users.get(a.get("owner_id") or 0, ""),
            _label(TeamFunction, a.get("function")),
            _date(a.get("due_date")),
            _label(s.ActionStatus, a.get("status")),
            a.get("notes", ""),
            overdue=a.get("status") != "done" and (_date(a.get("due_date")) or today) < today,
        )
        for a in data.get(s.SectionKey.ACTIONS, {}).get("actions", [])
    )
    ts = data.get(s.SectionKey.TEAM_SUPPORT, {})
    team_support = d.TeamSupport(
        tuple(
            d.Commitment(
                _label(TeamFunction, c.get("function")),
                c.get("commitment", ""),
                lk.users.get(c.get("owner_id") or 0, ""),
            )
            for c in ts.get("commitments", [])
        ),
        tuple(
            d.Dependency(
                bool(x.get("internal")),
                x.get("description", ""),
                x.get("owner", ""),
                _date(x.get("due_date")),
                _label(s.DependencyStatus, x.get("status")),
            )
            for x in ts.get("dependencies", [])
        ),
    )
    dashboard = d.Dashboard(
        tuple(
            d.Milestone(
                m.get("title", ""),
                m.get("target", "")
                or (f"${Decimal(m['target_amount']):,.0f}" if m.get("target_amount") else ""),
                _date(m.get("date")),
                f"${m['actual_value']:,.0f} (from the data)"
                if m["measured"]
                else m.get("actual", ""),
                _label(s.MilestoneStatus, m.get("status")),
            )
            for m in figures.milestones
        ),
        tuple(
            d.Adjustment(_date(a.get("date")), a.get("note", "")) for a in db.get("adjustments", [])
        ),
    )
    return d.PlanDocument(
        header=header,
        overview=overview,
        company=company,
        profile=profile,
        goals=goals,
        needs=needs,
        relationships=relationships,
        goal_build=goal_build,
        prospecting=_prospecting(plan, data.get(s.SectionKey.PROSPECTING, {}), today),
        actions=actions,
        team_support=team_support,
        dashboard=dashboard,
        scorecard=_scorecard(plan),
    )


def _scorecard(plan: AccountPlan) -> tuple[d.ScorecardPeriod, ...]:
    """The customer's scorecard of us, quarter by quarter (sharing's history)."""
    from accountplan.sharing.scorecard_services import history

    return tuple(
        d.ScorecardPeriod(r.period, r.weighted, r.change, r.scored, r.not_applicable, r.recipient)
        for r in history(plan)
    )


def _loss_reasons(losses: list[dict[str, Any]]) -> tuple[d.LossReason, ...]:
    grouped: dict[str, tuple[int, Decimal]] = {}
    for loss in losses:
        reason = loss["reason"] + (f" (to {loss['competitor']})" if loss.get("competitor") else "")
        n, amount = grouped.get(reason, (0, Decimal(0)))
        grouped[reason] = (n + 1, amount + Decimal(loss["amount"] or 0))
    return tuple(
        d.LossReason(r, n, a)
        for r, (n, a) in sorted(grouped.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )


def _relationships(data: dict[str, Any], lk: page_data.Lookups, today: dt.date) -> d.Relationships:
    view = page_data.relationship_view(data, lk, today)
    stakeholders = tuple(
        d.Stakeholder(
            r.get("contact_id"),
            r["name"],
            r["title"],
            r["department"],
            r["buying_role_label"],
            r["influence_label"],
            r["attitude_label"],
            r["mobilizer_label"],
            r.get("strength"),
            r["owner"],
            r["last_contact"],
            r.get("notes", ""),
        )
        for r in view.rows
    )
    # The org chart: the stakeholders and the managers above them (the whole contact list of a
    # big account would not fit a page).
    by_id = {c.pk: c for c in lk.contacts}
    roles = {r.get("contact_id"): r for r in view.rows}
    keep: set[int] = set()
    for cid in roles:
        while cid in by_id and cid not in keep:
            keep.add(cid)
            cid = by_id[cid].reports_to_id
    org = tuple(
        d.OrgNode(
            c.pk,
            c.full_name,
            c.title,
            c.reports_to_id if c.reports_to_id in keep else None,
            roles.get(c.pk, {}).get("buying_role_label", ""),
            str(roles.get(c.pk, {}).get("attitude", "")),
        )
        for c in lk.contacts
        if c.pk in keep
    )
    gaps = tuple(g.message + (f" {', '.join(g.names)}." if g.names else "") for g in view.gaps)
    sep = view.separation
    return d.Relationships(
        stakeholders,
        org,
        gaps,
        d.Separation(sep.best, sep.decision_maker, sep.degrees, tuple(sep.path)) if sep else None,
    )
