"""Our plans as the four CSV files Salesforce's Data Loader loads (issue 16, point 1).

``export_plans`` builds the rows of AccountPlan, AccountPlanObjective,
AccountPlanObjectiveMeasure and AccountPlanObjMeasRela for the plans given (the caller scopes
them to what the user may see) and the problems met: a plan whose account has no Salesforce Id
is left out, an owner or a deal without one is left blank or out, a text longer than its field
is cut; each is reported, never guessed. Text cells are escaped against spreadsheet formulas
(``core.spreadsheet_safe``), and the import takes the escape off again (docs/salesforce.md,
"Formulas").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from accountplan.core.models import User
from accountplan.core.spreadsheet_safe import safe_cell
from accountplan.plans import performance as perf
from accountplan.plans.models import AccountPlan
from accountplan.plans.prospecting_page import prospecting_view
from accountplan.plans.sections import SectionKey as K
from accountplan.plans.services import sections_of
from accountplan.salesforce import naming, planmap
from accountplan.salesforce import objects as o
from accountplan.salesforce.ids import is_id_of, to18
from accountplan.salesforce.models import ItemKind, ItemLink, PlanLink
from accountplan.salesforce.textformat import plain

STATUS_OUT = {ours: theirs for theirs, ours in o.PLAN_STATUS.items()}


@dataclass
class Export:
    """The four files' rows (header first) and the problems met, in words."""

    rows: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {obj.name: [] for obj in o.OBJECTS}
    )
    problems: list[str] = field(default_factory=list)
    plans: int = 0

    def csv(self, name: str) -> bytes:
        """One file as UTF-8 CSV bytes (text escaped against formulas)."""
        obj = o.BY_NAME[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        names = o.header(obj)
        writer.writerow(names)
        for row in self.rows[name]:
            writer.writerow([row.get(n, "") for n in names])
        return buffer.getvalue().encode("utf-8")

    def report(self) -> dict[str, Any]:
        """What was written and what was not, JSON-ready."""
        return {
            "plans": self.plans,
            "rows": {name: len(rows) for name, rows in self.rows.items()},
            "problems": self.problems,
        }

    def write_dir(self, folder: Path) -> list[Path]:
        """The four files (and ``report.json``) into ``folder``."""
        paths = []
        for obj in o.OBJECTS:
            path = folder / obj.filename
            path.write_bytes(self.csv(obj.name))
            paths.append(path)
        (folder / "report.json").write_text(json.dumps(self.report(), indent=2) + "\n")
        return paths

    def zip_bytes(self) -> bytes:
        """The four files and ``report.json`` in one zip."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for obj in o.OBJECTS:
                zf.writestr(obj.filename, self.csv(obj.name))
            zf.writestr("report.json", json.dumps(self.report(), indent=2) + "\n")
        return buffer.getvalue()


def kept(verbatim: Mapping[str, Any], name: str, derived: str) -> str:
    """Salesforce's own text of a field if what we would write is still what we would have
    written when it was imported; else what we write now."""
    saved = verbatim.get(name)
    if isinstance(saved, dict) and saved.get("derived") == derived:
        return str(saved.get("value", ""))
    return derived


def _money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


class _Cells:
    """Puts cells into a row: text plain, escaped, within its field's limit (cuts reported)."""

    def __init__(self, out: Export, obj: o.SfObject, what: str) -> None:
        self.out, self.obj, self.what = out, obj, what
        self.row: dict[str, str] = {}

    def put(self, name: str, value: str) -> None:
        text = str(safe_cell(plain(value))) if value else ""
        limit = next((c.limit for c in self.obj.columns if c.api == name), 0)
        if limit and len(text) > limit:
            self.out.problems.append(
                f"{self.what}: {name} has {len(text):,} characters; cut to {limit:,}."
            )
            text = naming.cut(text, limit)
        self.row[name] = text


def _actuals(user: User, plan: AccountPlan, sections: Mapping[str, Any]) -> dict[str, Decimal]:
    goals = dict(sections[K.GOALS])
    components = goals.get("components", [])
    if not components:
        return {}
    today = dt.date.today()
    pros = prospecting_view(user, plan, dict(sections[K.PROSPECTING]), today, goals)
    span = (pros.period_start, pros.period_end)
    result = perf.performance(user, plan, components, [], span, today)
    return {cid: a.actual for cid, a in result.won.by_id().items()}


def export_plans(plans: Iterable[AccountPlan], user: User) -> Export:
    """The four files' rows for ``plans`` (already scoped to what ``user`` may see)."""
    out = Export()
    plans = list(plans)
    links = {x.plan_id: x for x in PlanLink.objects.filter(plan__in=plans)}
    items: dict[tuple[int, str, str], ItemLink] = {
        (x.plan_id, x.kind, x.local_key): x for x in ItemLink.objects.filter(plan__in=plans)
    }
    for plan in plans:
        _plan(out, plan, user, links.get(plan.pk), items)
    return out


def _plan(
    out: Export,
    plan: AccountPlan,
    user: User,
    link: PlanLink | None,
    items: dict[tuple[int, str, str], ItemLink],
) -> None:
    what = f"{plan.account.name} {plan.period}"
    account_id = plan.account.external_id
    if not is_id_of(account_id, "account"):
        out.problems.append(
            f"{what}: left out: its account has no Salesforce Id (its external id is "
            f"{account_id or 'empty'}); import the account from Salesforce first."
        )
        return
    out.plans += 1
    sections = {k: v.data for k, v in sections_of(plan).items()}
    names = naming.Names.load(plan.account_id, sections)
    verbatim = link.verbatim if link else {}
    cells = _Cells(out, o.PLAN, what)
    plan_key = (link.key if link else "") or f"plan-{plan.pk}"
    cells.put("Id", (link.sf_id or "") if link else "")
    cells.put("Name", kept(verbatim, "Name", naming.plan_name(plan.account.name, plan.period)))
    if len(f"{plan.account.name}{naming.DASH}{plan.period}") > o.NAME:
        out.problems.append(f"{what}: Name shortened to {o.NAME} characters (the account's name "
                            "is cut, the period kept).")  # fmt: skip
    cells.put("AccountId", to18(account_id or "") or "")
    owner = plan.owner
    if owner is not None and is_id_of(owner.external_id, "user"):
        cells.put("OwnerId", to18(owner.external_id or "") or "")
    elif owner is not None:
        out.problems.append(
            f"{what}: OwnerId left blank: {owner} has no Salesforce Id (Data Loader makes the "
            "user who loads the file the owner)."
        )
    inputs = sections[K.PROSPECTING].get("inputs") or {}
    cells.put("StartDate", inputs.get("period_start") or "")
    cells.put("EndDate", inputs.get("period_end") or "")
    cells.put("Status", STATUS_OUT.get(plan.status, ""))
    for name in planmap.TEXT_FIELDS:
        cells.put(name, kept(verbatim, name, planmap.render(name, sections)))
    for name in planmap.KEPT_FIELDS:
        cells.put(name, kept(verbatim, name, ""))
    own_notes = str((verbatim.get("Notes") or {}).get("value", ""))
    cells.put("Notes", naming.notes_text(own_notes, naming.not_mapped(sections, names)))
    cells.put(o.key_field(), plan_key)
    out.rows[o.PLAN.name].append(cells.row)
    plan_sf = cells.row["Id"]
    actuals = _actuals(user, plan, sections)
    for comp in sections[K.GOALS].get("components", []):
        _component(out, plan, comp, names, items, (plan_sf, plan_key), actuals, what)


def item_key(plan_key: str, kind: str, local: str) -> str:
    """A record's key, unique across plans: ``plan-12.obj-<component id>``."""
    return f"{plan_key}.{kind}-{local}"


def _component(
    out: Export,
    plan: AccountPlan,
    comp: Mapping[str, Any],
    names: naming.Names,
    items: dict[tuple[int, str, str], ItemLink],
    parent: tuple[str, str],
    actuals: dict[str, Decimal],
    what: str,
) -> None:
    cid = str(comp["id"])
    obj_link = items.get((plan.pk, ItemKind.OBJECTIVE, cid))
    obj_v = obj_link.verbatim if obj_link else {}
    name = kept(obj_v, "Name", naming.objective_name(comp, names))
    cells = _Cells(out, o.OBJECTIVE, f"{what}, objective {name}")
    obj_key = (obj_link.key if obj_link else "") or item_key(parent[1], "obj", cid)
    cells.put("Id", (obj_link.sf_id or "") if obj_link else "")
    cells.put("AccountPlanId", parent[0])
    cells.put("Name", name)
    cells.put("Description", comp.get("notes") or "")
    for f in ("StartDate", "EndDate", "Status", "ObjectiveOwnerId"):
        cells.put(f, str((obj_v.get(f) or {}).get("value", "")))
    cells.put(o.key_field(), obj_key)
    cells.put(o.parent_key_column(o.OBJECTIVE), parent[1])
    out.rows[o.OBJECTIVE.name].append(cells.row)
    meas_link = items.get((plan.pk, ItemKind.MEASURE, cid))
    meas_v = meas_link.verbatim if meas_link else {}
    meas = _Cells(out, o.MEASURE, f"{what}, measure {name}")
    meas_key = (meas_link.key if meas_link else "") or item_key(parent[1], "meas", cid)
    meas.put("Id", (meas_link.sf_id or "") if meas_link else "")
    meas.put("AccountPlanObjectiveId", cells.row["Id"])
    meas.put("Name", kept(meas_v, "Name", naming.objective_name(comp, names)))
    meas.put("ValueType", "Currency")
    meas.put("TargetValue", kept(meas_v, "TargetValue", _money(comp.get("amount"))))
    meas.put("CurrentValue", kept(meas_v, "CurrentValue", _money(actuals.get(cid, Decimal(0)))))
    meas.put(o.key_field(), meas_key)
    meas.put(o.parent_key_column(o.MEASURE), obj_key)
    out.rows[o.MEASURE.name].append(meas.row)
    _relations(
        out, plan, comp, items, (meas.row["Id"], meas_key, parent[1]), f"{what}, objective {name}"
    )


def _relations(
    out: Export,
    plan: AccountPlan,
    comp: Mapping[str, Any],
    items: dict[tuple[int, str, str], ItemLink],
    parent: tuple[str, str, str],
    what: str,
) -> None:
    from accountplan.book.models import Opportunity

    opp_ids = list(comp.get("opportunity_ids") or [])
    if not opp_ids:
        return
    ext = dict(Opportunity.objects.filter(pk__in=opp_ids).values_list("pk", "external_id"))
    cid = str(comp["id"])
    for opp in opp_ids:
        if not is_id_of(ext.get(opp), "opportunity"):
            out.problems.append(
                f"{what}: the link to deal {opp} is left out: the deal has no Salesforce Id "
                f"(its external id is {ext.get(opp) or 'empty'})."
            )
            continue
        link = items.get((plan.pk, ItemKind.RELATION, f"{cid}:{opp}"))
        cells = _Cells(out, o.RELATION, what)
        cells.put("Id", (link.sf_id or "") if link else "")
        cells.put("AccountPlanObjectiveMeasureId", parent[0])
        cells.put("ReferenceRecordId", to18(ext[opp] or "") or "")
        own_key = (link.key if link else "") or item_key(parent[2], "rel", f"{cid}-{opp}")
        cells.put(o.key_field(), own_key)
        cells.put(o.parent_key_column(o.RELATION), parent[1])
        out.rows[o.RELATION.name].append(cells.row)
