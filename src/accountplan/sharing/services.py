"""Writes and reads of the owner's side: visibility, publishing, our answers to comments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accountplan.book.models import BuyingCenter, Contact, Product
from accountplan.core.errors import DomainError, NotFound
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.plans.plan_writes import require_edit
from accountplan.plans.selectors import stored_section_data
from accountplan.sharing import rules
from accountplan.sharing.conf import our_name
from accountplan.sharing.models import Comment, PlanSharing, SharedRevision

#: Longest comment.
MAX_COMMENT = 4000


class NotShareable(DomainError):
    """Something internal for good was asked to be shared (422)."""

    status = 422


def config_of(plan: AccountPlan) -> rules.SharingConfig:
    """The plan's sharing config (everything internal when never set)."""
    row = PlanSharing.objects.filter(plan=plan).first()
    return rules.SharingConfig.from_json(row.config if row else None)


def section_data(plan: AccountPlan) -> dict[str, dict[str, Any]]:
    """Every stored section's data by key (once per page: ``plans.selectors``)."""
    return stored_section_data(plan)


def set_visibility(
    plan: AccountPlan,
    user: User,
    *,
    sections: set[str],
    items: dict[str, set[str]],
    goal_amounts: bool = False,
    customer_owners: dict[str, int] | None = None,
) -> rules.SharingConfig:
    """Mark what is shared. Refuses (422) anything internal for good, an item that is not in
    that list, and a customer owner who is not a contact of the account."""
    require_edit(user, plan)
    for key in sections:
        if not rules.is_shareable(key):
            why = rules.NEVER_SHAREABLE_SECTIONS.get(key, key)
            raise NotShareable(f"{why} is internal and is never shared with the customer.")
    data = section_data(plan)
    clean_items: dict[str, set[str]] = {}
    for list_key, ids in items.items():
        section, _, name = list_key.partition(".")
        if (section, name) in rules.NEVER_SHAREABLE_LISTS or rules.list_spec(section, name) is None:
            label = rules.NEVER_SHAREABLE_LISTS.get((section, name), list_key)
            raise NotShareable(f"{label} is internal and is never shared with the customer.")
        known = {str(i.get("id")) for i in (data.get(section) or {}).get(name) or []}
        unknown = set(ids) - known
        if unknown:
            raise NotFound(f"{list_key} has no item {sorted(unknown)[0]!r}.")
        clean_items[list_key] = set(ids)
    owners = dict(customer_owners or {})
    if owners:
        valid = set(
            Contact.objects.filter(account=plan.account, pk__in=owners.values()).values_list(
                "pk", flat=True
            )
        )
        actions = {str(a.get("id")) for a in (data.get("actions") or {}).get("actions") or []}
        for action_id, contact_id in owners.items():
            if contact_id not in valid:
                raise DomainError(f"Contact {contact_id} is not a contact of {plan.account.name}.")
            if action_id not in actions:
                raise NotFound(f"The action plan has no action {action_id!r}.")
    config = rules.SharingConfig(
        sections=set(sections),
        items=clean_items,
        goal_amounts=goal_amounts,
        customer_owners=owners,
    )
    PlanSharing.objects.update_or_create(
        plan=plan,
        defaults={"config": config.as_json(), "updated_by": user, "updated_at": timezone.now()},
    )
    return config


def names_for(plan: AccountPlan, data: dict[str, dict[str, Any]]) -> rules.Names:
    """Names of the ids the sections refer to: the account's contacts and buying centers, the
    products and users named (a few queries, whatever the plan's size)."""
    product_ids: set[int] = set()
    user_ids: set[int] = set()
    for section in data.values():
        for value in section.values():
            if not isinstance(value, list):
                continue
            for item in value:
                if not isinstance(item, dict):
                    continue
                product_ids.update(i for i in item.get("product_ids") or [] if isinstance(i, int))
                if isinstance(item.get("product_id"), int):
                    product_ids.add(item["product_id"])
                if isinstance(item.get("owner_id"), int):
                    user_ids.add(item["owner_id"])
    return rules.Names(
        contacts={c.pk: c.full_name for c in Contact.objects.filter(account=plan.account)},
        products=dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "name")),
        users={u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)},
        buying_centers=dict(
            BuyingCenter.objects.filter(account=plan.account).values_list("pk", "name")
        ),
    )


def current_view(plan: AccountPlan) -> dict[str, Any]:
    """The shared view the plan would publish now (the preview)."""
    data = section_data(plan)
    return rules.build_shared_view(
        customer=plan.account.name,
        us=our_name(),
        period=plan.period,
        sections=data,
        config=config_of(plan),
        names=names_for(plan, data),
    )


def latest(plan: AccountPlan) -> SharedRevision | None:
    """The last published shared view, or None."""
    return SharedRevision.objects.filter(plan=plan).order_by("-number").first()


def publish(plan: AccountPlan, user: User) -> SharedRevision:
    """Freeze the current shared view as the next revision: what customers see from now on."""
    require_edit(user, plan)
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        view = current_view(plan)
        top = SharedRevision.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
        return SharedRevision.objects.create(
            plan=plan, number=top + 1, data=view, published_by=user
        )


def changes(plan: AccountPlan) -> list[dict[str, str]]:
    """What changed in the shared view since the last publish."""
    last = latest(plan)
    return rules.changes_since(last.data if last else None, current_view(plan))


def clean_comment(body: str) -> str:
    """A comment's text, stripped, 1 to ``MAX_COMMENT`` characters, no NUL."""
    body = (body or "").strip().replace("\x00", "")
    if not body:
        raise DomainError("Write something first: the comment is empty.")
    if len(body) > MAX_COMMENT:
        raise DomainError(f"The comment is too long: {MAX_COMMENT} characters at most.")
    return body


def shared_item(plan: AccountPlan, section: str, item_id: str) -> dict[str, Any]:
    """The item of the last published view, or NotFound (comments attach to those only)."""
    last = latest(plan)
    item = rules.view_items(last.data).get((section, item_id)) if last else None
    if item is None:
        raise NotFound("That item is not shared.")
    return item


def answer(plan: AccountPlan, user: User, section: str, item_id: str, body: str) -> Comment:
    """Our team's answer in a shared item's thread."""
    require_edit(user, plan)
    shared_item(plan, section, item_id)
    return Comment.objects.create(
        plan=plan,
        section=section,
        item_id=item_id,
        body=clean_comment(body),
        author=user,
        author_label=str(user),
    )


def threads(plan: AccountPlan) -> dict[tuple[str, str], list[Comment]]:
    """Every comment of the plan by (section, item id), oldest first."""
    out: dict[tuple[str, str], list[Comment]] = {}
    for c in Comment.objects.filter(plan=plan).order_by("created_at", "pk"):
        out.setdefault((c.section, c.item_id), []).append(c)
    return out
