"""The exports read as documents: a one-page executive summary first, fewer pages and slides,
and a customer-safe variant that carries none of the internal fields."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from accountplan.exports.deck import render_pptx
from accountplan.exports.document import Competitor, LossReason, PlanDocument
from accountplan.exports.markdown import render_markdown
from accountplan.exports.pdf import render_pdf
from accountplan.exports.summary import executive_summary
from accountplan.exports.variants import customer_safe
from accountplan.exports.workbook import render_xlsx
from tests.exports.sample import full_document

#: Internal facts planted in the plan: each must be in the internal exports and in no
#: customer-safe one.
LOSS = "Budget frozen by Zorblax review"
RIVAL = "Quintessa Rivalworks"
INTERNAL_TEXTS = (
    LOSS,
    RIVAL,
    "Detractor",
    "Supporter",
    "Talker",
    "Potential score",
    "Completeness",
)


def planted() -> PlanDocument:
    doc = full_document()
    overview = dataclasses.replace(
        doc.overview, loss_reasons=(LossReason(LOSS, 2, doc.overview.loss_reasons[0].amount),)
    )
    profile = dataclasses.replace(doc.profile, competitors=(Competitor(RIVAL, "Analytics"),))
    return dataclasses.replace(doc, overview=overview, profile=profile)


def pdf_text(content: bytes, page: int | None = None) -> str:
    pdf = pdfium.PdfDocument(content)
    pages = [pdf[page]] if page is not None else list(pdf)
    return "\n".join(p.get_textpage().get_text_range() for p in pages)


def pptx_text(content: bytes) -> str:
    out = []
    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                out += [str(c) for c in shape.chart.plots[0].categories]
    return "\n".join(out)


def xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v
    )


TEXT_OF = {
    "pdf": lambda d: pdf_text(render_pdf(d)),
    "pptx": lambda d: pptx_text(render_pptx(d)),
    "md": lambda d: render_markdown(d).decode(),
    "xlsx": lambda d: xlsx_text(render_xlsx(d)),
}


@pytest.mark.parametrize("fmt", sorted(TEXT_OF))
def test_the_customer_safe_variant_leaves_out_every_internal_field(fmt: str) -> None:
    doc = planted()
    internal, safe = TEXT_OF[fmt](doc), TEXT_OF[fmt](customer_safe(doc))
    for text in INTERNAL_TEXTS:
        assert text in internal, (fmt, text)
        assert text not in safe, (fmt, text)
    # What the customer may see is still there.
    for text in ("Globex & Sons", "Dana Ruiz", "Renewal", "Predictive maintenance"):
        assert text in safe, (fmt, text)


def test_customer_safe_is_idempotent_and_marks_the_file_name() -> None:
    safe = customer_safe(planted())
    assert customer_safe(safe) == safe
    assert safe.filename_stem.endswith("-customer")
    assert not safe.overview.loss_reasons and not safe.profile.competitors
    assert {s.attitude for s in safe.relationships.stakeholders} == {""}


def test_the_pdf_opens_with_a_one_page_executive_summary(tmp_path: Path) -> None:
    content = render_pdf(full_document())
    summary = executive_summary(full_document())
    if shutil.which("pdftotext"):
        (tmp_path / "plan.pdf").write_bytes(content)
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "plan.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    else:
        first = pdf_text(content, 0)
    flat = " ".join(first.split())
    assert "Executive summary".upper().replace(" ", "") in flat.upper().replace(" ", "")
    assert "$1,000,000" in flat and "Grow 10 % over FY2026." in flat  # the objective
    assert "$100,000 short" in flat  # the gap
    assert len(summary.moves) == 3
    for move in summary.moves:  # the three biggest growth moves
        assert " ".join(move.split()) in flat
    assert summary.moves[0].startswith("Renewal — GTX Pro in IT: $400,000")
    assert "Dana Ruiz, CIO — Decision maker" in flat  # key people
    assert "Milestone at risk: MG pilot in Hydra" in flat  # risks
    # The summary is the whole first page: the sections start on page 2.
    assert "Account overview" not in flat
    assert "Account overview" in pdf_text(content, 1)


def test_the_documents_are_shorter() -> None:
    doc = full_document()
    # Before: a cover and a page or more per section (12+ pages), 20+ slides.
    assert len(pdfium.PdfDocument(render_pdf(doc))) <= 10
    assert len(Presentation(io.BytesIO(render_pptx(doc))).slides) <= 18


def test_the_deck_opens_with_the_summary_slide() -> None:
    prs = Presentation(io.BytesIO(render_pptx(customer_safe(full_document()))))
    first = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "EXECUTIVE SUMMARY · CUSTOMER VERSION" in first
    assert "Top growth moves" in first and "Renewal — GTX Pro in IT: $400,000" in first
    assert "Next milestones" in first and "MG pilot in Hydra" in first
