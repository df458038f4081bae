"""Whatever a model answers, the model pass reads it without an exception: any JSON value, any
text. Every offered entry ends as the model's (checked) or the offline wording (marked)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accountplan.drafts import checks
from accountplan.drafts.model import _apply
from accountplan.drafts.prompt import AnswerError, build_request, parse_answer
from tests.drafts import model_pass_data as d

FACTS = d.facts()
IDS = [f.id for f in FACTS.facts] + ["nope"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
sentence = st.fixed_dictionaries(
    {
        "replaces": st.lists(st.sampled_from(["e1", "e2", "e3", "e4", "e9"]), max_size=3),
        "text": st.text(max_size=80) | st.sampled_from([str(e["text"]) for e in d.GOOD]),
        "fact_ids": st.lists(st.sampled_from(IDS), max_size=3) | json_values,
    }
)
answers = st.fixed_dictionaries(
    {
        "sections": st.lists(
            st.fixed_dictionaries(
                {
                    "key": st.sampled_from(["overview", "actions", "swot", "other"]),
                    "entries": st.lists(sentence | json_values, max_size=4),
                }
            ),
            max_size=4,
        )
    }
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(answers, json_values))
def test_any_answer_is_read_and_every_entry_ends_checked_or_marked(answer: Any) -> None:
    draft = d.draft()
    request = build_request(draft, FACTS)
    try:
        proposals = parse_answer(json.dumps(answer))
    except AnswerError:
        return
    sections, _ = _apply(draft, FACTS, request, proposals)
    known = FACTS.by_id()
    for entry in (e for s in sections for e in s.entries):
        assert entry.fact_ids and all(i in known for i in entry.fact_ids)
        if entry.origin == "fallback":
            assert entry.fallback_reason
    assert [e for s in sections if s.key == "goals" for e in s.entries] == [d.COMPONENT]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_sentence_is_read_by_the_checks(text: str) -> None:
    evidence = checks.evidence_of(FACTS.facts, period=FACTS.period, as_of=FACTS.as_of)
    assert isinstance(checks.content_problem(text, evidence, set()), str)
