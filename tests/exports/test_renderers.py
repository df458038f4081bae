"""Each renderer on a fully filled plan and on an empty one; the files open in real programs."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from accountplan.exports.deck import render_pptx
from accountplan.exports.document import EMPTY
from accountplan.exports.markdown import render_markdown
from accountplan.exports.outline import outline
from accountplan.exports.pdf import render_html, render_pdf
from accountplan.exports.workbook import SHEETS, render_xlsx
from tests.exports.sample import empty_document, full_document

SECTION_TITLES = [s.title for s in outline(full_document())]


def pdf_pages(content: bytes) -> list[float]:
    """Each page rendered to an image: the share of its pixels that are not white."""
    pdf = pdfium.PdfDocument(content)
    inked = []
    for page in pdf:
        image = page.render(scale=0.5).to_pil().convert("L")
        pixels = list(image.get_flattened_data())
        inked.append(sum(1 for p in pixels if p < 240) / len(pixels))
    return inked


def soffice_pdf(tmp_path: Path, name: str, content: bytes) -> bytes:
    """Convert a file with LibreOffice headless (its own profile) and return the PDF."""
    src = tmp_path / name
    src.write_bytes(content)
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(src),
        ],
        check=True,
        env=env,
        timeout=240,
        capture_output=True,
    )
    return (tmp_path / "out" / (src.stem + ".pdf")).read_bytes()


class TestPdf:
    def test_full_plan_renders_page_by_page_none_blank(self):
        inked = pdf_pages(render_pdf(full_document()))
        # The summary page, then the sections flowing (no longer a page or more each).
        assert 3 <= len(inked) <= 10
        assert all(share > 0.002 for share in inked), inked

    def test_empty_plan_renders_with_empty_states(self):
        doc = empty_document()
        inked = pdf_pages(render_pdf(doc))
        assert len(inked) > 1
        html = render_html(doc)
        assert html.count(EMPTY) >= 9
        for title in SECTION_TITLES:
            assert title in html

    def test_user_text_is_escaped(self):
        html = render_html(full_document())
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; R&amp;D" in html
        assert "Globex &amp; Sons" in html

    def test_only_web_links_are_clickable(self):
        html = render_html(full_document())
        assert 'href="https://example.com/news/cfo"' in html
        assert 'href="javascript' not in html

    def test_charts_and_org_chart_are_embedded(self):
        html = render_html(full_document())
        assert html.count("data:image/svg+xml;base64,") == 4  # org, goal build, won, pipeline
        assert html.count('class="fig-chart"') == 3


class TestPptx:
    def test_full_deck_has_a_slide_per_section_and_opens_in_libreoffice(self, tmp_path):
        content = render_pptx(full_document())
        prs = Presentation(io.BytesIO(content))
        titles = [
            shape.text_frame.text
            for slide in prs.slides
            for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text
        ]
        for title in SECTION_TITLES:
            assert title in titles
        pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == 13]
        assert len(pictures) == 1  # the org chart; the three charts are native, editable charts
        charts = [sh.chart for slide in prs.slides for sh in slide.shapes if sh.has_chart]
        assert [c.plots[0].categories[-1] for c in charts] == [
            "1. Renewal — GTX Pro",
            "1. Renewal — GTX Pro",
            "Prospects engaged",
        ]
        tables = [sh for slide in prs.slides for sh in slide.shapes if sh.has_table]
        assert any(t.table.cell(0, 0).text == "Component" for t in tables)
        # Every shape stays on the slide.
        for slide in prs.slides:
            for shape in slide.shapes:
                assert shape.left + shape.width <= prs.slide_width + 10
        assert len(pdf_pages(soffice_pdf(tmp_path, "plan.pptx", content))) == len(prs.slides)

    def test_long_tables_split_across_slides(self):
        from dataclasses import replace

        from accountplan.exports.document import Action

        doc = full_document()
        doc = replace(doc, actions=tuple(Action(f"Action {i}") for i in range(30)))
        prs = Presentation(io.BytesIO(render_pptx(doc)))
        texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
        assert "Actions (1/3)" in texts and "Actions (3/3)" in texts

    def test_empty_deck(self):
        prs = Presentation(io.BytesIO(render_pptx(empty_document())))
        # Empty sections share slides: the summary and a few slides, not one per section.
        assert len(prs.slides) <= 6
        texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
        assert all(title in texts for title in SECTION_TITLES)
        assert texts.count(f"{EMPTY}.") >= 9


class TestXlsx:
    def test_sheets_cells_and_formats(self, tmp_path):
        content = render_xlsx(full_document())
        wb = load_workbook(io.BytesIO(content))
        assert wb.sheetnames == ["Summary", *SHEETS]
        goal = wb["Goal build"]
        assert [c.value for c in goal[1]] == [
            "Component",
            "Product",
            "Buying center",
            "Amount",
            "Notes",
        ]
        assert goal["D2"].value == 400000 and goal["D2"].number_format == '"$"#,##0'
        assert goal.cell(goal.max_row, 1).value == "Total"
        assert goal.cell(goal.max_row, 4).value == 900000
        assert goal.freeze_panes == "A2"
        actions = wb["Actions"]
        assert actions["E2"].number_format == "yyyy-mm-dd"
        assert wb["Summary"]["B2"].value == "Globex & Sons"
        assert len(pdf_pages(soffice_pdf(tmp_path, "plan.xlsx", content))) >= 1

    def test_formula_looking_text_stays_text(self):
        from dataclasses import replace

        from accountplan.exports.document import Action

        doc = replace(full_document(), actions=(Action('=HYPERLINK("http://x")'),))
        wb = load_workbook(io.BytesIO(render_xlsx(doc)))
        assert wb["Actions"]["A2"].data_type == "s"

    def test_empty_workbook(self):
        wb = load_workbook(io.BytesIO(render_xlsx(empty_document())))
        assert wb["Needs"]["A2"].value == EMPTY
        assert zipfile.is_zipfile(io.BytesIO(render_xlsx(empty_document())))


class TestMarkdown:
    def test_every_heading_and_the_goal_build_table(self):
        md = render_markdown(full_document()).decode()
        for title in SECTION_TITLES:
            assert f"\n## {title}\n" in md
        assert "| Component | Product | Buying center | Amount | Notes |" in md
        assert "| **Total** |  |  | **$900,000** |  |" in md
        assert "falls short of the objective by $100,000" in md
        assert "<script>" not in md

    def test_empty(self):
        md = render_markdown(empty_document()).decode()
        assert md.count(f"*{EMPTY}.*") >= 9


@pytest.mark.parametrize("render", [render_pdf, render_pptx, render_xlsx, render_markdown])
def test_every_renderer_returns_bytes(render):
    assert len(render(empty_document())) > 100
