"""From the rows read to what each plan becomes: Ids and references resolved, text read into
sections, objectives into goal-build components (issue 16, point 2). Nothing is written here:
``resolve`` returns the plans to write, or every problem found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accountplan.book.models import Account, Opportunity
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.plans.section_fields import new_id
from accountplan.plans.sections import SectionKey as K
from accountplan.salesforce import naming, planmap
from accountplan.salesforce import objects as o
from accountplan.salesforce.ids import to18
from accountplan.salesforce.models import ItemLink, PlanLink
from accountplan.salesforce.reading import Files, Problem, Rec, date, sf_id
from accountplan.salesforce.textformat import TextProblem, plain

#: The component id in an objective's key (``plan-12.obj-<id>``, see ``export.item_key``).
OBJ_KEY = re.compile(r"(?:^|\.)obj-([A-Za-z0-9_-]{1,64})$")


@dataclass
class Measure:
    """A measure row and what it brings: the component's amount."""

    rec: Rec
    sf_id: str | None
    key: str
    verbatim: dict[str, Any] = field(default_factory=dict)


@dataclass
class Objective:
    """An objective row read into a goal-build component."""

    rec: Rec
    sf_id: str | None
    key: str
    cid: str
    component: dict[str, Any]
    verbatim: dict[str, Any] = field(default_factory=dict)
    measure: Measure | None = None
    relations: list[tuple[Rec, str | None, str, int]] = field(default_factory=list)


@dataclass
class Incoming:
    """One plan of the files: the plan it updates (None: a new one) and what it becomes."""

    rec: Rec
    sf_id: str | None
    key: str
    account: Account
    plan: AccountPlan | None
    link: PlanLink | None
    period: str
    owner: User | None
    status: str | None
    updates: planmap.Updates = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # our field name → the file's column
    verbatim: dict[str, Any] = field(default_factory=dict)
    objectives: list[Objective] | None = None
    notes: list[str] = field(default_factory=list)
    given: set[str] = field(default_factory=set)  # the objects whose files were given


def _by_ext(model: Any, ids: set[str]) -> dict[str, Any]:
    """Rows whose external id is one of ``ids`` (18-character) or its 15-character form."""
    wanted = ids | {i[:15] for i in ids}
    found: dict[str, Any] = {}
    for row in model.objects.filter(external_id__in=wanted):
        ext = row.external_id
        for i in ids:
            if ext in (i, i[:15]):
                found[i] = row
    return found


