"""The Portfolio card of the account page."""

from __future__ import annotations

from django.test import Client

from accountplan.core.models import User
from accountplan.portfolio.models import AccountScore
from tests.portfolio_web.conftest import ScoredBook, signed_in


def test_card_shows_the_score_parts_and_the_row(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    account = scored.accounts[3]
    score = AccountScore.objects.get(snapshot=scored.snapshot, account=account)
    html = signed_in(client, manager).get(f"/accounts/{account.pk}/").content.decode()
    assert 'id="portfolio"' in html
    assert f"{score.potential_score:.1f}" in html
    assert html.count('data-state="') == 3
    for part in score.score_parts:
        if part["used"]:
            assert part["label"] in html
    if score.play:
        assert score.play in html
    assert score.cadence in html


def test_card_without_snapshot_and_scoping(
    client: Client, ae: User, manager: User, scored: ScoredBook
) -> None:
    signed_in(client, ae)
    assert client.get(f"/accounts/{scored.accounts[0].pk}/").status_code == 404
    html = client.get(f"/accounts/{scored.ae_accounts[0].pk}/").content.decode()
    assert "Potential score" in html
    scored.snapshot.delete()
    html = client.get(f"/accounts/{scored.ae_accounts[0].pk}/").content.decode()
    assert "No scores yet" in html
