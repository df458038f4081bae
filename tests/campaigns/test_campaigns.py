"""Campaigns on a small scored book: the list drawn in SQL agrees with the white space map's
derived cells, a launch freezes it, results and credit recompute from the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from decimal import Decimal

import pytest

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Account, Opportunity
from accountplan.campaigns import exports, influence, results, services, targeting
from accountplan.campaigns.models import Campaign, CampaignInfluence, CampaignMember, MemberGroup
from accountplan.campaigns.suggestions import suggestions
from accountplan.core.errors import Conflict, Forbidden
from accountplan.core.models import User
from accountplan.portfolio import cells
from accountplan.portfolio.downloads import table_bytes
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import analyze_now
from tests.factories import ContactFactory, OpportunityFactory, PurchaseLineFactory
from tests.portfolio_web.conftest import AS_OF, ScoredBook

pytestmark = pytest.mark.django_db


def _data(scored: ScoredBook, **extra: object) -> dict[str, object]:
    sync = scored.products[1]
    return {
        "name": "Sync into Penetrate",
        "play": "penetrate",
        "product_ids": [sync.pk],
        "families": [],
        "start_date": dt.date(2024, 7, 1),
        "end_date": dt.date(2024, 9, 30),
        "budget": Decimal("12000.00"),
        "message_brief": "Sync for every store",
        **extra,
    }


def test_the_target_white_space_computed_in_sql_equals_the_maps_derived_cells(
    scored: ScoredBook, marketer: User
) -> None:
    snapshot = scored.snapshot
    criteria = targeting.Criteria(quadrant="Penetrate", product_ids=[scored.products[1].pk],
                                  families=["Services"])  # fmt: skip
    items = targeting.target_items(snapshot, criteria)
    assert items == ["P-CARE", "P-SYNC"]
    in_sql = {
        s.account_id: s.target_ws for s in targeting.eligible(marketer, snapshot, criteria, items)
    }
    scores = list(AccountScore.objects.filter(snapshot=snapshot, play="Penetrate"))
    derived = cells.derive_cells(snapshot, scores, cells.items(snapshot), with_propensity=False)
    expected = {
        a: sum(
            ((c.whitespace_value or Decimal(0)) for i, c in row.items() if i in items), Decimal(0)
        )
        for a, row in derived.items()
    }
    assert set(in_sql) == set(expected) and len(expected) == 3
    for account, value in expected.items():
        assert targeting.cents(in_sql[account]) == value.quantize(Decimal("0.01"))
    preview = targeting.preview(marketer, criteria)
    assert preview.accounts == 3
    assert preview.whitespace == sum(expected.values(), Decimal(0)).quantize(Decimal("0.01"))


def test_filters_narrow_the_list(scored: ScoredBook, marketer: User) -> None:
    base = targeting.Criteria(quadrant="Penetrate", product_ids=[scored.products[1].pk])
    all_three = targeting.preview(marketer, base)
    west = targeting.preview(marketer, targeting.Criteria(**{**base.__dict__, "territory": "West"}))
    assert (all_three.accounts, west.accounts) == (3, 3)  # Shops 00, 02, 06 are all West
    big = targeting.Criteria(**{**base.__dict__, "min_whitespace": Decimal("5000")})
    top = all_three.top[0]["whitespace"]
    assert targeting.preview(marketer, big).accounts == sum(
        1 for r in all_three.top if r["whitespace"] >= 5000
    )
    assert top >= Decimal("5000")
    tier2 = targeting.preview(marketer, targeting.Criteria(**{**base.__dict__, "tier": 2}))
    assert tier2.accounts == 1


def test_launch_freezes_the_list_and_rescoring_never_rewrites_it(
    scored: ScoredBook, marketer: User
) -> None:
    campaign = services.create_campaign(marketer, _data(scored))
    launched = services.launch(campaign, marketer, on=dt.date(2024, 7, 1))
    frozen = list(
        CampaignMember.objects.filter(campaign=launched)
        .order_by("account_id")
        .values_list("account_id", "quadrant", "tier", "whitespace", "group", "late_join")
    )
    assert len(frozen) == launched.target_count == 3
    for member in CampaignMember.objects.filter(campaign=launched):
        score = AccountScore.objects.get(snapshot=scored.snapshot, account_id=member.account_id)
        assert (member.quadrant, member.tier, member.potential_score) == (
            score.play,
            score.tier,
            score.potential_score,
        )
        assert member.current_revenue == score.current_revenue
        assert member.joined_on == dt.date(2024, 7, 1) and not member.late_join
    assert {q for _, q, *_ in frozen} == {"Penetrate"}
    with pytest.raises(Conflict):
        services.launch(launched, marketer)
    # Shop 00 starts buying Sync heavily: rescoring moves it, the frozen row stays as it was.
    PurchaseLineFactory(account=scored.accounts[0], product=scored.products[1],
                        date=dt.date(2024, 6, 1), amount=Decimal(90000))  # fmt: skip
    analyze_now(as_of=AS_OF, trigger="test")
    again = list(
        CampaignMember.objects.filter(campaign=launched)
        .order_by("account_id")
        .values_list("account_id", "quadrant", "tier", "whitespace", "group", "late_join")
    )
    assert again == frozen


def test_late_joins_are_recorded_apart(scored: ScoredBook, marketer: User) -> None:
    campaign = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    CampaignMember.objects.filter(campaign=campaign, account=scored.accounts[6]).delete()
    assert services.add_late_joins(campaign, marketer) == 1
    late = CampaignMember.objects.get(campaign=campaign, late_join=True)
    assert late.account_id == scored.accounts[6].pk and late.group == MemberGroup.TARGET
    assert services.add_late_joins(campaign, marketer) == 0


def test_the_control_group_is_seeded_and_recorded(scored: ScoredBook, marketer: User) -> None:
    def held_out(seed: int) -> set[int]:
        c = services.create_campaign(marketer, _data(scored, control_share=Decimal("0.5"),
                                                     seed=seed))  # fmt: skip
        services.launch(c, marketer)
        return set(c.members.filter(group=MemberGroup.CONTROL).values_list("account_id", flat=True))

    first, again = held_out(7), held_out(7)
    assert first == again
    # docs/campaigns.md's rule, in Python: ((id × 2654435761 + seed × 40503) mod 1000003)²
    # mod 1000003 < share × 1000003.
    ids = [a.pk for a in scored.accounts if a.pk in set(
        CampaignMember.objects.values_list("account_id", flat=True))]  # fmt: skip
    documented = {
        i for i in ids
        if ((i * 2654435761 + 7 * 40503) % 1000003) ** 2 % 1000003 < Decimal("0.5") * 1000003
    }  # fmt: skip
    assert first == documented
    draws = [held_out(s) for s in range(1, 12)]
    assert any(d != first for d in draws)  # the seed matters
    assert any(d for d in draws) and any(len(d) < 3 for d in draws)


def test_only_marketing_managers_and_admins_run_campaigns(
    scored: ScoredBook, ae: User, marketer: User
) -> None:
    with pytest.raises(Forbidden):
        services.create_campaign(ae, _data(scored))
    other = User.objects.create_user("mo", role="marketing")
    campaign = services.create_campaign(marketer, _data(scored))
    with pytest.raises(Forbidden):
        services.launch(campaign, other)


def _deal(account: Account, product: object, created: dt.date, amount: int, status: str,
          closed: dt.date | None = None) -> Opportunity:  # fmt: skip
    return OpportunityFactory(
        account=account, product=product, created_date=created, amount=Decimal(amount),
        status=status, stage=status.title(), close_date=closed or created,
    )  # fmt: skip


def test_results_recompute_independently_from_the_rows(scored: ScoredBook, marketer: User) -> None:
    campaign = services.launch(
        services.create_campaign(marketer, _data(scored, control_share=Decimal("0.4"), seed=3)),
        marketer,
        on=dt.date(2024, 7, 1),
    )
    sync, care = scored.products[1], scored.products[2]
    accounts = scored.accounts
    _deal(accounts[0], sync, dt.date(2024, 7, 15), 5000, OpportunityStatus.WON, dt.date(2024, 8, 1))
    _deal(accounts[2], sync, dt.date(2024, 8, 1), 7000, OpportunityStatus.OPEN)
    _deal(
        accounts[6], sync, dt.date(2024, 10, 20), 3000, OpportunityStatus.WON, dt.date(2024, 11, 2)
    )
    _deal(accounts[6], care, dt.date(2024, 7, 20), 9999, OpportunityStatus.WON)  # not a target
    _deal(accounts[2], sync, dt.date(2024, 4, 10), 2500, OpportunityStatus.WON, dt.date(2024, 5, 1))
    _deal(accounts[3], sync, dt.date(2024, 7, 10), 4000, OpportunityStatus.WON)  # not a member
    got = results.campaign_results(campaign)

    groups = {
        g: set(campaign.members.filter(group=g, late_join=False).values_list("account_id",
                                                                              flat=True))
        for g in MemberGroup.values
    }  # fmt: skip
    deals = list(Opportunity.objects.filter(product=sync).values(
        "account_id", "created_date", "close_date", "status", "amount"))  # fmt: skip

    def expect(ids: set[int], start: dt.date, end: dt.date) -> dict[str, object]:
        mine = [d for d in deals if d["account_id"] in ids]
        opened = [d for d in mine if start <= d["created_date"] <= end]
        won = [d for d in mine if d["status"] == "won" and start <= d["close_date"] <= end]
        return {
            "opened": len(opened),
            "pipeline": sum((d["amount"] for d in opened), Decimal(0)),
            "won": len(won),
            "revenue": sum((d["amount"] for d in won), Decimal(0)),
        }

    for w in got["windows"]:
        for group, ids, start, end in (
            ("target", groups["target"], w["start"], w["end"]),
            ("control", groups["control"], w["start"], w["end"]),
            ("previous", groups["target"], w["previous_start"], w["previous_end"]),
        ):
            e = expect(ids, start, end)
            assert {k: w[group][k] for k in e} == e, (w["key"], group)
    reached, influenced = got["windows"]
    assert reached["end"] == dt.date(2024, 9, 30)
    assert influenced["end"] == dt.date(2024, 12, 29)
    assert reached["previous_end"] == dt.date(2024, 6, 30)
    total = sum(w["target"]["revenue"] + w["control"]["revenue"] for w in [influenced])
    assert total == Decimal(8000)  # both won Sync deals after launch, whoever holds them


def test_credit_is_split_across_the_campaigns_touching_a_deal(
    scored: ScoredBook, marketer: User
) -> None:
    first = services.launch(services.create_campaign(marketer, _data(scored)), marketer,
                            on=dt.date(2024, 7, 1))  # fmt: skip
    second = services.launch(
        services.create_campaign(marketer, _data(scored, name="Second wave")), marketer,
        on=dt.date(2024, 8, 1),
    )  # fmt: skip
    deal = _deal(scored.accounts[2], scored.products[1], dt.date(2024, 8, 10), 9000,
                 OpportunityStatus.WON, dt.date(2024, 9, 1))  # fmt: skip
    buyer = ContactFactory(account=scored.accounts[2], last_name="Ives")
    deal.contact_roles.create(contact=buyer, role="Decision Maker", is_primary=True)
    early = _deal(scored.accounts[0], scored.products[1], dt.date(2024, 7, 10), 1000,
                  OpportunityStatus.OPEN)  # fmt: skip
    influence.recompute(first)
    rows = {
        (r.model, r.campaign_id, r.opportunity_id): (r.influence, r.revenue_share, r.contact_id)
        for r in CampaignInfluence.objects.all()
    }
    assert rows[("first_touch", first.pk, deal.pk)] == (Decimal(100), Decimal(9000), buyer.pk)
    assert rows[("last_touch", second.pk, deal.pk)][:2] == (Decimal(100), Decimal(9000))
    assert rows[("even", first.pk, deal.pk)][:2] == (Decimal(50), Decimal(4500))
    assert rows[("even", second.pk, deal.pk)][:2] == (Decimal(50), Decimal(4500))
    assert rows[("even", first.pk, early.pk)][:2] == (Decimal(100), Decimal(1000))
    assert ("even", second.pk, early.pk) not in rows  # created before the second launch
    credit = influence.credited(first, "even")
    assert credit["revenue"] == Decimal(4500) and credit["pipeline"] == Decimal(5500)
    exported = list(influence.influence_rows(CampaignInfluence.objects.filter(model="even")))
    written = csv.DictReader(io.StringIO(table_bytes(influence.HEADER, exported, "csv").decode()))
    assert sorted((r["Influence"], r["RevenueShare"]) for r in written) == [
        ("100", "1000.00"), ("50", "4500.00"), ("50", "4500.00"),
    ]  # fmt: skip
    assert exported[0][:1] and influence.HEADER[:6] == [
        "CampaignId",
        "OpportunityId",
        "ContactId",
        "Influence",
        "RevenueShare",
        "ModelId",
    ]


def test_the_export_lists_buying_contacts_of_targeted_accounts(
    scored: ScoredBook, marketer: User, ae: User
) -> None:
    campaign = services.launch(services.create_campaign(marketer, _data(scored)), marketer)
    deal = _deal(scored.accounts[2], scored.products[1], dt.date(2024, 1, 1), 10, "open")
    person = ContactFactory(account=scored.accounts[2], first_name="=HYPERLINK(1)",
                            last_name="Zed", title="CFO", email="z@example.com")  # fmt: skip
    deal.contact_roles.create(contact=person, role="Economic Buyer")
    rows = list(exports.contact_rows(marketer, campaign))
    assert len(rows) == 1
    row = dict(zip(exports.HEADER, rows[0], strict=True))
    assert row["buying_role"] == "Economic Buyer" and row["quadrant"] == "Penetrate"
    assert row["products"] == "Sync" and isinstance(row["whitespace_in_products"], int)
    assert list(exports.contact_rows(ae, campaign)) == []  # Shop 02 is not the AE's
    from accountplan.portfolio.downloads import table_bytes

    assert b"'=HYPERLINK(1) Zed" in table_bytes(exports.HEADER, rows, "csv")


def test_suggestions_rank_products_by_the_quadrants_white_space(scored: ScoredBook) -> None:
    found = suggestions()
    penetrate = [s for s in found if s.quadrant == "Penetrate"]
    assert penetrate and penetrate == sorted(penetrate, key=lambda s: -s.whitespace)
    snapshot = scored.snapshot
    scores = list(AccountScore.objects.filter(snapshot=snapshot, play="Penetrate"))
    derived = cells.derive_cells(snapshot, scores, cells.items(snapshot), with_propensity=False)
    for s in penetrate:
        expected = sum((row[s.item].whitespace_value or Decimal(0) for row in derived.values()),
                       Decimal(0))  # fmt: skip
        assert s.whitespace == expected.quantize(Decimal("0.01"))
    assert Campaign.objects.count() == 0


def _seed_splitting(ids: list[int], share: Decimal) -> int:
    """The first seed whose documented hash, ((id × A + seed × B) mod M)² mod M below share × M,
    holds out some of ``ids`` and not all of them."""
    cut = math.ceil(share * services.HASH_M)
    for seed in range(1, 1000):
        held = [
            ((i * services.HASH_A + seed * services.HASH_B) % services.HASH_M) ** 2
            % services.HASH_M
            < cut
            for i in ids
        ]
        if any(held) and not all(held):
            return seed
    raise AssertionError("no seed splits the accounts")


def test_an_account_executive_gets_the_results_of_their_own_accounts_only(
    scored: ScoredBook, marketer: User, ae: User
) -> None:
    from accountplan.book.models import Account
    from accountplan.campaigns import influence

    # The Penetrate accounts (Shops 00, 02, 06) are held out by a hash of their ids, which vary
    # with the tests run before: pick a seed that puts some in each group.
    seed = _seed_splitting([scored.accounts[i].pk for i in (0, 2, 6)], Decimal("0.4"))
    campaign = services.launch(
        services.create_campaign(marketer, _data(scored, control_share=Decimal("0.4"), seed=seed)),
        marketer,
        on=dt.date(2024, 7, 1),
    )
    assert campaign.target_count and campaign.control_count
    sync = scored.products[1]
    for account in scored.accounts[:8]:
        _deal(account, sync, dt.date(2024, 7, 20), 1000, OpportunityStatus.WON, dt.date(2024, 8, 1))
    influence.recompute(campaign)
    mine = set(Account.objects.for_user(ae).values_list("pk", flat=True))
    whole = results.campaign_results(campaign, marketer)
    scoped = results.campaign_results(campaign, ae)
    assert scoped["scoped"] and not whole["scoped"]
    for w_all, w_ae in zip(whole["windows"], scoped["windows"], strict=True):
        for group in ("target", "control"):
            ids = set(
                campaign.members.filter(group=group, late_join=False).values_list(
                    "account_id", flat=True
                )
            )
            assert w_all[group]["accounts"] == len(ids)
            assert w_ae[group]["accounts"] == len(ids & mine)
            won = Opportunity.objects.filter(
                product=sync, status="won", account_id__in=ids & mine,
                close_date__gte=w_ae["start"], close_date__lte=w_ae["end"],
            ).count()  # fmt: skip
            assert w_ae[group]["won"] == won
    assert sum(w["target"]["accounts"] for w in scoped["windows"]) < sum(
        w["target"]["accounts"] for w in whole["windows"]
    )
    credit_all = influence.credited(campaign, "even", marketer)
    credit_ae = influence.credited(campaign, "even", ae)
    assert (
        credit_ae["opportunities"]
        == campaign.influences.filter(model="even", opportunity__account_id__in=mine).count()
    )
    assert credit_ae["opportunities"] <= credit_all["opportunities"]
