"""The white space map and the account page's white space row mark cells lost to a competitor
(issue 11 point 5): a marker with an accessible label, a legend entry, a column in the export;
derived with one grouped query for the page's accounts, whatever the number of losses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Account, Product
from accountplan.core import fmt
from accountplan.core.models import User
from accountplan.portfolio.competitor_losses import lost_to_competitor
from tests.factories import OpportunityFactory
from tests.portfolio_web.conftest import ScoredBook, signed_in

URL = "/whitespace/"


def _lose(account: Account, product: Product | None, competitor: str, day: dt.date) -> None:
    OpportunityFactory(
        account=account, product=product, status=OpportunityStatus.LOST, stage="Closed Lost",
        competitor=competitor, close_date=day, amount=Decimal(1000),
    )  # fmt: skip


def _cells(html: str, account: Account) -> list[str]:
    row = re.search(rf'<tr data-href="[^"]*" data-account="{account.pk}">(.*?)</tr>', html, re.S)
    assert row is not None
    return re.findall(r'<td class="cell [^"]+">(.*?)</td>', row.group(1), re.S)


def _column(html: str, item: str) -> int:
    items = re.findall(r'<th scope="col" class="item" data-item="([^"]+)"', html)
    return items.index(item)


def test_map_marks_cells_lost_to_a_competitor(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    suite, sync, care = scored.products
    a3, a5 = scored.accounts[3], scored.accounts[5]
    _lose(a3, suite, "Globex", dt.date(2024, 4, 1))
    _lose(a3, suite, "Globex", dt.date(2023, 4, 1))  # an older loss to the same competitor
    _lose(a5, care, "<b>Evil</b> & Co", dt.date(2024, 2, 10))
    _lose(a5, sync, "", dt.date(2024, 2, 10))  # no competitor named: no mark
    _lose(a5, None, "Globex", dt.date(2024, 2, 10))  # no product: no cell to mark
    html = signed_in(client, manager).get(URL).content.decode()

    label = f"Lost to Globex on {fmt.date(dt.date(2024, 4, 1))}"
    cells = _cells(html, a3)
    marked = cells[_column(html, "P-SUITE")]
    assert f'<i class="mk comp" role="img" aria-label="{label}" data-label="{label}"></i>' in marked
    assert html.count('class="mk comp"') == 2 + 1  # two cells, and the legend's swatch
    evil = _cells(html, a5)[_column(html, "P-CARE")]
    assert "Lost to &lt;b&gt;Evil&lt;/b&gt; &amp; Co on" in evil and "<b>Evil" not in html
    assert "mk comp" not in _cells(html, a5)[_column(html, "P-SYNC")]
    assert 'data-testid="legend-comp"' in html and "lost to a competitor" in html


def test_export_has_the_competitor_column(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    suite = scored.products[0]
    a3 = scored.accounts[3]
    _lose(a3, suite, "Globex", dt.date(2024, 4, 1))
    _lose(a3, suite, "=HYPERLINK(1)", dt.date(2024, 5, 1))  # the latest: starts the cell
    body = signed_in(client, manager).get("/whitespace/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    by_cell = {(r["account_id"], r["item"]): r["lost_to_competitor"] for r in rows}
    key = str(a3.external_id or a3.pk)
    assert by_cell[(key, "P-SUITE")] == "'=HYPERLINK(1) (2024-05-01); Globex (2024-04-01)"
    assert by_cell[(key, "P-CARE")] == ""


def test_account_rows_mark_and_title(client: Client, manager: User, scored: ScoredBook) -> None:
    suite = scored.products[0]
    a3 = scored.accounts[3]
    _lose(a3, suite, "Globex", dt.date(2024, 4, 1))
    html = signed_in(client, manager).get(f"/accounts/{a3.pk}/").content.decode()
    row = html[html.index('data-testid="ws-row"') :]
    row = row[: row.index("</div>")]
    label = f"Lost to Globex on {fmt.date(dt.date(2024, 4, 1))}"
    assert row.count('class="mk comp"') == 1
    assert f'aria-label="{label}"' in row
    assert f'\n{label}"' in row  # appended to the cell's hover text (title)


def test_family_columns_and_scope_of_the_query(scored: ScoredBook) -> None:
    suite, sync, care = scored.products
    a3, a4 = scored.accounts[3], scored.accounts[4]
    _lose(a3, sync, "Globex", dt.date(2024, 4, 1))
    _lose(a3, care, "Initech", dt.date(2024, 5, 1))
    _lose(a4, suite, "Globex", dt.date(2024, 1, 1))
    found = lost_to_competitor([a3.pk], ["Core", "Services"], "family")
    assert set(found) == {a3.pk}  # a4 is not on the page: not read
    assert [x.competitor for x in found[a3.pk]["Core"]] == ["Globex"]
    assert [x.competitor for x in found[a3.pk]["Services"]] == ["Initech"]
    assert lost_to_competitor([a3.pk], ["P-SUITE"], "product") == {}


def test_one_grouped_query_whatever_the_number_of_losses(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    suite, sync, care = scored.products
    signed_in(client, manager)
    _lose(scored.accounts[0], suite, "Globex", dt.date(2024, 4, 1))
    client.get(URL)  # warm the page's caches (columns, cells)
    with CaptureQueriesContext(connection) as one:
        html = client.get(URL).content.decode()
    assert html.count('class="mk comp"') == 1 + 1
    for i, account in enumerate(scored.accounts[1:], start=1):
        for product in (suite, sync, care):
            _lose(account, product, f"Rival {i}", dt.date(2024, 3, i))
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert html.count('class="mk comp"') == 1 + 1 + 7 * 3
    assert len(many.captured_queries) == len(one.captured_queries)
    losses = [q["sql"] for q in many.captured_queries if "competitor" in q["sql"]]
    assert len(losses) == 1
    assert "GROUP BY" in losses[0] and " IN (" in losses[0]
