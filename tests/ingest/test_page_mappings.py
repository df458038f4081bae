"""Mappings made in the page and saved for next time; the preview's whole-file check."""

from __future__ import annotations

import tomllib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account
from accountplan.core.models import Role, User
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mapping_toml import dump_toml
from accountplan.ingest.mappings import parse_mapping
from accountplan.ingest.models import ImportRun, SavedMapping
from accountplan.ingest.page_mapping import (
    ColumnChoice,
    build_mapping,
    column_choices,
    guess_columns,
    load_data,
)
from accountplan.ingest.saved import delete_mapping, save_mapping
from accountplan.ingest.webterms import for_web, rejects_for_web
from tests.factories import UserFactory
from tests.ingest.conftest import run_queued_imports

ACCOUNTS_TOML = '[accounts.columns]\nFirma = "name"\nNr = "external_id"\n'


class TestTomlWriter:
    def test_what_it_writes_reads_back_the_same(self):
        data = {
            "name": "erp “de”",
            "options": {"date_formats": ["%d.%m.%Y"], "decimal_comma": True},
            "accounts": {
                "mode": "upsert",
                "columns": {'Umsatz "TEUR"': "annual_revenue", "Firma": ["name", "external_id"]},
                "scale": {"annual_revenue": 1000, "employees": 1.5},
                "aliases": {"country": {"Deutschland\n": "Germany"}},
            },
        }
        assert tomllib.loads(dump_toml(data)) == data

    def test_a_page_mapping_keeps_the_advanced_settings_of_the_one_it_started_from(self):
        base = load_data(
            ACCOUNTS_TOML + '[accounts.aliases.country]\nDE = "Germany"\n'
            '[products.columns]\nArtikel = "name"\n[options]\ndecimal_comma = true\n'
        )
        choices = [
            ColumnChoice(0, "Nr", "external_id"),
            ColumnChoice(1, "Firma", "name"),
            ColumnChoice(2, "Land", "country"),
        ]
        text, mapping = build_mapping(base, "accounts", choices, name="erp", keep_other=True)
        em = mapping.for_entity("accounts")
        assert em.columns == {"nr": ["external_id"], "firma": ["name"], "land": ["country"]}
        assert em.aliases == {"country": {"de": "Germany"}}
        assert em.options.decimal_comma is True
        assert "products" in mapping.entities and mapping.name == "erp"
        assert parse_mapping(text).entities.keys() == mapping.entities.keys()

    def test_a_built_in_mapping_is_not_copied_whole(self):
        base = load_data('[accounts.columns]\nId = "external_id"\n[products.columns]\nX = "name"\n')
        _text, mapping = build_mapping(
            base, "accounts", [ColumnChoice(0, "Name", "name")], name="n", keep_other=False
        )
        assert list(mapping.entities) == ["accounts"]
        assert mapping.for_entity("accounts").columns == {"name": ["name"]}

    def test_two_columns_for_one_field_or_none_at_all_are_refused(self):
        two = [ColumnChoice(0, "A", "name"), ColumnChoice(1, "B", "name")]
        with pytest.raises(ImportFailed, match="Two columns give name"):
            build_mapping({}, "accounts", two, name="x", keep_other=False)
        with pytest.raises(ImportFailed, match="at least one column"):
            build_mapping({}, "accounts", [ColumnChoice(0, "A", "")], name="x", keep_other=False)

    def test_columns_named_like_fields_are_guessed_each_field_once(self):
        guessed = guess_columns(
            "accounts", ["Name", "Annual Revenue", "NAME", "Foo", "founded_year"]
        )
        assert guessed == {
            "Name": ["name"],
            "Annual Revenue": ["annual_revenue"],
            "founded_year": ["founded_year"],
        }

    def test_key_and_combined_columns_are_shown_as_set_in_toml(self):
        data = load_data(
            '[purchases]\nkey = ["Order", "Line"]\n[purchases.columns]\nOrder = "order_number"\n'
        )
        choices = column_choices("purchases", ["Order", "Line", "Amount"], data)
        assert [(c.header, c.value, bool(c.fixed)) for c in choices] == [
            ("Order", "order_number", True),
            ("Line", "", True),
            ("Amount", "", False),
        ]


