"""Imports keep the search keys true: created rows get theirs (bulk_create calls the field's
pre_save), and a re-import that renames (a bulk_update, which does not) refreshes them."""

from __future__ import annotations

import pytest

from accountplan.book.models import Account
from tests.ingest.conftest import ImportFn

pytestmark = pytest.mark.django_db

HEADER = b"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"


def test_created_and_renamed_accounts_get_their_keys(do_import: ImportFn) -> None:
    do_import(
        "accounts", "a.csv", "maven", data=HEADER + "Ærø Ñandú,retail,1999,1,10,Italy,\n".encode()
    )
    account = Account.objects.get()
    assert account.search_key == "aero nandu"
    # The maven accounts file keys rows by name: a changed sector updates, the key stays.
    do_import(
        "accounts", "a.csv", "maven", data=HEADER + "Ærø Ñandú,finance,1999,1,10,Italy,\n".encode()
    )
    account.refresh_from_db()
    assert account.industry.lower() == "finance" and account.search_key == "aero nandu"


SF_HEADER = b"Id,Name,ParentId,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry\n"


def test_a_rename_by_external_id_refreshes_the_key(do_import: ImportFn) -> None:
    row = "001A,{name},,Retail,10,1000,Italy\n"
    do_import(
        "accounts", "a.csv", "salesforce", data=SF_HEADER + row.format(name="Old Name").encode()
    )
    do_import(
        "accounts",
        "a.csv",
        "salesforce",
        data=SF_HEADER + row.format(name="Société Neuve").encode(),
    )
    account = Account.objects.get(external_id="001A")
    assert account.name == "Société Neuve" and account.search_key == "societe neuve"
