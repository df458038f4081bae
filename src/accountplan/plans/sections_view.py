"""The plan page's sections as template contexts: the read view of each section (with the
names, totals, charts and org chart it shows), its form, and the whole page.

One ``SectionsView`` per request loads the plan's sections and the account's lookups once, so the
page's query count stays flat however many sections, items or stakeholders the plan holds.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accountplan.plans import page_data, plan_charts, track_changes
from accountplan.plans import sections as s
from accountplan.plans.completeness import Completeness, completeness
from accountplan.plans.forms import bind
from accountplan.plans.merge_view import conflict_rows
from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus
from accountplan.plans.querysets import can_edit
from accountplan.plans.selectors import stored_section_data

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Export formats, if the exports app serves them.
EXPORT_FORMATS = [("pdf", "PDF"), ("pptx", "PowerPoint"), ("xlsx", "Excel"), ("md", "Markdown")]


def _exports_available() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("plans:export", args=[1, "pdf"])
    except NoReverseMatch:
        return False
    return True


class SectionsView:
    """Everything the plan page and its section fragments render, for one user and plan."""

    def __init__(self, user: User, plan: AccountPlan, today: dt.date | None = None) -> None:
        self.user = user
        self.plan = plan
        self.today = today or timezone.localdate()
        self.rows: dict[str, PlanSection] = {
            r.key: r
            for r in PlanSection.objects.for_user(user)
            .filter(plan=plan)
            .select_related("updated_by")
        }
        stored_section_data(plan, self.rows.values())  # the page's cards read these rows

    @cached_property
    def editable(self) -> bool:
        """Whether the user may change this plan."""
        return can_edit(self.user, self.plan)

    @cached_property
    def lookups(self) -> page_data.Lookups:
        """Names of contacts, products, users and buying centers; the white cells."""
        lk = page_data.load_lookups(self.user, self.plan)
        lk.white_cells = page_data.white_cells(self.user, self.plan)
        return lk

    @cached_property
    def prospecting(self) -> page_data.ProspectingView:
        """The stored prospecting plan with its drawn values (the section and the dashboard)."""
        return page_data.prospecting_view(
            self.user,
            self.plan,
            self.data(s.SectionKey.PROSPECTING),
            self.today,
            self.data(s.SectionKey.GOALS),
        )

    @cached_property
    def completeness(self) -> Completeness:
        """Which sections are empty, partial, complete or stale."""
        return completeness({k: (r.data, r.updated_at) for k, r in self.rows.items()}, self.today)

    def section_row(self, key: str) -> PlanSection:
        """The stored section, or an unsaved empty one at version 1 (sections are lazy)."""
        row = self.rows.get(key)
        if row is None:
            row = PlanSection(plan=self.plan, key=key, data=s.empty_section(key), version=1)
        return row

    def data(self, key: str) -> dict[str, Any]:
        """The section's data in its normal form (every default present)."""
        raw = self.section_row(key).data or {}
        try:
            return s.validate_section(key, raw)
        except s.SectionInvalid:
            return dict(raw)

    def all_data(self) -> dict[str, dict[str, Any]]:
        """Every stored section's data, by key."""
        return {k: self.data(k) for k in s.SectionKey.values}

    # --- read views ------------------------------------------------------------------------------

    def _state(self, key: str) -> Any:
        return next((c for c in self.completeness.sections if c.key == key), None)

    def one(self, key: str, saved: bool = False) -> dict[str, Any]:
        """The context of one section's read fragment."""
        ctx: dict[str, Any] = {
            "plan": self.plan,
            "key": key,
            "title": s.title_of(key),
            "editable": self.editable and key != s.ACCOUNT_OVERVIEW,
            "saved": saved,
        }
        if key == s.ACCOUNT_OVERVIEW:
            ctx["overview"] = page_data.account_overview(self.user, self.plan)
            return ctx
        row = self.section_row(key)
        data = self.data(key)
        ctx.update({"row": row, "data": data, "state": self._state(key)})
        builder = getattr(self, f"_read_{key}", None)
        if builder is not None:
            ctx.update(builder(data))
        return ctx

    def _read_company_overview(self, data: dict[str, Any]) -> dict[str, Any]:
        kinds = dict(s.NewsKind.choices)
        news = sorted(data.get("news", []), key=lambda n: n.get("date") or "", reverse=True)
        return {"news": [{**n, "kind_label": kinds.get(n.get("kind") or "", "—")} for n in news]}

    def _read_profile_position(self, data: dict[str, Any]) -> dict[str, Any]:
        positions = dict(s.CompetitivePosition.choices)
        return {
            "health_label": dict(s.HealthRating.choices).get(
                data.get("financial_health", {}).get("rating"), "Unknown"
            ),
            "competitors": [
                {**c, "position_label": positions.get(c.get("our_position") or "", "—")}
                for c in data.get("competitors", [])
            ],
        }

    def _read_needs(self, data: dict[str, Any]) -> dict[str, Any]:
        lk = self.lookups
        rows = [
            {
                **n,
                "stakeholders": [lk.contact_name(c) for c in n.get("stakeholder_contact_ids", [])],
                "products": [lk.products.get(p, f"product {p}") for p in n.get("product_ids", [])],
            }
            for n in sorted(data.get("needs", []), key=lambda n: n.get("rank") or 99)
        ]
        return {"needs": rows}

    def _read_relationships(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"rel": page_data.relationship_view(data, self.lookups, self.today)}

    def _read_goals(self, data: dict[str, Any]) -> dict[str, Any]:
        from accountplan.fit.selectors import component_fits

        build = page_data.goal_build(data, self.lookups)
        fits = component_fits(self.user, self.plan, data.get("components", []))
        for i, row in enumerate(build.rows):
            row["fits"] = fits.get(str(row.get("id") or i), [])
        return {
            "build": build,
            "goal_spec": plan_charts.goal_chart_spec(build),
            "goal_spec_id": f"goal-spec-{self.plan.pk}",
        }

    def _read_prospecting(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "pros": self.prospecting
            if data == self.data(s.SectionKey.PROSPECTING)
            else page_data.prospecting_view(
                self.user, self.plan, data, self.today, self.data(s.SectionKey.GOALS)
            )
        }

    def _read_actions(self, data: dict[str, Any]) -> dict[str, Any]:
        lk = self.lookups
        comps = {
            c.get("id"): page_data.component_label(c, lk)
            for c in self.data(s.SectionKey.GOALS).get("components", [])
        }
        statuses = dict(s.ActionStatus.choices)
        from accountplan.book.choices import TeamFunction

        functions = dict(TeamFunction.choices)
        today = self.today.isoformat()
        rows = [
            {
                **a,
                "component": comps.get(a.get("component_id"), ""),
                "owner": lk.users.get(a.get("owner_id") or 0, ""),
                "function_label": functions.get(a.get("function") or "", "—"),
                "status_label": statuses.get(a.get("status") or "", "—"),
                "overdue": bool(a.get("due_date"))
                and a["due_date"] < today
                and a.get("status") != "done",
            }
            for a in sorted(data.get("actions", []), key=lambda a: a.get("due_date") or "9999")
        ]
        return {"actions": rows}

    def _read_team_support(self, data: dict[str, Any]) -> dict[str, Any]:
        from accountplan.book.choices import TeamFunction

        functions = dict(TeamFunction.choices)
        statuses = dict(s.DependencyStatus.choices)
        lk = self.lookups
        return {
            "commitments": [
                {
                    **c,
                    "function_label": functions.get(c.get("function") or "", "—"),
                    "owner": lk.users.get(c.get("owner_id") or 0, ""),
                }
                for c in data.get("commitments", [])
            ],
            "dependencies": [
                {**d, "status_label": statuses.get(d.get("status") or "", "—")}
                for d in data.get("dependencies", [])
            ],
        }

    def _read_dashboard(self, data: dict[str, Any]) -> dict[str, Any]:
        from accountplan.plans import performance as perf

        lk = self.lookups
        goals = self.data(s.SectionKey.GOALS)
        pros = self.prospecting
        components = goals.get("components", [])
        result = perf.performance(
            self.user,
            self.plan,
            components,
            data.get("milestones", []),
            (pros.period_start, pros.period_end),
            self.today,
        )
        won = perf.component_rows(components, result)
        labels = {str(c.get("id")): page_data.component_label(c, lk) for c in components}
        statuses = dict(s.MilestoneStatus.choices)
        return {
            "milestones": [
                {
                    **m,
                    "status_label": statuses.get(m.get("status") or "", "—"),
                    "component": labels.get(str(m.get("component_id")), ""),
                }
                for m in result.milestones
            ],
            "won_rows": [{**r, "label": labels.get(str(r.get("id")), "")} for r in won],
            "unattributed": result.won.unattributed,
            "won_total": result.won_total,
            "won_spec": plan_charts.dashboard_chart_spec(won, labels) if won else None,
            "pros": pros,
            "pace_spec": page_data.pace_chart_spec(pros),
            "won_spec_id": f"won-spec-{self.plan.pk}",
            "pace_spec_id": f"pace-spec-{self.plan.pk}",
        }

    # --- forms -----------------------------------------------------------------------------------

    def form(
        self,
        key: str,
        data: dict[str, Any] | None = None,
        base_version: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        conflict: Any = None,
    ) -> dict[str, Any]:
        """The context of a section's form: bound fields, base version, errors, a conflict."""
        row = self.section_row(key)
        values = data if data is not None else self.data(key)
        fields, general = bind(key, values, errors, self.lookups.choices(self.all_data()))
        ctx: dict[str, Any] = {
            "plan": self.plan,
            "key": key,
            "title": s.title_of(key),
            "fields": fields,
            "general_errors": general,
            "base_version": base_version if base_version is not None else row.version,
            "conflict": conflict,
            "conflict_rows": conflict_rows(key, conflict, values, fields) if conflict else [],
            "conflict_lines": track_changes.describe(
                key,
                {},
                conflict.current_data,
                track_changes.names_for(self.plan, [(key, conflict.current_data)]),
                conflict.changes,
            )
            if conflict is not None
            else [],
            "has_errors": bool(errors),
            # Typed work not yet saved (a refused save): the page guards it from the start.
            "unsaved": bool(errors) or conflict is not None,
        }
        if key == s.SectionKey.PROSPECTING:
            drawn = page_data.prospecting_view(
                self.user,
                self.plan,
                s.empty_section(key),
                self.today,
                self.data(s.SectionKey.GOALS),
            )
            _placeholders(fields, drawn)
            ctx["from_goal_build"] = drawn.objective is not None
        return ctx

    # --- the page --------------------------------------------------------------------------------

    def page_context(self) -> dict[str, Any]:
        """The whole plan page."""
        plan = self.plan
        sections = [self.one(s.ACCOUNT_OVERVIEW)] + [self.one(k) for k in s.SectionKey.values]
        states = {c.key: c for c in self.completeness.sections}
        toc = [{"key": k, "title": t, "state": states.get(k)} for k, t in s.OUTLINE]
        lk = self.lookups
        members = list(plan.memberships.select_related("user"))
        return {
            "plan": plan,
            "account": plan.account,
            "sections": sections,
            "toc": toc,
            "completeness": self.completeness,
            "attention": [c for c in self.completeness.sections if c.state in ("empty", "stale")],
            "editable": self.editable,
            "team": lk.team,
            "members": members,
            "statuses": PlanStatus,
            "next_period": next_period(plan.period),
            "exports": EXPORT_FORMATS if _exports_available() else [],
        }


def _placeholders(fields: list[Any], drawn: page_data.ProspectingView) -> None:
    """Show each value a blank prospecting input takes (from the data or the goal build) as the
    input's placeholder, so the user sees what a blank means."""
    for f in fields:
        name = getattr(f, "name", "").removeprefix("inputs.")
        value = drawn.inputs.get(name)
        source = drawn.sources.get(name)
        if value is None or not source:
            continue
        if f.kind == "money":
            text = f"{page_data.dec(value) or 0:,.2f}"
        elif f.kind == "percent":
            text = f"{value}%"
        else:
            text = str(value)
        f.placeholder = f"{text} ({source})"


def next_period(period: str) -> str:
    """``FY2026`` → ``FY2027``: the last number in the name plus one (else the name + " next")."""
    import re

    match = re.search(r"(\d+)(?!.*\d)", period)
    if not match:
        return f"{period} next"[:20]
    n = str(int(match.group(1)) + 1).zfill(len(match.group(1)))
    return period[: match.start()] + n + period[match.end() :]
