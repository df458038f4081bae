"""Salesforce-shaped (API names, report labels) and HubSpot-shaped (labels, internal names)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accountplan.book.models import (
    Account,
    Contact,
    Opportunity,
    OpportunityContactRole,
    OpportunityLineItem,
    Product,
    PurchaseLine,
)
from accountplan.core.models import Role
from accountplan.ingest.report import Status
from tests.factories import UserFactory
from tests.ingest.conftest import FILES, ImportFn

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners(db: None) -> None:
    UserFactory(
        username="olive", first_name="Olive", last_name="Owner", external_id="0055g00000OwnerAAA"
    )
    UserFactory(
        username="ben", first_name="Ben", last_name="Backup", external_id="0055g00000OwnerBBB"
    )


def sf_book(do_import: ImportFn) -> None:
    for entity, name in [
        ("accounts", "sf_accounts_api.csv"),
        ("products", "sf_products.csv"),
        ("opportunities", "sf_opportunities_api.csv"),
    ]:
        report = do_import(entity, name, "salesforce")
        assert report.status == Status.IMPORTED, report.errors


class TestSalesforceApiNames:
    def test_accounts_with_a_parent_hierarchy_in_any_order(self, do_import: ImportFn, owners):
        report = do_import("accounts", "sf_accounts_api.csv", "salesforce")

        assert (report.status, report.created) == (Status.IMPORTED, 4)
        france = Account.objects.get(external_id="0015g00000AcmeFRAQ")
        assert france.name == "Acme France, S.A."
        assert france.parent.name == "Acme Europe"
        assert france.parent.parent.name == "Acme Holdings"
        assert france.owner.username == "ben"
        assert france.annual_revenue is None
        assert Account.objects.get(name="Globex").annual_revenue == Decimal("98000000.50")
        assert Account.objects.get(name="Globex").owner is None
        assert any(w["value"] == "0055g00000Nobody1" for w in report.warnings)
        assert "Type" in report.unmapped_columns

    def test_opportunities_map_stages_and_types(self, do_import: ImportFn, owners):
        sf_book(do_import)

        won = Opportunity.objects.get(external_id="0065g00000Opp01AAA")
        assert (won.status, won.stage, won.type) == ("won", "Closed Won", "upsell")
        assert won.created_date == dt.date(2024, 1, 5)
        assert won.close_date == dt.date(2024, 3, 31)
        assert won.owner.username == "olive"
        assert won.account.name == "Acme Europe"
        renewal = Opportunity.objects.get(external_id="0065g00000Opp02AAA")
        assert (renewal.status, renewal.type) == ("open", "renewal")
        assert Opportunity.objects.get(external_id="0065g00000Opp03AAA").status == "lost"
        empty = Opportunity.objects.get(external_id="0065g00000Opp04AAA")
        assert (empty.amount, empty.owner, empty.type) == (None, None, "renewal")

    def test_line_items_and_their_computed_total(self, do_import: ImportFn, owners):
        sf_book(do_import)
        report = do_import("line-items", "sf_line_items.csv", "salesforce")

        assert report.created == 3
        computed = OpportunityLineItem.objects.get(external_id="00k5g00000Li003AAA")
        assert computed.amount == Decimal("480000.00")  # 40 × 12,000: TotalPrice was empty
        assert computed.product.name == "Widget Pro"
        assert (
            OpportunityLineItem.objects.filter(opportunity__name="Acme EU expansion").count() == 2
        )

    def test_contacts_with_reports_to_and_contact_roles(self, do_import: ImportFn, owners):
        sf_book(do_import)
        contacts = do_import("contacts", "sf_contacts.csv", "salesforce")
        roles = do_import("contact-roles", "sf_contact_roles.csv", "salesforce")

        assert (contacts.created, roles.created) == (3, 2)
        lena = Contact.objects.get(email="lena.vogel@acme.example")
        assert lena.reports_to.full_name == "Tom Baker"
        assert lena.reports_to.reports_to.full_name == "Maria Chen"
        assert lena.account.name == "Acme Europe"
        primary = OpportunityContactRole.objects.get(is_primary=True)
        assert (primary.contact, primary.role) == (lena, "Decision Maker")
        again = do_import("contacts", "sf_contacts.csv", "salesforce")
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    def test_everything_reimports_unchanged(self, do_import: ImportFn, owners):
        sf_book(do_import)
        for entity, name in [
            ("accounts", "sf_accounts_api.csv"),
            ("products", "sf_products.csv"),
            ("opportunities", "sf_opportunities_api.csv"),
        ]:
            report = do_import(entity, name, "salesforce")
            assert (report.created, report.updated) == (0, 0), name


class TestSalesforceReportLabels:
    def test_report_accounts_match_api_ids_by_their_15_character_form(
        self, do_import: ImportFn, owners
    ):
        do_import("accounts", "sf_accounts_api.csv", "salesforce")
        report = do_import("accounts", "sf_accounts_report.csv", "salesforce")

        assert report.status == Status.IMPORTED
        assert (report.created, report.unchanged + report.updated) == (1, 2)
        assert Account.objects.filter(name="Acme Holdings").count() == 1
        hq = Account.objects.get(name="Acme Holdings")
        assert hq.external_id == "0015g00000AcmeHQAQ"
        assert hq.employees == 15000
        assert hq.annual_revenue == Decimal("3200000000.00")
        initech = Account.objects.get(name="Initech")
        assert initech.owner.username == "ben"

    def test_report_opportunities_with_us_dates_and_account_names(
        self, do_import: ImportFn, owners
    ):
        do_import("accounts", "sf_accounts_report.csv", "salesforce")
        report = do_import("opportunities", "sf_opportunities_report.csv", "salesforce")

        assert report.status == Status.IMPORTED, report.errors
        deal = Opportunity.objects.get(name="Initech seats")
        assert (deal.close_date, deal.created_date) == (dt.date(2024, 11, 30), dt.date(2024, 8, 1))
        assert (deal.amount, deal.status, deal.type) == (Decimal("18000.00"), "open", "new")
        assert deal.owner.username == "ben"


class TestHubSpot:
    def test_companies_from_export_labels(self, do_import: ImportFn, owners):
        report = do_import("accounts", "hubspot_companies_labels.csv", "hubspot")

        assert (report.status, report.created) == (Status.IMPORTED, 3)
        labs = Account.objects.get(external_id="5002")
        assert labs.parent.name == "Umbrella Corp"
        assert labs.owner.username == "ben"
        assert labs.country == "United Kingdom"
        assert "Create Date" in report.unmapped_columns

    def test_companies_from_internal_names_update_the_same_rows(self, do_import: ImportFn, owners):
        UserFactory(username="90001", first_name="Olive2", last_name="X", external_id="90001")
        UserFactory(username="carol", external_id="90002")
        do_import("accounts", "hubspot_companies_labels.csv", "hubspot")
        report = do_import("accounts", "hubspot_companies_internal.csv", "hubspot")

        assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
        corp = Account.objects.get(external_id="5001")
        assert (corp.employees, corp.annual_revenue) == (5100, Decimal("760000000.00"))
        assert Account.objects.get(external_id="5002").owner.username == "carol"
        assert Account.objects.count() == 4

    def test_deals_from_labels_and_internal_names(self, do_import: ImportFn, owners):
        do_import("accounts", "hubspot_companies_labels.csv", "hubspot")
        labels = do_import("opportunities", "hubspot_deals_labels.csv", "hubspot")
        internal = do_import("opportunities", "hubspot_deals_internal.csv", "hubspot")

        assert labels.created == 3 and internal.created == 1
        statuses = dict(Opportunity.objects.values_list("external_id", "status"))
        assert statuses == {"7001": "won", "7002": "lost", "7003": "open", "7004": "open"}
        platform = Opportunity.objects.get(external_id="7001")
        assert (platform.type, platform.account.name) == ("new", "Umbrella Corp")
        assert platform.created_date == dt.date(2023, 12, 1)
        assert Opportunity.objects.get(external_id="7002").type == "upsell"
        renewal = Opportunity.objects.get(external_id="7004")
        assert renewal.type == "upsell" and renewal.close_date == dt.date(2025, 1, 31)


class TestCustomMappingLatin1:
    def test_semicolon_latin1_file_with_decimal_comma_and_scale(self, do_import: ImportFn):
        report = do_import("accounts", "latin1_semicolon.csv", str(FILES / "de_accounts.toml"))

        assert report.status == Status.IMPORTED, report.errors
        assert (report.encoding, report.delimiter) == ("cp1252", "semicolon")
        assert any("Windows-1252" in o for o in report.observations)
        societe = Account.objects.get(external_id="K-200")
        assert societe.name == "Société Générale d'Équipement"
        assert societe.annual_revenue == Decimal("98765250.00")
        assert societe.employees == 1250
        assert societe.parent.name == "Müller Maschinenbau GmbH"
        assert Account.objects.get(external_id="K-300").name == "Ørsted Façades A/S"

    def test_purchases_with_german_dates_and_a_product_alias(self, do_import: ImportFn):
        mapping = str(FILES / "de_accounts.toml")
        do_import("accounts", "latin1_semicolon.csv", mapping)
        Product.objects.create(name="Widget Pro")
        Product.objects.create(name="Premium Support")
        report = do_import("purchases", "purchases_de.csv", mapping)

        assert report.status == Status.IMPORTED, report.errors
        line = PurchaseLine.objects.get(external_id="R1-1")
        assert (line.date, line.quantity, line.amount) == (
            dt.date(2024, 1, 31),
            Decimal("2"),
            Decimal("18000.00"),
        )
        assert line.product.name == "Widget Pro"
        assert report.applied_suggestions[0]["how"] == "alias in the mapping"


class TestOtherEntities:
    def test_users_teams_buying_centers_and_activities_with_a_custom_mapping(
        self, do_import: ImportFn, tmp_path
    ):
        mapping = tmp_path / "crm.toml"
        mapping.write_text(
            """
