"""The built-in maven mapping on the public Maven CRM sample, quirks and all."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accountplan.book.models import Account, Opportunity, Product
from accountplan.core.models import Role, User
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import Status
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def base_book(do_import: ImportFn, maven_dir: Path) -> None:
    assert do_import("accounts", maven_dir / "accounts.csv").status == Status.IMPORTED
    assert do_import("products", maven_dir / "products.csv").status == Status.IMPORTED


class TestAccountsAndProducts:
    def test_85_accounts_and_7_products_import(self, do_import: ImportFn, maven_dir: Path):
        accounts = do_import("accounts", maven_dir / "accounts.csv")
        products = do_import("products", maven_dir / "products.csv")

        assert (accounts.created, accounts.rejected) == (85, 0)
        assert (products.created, products.rejected) == (7, 0)
        assert Account.objects.count() == 85
        assert Product.objects.count() == 7

    def test_revenue_in_millions_is_scaled_and_the_report_says_so(
        self, do_import: ImportFn, maven_dir: Path
    ):
        report = do_import("accounts", maven_dir / "accounts.csv")
        raw = {r["account"]: r for r in read_csv(maven_dir / "accounts.csv")}

        acme = Account.objects.get(name="Acme Corporation")
        assert acme.annual_revenue == Decimal(raw["Acme Corporation"]["revenue"]) * 1_000_000
        assert acme.external_id == "Acme Corporation"
        assert any("multiplied by 1,000,000" in o for o in report.observations)

    def test_subsidiaries_point_at_their_parent(self, do_import: ImportFn, maven_dir: Path):
        do_import("accounts", maven_dir / "accounts.csv")
        raw = read_csv(maven_dir / "accounts.csv")
        expected = {r["account"]: r["subsidiary_of"] for r in raw if r["subsidiary_of"]}

        actual = dict(
            Account.objects.filter(parent__isnull=False).values_list("name", "parent__name")
        )
        assert actual == expected
        assert len(expected) > 0

    def test_typos_are_warnings_not_rejections(self, do_import: ImportFn, maven_dir: Path):
        report = do_import("accounts", maven_dir / "accounts.csv")
        raw = read_csv(maven_dir / "accounts.csv")
        warned = {(w["value"], w["message"]): w["count"] for w in report.warnings}

        assert warned[("technolgy", "looks like a typo of 'Technology'")] == sum(
            r["sector"] == "technolgy" for r in raw
        )
        assert warned[("Philipines", "looks like a typo of 'Philippines'")] == 1
        assert report.rejected == 0
        assert Account.objects.filter(industry="technolgy").count() == 12

    def test_a_second_import_changes_nothing(self, do_import: ImportFn, maven_dir: Path):
        base_book(do_import, maven_dir)
        again = do_import("accounts", maven_dir / "accounts.csv")
        products = do_import("products", maven_dir / "products.csv")

        assert (again.created, again.updated, again.unchanged) == (0, 0, 85)
        assert (products.created, products.updated, products.unchanged) == (0, 0, 7)


class TestOpportunities:
    def test_the_file_is_refused_as_a_whole_with_every_problem_listed(
        self, do_import: ImportFn, maven_dir: Path
    ):
        base_book(do_import, maven_dir)
        before = table_counts()
        raw = read_csv(maven_dir / "sales_pipeline.csv")
        gtxpro = [i + 2 for i, r in enumerate(raw) if r["product"] == "GTXPro"]
        no_account = [i + 2 for i, r in enumerate(raw) if not r["account"]]

        report = do_import("opportunities", maven_dir / "sales_pipeline.csv")

        assert report.status == Status.REFUSED
        assert table_counts() == before
        product_errors = [e for e in report.errors if e.column == "product"]
        account_errors = [e for e in report.errors if e.column == "account"]
        assert [e.line for e in product_errors] == gtxpro
        assert len(product_errors) == 1480
        assert {(e.value, e.suggestion) for e in product_errors} == {("GTXPro", "GTX Pro")}
        assert [e.line for e in account_errors] == no_account
        assert len(account_errors) == 1425
        assert all("needs an account" in e.reason for e in account_errors)
        assert report.rejected == len(set(gtxpro) | set(no_account))
        assert report.rows_read == 8800

    def test_skip_invalid_writes_the_valid_rows_and_rejects_every_other(
        self, do_import: ImportFn, maven_dir: Path
    ):
        base_book(do_import, maven_dir)
        report = do_import("opportunities", maven_dir / "sales_pipeline.csv", skip_invalid=True)
        rejects = list(csv.DictReader(report.rejects_csv.splitlines()))
        raw = read_csv(maven_dir / "sales_pipeline.csv")

        assert report.status == Status.PARTIAL
        assert Opportunity.objects.count() + len(rejects) == 8800
        assert report.created + report.rejected == 8800
        assert all(r["reason"] for r in rejects)
        # Each rejected row carries its original columns and its file line.
        for rej in rejects:
            original = raw[int(rej["line"]) - 2]
            assert {k: rej[k] for k in original} == original
        assert {r["opportunity_id"] for r in rejects}.isdisjoint(
            Opportunity.objects.values_list("external_id", flat=True)
        )

    def test_a_second_import_changes_nothing(self, do_import: ImportFn, maven_dir: Path):
        base_book(do_import, maven_dir)
        path = maven_dir / "sales_pipeline.csv"
        first = do_import("opportunities", path, skip_invalid=True, accept_suggestions=True)
        second = do_import("opportunities", path, skip_invalid=True, accept_suggestions=True)

        assert first.created == 8800 - 1425
        assert (second.created, second.updated, second.unchanged) == (0, 0, 8800 - 1425)

    def test_accepting_suggestions_resolves_gtxpro_and_the_won_total_matches(
        self, do_import: ImportFn, maven_dir: Path
    ):
        base_book(do_import, maven_dir)
        raw = read_csv(maven_dir / "sales_pipeline.csv")
        won_in_file = sum(Decimal(r["close_value"]) for r in raw if r["deal_stage"] == "Won")

        report = do_import(
            "opportunities",
            maven_dir / "sales_pipeline.csv",
            skip_invalid=True,
            accept_suggestions=True,
        )

        won = Opportunity.objects.filter(status="won").aggregate(t=Sum("amount"))["t"]
        assert won == won_in_file == Decimal(10_005_534)
        assert Opportunity.objects.filter(product__name="GTX Pro").count() == sum(
            r["product"] in ("GTXPro", "GTX Pro") and bool(r["account"]) for r in raw
        )
        applied = report.applied_suggestions
        assert applied == [
            {
                "column": "product",
                "value": "GTXPro",
                "resolved_to": "GTX Pro",
                "rows": 1480,
                "how": "--accept-suggestions",
            }
        ]

    def test_an_alias_in_a_custom_mapping_resolves_gtxpro(
        self, do_import: ImportFn, maven_dir: Path, tmp_path: Path
    ):
        base_book(do_import, maven_dir)
        mapping = tmp_path / "pipeline.toml"
        mapping.write_text(
            """
