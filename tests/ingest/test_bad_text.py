"""Files that are not the text, or not the entity, they claim to be (issue 14 points 6 and 15):
each is refused whole with a message that says what to fix, on the CLI path, in the web preview
and on both databases, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import parse_mapping
from accountplan.ingest.readers import decode, mojibake
from accountplan.ingest.report import Status
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

HEADER = b"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
ROW = b"Acme,retail,1999,1,10,Italy,\n"
JAPANESE = "株式会社テスト,東京都千代田区,営業部,取引先\n"


PURCHASES = parse_mapping(
    '[purchases]\nmode = "replace"\n[purchases.columns]\nAccount = "account"\n'
    'Product = "product"\nDate = "date"\nQuantity = "quantity"\nAmount = "amount"\n'
)


def refused(
    do_import: ImportFn, data: bytes, entity: str = "accounts", mapping: object = "maven"
) -> str:
    before = table_counts()
    report = do_import(entity, "f.csv", mapping, data=data)
    assert report.status == Status.REFUSED
    assert table_counts() == before
    assert report.errors
    return " ".join(e.reason for e in report.errors)


def test_a_bom_then_a_byte_that_is_not_utf8_says_which_line(do_import: ImportFn) -> None:
    data = b"\xef\xbb\xbf" + HEADER + ROW + b"Caf\xe9 Bleu,retail,1999,1,10,France,\n"
    reason = refused(do_import, data)
    assert "byte order mark" in reason and "line 3" in reason and "0xE9" in reason


def test_a_nul_byte_deep_in_the_file_is_refused_the_same_on_both_databases(
    do_import: ImportFn,
) -> None:
    rows = b"".join(b"Co %d,retail,1999,1,10,Italy,\n" % i for i in range(5_000))
    data = HEADER + rows + b"Bad\x00Co,retail,1999,1,10,Italy,\n"
    assert data.index(b"\x00") > 65_536  # past the binary-file sniff
    reason = refused(do_import, data)
    assert "Line 5002 contains a NUL character" in reason
    assert Account.objects.count() == 0


def test_a_nul_byte_in_a_purchase_lines_file_stays_off_the_streaming_path(
    do_import: ImportFn,
) -> None:
    lines = b"".join(b"A%d,P,2025-01-01,1,1\n" % i for i in range(4_000))
    data = b"Account,Product,Date,Quantity,Amount\n" + lines + b"A,P,2025-01-01,1,1\x00\n"
    assert data.index(b"\x00") > 65_536
    reason = refused(do_import, data, entity="purchases", mapping=PURCHASES)
    assert "NUL character" in reason


def test_shift_jis_read_as_windows_1252_is_flagged_not_stored(do_import: ImportFn) -> None:
    data = HEADER + "".join(
        f"{JAPANESE.split(',')[0]}{i},retail,1999,1,10,{JAPANESE.split(',')[1]},\n"
        for i in range(5)
    ).encode("shift_jis")
    reason = refused(do_import, data)
    assert "garbled" in reason and "UTF-8" in reason


def test_western_text_in_windows_1252_still_imports(do_import: ImportFn) -> None:
    names = ["Müller GmbH", "Grüße AG", "Straße & Co", "Zürich Café", "São Paulo Ações"]
    data = HEADER + "".join(
        f"{n} {i},retail,1999,1,10,Germany,\n" for i in range(3) for n in names
    ).encode("cp1252")
    assert mojibake(data.decode("cp1252")) == ""
    report = do_import("accounts", "f.csv", "maven", data=data)
    assert report.status == Status.IMPORTED, report.errors[:2]
    assert Account.objects.filter(name="Grüße AG 0").exists()


def test_decode_names_the_encoding_problem_directly() -> None:
    with pytest.raises(ImportFailed, match="line 2 has a byte that is not UTF-8"):
        decode(b"\xef\xbb\xbfa,b\n\xff,2\n")


def test_an_opportunities_file_imported_as_accounts_is_refused(
    do_import: ImportFn, maven_dir: Path
) -> None:
    reason = refused(do_import, (maven_dir / "sales_pipeline.csv").read_bytes())
    assert "looks like a file of opportunities, not accounts" in reason
    assert "deal_stage" in reason or "close_date" in reason


def test_a_salesforce_contacts_export_imported_as_accounts_is_refused(
    do_import: ImportFn, files_dir: Path
) -> None:
    before = table_counts()
    report = do_import("accounts", "sf_contacts.csv", "salesforce")
    assert report.status == Status.REFUSED
    assert table_counts() == before
    assert any("not accounts" in e.reason for e in report.errors)


def test_the_web_preview_reports_a_bad_encoding_instead_of_failing(
    client: Client, manager: User
) -> None:
    client.force_login(manager)
    data = b"\xef\xbb\xbf" + HEADER + b"Caf\xe9,retail,1999,1,10,France,\n"
    payload = {"entity": "accounts", "mapping": "maven", "file": SimpleUploadedFile("f.csv", data)}
    response = client.post(reverse("ingest:import_new"), payload, follow=True)
    assert response.status_code == 200
    assert "byte order mark" in response.content.decode()
