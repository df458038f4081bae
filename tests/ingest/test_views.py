"""The import pages: upload → preview → run → report → downloads, and who may use them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account, Opportunity
from accountplan.core.models import Role, User
from accountplan.ingest.models import ImportRun
from tests.factories import UserFactory
from tests.ingest.conftest import run_queued_imports, table_counts

pytestmark = pytest.mark.django_db


def upload(client: Client, name: str, data: bytes, **fields: object):
    payload = {"entity": "accounts", "mapping": "maven", "file": SimpleUploadedFile(name, data)}
    payload.update(fields)
    return client.post(reverse("ingest:import_new"), payload)


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


class TestTheWholeFlow:
    def test_upload_preview_run_and_report(self, manager_client: Client, maven_dir: Path):
        response = upload(manager_client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes())
        run = ImportRun.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("ingest:import_preview", args=[run.pk])
        assert run.file_data is not None and run.status == "pending"
        assert Account.objects.count() == 0

        preview = manager_client.get(response.url)
        html = preview.content.decode()
        assert preview.status_code == 200
        assert '<option value="name,external_id" selected>name + external_id</option>' in html
        assert "First 10 rows as mapped" in html
        assert "Acme Corporation" in html
        assert Account.objects.count() == 0

        # The request queues the run for the worker and answers at once.
        ran = manager_client.post(response.url)
        assert ran.status_code == 303
        assert ran.url == reverse("ingest:import_detail", args=[run.pk])
        run.refresh_from_db()
        assert (run.status, run.file_data) == ("queued", None)
        assert Account.objects.count() == 0
        waiting = manager_client.get(ran.url).content.decode()
        assert "Queued: waiting for the background worker" in waiting
        assert 'hx-trigger="every 1s"' in waiting

        assert run_queued_imports() == ["done"]
        run.refresh_from_db()
        assert (run.status, run.created, run.file_data) == ("imported", 85, None)
        assert Account.objects.count() == 85

        report = manager_client.get(ran.url).content.decode()
        assert "Imported 85 rows" in report
        assert "looks like a typo of &#x27;Technology&#x27;" in report
        assert "Download rejects (CSV)" not in report

        # A finished run cannot be run again from its preview URL.
        again = manager_client.post(response.url)
        assert again.status_code == 302 and Account.objects.count() == 85
        assert run_queued_imports() == []

    def test_a_refused_file_reports_every_error_and_offers_downloads(
        self, manager_client: Client, maven_dir: Path
    ):
        for entity, name in (("accounts", "accounts.csv"), ("products", "products.csv")):
            upload(manager_client, name, (maven_dir / name).read_bytes(), entity=entity)
            manager_client.post(
                reverse("ingest:import_preview", args=[ImportRun.objects.first().pk])
            )
            run_queued_imports()
        response = upload(
            manager_client,
            "sales_pipeline.csv",
            (maven_dir / "sales_pipeline.csv").read_bytes(),
            entity="opportunities",
        )
        manager_client.post(response.url)
        run_queued_imports()
        run = ImportRun.objects.first()
        assert run.status == "refused"
        assert Opportunity.objects.count() == 0

        page = manager_client.get(reverse("ingest:import_detail", args=[run.pk])).content.decode()
        assert page.count('class="error-row"') == 1480 + 1425
        assert "Problems (2,905)" in page
        assert "GTX Pro" in page
        assert "Download rejects (CSV)" in page

        rejects = manager_client.get(reverse("ingest:import_rejects", args=[run.pk]))
        assert rejects["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(rejects.content.decode().splitlines()))
        assert len(rows) == run.rejected == 2683
        assert all(r["reason"] for r in rows)

        report = manager_client.get(reverse("ingest:import_report_json", args=[run.pk]))
        data = json.loads(report.content)
        assert data["status"] == "refused" and data["rows_read"] == 8800
        assert len(data["errors"]) == 1480 + 1425

    def test_skip_invalid_from_the_web(self, manager_client: Client, maven_dir: Path):
        for entity, name in (("accounts", "accounts.csv"), ("products", "products.csv")):
            upload(manager_client, name, (maven_dir / name).read_bytes(), entity=entity)
            manager_client.post(
                reverse("ingest:import_preview", args=[ImportRun.objects.first().pk])
            )
            run_queued_imports()
        response = upload(
            manager_client,
            "sales_pipeline.csv",
            (maven_dir / "sales_pipeline.csv").read_bytes(),
            entity="opportunities",
            skip_invalid="on",
            accept_suggestions="on",
        )
        manager_client.post(response.url)
        run_queued_imports()
        run = ImportRun.objects.first()
        assert run.status == "imported_with_rejects"
        assert Opportunity.objects.count() + run.rejected == 8800

    def test_dry_run_writes_nothing(self, manager_client: Client, maven_dir: Path):
        response = upload(
            manager_client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes(), dry_run="on"
        )
        manager_client.post(response.url)
        run_queued_imports()
        run = ImportRun.objects.get()
        assert (run.status, run.created) == ("dry_run", 85)
        assert Account.objects.count() == 0


class TestBadInput:
    def test_a_file_over_50_mb_is_refused_with_a_message(self, manager_client: Client):
        big = b"account\n" + b"x" * (50 * 1024 * 1024)
        response = upload(manager_client, "big.csv", big)
        assert response.status_code == 400
        assert "uploads are limited to 50 MB" in response.content.decode()
        assert ImportRun.objects.count() == 0

    def test_a_broken_mapping_file_is_a_clear_error(self, manager_client: Client):
        response = upload(
            manager_client,
            "a.csv",
            b"name\nAcme\n",
            mapping="custom",
            mapping_file=SimpleUploadedFile("m.toml", b"[accounts.columns\nname = 'name'"),
        )
        assert response.status_code == 400
        assert "not valid TOML" in response.content.decode()

    def test_a_mapping_without_the_entity_is_a_clear_error(self, manager_client: Client):
        response = upload(manager_client, "a.csv", b"x\n1\n", entity="contacts")
        assert response.status_code == 400
        assert "The maven mapping has no contacts section" in response.content.decode()

    def test_an_uploaded_mapping_is_used(self, manager_client: Client):
        toml = b'[accounts.columns]\n"Company" = "name"\n"Id" = "external_id"\n'
        response = upload(
            manager_client,
            "a.csv",
            b"Id;Company\nA1;Acme \xe9tude\n",
            mapping="custom",
            mapping_file=SimpleUploadedFile("mine.toml", toml),
        )
        manager_client.post(response.url)
        run_queued_imports()
        assert Account.objects.get().name == "Acme étude"
        assert ImportRun.objects.get().mapping_name == "mine"

    def test_user_text_is_escaped_in_the_report(self, manager_client: Client):
        response = upload(
            manager_client,
            "x.csv",
            b"account,employees\n<script>alert(1)</script>,many\n",
        )
        manager_client.post(response.url)
        run_queued_imports()
        page = manager_client.get(
            reverse("ingest:import_detail", args=[ImportRun.objects.get().pk])
        ).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "not a number" in page
        assert Account.objects.count() == 0

    def test_posting_without_a_csrf_token_is_refused(self, manager: User):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        response = upload(client, "a.csv", b"account\nAcme\n")
        assert response.status_code == 403
        assert ImportRun.objects.count() == 0


class TestWhoMayImport:
    @pytest.mark.parametrize("role", [Role.VIEWER, Role.ACCOUNT_EXECUTIVE, Role.MARKETING])
    def test_others_get_403_everywhere_but_a_read_only_list(
        self, client: Client, manager: User, role: str, maven_dir: Path
    ):
        client.force_login(manager)
        upload(client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes())
        run = ImportRun.objects.get()
        client.post(reverse("ingest:import_preview", args=[run.pk]))
        other = UserFactory(role=role)
        before = table_counts()
        client.force_login(other)
        for name in ("import_preview", "import_detail", "import_rejects", "import_report_json"):
            response = client.get(reverse(f"ingest:{name}", args=[run.pk]))
            assert response.status_code == 403, name
            assert "Only managers and admins" in response.content.decode()
        assert client.get(reverse("ingest:import_new")).status_code == 403
        response = upload(client, "accounts.csv", b"account\nSneaky\n")
        assert response.status_code == 403
        assert table_counts() == before
        assert ImportRun.objects.count() == 1

        listing = client.get(reverse("ingest:import_list"))
        assert listing.status_code == 200
        assert "New import" not in listing.content.decode()

    def test_anonymous_users_are_sent_to_log_in(self, client: Client):
        response = client.get(reverse("ingest:import_list"))
        assert response.status_code == 302 and "/login/" in response.url

    def test_the_list_is_newest_first_paginated_and_has_an_empty_state(
        self, manager_client: Client, manager: User
    ):
        empty = manager_client.get(reverse("ingest:import_list")).content.decode()
        assert "No imports yet" in empty
        for i in range(30):
            ImportRun.objects.create(
                user=manager,
                entity="accounts",
                mapping_name="maven",
                file_name=f"file-{i:02d}.csv",
                status="imported",
            )
        first = manager_client.get(reverse("ingest:import_list")).content.decode()
        assert "file-29.csv" in first and "file-04.csv" not in first
        second = manager_client.get(reverse("ingest:import_list") + "?page=2").content.decode()
        assert "file-04.csv" in second and "file-29.csv" not in second


def test_a_run_already_claimed_is_not_imported_twice(manager_client: Client, maven_dir: Path):
    response = upload(manager_client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes())
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status="running")  # another request has it

    posted = manager_client.post(response.url)
    assert posted.status_code == 302
    assert run_queued_imports() == []
    assert Account.objects.count() == 0


def test_the_admin_lists_and_shows_runs(client: Client, maven_dir: Path):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, role=Role.ADMIN)
    client.force_login(admin)
    upload(client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes())
    run = ImportRun.objects.get()
    client.post(reverse("ingest:import_preview", args=[run.pk]))
    run_queued_imports()

    listing = client.get(reverse("admin:ingest_importrun_changelist"))
    assert listing.status_code == 200 and "accounts.csv" in listing.content.decode()
    detail = client.get(reverse("admin:ingest_importrun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:ingest_importrun_add")).status_code == 403


def test_the_list_page_runs_a_fixed_number_of_queries(
    manager_client: Client, manager: User, django_assert_max_num_queries
):
    for i in range(5):
        ImportRun.objects.create(
            user=manager, entity="accounts", mapping_name="maven", file_name=f"f{i}.csv"
        )
    with django_assert_max_num_queries(6) as five:
        manager_client.get(reverse("ingest:import_list"))
    for i in range(20):
        ImportRun.objects.create(
            user=UserFactory(), entity="accounts", mapping_name="maven", file_name=f"g{i}.csv"
        )
    with django_assert_max_num_queries(len(five.captured_queries)):
        manager_client.get(reverse("ingest:import_list"))


def test_an_xlsx_upload_names_its_sheets_in_preview_and_report(manager_client: Client):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["account", "sector", "employees"])
    ws.append(["Acme", "retail", 10])
    wb.create_sheet("Pivot").append(["ignore me"])
    out = io.BytesIO()
    wb.save(out)

    response = upload(manager_client, "book.xlsx", out.getvalue())
    preview = manager_client.get(response.url).content.decode()
    assert "other sheets, not read: Pivot" in preview
    manager_client.post(response.url)
    run_queued_imports()
    run = ImportRun.objects.get()
    report = manager_client.get(reverse("ingest:import_detail", args=[run.pk])).content.decode()
    assert "Read only the sheet &#x27;Accounts&#x27;" in report
    assert Account.objects.get().employees == 10
