"""The malformed-file corpus of issue 14's standing attack suite.

Every file is built here (seeded): random bytes, truncated CSV and XLSX, forged dimensions, huge
fields, formulas, NUL bytes, wrong encodings, mixed delimiters, deep and cyclic parent chains,
flipped bytes. Each goes through the real importer, by the service the web pages call and by
the command line, and must give a clear report: never a crash, never a partial write (the
book's row counts are those before, or before plus what the report says it created).
``ACCOUNTPLAN_ATTACK_LONG=1`` runs more random seeds.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from accountplan.ingest.report import Status
from tests.ingest.badfiles import CORNER, forge, xlsx
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

SEEDS = 40 if os.environ.get("ACCOUNTPLAN_ATTACK_LONG") == "1" else 4
HEADER = "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
MAVEN = Path(__file__).resolve().parents[2] / "samples" / "maven-crm"


def accounts_csv(n: int = 20) -> bytes:
    rows = [f"Corpus {i},retail,{1990 + i % 30},{i}.5,{10 + i},Italy,\n" for i in range(n)]
    return (HEADER + "".join(rows)).encode()


def chain(depth: int, *, loop: bool) -> bytes:
    rows = []
    for i in range(depth):
        parent = f"K{i + 1}" if i + 1 < depth else ("K0" if loop else "")
        rows.append(f"K{i},retail,1999,1,10,Italy,{parent}\n")
    return (HEADER + "".join(rows)).encode()


def corpus() -> Iterator[tuple[str, str, bytes]]:
    """``(entity, file name, bytes)`` for every malformed file."""
    good = accounts_csv()
    book = xlsx([row.split(",") for row in accounts_csv().decode().splitlines()])
    for seed in range(SEEDS):
        rnd = random.Random(seed)
        yield "accounts", f"random-{seed}.csv", rnd.randbytes(rnd.randint(1, 4000))
        yield "accounts", f"random-{seed}.xlsx", b"PK\x03\x04" + rnd.randbytes(2000)
        cut = rnd.randint(1, len(good) - 2)
        yield "accounts", f"truncated-{seed}.csv", good[:cut]
        yield "accounts", f"truncated-{seed}.xlsx", book[: rnd.randint(10, len(book) - 10)]
        flipped = bytearray(good)
        for _ in range(5):
            flipped[rnd.randrange(len(flipped))] = rnd.randrange(256)
        yield "accounts", f"flipped-{seed}.csv", bytes(flipped)
        nul = bytearray(good)
        nul[rnd.randrange(len(HEADER), len(nul))] = 0
        yield "accounts", f"nul-{seed}.csv", bytes(nul)
    yield "accounts", "forged-dimension.xlsx", forge(book)
    yield "accounts", "forged-corner.xlsx", forge(book, extra_row=CORNER)
    yield "accounts", "forged-rows.xlsx", forge(book, dimension="A1:G1048576")
    yield "accounts", "huge-field.csv", HEADER.encode() + b"Big," + b"z" * 50_000_000 + b"\n"
    yield "accounts", "long-field.csv", HEADER.encode() + b"Long," + b"z" * 40_000 + b",1,1,1,X,\n"
    yield "accounts", "unterminated-quote.csv", HEADER.encode() + b'"Open,retail,1999,1,1,X,\n'
    formulas = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"]
    rows = "".join(f'"{f.replace(chr(34), chr(34) * 2)}",retail,1999,1,1,X,\n' for f in formulas)
    yield "accounts", "formulas.csv", HEADER.encode() + rows.encode()
    yield "accounts", "formulas.xlsx", xlsx([HEADER.strip().split(","), *[[f] for f in formulas]])
    text = HEADER + "Ünïcödé GmbH,retail,1999,1,1,Österreich,\n"
    yield "accounts", "utf16-no-bom.csv", text.encode("utf-16-le")
    yield "accounts", "utf16-bom-odd.csv", b"\xff\xfe" + text.encode("utf-16-le")[:-1]
    yield "accounts", "bom-then-invalid.csv", b"\xef\xbb\xbf" + good + b"\xff\xfe,retail\n"
    yield "accounts", "shift-jis.csv", (HEADER + "アクメ,小売,1999,1,1,日本,\n").encode("cp932")
    yield "accounts", "gbk.csv", (HEADER + "阿克米公司,零售,1999,1,1,中国,\n").encode("gbk")
    yield "accounts", "euc-kr.csv", (HEADER + "아크메,소매,1999,1,1,한국,\n").encode("euc_kr")
    yield (
        "accounts",
        "mixed-delimiters.csv",
        (
            HEADER + "A;retail;1999;1;1;X;\nB\tretail\t1999\t1\t1\tX\t\nC,retail,1999,1,1,X,\n"
        ).encode(),
    )
    yield "accounts", "empty.csv", b""
    yield "accounts", "header-only.csv", HEADER.encode()
    yield "accounts", "deep-chain.csv", chain(3_000, loop=False)
    yield "accounts", "cyclic-chain.csv", chain(3_000, loop=True)
    yield "accounts", "opportunities-as-accounts.csv", (MAVEN / "sales_pipeline.csv").read_bytes()


def check(report_status: str, errors: list[str], created: int, before: dict[str, int]) -> bool:
    """True when refused with a reason; asserts no partial write either way."""
    after = table_counts()
    if report_status == Status.REFUSED:
        assert after == before, "a refused import wrote rows"
        assert errors and all(e.strip() for e in errors), "a refusal must say why"
        assert not any("Traceback" in e for e in errors)
        return True
    assert report_status == Status.IMPORTED, report_status
    assert sum(after.values()) - sum(before.values()) == created, "a partial write"
    return False


def test_every_malformed_file_gets_a_report(
    do_import: ImportFn, tmp_path: Path, attack_figures
) -> None:
    files = refused = 0
    imported: list[str] = []
    for entity, name, data in corpus():
        files += 1
        # The service the web pages call (preview and run).
        before = table_counts()
        report = do_import(entity, name, "maven", data=data)
        reasons = [e.reason for e in report.errors]
        was_refused = check(report.status, reasons, report.created, before)
        refused += was_refused
        if not was_refused:
            imported.append(name)
        # The command line, on the same file: exit 1 with the JSON report, or 0.
        path = tmp_path / name
        path.write_bytes(data)
        out = tmp_path / f"{name}.json"
        before = table_counts()
        try:
            call_command("import", entity, str(path), mapping="maven", report=str(out))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        cli = json.loads(out.read_text())
        assert code == (1 if cli["status"] == Status.REFUSED else 0), name
        check(cli["status"], [e["reason"] for e in cli["errors"]], cli["created"], before)
    # Formulas are text, a forged dimension is ignored, a deep chain is fine; a cut or a flipped
    # byte may fall where the file stays valid. Everything else is refused.
    fine = ("formulas.", "forged-dimension", "forged-rows", "deep-chain", "truncated-", "flipped-")
    assert [n for n in imported if not n.startswith(fine)] == []
    assert {"formulas.csv", "formulas.xlsx", "deep-chain.csv"} <= set(imported)
    attack_figures(
        f"malformed files: {files} files (service and CLI), {refused} refused with a report, "
        "0 crashes, 0 partial writes"
    )
