"""A fully filled PlanDocument and an empty one, built by hand (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from accountplan.exports.document import (
    AccountOverview,
    Action,
    Adjustment,
    AttainmentRow,
    Commitment,
    CompanyOverview,
    Competitor,
    CustomerGoals,
    Dashboard,
    Dependency,
    GoalBuild,
    GoalComponent,
    Header,
    LossReason,
    Milestone,
    Need,
    NewsItem,
    OrgNode,
    PlanDocument,
    ProductHistory,
    Profile,
    Prospecting,
    Relationships,
    SectionState,
    Separation,
    Stakeholder,
    TeamMember,
    TeamSupport,
    WonContact,
)

NASTY = "<script>alert('x')</script> R&D"
GENERATED = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


def full_document() -> PlanDocument:
    """Every section filled, with user text that must be escaped (NASTY)."""
    header = Header(
        account_id=7,
        account_name="Globex & Sons",
        period="FY2027",
        owner="Ana Silva",
        status="Active",
        industry="Manufacturing",
        territory="EMEA",
        cloned_from="FY2026",
        team=(
            TeamMember("Ana Silva", "Sales", "Account executive"),
            TeamMember("Bo Chen", "Service", "Customer success"),
            TeamMember("Cy Park", "Executive sponsor", ""),
        ),
        completeness_pct=82,
        sections=(
            SectionState("company_overview", "Company overview", "complete"),
            SectionState("needs", "Needs mapping", "partial"),
            SectionState("dashboard", "Performance dashboard", "stale"),
            SectionState("team_support", "Team support", "empty"),
        ),
    )
    overview = AccountOverview(
        current_revenue=D("10000000"),
        white_space_value=D("2350000"),
        play="Expand",
        tier=1,
        score=87.5,
        history=(
            ProductHistory("GTX Pro", "Renewal", 3, D("2400000"), 1, D("800000"), 0, D(0)),
            ProductHistory("MG Advanced", "Cross-sell", 1, D("450000"), 0, D(0), 2, D("900000")),
            ProductHistory("GTX Plus Basic", "Upsell", 0, D(0), 1, D("120000"), 1, D("95000")),
        ),
        won_contacts=(
            WonContact("Dana Ruiz", "CIO", "Decision maker", "GTX renewal 2026", "GTX Pro"),
            WonContact("Eli Novak", "IT manager", "Champion", "MG pilot", "MG Advanced"),
        ),
        loss_reasons=(
            LossReason("Price", 2, D("900000")),
            LossReason("Lost to Initech", 1, D("95000")),
        ),
    )
    company = CompanyOverview(
        description="Globex makes industrial pumps for water utilities in 40 countries.",
        history="Founded 1968 in Rotterdam; listed 1999.\nAcquired Hydra Valves in 2024.",
        mission="Clean water, moved efficiently.",
        news=(
            NewsItem(
                "New C-level hire",
                dt.date(2027, 1, 15),
                "New CFO from Siemens",
                "https://example.com/news/cfo",
                NASTY,
            ),
            NewsItem(
                "Acquisition", dt.date(2026, 11, 2), "Buys Hydra Valves", "javascript:alert(1)"
            ),
        ),
    )
    profile = Profile(
        financial_health="Revenue up 6 %, margins under pressure from steel prices.",
        financial_rating="Stable",
        competitors=(
            Competitor("Initech", "Field-service software", "Behind", "Cheaper, weaker support"),
            Competitor("Umbrella", "Analytics", "Even"),
        ),
        strengths=("Trusted by IT", "Installed base in 3 plants"),
        weaknesses=("No relationship with procurement",),
        opportunities=("Hydra integration", "Predictive maintenance", "EU water directive"),
        threats=("Initech discounting",),
    )
    goals = CustomerGoals(
        north_star_metric="Pump uptime above 99.5 %",
        priorities=("Integrate Hydra Valves", "Cut unplanned downtime by 30 %"),
        efforts_made="Pilot of sensor retrofits in two plants.",
        biggest_challenge="Legacy SCADA systems.",
        success_measures="Uptime, mean time to repair.",
        how_they_achieve="Standardise on one maintenance platform.",
    )
    needs = (
        Need(2, "Predictive maintenance", ("Eli Novak",), ("MG Advanced",), "Pilot went well"),
        Need(1, "Single maintenance platform", ("Dana Ruiz", "Eli Novak"), ("GTX Pro",)),
        Need(3, "Procurement visibility", ("Farah Diallo",), ()),
    )
    relationships = Relationships(
        stakeholders=(
            Stakeholder(
                1,
                "Dana Ruiz",
                "CIO",
                "IT",
                "Decision maker",
                "High",
                "Supporter",
                "Mobilizer",
                4,
                "Ana Silva",
                dt.date(2027, 2, 10),
            ),
            Stakeholder(
                2,
                "Eli Novak",
                "IT manager",
                "IT",
                "Champion",
                "Medium",
                "Supporter",
                "Mobilizer",
                5,
                "Bo Chen",
                dt.date(2027, 2, 20),
            ),
            Stakeholder(
                3,
                "Farah Diallo",
                "Head of procurement",
                "Procurement",
                "Economic buyer",
                "High",
                "Neutral",
                "Talker",
                2,
                "",
                dt.date(2026, 9, 1),
            ),
            Stakeholder(
                4,
                "Gus Weber",
                "Plant manager",
                "Operations",
                "Blocker",
                "Medium",
                "Detractor",
                "Unknown",
                1,
                "Cy Park",
                None,
                NASTY,
            ),
        ),
        org=(
            OrgNode(10, "Hana Ito", "CEO", None, "", ""),
            OrgNode(1, "Dana Ruiz", "CIO", 10, "Decision maker", "Supporter"),
            OrgNode(3, "Farah Diallo", "Head of procurement", 10, "Economic buyer", "Neutral"),
            OrgNode(2, "Eli Novak", "IT manager", 1, "Champion", "Supporter"),
            OrgNode(4, "Gus Weber", "Plant manager", 10, "Blocker", "Detractor"),
        ),
        coverage_gaps=(
            "No contact in Finance.",
            "Farah Diallo not touched in 181 days.",
        ),
        separation=Separation("Eli Novak", "Dana Ruiz", 1, ("Eli Novak", "Dana Ruiz")),
    )
    goal_build = GoalBuild(
        objective_amount=D("1000000"),
        objective_text="Grow 10 % over FY2026.",
        strategy="Renew GTX, cross-sell MG Advanced into Hydra, open procurement.",
        components=(
            GoalComponent("Renewal", D("400000"), "GTX Pro", "IT", won=D("400000")),
            GoalComponent(
                "Cross-sell", D("300000"), "MG Advanced", "Hydra Valves", won=D("120000")
            ),
            GoalComponent("New buying center", D("150000"), "", "Procurement", NASTY),
            GoalComponent("Win-back", D("50000"), "GTX Plus Basic", "", carried_over=True),
        ),
    )
    prospecting = Prospecting(
        current_revenue=D("10000000"),
        growth_pct=D("10"),
        deal_size=D("100000"),
        win_rate_pct=D("50"),
        prospects_per_opportunity=D("5"),
        expected_upgrades=D("0"),
        cycle_months=12,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        growth_target=D("1000000"),
        gap=D("1000000"),
        deals=10,
        opportunities=20,
        prospects=100,
        pipeline_start=dt.date(2027, 1, 1),
        attainment=(
            AttainmentRow("Prospects engaged", D(100), D(16), D(22), "Ahead"),
            AttainmentRow("Opportunities opened", D(20), D(3), D(2), "Behind"),
            AttainmentRow("Deals won", D(10), D(2), D(1), "Behind"),
        ),
        pace="Behind pace: 2 of 3 opportunities expected by now.",
    )
    actions = (
        Action(
            "Run uptime workshop with Dana",
            "Renewal — GTX Pro",
            "Ana Silva",
            "Sales",
            dt.date(2027, 2, 15),
            "Done",
        ),
        Action(
            "Demo MG to Hydra engineers",
            "Cross-sell — MG Advanced",
            "Bo Chen",
            "Sales support",
            dt.date(2027, 3, 1),
            "In progress",
        ),
        Action(
            NASTY, "", "Cy Park", "Executive sponsor", dt.date(2027, 1, 31), "To do", overdue=True
        ),
    )
    team_support = TeamSupport(
        commitments=(
            Commitment("Marketing", "Case study of the uptime pilot", "Ivy Lee"),
            Commitment("Service", "Dedicated CSM from Q2", "Bo Chen"),
        ),
        dependencies=(
            Dependency(
                True, "Product: SCADA connector GA", "Jon Beck", dt.date(2027, 4, 30), "At risk"
            ),
            Dependency(False, "EU water directive final text", "", None, "Waiting"),
        ),
    )
    dashboard = Dashboard(
        milestones=(
            Milestone("GTX renewal signed", "$400,000", dt.date(2027, 2, 28), "$400,000", "Done"),
            Milestone("MG pilot in Hydra", "2 plants", dt.date(2027, 5, 31), "1 plant", "At risk"),
        ),
        adjustments=(Adjustment(dt.date(2027, 2, 20), "Moved procurement to Q3 after re-org."),),
    )
    return PlanDocument(
        header=header,
        overview=overview,
        company=company,
        profile=profile,
        goals=goals,
        needs=needs,
        relationships=relationships,
        goal_build=goal_build,
        prospecting=prospecting,
        actions=actions,
        team_support=team_support,
        dashboard=dashboard,
        generated_at=GENERATED,
    )


def empty_document() -> PlanDocument:
    """A plan just created: nothing filled in, no deals, no snapshot."""
    return PlanDocument(
        header=Header(
            account_id=9, account_name="Empty Co", period="FY2027", owner="", status="Draft"
        ),
        generated_at=GENERATED,
    )
