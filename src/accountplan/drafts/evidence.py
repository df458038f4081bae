"""Links from a fact to the rows it was read from, where the app has a page for them."""

from __future__ import annotations

from django.urls import reverse

from accountplan.drafts.types import Fact

#: Most row links shown for one fact (its label says how many rows there are).
MAX_LINKS = 5


def fact_links(fact: Fact, account_id: int | None = None) -> list[tuple[str, str]]:
    """(label, url) of the pages showing the fact's rows: the account, deals, products, the
    plan's section, a finding's fix. Contacts and purchases are shown on the account page."""
    table, ids = fact.source.table, fact.source.row_ids
    v = fact.values
    links: list[tuple[str, str]] = []
    if table == "book.Opportunity":
        for pk in ids[:MAX_LINKS]:
            links.append((f"Deal {pk}", reverse("book:opportunity_detail", args=[pk])))
    if isinstance(v.get("product_id"), int):
        name = str(v.get("product") or f"Product {v['product_id']}")
        links.append((name, reverse("book:product_detail", args=[v["product_id"]])))
    if table == "plans.PlanSection" and isinstance(v.get("plan_id"), int):
        url = reverse("plans:detail", args=[v["plan_id"]]) + f"#sec-{v.get('section', '')}"
        links.append(("The plan's section", url))
    fix = str(v.get("url") or "")
    if table == "governance.Finding" and fix.startswith("/"):
        links.append(("Where it is fixed", fix))
    if account_id is not None and table in (
        "book.Account",
        "book.Contact",
        "book.PurchaseLine",
        "portfolio.AccountScore",
    ):
        anchor = {"book.Contact": "Contacts on the account page"}.get(table, "The account page")
        links.append((anchor, reverse("book:account_detail", args=[account_id])))
    return links
