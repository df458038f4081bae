"""The demo book's shared plan: the first demo plan shares its customer-facing sections, one
action sits on the customer's side, a view is published, and a recipient has commented and been
answered (so every part of sharing has something to show)."""

from __future__ import annotations

from accountplan.book.models import Contact
from accountplan.plans.models import AccountPlan
from accountplan.sharing import customer, links, rules, services


def share_demo_plan(period: str) -> str | None:
    """Share the first plan of ``period``; returns the link's path (shown once) or None."""
    plan = (
        AccountPlan.objects.filter(period=period, owner__isnull=False)
        .select_related("account", "owner")
        .order_by("pk")
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
    return new.path()