name = "pipeline"
[opportunities.columns]
opportunity_id = "external_id"
product = "product"
account = "account"
deal_stage = "stage"
close_value = "amount"
close_date = "close_date"
[opportunities.values.status]
Won = "won"
Lost = "lost"
"*" = "open"
[opportunities.aliases.product]
GTXPro = "GTX Pro"
""",
            encoding="utf-8",
        )
        report = do_import(
            "opportunities", maven_dir / "sales_pipeline.csv", str(mapping), skip_invalid=True
        )

        assert report.rejected == 1425
        assert report.applied_suggestions[0]["how"] == "alias in the mapping"
        won = Opportunity.objects.filter(status="won").aggregate(t=Sum("amount"))["t"]
        assert won == Decimal(10_005_534)

    def test_the_report_surfaces_lost_deals_with_zero_value_and_unknown_owners(
        self, do_import: ImportFn, maven_dir: Path
    ):
        base_book(do_import, maven_dir)
        raw = read_csv(maven_dir / "sales_pipeline.csv")
        lost_zero = sum(r["deal_stage"] == "Lost" and r["close_value"] == "0" for r in raw)
        agents = {r["sales_agent"] for r in raw}

        report = do_import("opportunities", maven_dir / "sales_pipeline.csv", dry_run=True)

        assert any(
            o.startswith(f"{lost_zero:,} lost deals have amount 0") for o in report.observations
        )
        assert any(
            f"{len(agents)} distinct in the file, 0 known users, {len(agents)} unknown" in o
            for o in report.observations
        )
        owner_warnings = {w["value"] for w in report.warnings if w["column"] == "sales_agent"}
        assert owner_warnings == agents


class TestUsers:
    def test_sales_teams_become_users_with_managers(self, do_import: ImportFn, maven_dir: Path):
        raw = read_csv(maven_dir / "sales_teams.csv")
        managers = {r["manager"] for r in raw}

        report = do_import("users", maven_dir / "sales_teams.csv")

        assert report.created == 35
        assert User.objects.count() == 35 + len(managers)
        anna = User.objects.get(username="anna.snelling")
        assert (anna.first_name, anna.last_name, anna.role) == (
            "Anna",
            "Snelling",
            Role.ACCOUNT_EXECUTIVE,
        )
        assert anna.territory == "Central"
        assert anna.manager is not None
        assert anna.manager.get_full_name() == "Dustin Brinkmann"
        assert anna.manager.role == Role.MANAGER
        assert not anna.has_usable_password()
        assert any("Created 6 manager users" in note for note in report.also_created)

    def test_reimport_is_unchanged_and_owners_resolve_once_users_exist(
        self, do_import: ImportFn, maven_dir: Path
    ):
        base_book(do_import, maven_dir)
        pipeline = maven_dir / "sales_pipeline.csv"
        do_import("opportunities", pipeline, skip_invalid=True, accept_suggestions=True)
        assert not Opportunity.objects.filter(owner__isnull=False).exists()

        do_import("users", maven_dir / "sales_teams.csv")
        again = do_import("users", maven_dir / "sales_teams.csv")
        assert (again.created, again.updated, again.unchanged) == (0, 0, 35)

        reimport = do_import("opportunities", pipeline, skip_invalid=True, accept_suggestions=True)
        assert reimport.updated == Opportunity.objects.count()
        assert not Opportunity.objects.filter(owner__isnull=True).exists()
        idle = {r["sales_agent"] for r in read_csv(maven_dir / "sales_teams.csv")} - {
            r["sales_agent"] for r in read_csv(pipeline)
        }
        users_again = do_import("users", maven_dir / "sales_teams.csv")
        note = next(o for o in users_again.observations if "own no opportunity" in o)
        noun = "imported user" if len(idle) == 1 else "imported users"
        assert note.startswith(f"{len(idle)} {noun} own no opportunity")
        assert all(name in note for name in idle)


class TestCommandLine:
    def test_refusal_exits_1_and_writes_the_json_report(self, maven_dir: Path, tmp_path: Path):
        call_command("import", "accounts", str(maven_dir / "accounts.csv"), mapping="maven")
        call_command("import", "products", str(maven_dir / "products.csv"), mapping="maven")
        out = tmp_path / "report.json"

        with pytest.raises(SystemExit) as exc:
            call_command(
                "import",
                "opportunities",
                str(maven_dir / "sales_pipeline.csv"),
                mapping="maven",
                report=str(out),
            )

        assert exc.value.code == 1
        data = json.loads(out.read_text())
        assert data["status"] == "refused"
        assert data["rows_read"] == 8800
        assert data["dry_run"] is False
        assert data["encoding"] == "utf-8" and data["delimiter"] == "comma"
        assert len(data["errors"]) == 1480 + 1425
        assert set(data["errors"][0]) == {"line", "column", "value", "reason", "suggestion", "kind"}
        assert Opportunity.objects.count() == 0
        assert ImportRun.objects.filter(status="refused", source="cli").count() == 1

    def test_skip_invalid_writes_the_rejects_file(self, maven_dir: Path, tmp_path: Path):
        call_command("import", "accounts", str(maven_dir / "accounts.csv"), mapping="maven")
        call_command("import", "products", str(maven_dir / "products.csv"), mapping="maven")
        rejects = tmp_path / "rejects.csv"

        call_command(
            "import",
            "opportunities",
            str(maven_dir / "sales_pipeline.csv"),
            mapping="maven",
            skip_invalid=True,
            accept_suggestions=True,
            rejects=str(rejects),
        )

        rows = read_csv(rejects)
        assert len(rows) == 1425
        assert Opportunity.objects.count() == 8800 - 1425


def test_progress_bar_goes_to_stderr_when_asked(maven_dir: Path, capsys):
    call_command(
        "import", "accounts", str(maven_dir / "accounts.csv"), mapping="maven", progress=True
    )
    captured = capsys.readouterr()
    assert "Validate" in captured.err
    assert Account.objects.count() == 85


def test_without_a_terminal_the_import_logs_its_phases(maven_dir: Path, capsys):
    """stderr is not a terminal here: plain timestamped lines, one per phase, then "Done"."""
    call_command("import", "accounts", str(maven_dir / "accounts.csv"), mapping="maven")
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].endswith("] Importing accounts.csv…")
    assert any(line.split("] ", 1)[1].startswith("Validate: ") for line in lines[1:-1])
    assert lines[-1].endswith("] Done")
    assert "\x1b[" not in err  # no terminal codes in a log
    assert Account.objects.count() == 85