@pytest.mark.django_db
class TestSavedMappings:
    def test_saving_again_under_the_same_name_updates_it(self, manager: User):
        other = UserFactory(username="dora", role=Role.ADMIN)
        first = save_mapping(name="  ERP   accounts ", toml_text=ACCOUNTS_TOML, user=manager)
        assert first.name == "ERP accounts"
        again = save_mapping(
            name="ERP accounts", toml_text=ACCOUNTS_TOML.replace("Nr", "Nummer"), user=other
        )
        assert again.pk == first.pk and SavedMapping.objects.count() == 1
        again.refresh_from_db()
        assert "Nummer" in again.toml
        assert (again.created_by, again.updated_by) == (manager, other)

    def test_bad_names_and_bad_toml_are_refused(self, manager: User):
        with pytest.raises(ImportFailed, match="built-in"):
            save_mapping(name="Salesforce", toml_text=ACCOUNTS_TOML, user=manager)
        with pytest.raises(ImportFailed, match="name"):
            save_mapping(name=" ", toml_text=ACCOUNTS_TOML, user=manager)
        with pytest.raises(ImportFailed, match="unknown field"):
            save_mapping(name="x", toml_text='[accounts.columns]\nA = "nope"\n', user=manager)
        assert SavedMapping.objects.count() == 0

    def test_renaming_onto_another_mapping_is_refused(self, manager: User):
        a = save_mapping(name="a", toml_text=ACCOUNTS_TOML, user=manager)
        save_mapping(name="b", toml_text=ACCOUNTS_TOML, user=manager)
        with pytest.raises(ImportFailed, match="already exists"):
            save_mapping(name="b", toml_text=ACCOUNTS_TOML, user=manager, mapping=a)
        renamed = save_mapping(name="c", toml_text=ACCOUNTS_TOML, user=manager, mapping=a)
        assert renamed.pk == a.pk and sorted(
            SavedMapping.objects.values_list("name", flat=True)
        ) == [
            "b",
            "c",
        ]

    def test_only_those_who_import_see_change_or_delete_them(self, manager: User, ae: User):
        m = save_mapping(name="a", toml_text=ACCOUNTS_TOML, user=manager)
        assert list(SavedMapping.objects.for_user(manager)) == [m]
        assert list(SavedMapping.objects.for_user(ae)) == []
        with pytest.raises(ImportFailed) as exc:
            save_mapping(name="b", toml_text=ACCOUNTS_TOML, user=ae)
        assert exc.value.status == 403
        with pytest.raises(ImportFailed):
            delete_mapping(m, ae)
        delete_mapping(m, manager)
        assert SavedMapping.objects.count() == 0


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


def _upload(client: Client, data: bytes, **fields: object):
    payload = {"entity": "accounts", "mapping": "page", "file": SimpleUploadedFile("k.csv", data)}
    payload.update(fields)
    return client.post(reverse("ingest:import_new"), payload)


@pytest.mark.django_db
class TestMappingPages:
    def test_map_save_and_pick_the_saved_mapping_on_the_next_upload(self, manager_client: Client):
        _upload(manager_client, b"Nr,Firma,Name\nK1,Acme,x\n")
        run = ImportRun.objects.get()
        # "Name" is named like a field: the page starts from that guess.
        assert load_data(run.mapping_toml)["accounts"]["columns"] == {"Name": "name"}
        posted = manager_client.post(
            reverse("ingest:import_mapping", args=[run.pk]),
            {
                "action": "save",
                "name": "kunden",
                "col-0": "external_id",
                "col-1": "name",
                "col-2": "",
            },
        )
        assert posted.status_code == 302 and posted.url.endswith("#column-mapping")
        saved = SavedMapping.objects.get(name="kunden")
        assert parse_mapping(saved.toml).for_entity("accounts").columns == {
            "nr": ["external_id"],
            "firma": ["name"],
        }
        run.refresh_from_db()
        assert run.mapping_name == "kunden" and run.mapping_toml == saved.toml

        form = manager_client.get(reverse("ingest:import_new")).content.decode()
        assert f'value="saved:{saved.pk}"' in form
        _upload(manager_client, b"Nr,Firma\nK2,Beta\n", mapping=f"saved:{saved.pk}")
        second = ImportRun.objects.first()
        assert (second.mapping_name, second.mapping_toml) == ("kunden", saved.toml)
        manager_client.post(reverse("ingest:import_preview", args=[second.pk]), {"action": "run"})
        run_queued_imports()
        assert Account.objects.get().external_id == "K2"

    def test_a_field_that_is_not_the_entitys_is_refused(self, manager_client: Client):
        _upload(manager_client, b"Nr,Firma\nK1,Acme\n")
        run = ImportRun.objects.get()
        response = manager_client.post(
            reverse("ingest:import_mapping", args=[run.pk]),
            {"action": "apply", "col-0": "external_id", "col-1": "password"},
            follow=True,
        )
        assert "is not a field of accounts" in response.content.decode()
        run.refresh_from_db()
        assert run.mapping_toml == ""

    def test_a_saved_mapping_is_edited_and_deleted_in_its_page(
        self, manager_client: Client, manager: User
    ):
        m = save_mapping(name="a", toml_text=ACCOUNTS_TOML, user=manager)
        url = reverse("ingest:mapping_edit", args=[m.pk])
        bad = manager_client.post(url, {"name": "a", "toml": "[accounts.columns\n"})
        assert bad.status_code == 400 and "not valid TOML" in bad.content.decode()
        ok = manager_client.post(
            url, {"name": "b", "description": "ERP", "toml": ACCOUNTS_TOML + 'Ort = "city"\n'}
        )
        assert ok.status_code == 302
        m.refresh_from_db()
        assert (m.name, m.description) == ("b", "ERP") and "Ort" in m.toml
        listed = manager_client.get(reverse("ingest:mapping_list")).content.decode()
        assert ">b</a>" in listed
        toml = manager_client.get(reverse("ingest:mapping_toml", args=[m.pk]))
        assert toml.content.decode() == m.toml
        manager_client.post(reverse("ingest:mapping_delete", args=[m.pk]))
        assert SavedMapping.objects.count() == 0

    def test_other_roles_get_403_on_the_mapping_pages(
        self, client: Client, ae: User, manager: User
    ):
        m = save_mapping(name="a", toml_text=ACCOUNTS_TOML, user=manager)
        client.force_login(ae)
        for url in (
            reverse("ingest:mapping_list"),
            reverse("ingest:mapping_edit", args=[m.pk]),
            reverse("ingest:mapping_toml", args=[m.pk]),
        ):
            assert client.get(url).status_code == 403
        assert client.post(reverse("ingest:mapping_delete", args=[m.pk])).status_code == 403
        assert SavedMapping.objects.count() == 1


