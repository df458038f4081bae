"""The demo book's shared plan: a plan of the demo AE (so both demo logins' homes show its
findings) shares its customer-facing sections, one action sits on the customer's side, a view is
published, and a recipient has commented and been answered; the customer has scored us two
quarters (the second a drop) and a joint expectation session was reviewed with an agreed
action, more than half a year ago (so the tier's cadence asks for the next one)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from accountplan.book.models import Contact
from accountplan.demo.generator import DEMO_AE
from accountplan.plans.models import AccountPlan
from accountplan.sharing import customer, expectations, links, rules, scorecard_services, services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.models import ExpectationRound, ScorecardRound, ShareLink

#: The demo customer's metrics and weights, and their scores of two quarters (a drop of 0.93).
METRICS = (("Responsiveness", "40"), ("On-time delivery", "30"), ("Value for money", "20"),
           ("Innovation", "10"))  # fmt: skip
SCORES = {
    "before": {"Responsiveness": ("4", "Quick answers all quarter."), "On-time delivery": ("5", ""),
               "Value for money": ("4", ""), "Innovation": ("na", "Nothing new to judge yet.")},
    "last": {"Responsiveness": ("3", "Two tickets waited a week."), "On-time delivery": ("4", ""),
             "Value for money": ("3", "The renewal price went up."), "Innovation": ("4", "")},
}  # fmt: skip
THEIRS = (
    "A named contact who answers within one business day.",
    "Deliveries on the agreed date, every time.",
    "A price that stays predictable over the contract.",
)
OURS = (
    "Access to the decision makers before each renewal.",
    "Deliveries planned with a forecast a quarter ahead.",
    "A reference case once the rollout is live.",
)


def share_demo_plan(period: str, as_of: dt.date | None = None) -> str | None:
    """Share a plan of ``period`` (the demo AE's first, else the first); returns the link's
    path (shown once) or None."""
    plan = (
        AccountPlan.objects.filter(period=period, owner__isnull=False)
        .select_related("account", "owner")
        .annotate(
            mine=Case(
                When(owner__username=DEMO_AE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine", "pk")
        .first()
    )
    if plan is None or plan.share_links.exists():
        return None
    contact = Contact.objects.filter(account=plan.account).exclude(email="").order_by("pk").first()
    owner = plan.owner
    assert owner is not None
    data = services.section_data(plan)
    items = {
        f"{key}.{ls.key}": {str(i.get("id")) for i in (data.get(key) or {}).get(ls.key) or []}
        for key, spec in rules.SHAREABLE.items()
        for ls in spec.lists
    }
    actions = (data.get("actions") or {}).get("actions") or []
    owners = {str(actions[-1]["id"]): contact.pk} if contact and actions else {}
    services.set_visibility(
        plan,
        owner,
        sections=set(rules.SHAREABLE) - {"goals"},
        items={k: v for k, v in items.items() if v and not k.startswith("goals.")},
        customer_owners=owners,
    )
    services.publish(plan, owner)
    email = contact.email if contact else "customer@example.com"
    new = links.create_link(
        plan, owner, email=email, name=contact.full_name if contact else "", contact=contact
    )
    if actions:
        first = str(actions[0]["id"])
        customer.comment(new.link, "actions", first, "Can we move this a week later?")
        services.answer(plan, owner, "actions", first, "Yes: we moved it; see the new date.")
    write_joint_cases(new.link, as_of or timezone.localdate())
    return new.path()


def write_joint_cases(link: ShareLink, as_of: dt.date) -> None:
    """Two scored quarters (the last a drop) and a reviewed joint expectation session."""
    plan = link.plan
    owner = plan.owner
    assert owner is not None
    scorecard_services.set_metrics(link, list(METRICS))
    by_name = {m.name: m.pk for m in scorecard_services.active_metrics(plan)}
    last = sc.quarter_of(as_of)
    for key, quarter in (("before", sc.previous_quarter(last)), ("last", last)):
        given = {by_name[name]: value for name, value in SCORES[key].items()}
        scorecard_services.score_period(link, quarter, given, today=as_of)
        year, q = sc.parse_period(quarter)
        day = min(as_of, dt.date(year, 3 * q, 1) + dt.timedelta(days=14))
        ScorecardRound.objects.filter(plan=plan, period=quarter).update(
            scored_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        )
    expectations.write_customer(link, list(THEIRS), hand_in=True)
    expectations.write_ours(plan, owner, list(OURS), hand_in=True)
    rnd = expectations.latest_round(plan)
    assert rnd is not None
    rows = expectations.review_rows(rnd)
    verdicts = (
        ("aligned", ""),
        ("partly", "Share the quarter's delivery forecast at each monthly call"),
        ("misaligned", ""),
    )
    expectations.save_review(
        plan,
        owner,
        [
            {
                "theirs": str(r["theirs"].pk),
                "ours": str(r["ours"].pk),
                "alignment": a,
                "agreed_action": action,
                "due_date": "",
            }
            for r, (a, action) in zip(rows, verdicts, strict=True)
        ],
    )
    # The session took place seven months before the book's date: the next one is due.
    held = timezone.make_aware(dt.datetime.combine(as_of - dt.timedelta(days=210), dt.time(10)))
    ExpectationRound.objects.filter(pk=rnd.pk).update(
        created_at=held, customer_in_at=held, us_in_at=held, reviewed_at=held
    )
