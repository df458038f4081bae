"""The optional model pass over an offline draft (issue 15, point 3).

With no model configured (the default) a draft is the offline drafter's, unchanged: nothing is
sent anywhere. With one configured (``model_config``), the offline sentences and the facts they
cite are sent to it (``prompt``); every sentence of its answer is checked (``checks``) and kept
only if it cites facts it was given and states nothing they do not hold. A refused sentence
keeps the offline wording, marked ``fallback`` with the reason; an unusable answer (the endpoint
down, an HTTP error, a timeout, not JSON) keeps the whole offline draft, every entry marked.
Whatever happens, no exception reaches the user. What was sent and to which model is recorded
in ``PlanDraft.rewrite``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from accountplan.drafts import checks
from accountplan.drafts.model_client import ModelError, complete
from accountplan.drafts.model_config import ModelConfig, current_config
from accountplan.drafts.prompt import (
    TEST_MESSAGES,
    AnswerError,
    Offered,
    Proposal,
    Request,
    build_request,
    parse_answer,
)
from accountplan.drafts.types import DraftEntry, FactSet, PlanDraft, SectionDraft

#: The model's raw answer is stored with the draft up to this many characters.
MAX_STORED_ANSWER = 20_000


def maybe_rewrite(draft: PlanDraft, facts: FactSet) -> PlanDraft:
    """The draft as the plan shows it: rewritten by the configured model, or as drafted offline
    (the very same object, with no network call, when no model is configured)."""
    config = current_config()
    if config.kind == "offline":
        return draft
    return rewrite(draft, facts, config)


def rewrite(draft: PlanDraft, facts: FactSet, config: ModelConfig) -> PlanDraft:
    """The model pass with this configuration (see the module's docstring)."""
    request = build_request(draft, facts)
    record: dict[str, object] = {
        "endpoint": config.kind,
        "endpoint_label": config.kind_label,
        "host": config.host,
        "leaves_machine": config.leaves_machine,
        "model_name": config.model_name,
        "settings": config.settings_record(),
        "prompt": request.messages,
    }
    if not request.offered:
        return replace(draft, rewrite=record | {"status": "nothing to rewrite"})
    try:
        answer = complete(config, request.messages)
    except ModelError as exc:
        return _whole_fallback(draft, record, exc.reason)
    record |= {"answer": answer.text[:MAX_STORED_ANSWER], "elapsed_ms": answer.elapsed_ms}
    try:
        proposals = parse_answer(answer.text)
    except AnswerError as exc:
        return _whole_fallback(draft, record, f"The model's answer was not usable: {exc}.")
    sections, outcome = _apply(draft, facts, request, proposals)
    counts = {
        origin: sum(e.origin == origin for s in sections for e in s.entries)
        for origin in ("model", "fallback", "data")
    }
    record |= {"counts": counts, "unplaced": outcome.unplaced}
    if counts["model"]:
        record |= {"status": "rewritten", "model": config.model_name}
    else:
        record |= {"status": "every sentence refused"}
    return replace(draft, sections=sections, rewrite=record)


def _whole_fallback(draft: PlanDraft, record: dict[str, object], reason: str) -> PlanDraft:
    """The offline draft, every entry marked as kept because the model pass failed."""
    why = f"Offline wording kept: {reason}"
    sections = [
        SectionDraft(
            key=section.key,
            entries=[
                replace(entry, origin="fallback", fallback_reason=why) for entry in section.entries
            ],
        )
        for section in draft.sections
    ]
    return replace(draft, sections=sections, rewrite=record | {"status": "failed", "error": reason})


@dataclass
class _Outcome:
    accepted: dict[str, DraftEntry]  # by the id of the first entry it replaces
    merged: set[str]  # ids of further entries an accepted sentence replaces
    refused: dict[str, str]  # entry id → reason
    unplaced: list[str]  # sentences of the answer that replace no offered entry


def _apply(
    draft: PlanDraft, facts: FactSet, request: Request, proposals: list[Proposal]
) -> tuple[list[SectionDraft], _Outcome]:
    outcome = _Outcome({}, set(), {}, [])
    known = set(facts.by_id())
    by_id = facts.by_id()
    vocabulary = checks.vocabulary_of([o.entry.text for o in request.offered.values()])
    used: set[str] = set()
    for proposal in proposals:
        targets, problem = _targets(proposal, request, used)
        if not targets:
            outcome.unplaced.append(f"{_quote(proposal.text)}: {problem}")
            continue
        used |= {t.id for t in targets}
        rewritten = {fact_id for t in targets for fact_id in t.entry.fact_ids}
        problem = problem or proposal.problem
        problem = problem or checks.citation_problem(
            proposal.fact_ids, known=known, given=set(request.given), rewritten=rewritten
        )
        if not problem:
            evidence = checks.evidence_of(
                [by_id[i] for i in proposal.fact_ids], period=facts.period, as_of=facts.as_of
            )
            problem = checks.content_problem(proposal.text, evidence, vocabulary)
        if problem:
            reason = f"The model's sentence {_quote(proposal.text)} was refused: {problem}."
            outcome.refused |= {t.id: reason for t in targets}
            continue
        first = targets[0].entry
        item = {k: proposal.text if v == first.text else v for k, v in first.item.items()}
        outcome.accepted[targets[0].id] = DraftEntry(
            field=first.field,
            text=proposal.text,
            fact_ids=proposal.fact_ids,
            item=item,
            origin="model",
        )
        outcome.merged |= {t.id for t in targets[1:]}
    left_out = "The model's answer left this sentence out; offline wording kept."
    for entry_id in request.offered:
        if entry_id not in used:
            outcome.refused[entry_id] = left_out
    return _assemble(draft, request, outcome), outcome


def _targets(proposal: Proposal, request: Request, used: set[str]) -> tuple[list[Offered], str]:
    """The offered entries a sentence replaces, or none and why it cannot replace them."""
    if not proposal.replaces:
        return [], "it does not say which sentence it rewrites"
    unknown = [i for i in proposal.replaces if i not in request.offered]
    if unknown:
        return [], f"it rewrites {unknown[0]}, which is not a sentence of the draft"
    again = [i for i in proposal.replaces if i in used]
    if again:
        return [], f"{again[0]} was rewritten already"
    targets = [request.offered[i] for i in dict.fromkeys(proposal.replaces)]
    first = targets[0]
    problem = ""
    if any(t.section != first.section or t.entry.field != first.entry.field for t in targets):
        problem = "it merges sentences of different fields"
    elif len(targets) > 1 and any(t.is_item for t in targets):
        problem = "it merges list items"
    elif proposal.section and proposal.section != first.section:
        problem = f"it is answered under {proposal.section}, not {first.section}"
    return targets, problem


def _assemble(draft: PlanDraft, request: Request, outcome: _Outcome) -> list[SectionDraft]:
    """The draft's sections in their order, each offered entry replaced by its outcome."""
    id_at = {(o.section, o.index): o.id for o in request.offered.values()}
    sections = []
    for section in draft.sections:
        entries: list[DraftEntry] = []
        for index, entry in enumerate(section.entries):
            entry_id = id_at.get((section.key, index))
            if entry_id is None:
                entries.append(entry)  # not offered: a structured list item, unchanged
            elif entry_id in outcome.accepted:
                entries.append(outcome.accepted[entry_id])
            elif entry_id in outcome.refused:
                reason = outcome.refused[entry_id]
                entries.append(replace(entry, origin="fallback", fallback_reason=reason))
            # else: merged into an accepted sentence placed at its group's first entry
        sections.append(SectionDraft(key=section.key, entries=entries))
    return sections


def _quote(text: str, limit: int = 120) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


@dataclass(frozen=True)
class ConnectionResult:
    """The answer to "Test the connection": whether it worked, what came back, how fast."""

    ok: bool
    message: str
    elapsed_ms: int | None = None
    answer: str = ""


def check_connection(config: ModelConfig | None = None) -> ConnectionResult:
    """Send a tiny prompt with no customer data to the configured model."""
    config = config or current_config()
    if config.kind == "offline":
        return ConnectionResult(False, "No drafting model is configured: drafts stay offline.")
    try:
        answer = complete(config, TEST_MESSAGES)
    except ModelError as exc:
        return ConnectionResult(False, exc.reason)
    shown = answer.text.strip()[:200]
    try:
        json.loads(answer.text)
    except ValueError:
        return ConnectionResult(
            False,
            f"{config.model_name} answered, but not with JSON: drafts would fall back to the "
            "offline wording.",
            answer.elapsed_ms,
            shown,
        )
    return ConnectionResult(
        True, f"{config.model_name} answered with JSON.", answer.elapsed_ms, shown
    )
