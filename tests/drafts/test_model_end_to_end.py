"""Issue 15's second "done when", end to end: a demo plan drafted through the real drafter with
the test chat-completions server configured; the rewrite that invents a figure is caught and
falls back to the offline wording (marked, with the reason), a faithful one is kept, and the
stored draft records the model, its settings and the prompt."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.drafts.prompt import build_request
from accountplan.drafts.services import create_draft, draft_with_facts
from accountplan.drafts.types import PlanDraft
from accountplan.plans.models import AccountPlan
from tests.drafts.chat_server import ChatServer, chat, chat_server
from tests.drafts.conftest import AS_OF

__all__ = ["chat_server"]  # the fixture, used by name

pytestmark = pytest.mark.django_db


def _entries(draft: PlanDraft) -> list[Any]:
    return [e for s in draft.sections for e in s.entries]


def test_an_invented_figure_in_a_demo_plan_draft_falls_back(
    demo_plans: list[AccountPlan], settings: Any, chat_server: ChatServer
) -> None:
    plan = demo_plans[0]
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = ""
    settings.ACCOUNTPLAN_DRAFT_MODEL_PATH = ""
    offline, facts = draft_with_facts(plan, as_of=AS_OF)
    assert offline.badge == "from data"
    request = build_request(offline, facts)
    texts = [o for o in request.offered.values() if not o.is_item]
    assert len(texts) >= 2
    invented, faithful = texts[0], texts[1]
    answer = {
        "sections": [
            {
                "key": invented.section,
                "entries": [
                    {
                        "replaces": [invented.id],
                        "text": invented.entry.text.rstrip(".") + ", worth $987,654,321.",
                        "fact_ids": list(invented.entry.fact_ids),
                    }
                ],
            },
            {
                "key": faithful.section,
                "entries": [
                    {
                        "replaces": [faithful.id],
                        "text": faithful.entry.text,
                        "fact_ids": list(faithful.entry.fact_ids),
                    }
                ],
            },
        ]
    }
    settings.ACCOUNTPLAN_DRAFT_MODEL_URL = chat_server.url
    settings.ACCOUNTPLAN_DRAFT_MODEL = "test-model"
    settings.ACCOUNTPLAN_DRAFT_MODEL_TIMEOUT = 10
    chat_server.script(chat(answer))

    draft, _ = draft_with_facts(plan, as_of=AS_OF)
    by_text = {e.text: e for e in _entries(draft)}
    caught = by_text[invented.entry.text]  # the offline wording, kept
    assert caught.origin == "fallback"
    assert "987,654,321" in caught.fallback_reason
    assert not any("987,654,321" in e.text for e in _entries(draft))
    assert by_text[faithful.entry.text].origin == "model"
    assert draft.badge == "rewritten by test-model"
    assert len(chat_server.received) == 1

    chat_server.script(chat(answer))
    record = create_draft(plan.account, plan.period, None, plan.owner, as_of=AS_OF)
    stored = record.draft
    assert record.badge == "rewritten by test-model"
    assert stored["rewrite"]["model_name"] == "test-model"
    assert stored["rewrite"]["prompt"] == chat_server.received[-1].body["messages"]
