"""Plan downloads from the plan page: every format for readers, 404 for outsiders."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from tests.plans.web.test_plan_pages import client_for

pytestmark = pytest.mark.django_db


def test_the_plan_page_offers_the_four_exports(book: Any) -> None:
    body = client_for(book.vera).get(f"/plans/{book.plan.pk}/").content.decode()
    for fmt in ("pdf", "pptx", "xlsx", "md"):
        assert f"/plans/{book.plan.pk}/export/{fmt}/" in body


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("md", "text/markdown"),
    ],
)
def test_a_reader_downloads_each_format(book: Any, fmt: str, content_type: str) -> None:
    response = client_for(book.vera).get(f"/plans/{book.plan.pk}/export/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert f'.{fmt}"' in response["Content-Disposition"]
    content = response.content
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
    elif fmt == "pptx":
        assert len(Presentation(io.BytesIO(content)).slides) > 1
    elif fmt == "xlsx":
        assert "Summary" in load_workbook(io.BytesIO(content)).sheetnames
    else:
        assert book.plan.account.name in content.decode()


def test_an_outsider_cannot_download(book: Any) -> None:
    assert client_for(book.charlie).get(f"/plans/{book.plan.pk}/export/pdf/").status_code == 404


def test_an_unknown_format_is_404_with_a_message(book: Any) -> None:
    response = client_for(book.vera).get(f"/plans/{book.plan.pk}/export/docx/")
    assert response.status_code == 404
    assert b"choose pdf, pptx, xlsx or md" in response.content


def test_the_account_page_lists_its_plans(book: Any) -> None:
    body = client_for(book.vera).get(f"/accounts/{book.plan.account_id}/").content.decode()
    assert 'id="plans"' in body
    assert f'href="/plans/{book.plan.pk}/"' in body
    assert book.plan.period in body