[users.columns]
Login = "username"
Name = "full_name"
Email = "email"
Role = "role"
Boss = "manager"
[users.values.role]
"Account Executive" = "ae"
"Sales Manager" = "manager"
[accounts.columns]
Account = ["name", "external_id"]
[buying-centers.columns]
Account = "account"
Division = "name"
Kind = "kind"
[teams.columns]
Account = "account"
Member = "user"
Function = "function"
[teams.values.function]
"Exec sponsor" = "executive_sponsor"
[activities.columns]
Id = "external_id"
Account = "account"
Subject = "subject"
Date = "date"
Kind = "kind"
Owner = "owner"
""",
            encoding="utf-8",
        )
        users = do_import(
            "users",
            "u.csv",
            str(mapping),
            data=b"Login,Name,Email,Role,Boss\n"
            b"ann,Ann Lee,ann@x.example,Account Executive,sam\n"
            b"sam,Sam Stone,sam@x.example,Sales Manager,\n",
        )
        assert users.status == Status.IMPORTED, users.errors
        do_import("accounts", "a.csv", str(mapping), data=b"Account\nAcme\n")
        centers = do_import(
            "buying-centers",
            "b.csv",
            str(mapping),
            data=b"Account,Division,Kind\nAcme,Labs,site\nAcme,Finance,department\n",
        )
        teams = do_import(
            "teams",
            "t.csv",
            str(mapping),
            data=b"Account,Member,Function\nAcme,ann,Sales\nAcme,sam@x.example,Exec sponsor\n",
        )
        activities = do_import(
            "activities",
            "act.csv",
            str(mapping),
            data=b"Id,Account,Subject,Date,Kind,Owner\n"
            b"A1,Acme,Kick-off,2024-05-02,meeting,Ann Lee\n",
        )

        assert [r.status for r in (centers, teams, activities)] == [Status.IMPORTED] * 3
        from accountplan.core.models import User

        ann = User.objects.get(username="ann")
        assert (ann.role, ann.manager.username, ann.first_name) == (
            Role.ACCOUNT_EXECUTIVE,
            "sam",
            "Ann",
        )
        acme = Account.objects.get(name="Acme")
        assert sorted(acme.buying_centers.values_list("name", "kind")) == [
            ("Finance", "department"),
            ("Labs", "site"),
        ]
        assert sorted(acme.team.values_list("user__username", "function")) == [
            ("ann", "sales"),
            ("sam", "executive_sponsor"),
        ]
        assert acme.activities.get().owner == ann
        again = do_import(
            "teams",
            "t.csv",
            str(mapping),
            data=b"Account,Member,Function\nAcme,ann,Sales\nAcme,sam@x.example,Exec sponsor\n",
        )
        assert (again.created, again.unchanged) == (0, 2)


def test_hubspot_deal_with_several_companies_uses_the_first_and_warns(do_import: ImportFn):
    do_import("accounts", "hubspot_companies_labels.csv", "hubspot")
    report = do_import(
        "opportunities",
        "d.csv",
        "hubspot",
        data=b"Record ID,Deal Name,Deal Stage,Associated Company IDs\n"
        b"9,Multi,closedwon,5003;5001\n",
    )
    assert report.status == Status.IMPORTED
    assert Opportunity.objects.get(external_id="9").account.name == "Stark Industries"
    assert report.warnings[0]["message"] == "several values: used the first (5003)"


def test_a_salesforce_report_saved_as_xlsx_with_real_dates(do_import: ImportFn, owners):
    import io

    from openpyxl import Workbook

    do_import("accounts", "sf_accounts_report.csv", "salesforce")
    wb = Workbook()
    ws = wb.active
    ws.title = "Opportunities"
    ws.append(
        ["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date"]
    )
    ws.append(
        [
            "0065g00000Opp09",
            "Initech expansion",
            "Initech",
            "Closed Won",
            4200.5,
            dt.datetime(2024, 6, 30),
        ]
    )
    ws.append(
        [
            "0065g00000Opp10",
            "Acme EU services",
            "Acme Europe",
            "Closed Lost",
            0,
            dt.datetime(2024, 7, 1),
        ]
    )
    wb.create_sheet("Report metadata").append(["Generated by", "Salesforce"])
    out = io.BytesIO()
    wb.save(out)

    report = do_import("opportunities", "report.xlsx", "salesforce", data=out.getvalue())

    assert report.status == Status.IMPORTED, report.errors
    assert (report.sheet, report.other_sheets) == ("Opportunities", ["Report metadata"])
    won = Opportunity.objects.get(external_id="0065g00000Opp09")
    assert (won.close_date, won.amount, won.status) == (
        dt.date(2024, 6, 30),
        Decimal("4200.50"),
        "won",
    )
    assert Opportunity.objects.get(external_id="0065g00000Opp10").status == "lost"


def test_an_ambiguous_owner_is_a_warning_and_an_ambiguous_account_an_error(do_import: ImportFn):
    from tests.factories import AccountFactory

    UserFactory(username="j1", first_name="Jo", last_name="Smith")
    UserFactory(username="j2", first_name="Jo", last_name="Smith")
    AccountFactory(name="Twin", external_id="T1")
    AccountFactory(name="Twin", external_id="T2")
    AccountFactory(name="Solo", external_id="S1")
    data = (
        b"Id,Account Name,Stage,Opportunity Owner\n"
        b"O1,Solo,Prospecting,Jo Smith\nO2,Twin,Prospecting,j1\n"
    )
    report = do_import("opportunities", "o.csv", "salesforce", data=data, skip_invalid=True)

    assert report.created == 1
    assert Opportunity.objects.get(external_id="O1").owner is None
    assert report.warnings[0]["message"].startswith("ambiguous: 2 users match “Jo Smith”")
    assert [(e.line, e.column, e.value) for e in report.errors] == [(3, "Account Name", "Twin")]
    assert "ambiguous: 2 accounts match “Twin” (external ids T1, T2)" in report.errors[0].reason