class Resolver:
    """Resolves the rows of ``files`` for ``user``; ``problems`` collects what is wrong."""

    def __init__(self, files: Files, user: User) -> None:
        self.files = files
        self.user = user
        self.problems: list[Problem] = list(files.problems)
        self.plans: list[Incoming] = []
        self.by_id: dict[str, Incoming] = {}
        self.by_key: dict[str, Incoming] = {}
        #: Ids and keys of rows that had problems: their children are not reported again.
        self.failed: set[str] = set()

    def run(self) -> list[Incoming]:
        """Every plan of the files with its objectives, measures and links."""
        self._plans()
        for inc in self.plans:
            inc.given = set(self.files.recs)
        if self.files.has(o.OBJECTIVE):
            self._objectives()
        if self.files.has(o.MEASURE):
            self._measures()
        if self.files.has(o.RELATION):
            self._relations()
        return self.plans

    # --- plans ------------------------------------------------------------------------------

    def _plans(self) -> None:
        recs = self.files.recs.get(o.PLAN.name, [])
        ids = {i for r in recs if (i := sf_id(r, "AccountId", self.problems))}
        accounts = _by_ext(Account, ids)
        owners = _by_ext(User, {i for r in recs if (i := sf_id(r, "OwnerId", []))})
        for rec in recs:
            self._plan(rec, accounts, owners)

    def _plan(self, rec: Rec, accounts: dict[str, Any], owners: dict[str, Any]) -> None:
        p = self.problems
        before = len(p)
        own_id = sf_id(rec, "Id", p)
        key = rec.get("key")
        account_id = sf_id(rec, "AccountId", [])
        account = accounts.get(account_id or "")
        if not rec.get("AccountId"):
            p.append(rec.problem("AccountId", "An account plan needs its account's Id."))
        elif account_id and account is None:
            p.append(
                rec.problem(
                    "AccountId",
                    f"No account has the Salesforce Id {account_id}: "
                    "import the account from Salesforce first.",
                )
            )
        owner_id = sf_id(rec, "OwnerId", p) if rec.get("OwnerId") else None
        owner = owners.get(owner_id or "")
        if owner_id and owner is None:
            p.append(
                rec.problem(
                    "OwnerId",
                    f"No user has the Salesforce Id {owner_id}: import "
                    "the users from Salesforce first.",
                )
            )
        status = self._status(rec)
        start, end = date(rec, "StartDate", p), date(rec, "EndDate", p)
        if (own_id and own_id in self.by_id) or (key and key in self.by_key):
            p.append(rec.problem("Id" if own_id else "key", "This plan is in the file twice."))
        if len(p) > before or account is None:
            self.failed |= {x for x in (own_id, key) if x}
            return
        link, plan = self._existing(own_id, key, account)
        name = rec.get("Name")
        period = naming.period_in_name(name) or (plan.period if plan else None)
        inc = Incoming(rec, own_id, key, account, plan, link, "", owner, status)
        if period is None:
            when = end or start
            if when is None:
                why = (
                    "The plan's period cannot be told: end the name with it (… — FY2027) or "
                    "give a start or end date."
                )
                p.append(rec.problem("Name", why))
                self.failed |= {x for x in (own_id, key) if x}
                return
            period = f"FY{when.year}"
            inc.notes.append(f"{name}: period {period} taken from its dates.")
        inc.period = period
        if plan is None and not self._adopt(inc):
            self.failed |= {x for x in (own_id, key) if x}
            return
        twin = next(
            (x for x in self.plans if (x.account.pk, x.period) == (account.pk, inc.period)), None
        )
        if twin is not None:
            p.append(
                rec.problem(
                    "Name",
                    f"A second plan of {account.name} for {inc.period} "
                    f"(the first is on line {twin.rec.line}): one plan per account "
                    "and period.",
                )
            )
            self.failed |= {x for x in (own_id, key) if x}
            return
        derived = naming.plan_name(account.name, period)
        if name != derived:
            inc.verbatim["Name"] = {"value": name, "derived": derived}
        self._texts(inc, start, end)
        self.plans.append(inc)
        if own_id:
            self.by_id[own_id] = inc
        if key:
            self.by_key[key] = inc

    def _status(self, rec: Rec) -> str | None:
        raw = rec.get("Status")
        if not raw:
            return None
        found = {k.casefold(): v for k, v in o.PLAN_STATUS.items()}.get(raw.casefold())
        if found is None:
            self.problems.append(
                rec.problem("Status", f"{raw!r} is not one of {', '.join(o.PLAN_STATUS)}.")
            )
        return found

    def _existing(
        self, own_id: str | None, key: str, account: Account
    ) -> tuple[PlanLink | None, AccountPlan | None]:
        """The plan these rows update: by Salesforce Id, by key, else none (a new plan)."""
        link = None
        if own_id:
            link = PlanLink.objects.filter(sf_id=own_id).select_related("plan").first()
        if link is None and key:
            link = PlanLink.objects.filter(key=key, plan__account=account).first()
        if link is not None:
            return link, link.plan
        m = re.fullmatch(r"plan-(\d+)", key or "")
        plan = None
        if m:
            plan = AccountPlan.objects.filter(pk=int(m.group(1)), account=account).first()
        if plan is not None:
            return PlanLink.objects.filter(plan=plan).first(), plan
        return None, None

    def _adopt(self, inc: Incoming) -> bool:
        """A plan Salesforce has that we know by neither Id nor key: the account's plan of the
        same period here is it, unless that one is already another Salesforce record's."""
        plan = AccountPlan.objects.filter(account=inc.account, period=inc.period).first()
        if plan is None:
            return True
        link = PlanLink.objects.filter(plan=plan).first()
        if link is not None and link.sf_id and inc.sf_id and link.sf_id != inc.sf_id:
            self.problems.append(
                inc.rec.problem(
                    "Id",
                    f"{inc.account.name} already has a {inc.period} plan here, linked to the "
                    f"Salesforce account plan {link.sf_id}: one plan per account and period.",
                )
            )
            return False
        inc.plan, inc.link = plan, link
        return True

    def _texts(self, inc: Incoming, start: Any, end: Any) -> None:
        rec = inc.rec
        for name in planmap.TEXT_FIELDS:
            if not rec.has(name):
                continue
            try:
                updates = planmap.parse(name, rec.get(name))
            except TextProblem as exc:
                self.problems.append(rec.problem(name, str(exc)))
                continue
            inc.updates.update(updates)
            derived = planmap.render(name, planmap.apply({}, updates))
            if derived != rec.get(name):  # written otherwise in Salesforce: keep its text
                inc.verbatim[name] = {"value": rec.get(name), "derived": derived}
            for _, ours in updates:
                inc.origin[ours.split(".")[0]] = rec.column(name)
        for name in planmap.KEPT_FIELDS:
            if rec.has(name):
                inc.verbatim[name] = {"value": rec.get(name), "derived": ""}
        if rec.has("Notes"):
            inc.verbatim["Notes"] = {"value": naming.salesforce_part(rec.get("Notes"))}
        if rec.has("StartDate"):
            value = start.isoformat() if start else None
            inc.updates[(K.PROSPECTING, "inputs.period_start")] = value
            inc.origin["inputs"] = rec.column("StartDate")
        if rec.has("EndDate"):
            inc.updates[(K.PROSPECTING, "inputs.period_end")] = end.isoformat() if end else None

    # --- objectives, measures, links ----------------------------------------------------------

    def _parent(self, rec: Rec, table: dict[str, Any], keys: dict[str, Any], what: str) -> Any:
        pid = sf_id(rec, rec.obj.parent, self.problems) if rec.get(rec.obj.parent) else None
        found = table.get(pid or "") or keys.get(rec.get("parent_key") or "\x00")
        refused = rec.obj.parent_object in self.files.refused
        if found is None and (refused or {pid, rec.get("parent_key")} & self.failed):
            self.failed |= {x for x in (rec.get("Id"), rec.get("key")) if x}
            self.failed |= {x for x in (to18(rec.get("Id")),) if x}
            return None  # its parent's problem is reported already
        if found is None:
            by_id = rec.get(rec.obj.parent) or not rec.has("parent_key")
            api = rec.obj.parent if by_id else "parent_key"
            self.problems.append(
                rec.problem(
                    api, f"Its {what} is not in the files imported: import the four files together."
                )
            )
        return found

    def _objectives(self) -> None:
        objs: dict[str, Objective] = {}
        keys: dict[str, Objective] = {}
        for inc in self.plans:
            inc.objectives = []
        names: dict[int, naming.Names] = {}
        for rec in self.files.recs[o.OBJECTIVE.name]:
            inc = self._parent(rec, self.by_id, self.by_key, "account plan")
            if inc is None:
                continue
            own = sf_id(rec, "Id", self.problems)
            link = ItemLink.objects.filter(sf_id=own).first() if own else None
            key = rec.get("key")
            cid = link.local_key if link and inc.plan and link.plan_id == inc.plan.pk else ""
            if (own and own in objs) or (key and key in keys):
                self.problems.append(
                    rec.problem("Id" if own else "key", "This objective is in the file twice.")
                )
                continue
            if inc.account.pk not in names:
                names[inc.account.pk] = naming.Names.load(inc.account.pk, self._goals(inc))
            lookup = names[inc.account.pk]
            taken = {x.cid for x in inc.objectives or []}
            m = OBJ_KEY.search(key or "")
            if not cid and m and m.group(1) not in taken:
                cid = m.group(1)
            cid = cid or self._same_name(inc, rec.get("Name"), lookup, taken) or new_id()
            obj = Objective(rec, own, key, cid, self._component(rec, lookup, inc))
            obj.verbatim["Name"] = {"value": rec.get("Name")}  # "derived" is added when written
            for f in ("StartDate", "EndDate", "Status", "ObjectiveOwnerId"):
                if rec.get(f):
                    obj.verbatim[f] = {"value": rec.get(f)}
            assert inc.objectives is not None
            inc.objectives.append(obj)
            if own:
                objs[own] = obj
            if key:
                keys[key] = obj
        self._objs, self._obj_keys = objs, keys

    def _goals(self, inc: Incoming) -> dict[str, Any]:
        """The goals section of the plan ``inc`` updates (read once)."""
        if inc.plan is None:
            return {}
        cache: dict[int, dict[str, Any]] = self.__dict__.setdefault("_goal_cache", {})
        if inc.plan.pk not in cache:
            from accountplan.plans.services import section_of

            cache[inc.plan.pk] = {K.GOALS: section_of(inc.plan, K.GOALS).data}
        return cache[inc.plan.pk]

    def _same_name(self, inc: Incoming, name: str, names: naming.Names, taken: set[str]) -> str:
        """The id of the plan's component whose objective is called ``name`` and that no row
        took yet: an objective Salesforce gave an Id to finds the component it came from."""
        for comp in self._goals(inc).get(K.GOALS, {}).get("components", []):
            cid = str(comp.get("id"))
            if cid not in taken and naming.objective_name(comp, names) == name:
                return cid
        return ""

    def _component(self, rec: Rec, names: naming.Names, inc: Incoming) -> dict[str, Any]:
        read = naming.read_objective_name(rec.get("Name"), names)
        comp: dict[str, Any] = {"notes": plain(rec.get("Description"))}
        if read.kind is None:
            comp["kind"] = None  # filled from the plan's own component, or Upsell (noted)
            inc.notes.append(
                f"Objective {rec.get('Name')!r} (line {rec.line}) does not start with a "
                "goal-build kind (Renewal, Upsell, Cross-sell, New buying center, Win-back)."
            )
        else:
            comp.update(
                kind=read.kind, product_id=read.product_id, buying_center_id=read.buying_center_id
            )
        for unknown in read.unknown:
            inc.notes.append(f"Objective {rec.get('Name')!r}: no {unknown} here; left blank.")
        return comp

    def _measures(self) -> None:
        self._meas: dict[str, Objective] = {}
        self._meas_keys: dict[str, Objective] = {}
        for rec in self.files.recs[o.MEASURE.name]:
            obj = self._parent(
                rec, getattr(self, "_objs", {}), getattr(self, "_obj_keys", {}), "objective"
            )
            own = sf_id(rec, "Id", self.problems)
            kind = rec.get("ValueType")
            if kind not in o.VALUE_TYPES:
                self.problems.append(
                    rec.problem("ValueType", f"{kind!r} is not one of {', '.join(o.VALUE_TYPES)}.")
                )
                continue
            amount = self._money(rec, "TargetValue")
            if obj is None or amount is False:
                continue
            if kind != "Currency" or obj.measure is not None:
                why = "is not a Currency measure" if kind != "Currency" else "is a second measure"
                self._note(
                    obj,
                    f"Measure {rec.get('Name')!r} (line {rec.line}) {why} of its "
                    "objective: not imported.",
                )
                continue
            obj.measure = Measure(rec, own, rec.get("key"))
            obj.component["amount"] = amount
            if rec.has("CurrentValue"):
                obj.measure.verbatim["CurrentValue"] = {"value": rec.get("CurrentValue")}
            if rec.get("Name"):
                obj.measure.verbatim["Name"] = {"value": rec.get("Name")}
            if amount is not None:
                written = f"{amount}"
                if written != rec.get("TargetValue"):
                    obj.measure.verbatim["TargetValue"] = {
                        "value": rec.get("TargetValue"),
                        "derived": written,
                    }
            if own:
                self._meas[own] = obj
            if rec.get("key"):
                self._meas_keys[rec.get("key")] = obj

    def _note(self, obj: Objective, text: str) -> None:
        for inc in self.plans:
            if inc.objectives and obj in inc.objectives:
                inc.notes.append(text)

    def _money(self, rec: Rec, api: str) -> Decimal | bool | None:
        raw = rec.get(api).replace(",", "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value >= Decimal(10) ** 14:
            self.problems.append(
                rec.problem(api, f"{rec.get(api)!r} is not an amount: write it as 120000.00.")
            )
            return False
        return value.quantize(Decimal("0.01"))

    def _relations(self) -> None:
        recs = self.files.recs[o.RELATION.name]
        opps = _by_ext(Opportunity, {i for r in recs if (i := sf_id(r, "ReferenceRecordId", []))})
        seen: dict[int, int] = {}
        for rec in recs:
            obj = self._parent(
                rec, getattr(self, "_meas", {}), getattr(self, "_meas_keys", {}), "measure"
            )
            ref = sf_id(rec, "ReferenceRecordId", self.problems)
            if obj is None or ref is None:
                continue
            inc = next(i for i in self.plans if i.objectives and obj in i.objectives)
            opp = opps.get(ref)
            if opp is None or opp.account_id != inc.account.pk:
                why = f"No deal of {inc.account.name} has the Salesforce Id {ref}."
                self.problems.append(rec.problem("ReferenceRecordId", why))
                continue
            if opp.pk in seen:
                self.problems.append(
                    rec.problem(
                        "ReferenceRecordId",
                        f"The deal is linked "
                        f"twice (also on line {seen[opp.pk]}): a deal "
                        "counts once.",
                    )
                )
                continue
            seen[opp.pk] = rec.line
            obj.relations.append((rec, sf_id(rec, "Id", self.problems), rec.get("key"), opp.pk))
