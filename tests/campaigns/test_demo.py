"""Done when (issue 13, campaigns): on the demo book, a campaign launched from the Penetrate
quadrant shows its frozen list, its export and results against its control group, recomputed
here independently from the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from accountplan.book.models import Opportunity
from accountplan.campaigns import exports, results
from accountplan.campaigns.demo import write_campaign_history
from accountplan.campaigns.models import Campaign, CampaignInfluence, CampaignMember, MemberGroup
from accountplan.core.models import User
from accountplan.demo.services import load_demo_book
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import ensure_snapshot

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)


def test_the_demo_penetrate_campaign_is_frozen_exported_and_measured() -> None:
    load_demo_book(42, AS_OF)
    snapshot = ensure_snapshot(AS_OF, fresh=True)
    assert snapshot is not None
    from accountplan.demo.plans import write_demo_plans

    write_demo_plans(snapshot)
    written = write_campaign_history(AS_OF)
    assert written["campaigns"] == 3 and written["deals"] > 0
    assert write_campaign_history(AS_OF) == {"campaigns": 0, "deals": 0}

    c = Campaign.objects.get(play="penetrate")
    members = CampaignMember.objects.filter(campaign=c)
    penetrate = AccountScore.objects.filter(snapshot=snapshot, play="Penetrate")
    assert members.count() == penetrate.count() == c.target_count + c.control_count
    assert c.control_count > 0 and c.target_count > c.control_count
    assert set(members.values_list("quadrant", flat=True)) == {"Penetrate"}

    admin = User(username="x", is_superuser=True, is_active=True)
    rows = list(exports.contact_rows(admin, c))
    assert rows and all(r[exports.HEADER.index("quadrant")] == "Penetrate" for r in rows)
    control = set(members.filter(group=MemberGroup.CONTROL).values_list("account_id", flat=True))
    ext = dict(members.values_list("account_id", "account__external_id"))
    assert not {ext[a] for a in control} & {r[exports.HEADER.index("account_id")] for r in rows}

    got = results.campaign_results(c)
    product = c.products.get()
    groups = {
        g: set(members.filter(group=g).values_list("account_id", flat=True))
        for g in MemberGroup.values
    }
    deals = list(
        Opportunity.objects.filter(product=product).values(
            "account_id", "created_date", "close_date", "status", "amount"
        )
    )
    for w in got["windows"]:
        for group, ids, start, end in (
            ("target", groups["target"], w["start"], w["end"]),
            ("control", groups["control"], w["start"], w["end"]),
            ("previous", groups["target"], w["previous_start"], w["previous_end"]),
        ):
            mine = [d for d in deals if d["account_id"] in ids]
            opened = [d for d in mine if d["created_date"] and start <= d["created_date"] <= end]
            won = [
                d for d in mine
                if d["status"] == "won" and d["close_date"] and start <= d["close_date"] <= end
            ]  # fmt: skip
            assert w[group]["opened"] == len(opened)
            assert w[group]["pipeline"] == sum((d["amount"] or 0 for d in opened), Decimal(0))
            assert w[group]["won"] == len(won)
            assert w[group]["revenue"] == sum((d["amount"] or 0 for d in won), Decimal(0))
        # Lifts from the totals and the group sizes, exactly (then 4 decimals).
        bases = (
            ("lift_vs_control", "control", len(groups["control"])),
            ("lift_vs_previous", "previous", len(groups["target"])),
        )
        for lift, base, n_base in bases:
            for k in ("opened", "won", "pipeline", "revenue"):
                ours, theirs = Fraction(str(w["target"][k])), Fraction(str(w[base][k]))
                expected = (
                    None if not theirs
                    else round(float(ours / len(groups["target"]) / (theirs / n_base) - 1), 4)
                )  # fmt: skip
                assert w[lift][k] == expected, (w["key"], lift, k)
    influenced = got["windows"][1]
    assert influenced["target"]["revenue"] > 0
    assert influenced["lift_vs_control"]["opened"] is None or (
        influenced["lift_vs_control"]["opened"] > 0
    )
    assert CampaignInfluence.objects.filter(campaign=c, model="even").exists()
    # The previous period has deals of its own (opened and closed before the launch), so the
    # comparison with it has figures; none of them is credited to the campaign.
    reached = got["windows"][0]
    assert reached["previous"]["opened"] > 0 and reached["lift_vs_previous"]["opened"] is not None
    before = Opportunity.objects.filter(external_id__startswith="DEMO-CMP-PRE-")
    assert not CampaignInfluence.objects.filter(opportunity__in=before).exists()
    # The history is the owner's, on the campaign's own calendar.
    launched = c.changes.get(action="launched")
    assert launched.changed_by == c.owner and launched.changed_at.date() == c.launch_date
    # An action of a targeted account's plan rides on the running Expand campaign.
    from accountplan.plans.models import PlanSection

    expand = Campaign.objects.get(play="expand")
    linked = [
        a for sec in PlanSection.objects.filter(key="actions")
        for a in (sec.data or {}).get("actions", []) if a.get("campaign_id") == expand.pk
    ]  # fmt: skip
    assert len(linked) == written["plan_actions"] == 1