@pytest.mark.django_db
class TestThePreviewChecksLikeTheRun:
    def test_a_row_that_clashes_with_the_book_is_a_problem_before_the_run(
        self, manager_client: Client
    ):
        UserFactory(username="anna.snelling", external_id="U-1")
        manager_client.post(
            reverse("ingest:import_new"),
            {
                "entity": "users",
                "mapping": "page",
                "file": SimpleUploadedFile(
                    "u.csv", b"external_id,username\nU-2,anna.snelling\nU-3,bert\n"
                ),
            },
        )
        run = ImportRun.objects.get()
        html = manager_client.get(reverse("ingest:import_preview", args=[run.pk])).content.decode()
        assert "another user already has this username" in html
        assert "1 row with problems" in html
        assert 'id="run-import" disabled' in html
        # The check left no run of its own and wrote nothing.
        assert ImportRun.objects.count() == 1 and ImportRun.objects.get().status == "pending"
        assert User.objects.filter(username="bert").count() == 0
        rejects = manager_client.get(reverse("ingest:import_rejects", args=[run.pk]))
        assert "U-2,anna.snelling,2," in rejects.content.decode()

    def test_the_checked_preview_is_kept_until_the_mapping_changes(self, manager_client: Client):
        _upload(manager_client, b"Name\nAcme\nAcme\n")
        run = ImportRun.objects.get()
        manager_client.get(reverse("ingest:import_preview", args=[run.pk]))
        run.refresh_from_db()
        key = run.report["preview_key"]
        assert run.report["rejected"] == 1
        manager_client.get(reverse("ingest:import_preview", args=[run.pk]))
        run.refresh_from_db()
        assert run.report["preview_key"] == key
        manager_client.post(
            reverse("ingest:import_mapping", args=[run.pk]), {"action": "apply", "col-0": "name"}
        )
        run.refresh_from_db()
        assert run.report == {}

    def test_the_valid_rows_button_imports_them_and_keeps_the_rejects(self, manager_client: Client):
        _upload(manager_client, b"Name,Employees\nAcme,10\nBeta,many\n")
        run = ImportRun.objects.get()
        url = reverse("ingest:import_preview", args=[run.pk])
        assert (
            "Import the 1 valid row and download the rejects"
            in manager_client.get(url).content.decode()
        )
        manager_client.post(url, {"action": "valid"})
        assert run_queued_imports() == ["done"]
        run.refresh_from_db()
        assert (run.status, run.created, run.rejected) == ("imported_with_rejects", 1, 1)
        assert list(Account.objects.values_list("name", flat=True)) == ["Acme"]


@pytest.mark.django_db
def test_a_refused_run_says_what_to_do_in_the_pages_terms(manager_client: Client):
    _upload(manager_client, b"Name,Employees\nAcme,10\nBeta,many\n")
    run = ImportRun.objects.get()
    manager_client.post(reverse("ingest:import_preview", args=[run.pk]), {"action": "run"})
    run_queued_imports()
    run.refresh_from_db()
    assert run.status == "refused" and Account.objects.count() == 0
    page = manager_client.get(reverse("ingest:import_detail", args=[run.pk])).content.decode()
    assert "import the 1 valid rows and download the rejects" in page
    assert "--skip-invalid" not in page and "--" not in page.split("<main", 1)[1]


class TestWebTerms:
    def test_no_command_line_flag_reaches_the_page(self):
        text = for_web(
            "Refused: 2 of 3 rows have problems, so nothing was written. Fix them, or import "
            "the 1 valid rows with --skip-invalid (“Skip invalid rows” on the web)."
        )
        assert "--" not in text and "“Import the valid rows”" in text
        assert "--" not in for_web(
            "unknown product (accept the suggestion with --accept-suggestions)"
        )
        assert for_web("--sheet 'Deals' only applies to XLSX files") == (
            "A sheet ('Deals') only applies to XLSX files"
        )

    def test_the_rejects_reason_column_is_reworded_and_the_data_is_not(self):
        text = "product,line,reason\n--accept-suggestions,2,x (with --accept-suggestions)\n"
        out = rejects_for_web(text).splitlines()
        assert out[1] == "--accept-suggestions,2,x (with “Accept suggestions” (upload form))"
