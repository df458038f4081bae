"""The model pass's checks on one sentence against the facts it cites (pure, no database)."""

from __future__ import annotations

import pytest

from accountplan.drafts import checks
from tests.drafts import model_pass_data as d

FACTS = {f.id: f for f in d.facts().facts}


def _problem(text: str, *fact_ids: str, vocabulary: frozenset[str] = frozenset()) -> str:
    evidence = checks.evidence_of([FACTS[i] for i in fact_ids], period="FY2027", as_of=d.AS_OF)
    return checks.content_problem(text, evidence, set(vocabulary))


@pytest.mark.parametrize(
    ("text", "fact_ids"),
    [
        ("Acme Corp took 2 deals worth $12,000.", (d.LOST,)),
        ("Acme Corp took two deals worth USD 12000.", (d.LOST,)),  # a number word; a code
        ("Acme Corp took 2 deals worth €12,000.00.", (d.LOST,)),
        ("The last one was lost on 2026-03-15.", (d.LOST,)),
        ("The last one was lost on Mar 15, 2026.", (d.LOST,)),
        ("The last one was lost on 15 March 2026.", (d.LOST,)),
        ("The last one was lost in March 2026.", (d.LOST,)),
        ("The last one was lost on 15/03/2026.", (d.LOST,)),
        ("The last one was lost on 3/15/2026.", (d.LOST,)),
        ("Revenue grew 18% in FY2026.", (d.REVENUE,)),  # the label says "18 %"
        ("Revenue grew 18 percent.", (d.REVENUE,)),
        ("Plan for FY2027 as of Jun 30, 2026.", (d.REVENUE,)),  # period and as-of date are given
        ("Jane Smith's last contact was on January 10, 2026.", (d.STALE,)),
        ("Sync Pro, Vault and Insight are the 3 adopted products.", (d.ADOPTED,)),
    ],
)
def test_a_sentence_stating_only_what_its_facts_hold_passes(
    text: str, fact_ids: tuple[str, ...]
) -> None:
    assert _problem(text, *fact_ids) == ""


@pytest.mark.parametrize(
    ("text", "fact_ids", "caught"),
    [
        ("Acme Corp took 2 deals worth $12,001.", (d.LOST,), "it states $12,001"),
        ("Acme Corp took 2 deals worth about $12k.", (d.LOST,), "it says 12k"),
        ("Acme Corp took four deals.", (d.LOST,), "it states four"),
        ("Revenue grew 0.2 % in FY2026.", (d.REVENUE,), "it states 0.2 %"),
        ("Revenue grew 18 % in FY2025.", (d.REVENUE,), "it says FY2025"),
        ("The last one was lost on 2026-03-16.", (d.LOST,), "the date 2026-03-16"),
        ("The last one was lost in April 2026.", (d.LOST,), "the date April 2026"),
        ("The last one was lost in 2025.", (d.LOST,), "the date 2025"),
        ("Jane Smith was last contacted on 01/10/2026.", (d.STALE,), "the date 01/10/2026"),
        ("Acme Corp took 2 deals with Sync Pro.", (d.LOST,), "it names Sync"),  # not cited
        ("Jane Smith leads the QBR.", (d.STALE,), "it names QBR"),
        ("Jane Smith, CFO, met Bob.", (d.STALE,), "it names Bob"),
    ],
)
def test_a_claim_not_in_the_cited_facts_is_named(
    text: str, fact_ids: tuple[str, ...], caught: str
) -> None:
    assert _problem(text, *fact_ids).startswith(caught.replace("the date", "it gives the date"))


def test_a_capitalised_word_the_offline_draft_writes_in_lower_case_is_not_a_name() -> None:
    vocabulary = checks.vocabulary_of(["lost 2 deals, mostly on price"])
    assert _problem("Mostly on price: 2 deals lost to Acme Corp.", d.LOST) != ""
    assert (
        _problem(
            "Mostly on price: 2 deals lost to Acme Corp.",
            d.LOST,
            vocabulary=frozenset(vocabulary),
        )
        == ""
    )


def test_citations_must_be_facts_given_and_cited_by_the_rewritten_sentences() -> None:
    known = set(FACTS)
    given = known - {d.NEWS}
    rewritten = {d.LOST}
    assert checks.citation_problem((d.LOST,), known=known, given=given, rewritten=rewritten) == ""
    assert checks.citation_problem((), known=known, given=given, rewritten=rewritten) == (
        "it cites no fact"
    )
    assert "not a fact of this account" in checks.citation_problem(
        ("x:1",), known=known, given=given, rewritten=rewritten
    )
    assert "was not given" in checks.citation_problem(
        (d.NEWS,), known=known, given=given, rewritten=rewritten
    )
