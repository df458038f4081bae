"""The white space map page and its exports."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
from django.test import Client

from accountplan.core.models import User
from tests.factories import AccountFactory, PurchaseLineFactory
from tests.portfolio_web.conftest import ScoredBook, signed_in

URL = "/whitespace/"


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="acct"><a [^>]*>([^<]+)</a>', html)


def test_empty_state_without_snapshot(client: Client, manager: User) -> None:
    response = signed_in(client, manager).get(URL)
    assert response.status_code == 200
    assert "No scores yet — run <code>accountplan analyze</code> or click Rescore" in (
        response.content.decode()
    )
    assert "Rescore now" in response.content.decode()
    assert client.get("/whitespace/export.csv").status_code == 404


def test_manager_sees_every_row_with_the_snapshot_date(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    html = signed_in(client, manager).get(URL).content.decode()
    assert sorted(row_names(html)) == sorted(a.name for a in scored.accounts)
    assert "Jun 30, 2024" in html
    assert html.count('<th scope="col" class="item"') == 3


def test_ae_sees_only_their_rows_and_no_rescore_button(
    client: Client, ae: User, scored: ScoredBook
) -> None:
    html = signed_in(client, ae).get(URL).content.decode()
    assert sorted(row_names(html)) == sorted(a.name for a in scored.ae_accounts)
    assert "Rescore now" not in html


def test_outsider_sees_no_rows(client: Client, outsider: User, scored: ScoredBook) -> None:
    response = signed_in(client, outsider).get(URL)
    assert response.status_code == 200
    assert row_names(response.content.decode()) == []


def test_cells_are_drawn_by_state(client: Client, manager: User, scored: ScoredBook) -> None:
    from accountplan.portfolio.models import AccountScore
    from accountplan.portfolio.selectors import cells_by_account, columns, shade

    html = signed_in(client, manager).get(URL).content.decode()
    cells = re.findall(r'<td class="cell ([^"]+)">', html)
    assert len(cells) == 8 * 3
    assert {"none", "partial"} <= {css.split()[0] for css in cells}
    # Each row draws its account's cells, in the columns' order, shaded as the cell says.
    scores = list(AccountScore.objects.filter(snapshot=scored.snapshot))
    derived = cells_by_account(manager, scored.snapshot, scores)
    cols = [c.item for c in columns(scored.snapshot)]
    rows = re.findall(r'<tr data-href="[^"]*" data-account="(\d+)">(.*?)</tr>', html, re.S)
    assert len(rows) == 8
    for account_id, row in rows:
        drawn = re.findall(r'<td class="cell ([^"]+)">', row)
        assert drawn == [shade(derived[int(account_id)][i], 0.8) for i in cols]
    # The open opportunity and the recent loss have their markers.
    assert 'class="mk open"' in html
    assert 'class="mk lost"' in html
    # No hover text is shipped with the page: it is loaded per cell.
    assert "Revenue R" not in html


def test_a_cells_hover_text_is_loaded_on_demand_and_scoped(
    client: Client, manager: User, ae: User, scored: ScoredBook
) -> None:
    from accountplan.portfolio.models import AccountScore
    from accountplan.portfolio.selectors import cell_title, cells_by_account, columns

    cell_url = "/whitespace/cell/"
    item = columns(scored.snapshot)[0].item
    mine, theirs = scored.ae_accounts[0], scored.accounts[0]
    assert theirs not in scored.ae_accounts
    score = AccountScore.objects.get(snapshot=scored.snapshot, account=mine)
    cell = cells_by_account(ae, scored.snapshot, [score])[mine.pk][item]
    signed_in(client, ae)
    r = client.get(cell_url, {"account": mine.pk, "item": item, "level": "product"})
    assert r.status_code == 200
    assert r.content.decode() == cell_title(mine.name, cell)
    assert "Revenue R" in r.content.decode()
    # An account the AE may not see, an unknown item, junk: 404, nothing told.
    assert client.get(cell_url, {"account": theirs.pk, "item": item}).status_code == 404
    assert client.get(cell_url, {"account": mine.pk, "item": "nope"}).status_code == 404
    assert client.get(cell_url, {"account": "x", "item": item}).status_code == 404
    signed_in(client, manager)
    assert client.get(cell_url, {"account": theirs.pk, "item": item}).status_code == 200


def test_cell_shade_follows_r_over_p(scored: ScoredBook, manager: User) -> None:
    from accountplan.portfolio.models import AccountScore
    from accountplan.portfolio.selectors import cells_by_account, shade

    scores = list(AccountScore.objects.filter(snapshot=scored.snapshot))
    rows = cells_by_account(manager, scored.snapshot, scores)
    checked = 0
    for row in rows.values():
        for cell in row.values():
            css = shade(cell, 0.8)
            if cell.state == "partial" and cell.potential:
                step = int(css[-1])
                ratio = cell.current_revenue / (cell.potential * Decimal("0.8"))
                assert (step - 1) / 4 <= ratio < step / 4 or (step == 4 and ratio >= 0.75)
                checked += 1
            else:
                assert css.startswith(cell.state)
    assert checked > 0


def test_default_sort_is_whitespace_desc_and_name_sort_works(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    signed_in(client, manager)
    by_ws = row_names(client.get(URL).content.decode())
    from accountplan.portfolio.models import AccountScore

    values = dict(
        AccountScore.objects.filter(snapshot=scored.snapshot).values_list(
            "account__name", "whitespace_value"
        )
    )
    assert [values[n] for n in by_ws] == sorted(values.values(), reverse=True)
    by_name = row_names(client.get(URL, {"sort": "name"}).content.decode())
    assert by_name == sorted(by_name)


def test_filters_narrow_rows(client: Client, manager: User, scored: ScoredBook) -> None:
    signed_in(client, manager)
    east = row_names(client.get(URL, {"territory": "East"}).content.decode())
    assert sorted(east) == sorted(a.name for a in scored.accounts if a.territory == "East")
    mine = row_names(client.get(URL, {"owner": manager.pk}).content.decode())
    assert len(mine) == 6
    from accountplan.portfolio.models import AccountScore

    tier1 = AccountScore.objects.filter(snapshot=scored.snapshot, tier=1)
    html = client.get(URL, {"tier": 1}).content.decode()
    assert sorted(row_names(html)) == sorted(s.account.name for s in tier1)
    core = client.get(URL, {"family": "Core"}).content.decode()
    assert core.count('<th scope="col" class="item"') == 2


def test_pagination(client: Client, manager: User, scored: ScoredBook) -> None:
    signed_in(client, manager)
    first = row_names(client.get(URL, {"per_page": 3}).content.decode())
    third = row_names(client.get(URL, {"per_page": 3, "page": 3}).content.decode())
    assert len(first) == 3 and len(third) == 2
    assert not set(first) & set(third)


def test_junk_parameters_are_ignored_with_a_notice(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    signed_in(client, manager)
    response = client.get(
        URL,
        {
            "tier": "zz",
            "sort": "drop table",
            "owner": "x",
            "level": "?",
            "page": "-1",
            "play": "<b>",
            "family": "nope",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ignored sort order" in html
    assert "&lt;b&gt;" in html and "<b>" not in html.split("<main", 1)[1].split("Ignored", 1)[0]
    assert len(row_names(html)) == 8


def test_user_text_is_escaped(client: Client, manager: User, scored: ScoredBook) -> None:
    AccountFactory(name="<script>alert(1)</script>", owner=manager)
    from accountplan.portfolio.services import analyze_now
    from tests.portfolio_web.conftest import AS_OF

    analyze_now(as_of=AS_OF)
    html = signed_in(client, manager).get(URL, {"sort": "name"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_one_query_for_the_cells_whatever_the_rows(
    client: Client, manager: User, scored: ScoredBook, django_assert_max_num_queries
) -> None:
    signed_in(client, manager)
    # session, user, levels, snapshot, families, filter options (owners, territories, segments,
    # industries), pending rescore, count, page of scores, columns, then the page's cells: their
    # peer rates, stored cells, and the look-alikes' owned items and names (for propensity); the
    # stale-run check of the pending rescore.
    with django_assert_max_num_queries(18) as small:
        client.get(URL)
    for i in range(12):
        account = AccountFactory(name=f"More {i}", owner=manager)
        PurchaseLineFactory(account=account, product=scored.products[0], amount=100 * (i + 1))
    from accountplan.portfolio.services import analyze_now
    from tests.portfolio_web.conftest import AS_OF

    analyze_now(as_of=AS_OF)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(URL).content.decode()
    assert len(row_names(html)) == 20


def test_csv_export_has_a_row_per_cell_of_the_filtered_accounts(
    client: Client, manager: User, ae: User, scored: ScoredBook
) -> None:
    response = signed_in(client, manager).get("/whitespace/export.csv", {"territory": "East"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["account_id", "account_name", "owner", "territory"]
    assert "state" in rows[0] and "potential" in rows[0] and "explanation" in rows[0]
    east = [a for a in scored.accounts if a.territory == "East"]
    assert len(rows) - 1 == len(east) * 3
    assert {r[0] for r in rows[1:]} == {a.external_id for a in east}
    client.logout()
    rows = list(
        csv.reader(
            io.StringIO(signed_in(client, ae).get("/whitespace/export.csv").content.decode())
        )
    )
    assert {r[1] for r in rows[1:]} == {a.name for a in scored.ae_accounts}


def test_xlsx_export_opens(client: Client, manager: User, scored: ScoredBook) -> None:
    response = signed_in(client, manager).get("/whitespace/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "account_id"
    assert len(rows) - 1 == 8 * 3
    assert client.get("/whitespace/export.pdf").status_code == 404


def test_anonymous_is_sent_to_login(client: Client, scored: ScoredBook) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]
