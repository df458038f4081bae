"""Two generations with the same seed and date write identical rows; another seed does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accountplan.book import models as m
from accountplan.demo.services import load_demo_book, wipe_book

AS_OF = dt.date(2024, 2, 29)
pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The key fields of every table, by external id rather than database key."""
    return {
        "accounts": list(
            m.Account.objects.order_by("external_id").values_list(
                "external_id", "name", "parent__external_id", "industry", "segment", "territory",
                "country", "employees", "annual_revenue", "owner__username", "status",
                "satisfaction", "cost_to_serve", "gross_margin",
            )
        ),
        "centers": list(
            m.BuyingCenter.objects.order_by("external_id").values_list(
                "external_id", "account__external_id", "name", "kind"
            )
        ),
        "contacts": list(
            m.Contact.objects.order_by("external_id").values_list(
                "external_id", "account__external_id", "reports_to__external_id", "first_name",
                "last_name", "title", "email",
            )
        ),
        "opportunities": list(
            m.Opportunity.objects.order_by("external_id").values_list(
                "external_id", "account__external_id", "product__name", "type", "stage",
                "status", "amount", "created_date", "close_date", "loss_reason", "competitor",
            )
        ),
        "purchase_lines": list(
            m.PurchaseLine.objects.order_by("external_id").values_list(
                "external_id", "account__external_id", "product__name", "date", "quantity",
                "amount",
            )
        ),
        "activities": list(
            m.Activity.objects.order_by("external_id").values_list(
                "external_id", "account__external_id", "contact__external_id", "kind", "date",
                "owner__username",
            )
        ),
        "team": sorted(
            m.AccountTeamMember.objects.values_list(
                "account__external_id", "user__username", "function"
            )
        ),
    }  # fmt: skip


def test_the_same_seed_and_date_write_identical_rows() -> None:
    load_demo_book(3, AS_OF, scale=0.1)
    first = snapshot()
    wipe_book()
    assert not m.Account.objects.exists()
    load_demo_book(3, AS_OF, scale=0.1)
    second = snapshot()
    assert all(first[table] for table in first)
    assert first == second


def test_another_seed_writes_other_rows() -> None:
    load_demo_book(3, AS_OF, scale=0.1)
    first = snapshot()
    wipe_book()
    load_demo_book(4, AS_OF, scale=0.1)
    second = snapshot()
    assert first["accounts"] != second["accounts"]
    assert first["opportunities"] != second["opportunities"]
