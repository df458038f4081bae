"""Drafts of every demo plan (issue 15's "done when"): the whole plan drafted offline gives every
section; every entry cites facts of the set it was drafted from; the same inputs give the same
draft; accepted entries validate against the section schemas and land in history as drafted."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.drafts.apply import apply_entries
from accountplan.drafts.models import Draft
from accountplan.drafts.services import DRAFTED, accept_draft, create_draft, draft_with_facts
from accountplan.drafts.types import draft_from_json, draft_to_json
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.sections import SectionKey, validate_section
from accountplan.plans.services import check_references, section_of
from tests.drafts.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_every_demo_plan_drafts_every_section_citing_facts_that_exist(
    demo_plans: list[AccountPlan],
) -> None:
    assert len(demo_plans) >= 3
    total = 0
    kinds: set[str] = set()
    for plan in demo_plans:
        draft, facts = draft_with_facts(plan, as_of=AS_OF)
        kinds |= {f.kind for f in facts.facts}
        assert [s.key for s in draft.sections] == list(SectionKey.values)
        assert draft.badge == "from data" and draft.rewrite == {}
        ids = set(facts.by_id())
        assert len(ids) == len(facts.facts), "fact ids are unique"
        drafted = [s.key for s in draft.sections if s.entries]
        # The sections every scored account has data for are never empty.
        for key in ("company_overview", "profile_position", "goals", "actions"):
            assert key in drafted, (plan, key)
        for section in draft.sections:
            for entry in section.entries:
                total += 1
                assert entry.fact_ids, (plan, entry)
                assert set(entry.fact_ids) <= ids, (plan, entry)
                assert entry.text.strip() and entry.origin == "data"
    assert total >= 30
    assert kinds >= {"deals.fit", "whitespace.product", "portfolio.play", "findings.open"}
    assert "customer.scorecard" in kinds


def test_the_customer_scorecard_becomes_a_swot_line(demo_plans: list[AccountPlan]) -> None:
    """The demo's shared plan was scored 4.33 then 3.40: the draft says so as a weakness, with
    the figures recomputed here from the stored scores."""
    from decimal import ROUND_HALF_UP, Decimal

    from accountplan.sharing.models import ScorecardRound

    rounds = list(ScorecardRound.objects.order_by("period").prefetch_related("scores"))
    assert len(rounds) >= 2

    def weighted(r: ScorecardRound) -> Decimal:
        scored = [s for s in r.scores.all() if s.score is not None]
        total = sum((s.weight * s.score for s in scored), Decimal(0))
        return (total / sum(s.weight for s in scored)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    last, before = weighted(rounds[-1]), weighted(rounds[-2])
    plan = rounds[-1].plan
    draft, facts = draft_with_facts(plan, sections=["profile_position"], as_of=AS_OF)
    (card,) = [f for f in facts.facts if f.kind == "customer.scorecard"]
    assert card.values["weighted"] == last and card.values["change"] == last - before
    lines = [e.text for s in draft.sections for e in s.entries if card.id in e.fact_ids]
    assert lines == [
        f"The customer scores us {last:.2f} out of 5 ({rounds[-1].period}), "
        f"down {before - last:.2f}"
    ]


def test_the_same_inputs_give_the_same_draft(demo_plans: list[AccountPlan]) -> None:
    for plan in demo_plans:
        first, facts1 = draft_with_facts(plan, as_of=AS_OF)
        second, facts2 = draft_with_facts(plan, as_of=AS_OF)
        assert draft_to_json(first) == draft_to_json(second)
        assert [f.id for f in facts1.facts] == [f.id for f in facts2.facts]
        # The JSON form reads back to the same draft (stored drafts show what was drafted).
        assert draft_to_json(draft_from_json(draft_to_json(first))) == draft_to_json(first)


def test_every_drafted_entry_is_data_the_section_schema_and_references_accept(
    demo_plans: list[AccountPlan],
) -> None:
    for plan in demo_plans:
        draft, _ = draft_with_facts(plan, as_of=AS_OF)
        for section in draft.sections:
            if not section.entries:
                continue
            for base in ({}, section_of(plan, section.key).data):  # an empty plan and the demo's
                applied = apply_entries(section.key, base, [(e, None) for e in section.entries])
                clean = validate_section(section.key, applied.data)
                check_references(plan, section.key, clean)
                if not base:
                    assert applied.added >= 1, section.key


def test_accepting_part_of_a_draft_writes_revisions_marked_as_drafted(
    demo_plans: list[AccountPlan],
) -> None:
    plan = demo_plans[0]
    owner = plan.owner
    assert owner is not None
    record = create_draft(plan, None, ["profile_position", "actions"], owner, as_of=AS_OF)
    draft = draft_from_json(record.draft)
    actions = next(s for s in draft.sections if s.key == "actions")
    assert actions.entries
    before = section_of(plan, "actions")
    result = accept_draft(record, owner, ["actions.0"], {"actions.0": "Call the CFO this week"})
    assert set(result.saved) == {"actions"}
    after = section_of(plan, "actions")
    assert after.version == before.version + 1
    titles = [a["title"] for a in after.data["actions"]]
    assert titles[-1] == "Call the CFO this week"
    assert len(titles) == len(before.data["actions"]) + 1
    revision = PlanRevision.objects.get(plan=plan, key="actions", version=after.version)
    assert revision.summary.startswith(DRAFTED), revision.summary
    assert section_of(plan, "profile_position").version == record.base_versions["profile_position"]
    # Accepting the same entry again adds nothing (its item id is already in the plan).
    again = accept_draft(record, owner, ["actions.0"])
    assert again.saved == {} and again.skipped
    assert Draft.objects.get(pk=record.pk).accepted_entries == ["actions.0"]


def test_a_stale_draft_merges_with_a_save_made_since(demo_plans: list[AccountPlan]) -> None:
    from accountplan.plans.services import save_section

    plan = demo_plans[1]
    owner: Any = plan.owner
    record = create_draft(plan, None, ["profile_position"], owner, as_of=AS_OF)
    current = section_of(plan, "profile_position")
    data = dict(current.data)
    data["financial_health"] = {"rating": "strong", "text": "Typed meanwhile."}
    save_section(plan, "profile_position", data, current.version, owner)
    result = accept_draft(record, owner)  # on top of the version it was drafted beside
    saved = section_of(plan, "profile_position")
    assert result.saved == {"profile_position": saved.version}
    assert saved.data["financial_health"]["text"] == "Typed meanwhile."
    assert (
        "merged with"
        in PlanRevision.objects.get(
            plan=plan, key="profile_position", version=saved.version
        ).summary
    )
