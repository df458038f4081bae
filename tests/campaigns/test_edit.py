"""Editing and deleting campaigns: the service (history, what a launched campaign may still
change, who may), the pages (edit with preview, delete with confirmation), the API and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accountplan.campaigns import history, services
from accountplan.campaigns.models import Campaign, CampaignChange
from accountplan.core.errors import Conflict, DomainError, Forbidden
from accountplan.core.models import User
from tests.portfolio_web.conftest import ScoredBook, signed_in

pytestmark = pytest.mark.django_db


def _data(scored: ScoredBook, **extra: object) -> dict[str, object]:
    return {
        "name": "Sync push", "play": "penetrate", "product_ids": [scored.products[1].pk],
        "families": [], "start_date": dt.date(2024, 7, 1), "end_date": dt.date(2024, 9, 30),
        "budget": Decimal("1000.00"), "message_brief": "Sync for every store", **extra,
    }  # fmt: skip


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("campaign", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_editing_a_draft_changes_every_field_and_records_who_what_when(
    scored: ScoredBook, marketer: User, manager: User
) -> None:
    c = services.create_campaign(marketer, _data(scored))
    suite, care = scored.products[0], scored.products[2]
    services.update_campaign(c, manager, {
        "name": "Suite and Care", "play": "expand", "product_ids": [suite.pk, care.pk],
        "families": ["Core"], "start_date": dt.date(2024, 8, 1), "end_date": dt.date(2024, 12, 31),
        "owner": manager, "budget": Decimal("2500.50"), "message_brief": "New brief",
        "territory": "West", "industry": "Retail", "tier": 1, "min_whitespace": Decimal(10),
        "propensity": True, "control_share": Decimal("0.2"), "seed": 9, "influence_days": 30,
    })  # fmt: skip
    c.refresh_from_db()
    assert (c.name, c.play, c.owner, c.budget, c.tier, c.seed) == (
        "Suite and Care",
        "expand",
        manager,
        Decimal("2500.50"),
        1,
        9,
    )
    assert sorted(c.products.values_list("name", flat=True)) == ["Care", "Suite"]
    edited, created = list(history.of(c))
    assert (created.action, created.changed_by) == ("created", marketer)
    assert (edited.action, edited.changed_by) == ("edited", manager)
    by_field = {ch["field"]: (ch["old"], ch["new"]) for ch in edited.changes}
    assert len(by_field) == len(history.LABELS)  # every field changed, every one recorded
    assert by_field["Budget"] == ("$1,000.00", "$2,500.50")
    assert by_field["Target products"] == ("Sync", "Care, Suite")
    assert by_field["Play"] == ("Penetrate", "Expand")
    assert by_field["Tier"] == ("Any", "Tier 1")
    assert by_field["Owner"] == (str(marketer), str(manager))
    # Saving the same values again records nothing.
    services.update_campaign(c, manager, {"name": "Suite and Care"})
    assert c.changes.count() == 2


def test_a_launched_campaign_keeps_its_list_dates_and_control_but_renames(
    scored: ScoredBook, marketer: User
) -> None:
    c = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    with pytest.raises(Conflict, match=r"frozen.*asked: End"):
        services.update_campaign(c, marketer, {"end_date": dt.date(2025, 1, 31)})
    with pytest.raises(Conflict, match="Target products"):
        services.update_campaign(c, marketer, {"product_ids": [scored.products[0].pk]})
    services.update_campaign(c, marketer, {"name": "Renamed", "budget": Decimal(5)})
    c.refresh_from_db()
    assert (c.name, c.budget, c.end_date) == ("Renamed", Decimal(5), dt.date(2024, 9, 30))
    assert [h.action for h in history.of(c)] == ["edited", "launched", "created"]


def test_only_drafts_are_deleted_and_the_history_stays(scored: ScoredBook, marketer: User) -> None:
    draft = services.create_campaign(marketer, _data(scored))
    launched = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    with pytest.raises(Conflict, match="cannot be deleted"):
        services.delete_campaign(launched, marketer)
    pk = draft.pk
    services.delete_campaign(draft, marketer)
    assert not Campaign.objects.filter(pk=pk).exists()
    rows = CampaignChange.objects.filter(campaign__isnull=True, campaign_name="Sync push")
    assert sorted(rows.values_list("action", flat=True)) == ["created", "deleted"]
    gone = rows.get(action="deleted")
    assert gone.changed_by == marketer and {"field": "Target products", "old": "Sync",
                                            "new": "—"} in gone.changes  # fmt: skip


def test_the_owner_and_managers_edit_others_do_not(
    scored: ScoredBook, marketer: User, manager: User, ae: User
) -> None:
    c = services.create_campaign(marketer, _data(scored))
    other = User.objects.create_user("mo", role="marketing")
    for who in (ae, other):
        with pytest.raises(Forbidden):
            services.update_campaign(c, who, {"name": "x"})
        with pytest.raises(Forbidden):
            services.delete_campaign(c, who)
    with pytest.raises(DomainError, match="cannot own a campaign"):
        services.update_campaign(c, manager, {"owner": ae})
    with pytest.raises(DomainError, match="end date comes before"):
        services.update_campaign(c, manager, {"end_date": dt.date(2024, 1, 1)})
    services.update_campaign(c, manager, {"owner": other})
    services.update_campaign(c, other, {"name": "Now Mo's"})  # the new owner may edit
    with pytest.raises(Forbidden):
        services.update_campaign(c, marketer, {"name": "not any more"})


def test_the_edit_page_previews_saves_and_the_delete_page_confirms(
    client: Client, scored: ScoredBook, marketer: User
) -> None:
    c = services.create_campaign(marketer, _data(scored, name="Sync <b>push</b>"))
    signed_in(client, marketer)
    page = client.get(f"/campaigns/{c.pk}/").content.decode()
    assert f'href="/campaigns/{c.pk}/edit/"' in page and f"/campaigns/{c.pk}/delete/" in page
    form = client.get(f"/campaigns/{c.pk}/edit/").content.decode()
    assert "data-guard" in form and 'value="Sync &lt;b&gt;push&lt;/b&gt;"' in form
    post = {
        "name": "Care push", "play": "penetrate", "products": [scored.products[2].pk],
        "start_date": "2024-07-01", "end_date": "2024-10-31", "owner": marketer.pk,
        "budget": "300", "message_brief": "", "control_share": "0.1", "seed": "1",
        "influence_days": "90",
    }  # fmt: skip
    previewed = client.post(f"/campaigns/{c.pk}/edit/", post | {"action": "preview"})
    assert previewed.status_code == 200 and 'data-testid="preview"' in previewed.content.decode()
    c.refresh_from_db()
    assert c.name == "Sync <b>push</b>"  # a preview saves nothing
    saved = client.post(f"/campaigns/{c.pk}/edit/", post | {"action": "save"})
    assert saved.status_code == 302
    page = client.get(f"/campaigns/{c.pk}/").content.decode()
    assert "End: Sep 30, 2024 → Oct 31, 2024" in page and "Target products: Sync → Care" in page
    confirm = client.get(f"/campaigns/{c.pk}/delete/").content.decode()
    assert "Delete the draft “Care push”?" in confirm and "$300" in confirm
    assert Campaign.objects.filter(pk=c.pk).exists()  # the GET only asks
    assert client.post(f"/campaigns/{c.pk}/delete/").status_code == 302
    assert not Campaign.objects.filter(pk=c.pk).exists()


def test_a_launched_campaign_says_why_it_cannot_be_deleted(
    client: Client, scored: ScoredBook, marketer: User
) -> None:
    c = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    signed_in(client, marketer)
    page = client.get(f"/campaigns/{c.pk}/").content.decode()
    assert "Launched campaigns cannot be deleted" in page and "/delete/" not in page
    assert "frozen list, its results" in client.get(f"/campaigns/{c.pk}/delete/").content.decode()
    client.post(f"/campaigns/{c.pk}/delete/")
    assert Campaign.objects.filter(pk=c.pk).exists()
    form = client.get(f"/campaigns/{c.pk}/edit/").content.decode()
    assert 'name="name"' in form and 'name="end_date"' not in form  # only what may change


def test_the_api_edits_deletes_and_lists_the_history(
    client: Client, scored: ScoredBook, marketer: User, ae: User
) -> None:
    c = services.create_campaign(marketer, _data(scored))
    signed_in(client, ae)
    assert client.patch(f"/api/campaigns/{c.pk}", {"name": "x"},
                        content_type="application/json").status_code == 403  # fmt: skip
    signed_in(client, marketer)
    r = client.patch(f"/api/campaigns/{c.pk}", {"budget": "99.5", "tier": 2},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and (r.json()["budget"], r.json()["name"]) == ("99.50", "Sync push")
    r = client.patch(f"/api/campaigns/{c.pk}", {"tier": None}, content_type="application/json")
    assert r.status_code == 200 and Campaign.objects.get(pk=c.pk).tier is None
    hist = client.get(f"/api/campaigns/{c.pk}/history").json()
    assert [h["action"] for h in hist] == ["edited", "edited", "created"]
    assert {"field": "Tier", "old": "Tier 2", "new": "Any"} in hist[0]["changes"]
    launched = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    r = client.delete(f"/api/campaigns/{launched.pk}")
    assert r.status_code == 409 and "cannot be deleted" in r.json()["detail"]
    r = client.patch(f"/api/campaigns/{launched.pk}", {"seed": 3}, content_type="application/json")
    assert r.status_code == 409
    assert client.delete(f"/api/campaigns/{c.pk}").status_code == 204
    assert client.get(f"/api/campaigns/{c.pk}").status_code == 404


def test_the_cli_edits_deletes_and_prints_the_history(
    scored: ScoredBook, marketer: User, manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = services.create_campaign(marketer, _data(scored))
    pk = str(c.pk)
    out = json.loads(_cli("--user", "mia", "edit", pk, "--product", "P-CARE", "--tier", "2",
                          "--owner", manager.username, "--json"))  # fmt: skip
    assert out["product_ids"] == [scored.products[2].pk] and out["owner"] == str(manager)
    assert "Tier: Tier 2 → Any" in _cli("--user", "alice", "edit", pk, "--tier", "0")
    with pytest.raises(CommandError, match="Only marketing"):
        _cli("--user", "mia", "edit", pk, "--name", "no longer hers")
    hist = json.loads(_cli("history", pk, "--json"))
    assert [h["action"] for h in hist] == ["edited", "edited", "created"]
    assert "Owner: " in _cli("history", pk)
    launched = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    with pytest.raises(CommandError, match="cannot be deleted"):
        _cli("delete", str(launched.pk), "--noinput")
    answers = iter(["no"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="Not deleted"):
        _cli("delete", pk)
    assert Campaign.objects.filter(pk=c.pk).exists()
    monkeypatch.setattr("builtins.input", lambda prompt: (_ for _ in ()).throw(EOFError))
    with pytest.raises(CommandError, match="no terminal"):
        _cli("delete", pk)
    assert json.loads(_cli("delete", pk, "--noinput", "--json"))["deleted"] is True
    assert not Campaign.objects.filter(pk=c.pk).exists()


def test_the_api_pages_the_list_and_the_cli_lists(
    client: Client, scored: ScoredBook, marketer: User
) -> None:
    for n in range(3):
        services.create_campaign(marketer, _data(scored, name=f"C{n}",
                                                 start_date=dt.date(2024, 7, 1 + n)))  # fmt: skip
    signed_in(client, marketer)
    names = [c["name"] for c in client.get("/api/campaigns?limit=2&offset=1").json()]
    assert names == ["C1", "C0"]  # newest start first
    assert client.get("/api/campaigns?limit=0").status_code == 422
    assert [c["name"] for c in json.loads(_cli("list", "--json"))] == ["C2", "C1", "C0"]
    assert "draft     penetrate  2024-07-03 – 2024-09-30  C2" in _cli("list")
