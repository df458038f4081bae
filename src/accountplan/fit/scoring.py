"""The opportunity-fit scorecard's math: pure functions over plain data (no Django, no database).

Two readings of one opportunity (seed 004, the Sales Executive Council's opportunity-fit idea):

* **fit** (0–100): gate questions first; one answered *no* stops the scoring (the deal is
  disqualified, score 0). Then readiness questions in weighted blocks, each block scoring
  ``block weight × (sum of its yes answers' weights / sum of its questions' weights)``, plus the
  analytics parts (strategic fit, cost to serve, growth potential: a value between 0 and 1 from
  the account's current snapshot, times the part's weight).
  ``score = 100 × sum of points / (sum of block weights + sum of analytics weights)``, rounded
  half up to one decimal. Unknown answers and unknown analytics score zero; unknown answers are
  listed as discovery questions.
* **demand**: established (fulfilment, lowest bidder wins) or emerging (a need we can shape),
  from signal questions that each point one way: more *yes* on the emerging side reads
  emerging, more on the established side reads established, a tie (or nothing known) unclear.

Every part of the score is returned with its numbers and a formula, so it can be recomputed by
hand (docs/opportunity-fit.md); ``tests/fit`` recomputes it independently with fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Literal

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS = (YES, NO, UNKNOWN)
#: Where a question's answer comes from: asked of the rep, or read from the relationship map.
ASKED, RELATIONSHIP_MAP = "asked", "relationship_map"
ANALYTICS_KEYS = ("strategic_fit", "cost_to_serve", "growth_potential")
ANALYTICS_LABELS = {
    "strategic_fit": "Strategic fit",
    "cost_to_serve": "Cost to serve",
    "growth_potential": "Growth potential",
}
ANALYTICS_HOW = {
    "strategic_fit": "the account's potential score ÷ 100 (segmentation scorecard)",
    "cost_to_serve": "1 − cost to serve ÷ gross margin, at least 0 (unknown without a margin)",
    "growth_potential": "the percentile rank of the account's white-space value ÷ 100",
}
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Question:
    """A yes/no question; ``weight`` counts within its block (gates and signals ignore it)."""

    key: str
    text: str
    weight: Decimal = ONE
    source: str = ASKED
    points_to: str = ""  # demand signals: "established" or "emerging"


@dataclass(frozen=True)
class Block:
    """A weighted block of readiness questions."""

    key: str
    label: str
    weight: Decimal
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Band:
    """A pursuit band: from ``min_score`` up, with what to do."""

    min_score: Decimal
    label: str
    guidance: str


@dataclass(frozen=True)
class FitConfig:
    """The configured scorecard (``fit.settings`` reads and validates it)."""

    gates: tuple[Question, ...]
    blocks: tuple[Block, ...]
    analytics: dict[str, Decimal]
    bands: tuple[Band, ...]  # highest ``min_score`` first
    disqualified: Band
    demand: tuple[Question, ...]

    @property
    def total_weight(self) -> Decimal:
        return sum((b.weight for b in self.blocks), ZERO) + sum(self.analytics.values(), ZERO)

    def questions(self) -> list[Question]:
        """Every question with a key, in page order (gates, blocks, demand signals)."""
        return [*self.gates, *(q for b in self.blocks for q in b.questions), *self.demand]


@dataclass(frozen=True)
class Facts:
    """What the data says: the relationship map's mobilizer and the analytics' values (0–1).

    ``mobilizer``: True when a stakeholder on the account's active plan is judged a mobilizer,
    False when stakeholders are judged and none is, None when nobody is judged (unknown).
    """

    mobilizer: bool | None = None
    analytics: dict[str, Decimal | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key → how the value was read


@dataclass
class Part:
    """One line of the explanation."""

    kind: Literal["gate", "question", "block", "analytics", "signal"]
    key: str
    label: str
    answer: str
    weight: Decimal | None
    points: Decimal | None
    formula: str
    block: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "block": self.block,
            "answer": self.answer,
            "weight": _s(self.weight),
            "points": _s(self.points),
            "formula": self.formula,
        }


@dataclass
class FitResult:
    """Both readings of one opportunity, explained."""

    score: Decimal
    band: Band
    gated: bool
    points: Decimal
    total_weight: Decimal
    parts: list[Part]
    discovery: list[Question]
    demand: str  # "established", "emerging" or "unclear"
    demand_counts: dict[str, int]
    answered: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": str(self.score),
            "band": self.band.label,
            "guidance": self.band.guidance,
            "gated": self.gated,
            "points": _s(self.points),
            "total_weight": _s(self.total_weight),
            "formula": f"100 × {_n(self.points)} ÷ {_n(self.total_weight)} = {self.score}"
            if not self.gated
            else "a gate question is answered no: the scoring stops at 0",
            "parts": [p.as_dict() for p in self.parts],
            "discovery": [{"key": q.key, "question": q.text} for q in self.discovery],
            "demand": {"reading": self.demand, **self.demand_counts},
            "answered": self.answered,
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else _n(value)


def _n(value: Decimal) -> str:
    """A number for a formula: exact when short, else to 4 decimals."""
    text = format(value.normalize(), "f")
    if len(text.partition(".")[2]) > 4:
        text = format(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f")
    return text


def band_of(config: FitConfig, score: Decimal) -> Band:
    """The highest band whose ``min_score`` the score reaches (the last band otherwise)."""
    for band in config.bands:
        if score >= band.min_score:
            return band
    return config.bands[-1]


def _answer(q: Question, answers: dict[str, str], facts: Facts) -> str:
    if q.source == RELATIONSHIP_MAP:
        return {True: YES, False: NO, None: UNKNOWN}[facts.mobilizer]
    value = answers.get(q.key, UNKNOWN)
    return value if value in ANSWERS else UNKNOWN


def score(config: FitConfig, answers: dict[str, str], facts: Facts) -> FitResult:
    """Score one opportunity: ``answers`` maps question keys to yes / no / unknown."""
    with localcontext() as ctx:
        ctx.prec = 40
        return _score(config, answers, facts)


def _score(config: FitConfig, answers: dict[str, str], facts: Facts) -> FitResult:
    parts: list[Part] = []
    discovery: list[Question] = []
    gated = False
    for g in config.gates:
        a = _answer(g, answers, facts)
        if a == UNKNOWN:
            discovery.append(g)
        gated = gated or a == NO
        verdict = {YES: "passed", NO: "failed: the scoring stops", UNKNOWN: "not known: passes"}
        parts.append(Part("gate", g.key, g.text, a, None, None, verdict[a]))
    points = ZERO
    for b in config.blocks:
        qsum = sum((q.weight for q in b.questions), ZERO)
        yes_sum = ZERO
        for q in b.questions:
            a = _answer(q, answers, facts)
            if a == UNKNOWN:
                discovery.append(q)
            got = q.weight if a == YES else ZERO
            yes_sum += got
            where = " (from the relationship map)" if q.source == RELATIONSHIP_MAP else ""
            parts.append(
                Part(
                    "question",
                    q.key,
                    q.text + where,
                    a,
                    q.weight,
                    None if gated else got,
                    f"{a}: {_n(got)} of weight {_n(q.weight)}",
                    block=b.key,
                )
            )
        got_b = ZERO if gated or qsum == 0 else b.weight * yes_sum / qsum
        points += got_b
        parts.append(
            Part(
                "block",
                b.key,
                b.label,
                "",
                b.weight,
                None if gated else got_b,
                "not scored: a gate failed"
                if gated
                else f"{_n(b.weight)} × {_n(yes_sum)} ÷ {_n(qsum)} = {_n(got_b)}",
            )
        )
    for key in ANALYTICS_KEYS:
        weight = config.analytics.get(key, ZERO)
        if weight == 0:
            continue
        value = facts.analytics.get(key)
        got = ZERO if gated or value is None else weight * value
        points += got
        shown = "unknown" if value is None else _n(value)
        parts.append(
            Part(
                "analytics",
                key,
                ANALYTICS_LABELS[key],
                shown,
                weight,
                None if gated else got,
                "not scored: a gate failed"
                if gated
                else f"{_n(weight)} × {shown if value is not None else '0 (unknown)'} = {_n(got)}"
                + (f"; {facts.sources[key]}" if key in facts.sources else ""),
            )
        )
    counts = {"established": 0, "emerging": 0, "unknown": 0}
    for sig in config.demand:
        a = _answer(sig, answers, facts)
        if a == UNKNOWN:
            discovery.append(sig)
            counts["unknown"] += 1
        elif a == YES:
            counts[sig.points_to] += 1
        parts.append(
            Part(
                "signal",
                sig.key,
                sig.text,
                a,
                None,
                None,
                f"points to {sig.points_to} demand" if a == YES else "counts for neither side",
            )
        )
    if counts["emerging"] > counts["established"]:
        demand = "emerging"
    elif counts["established"] > counts["emerging"]:
        demand = "established"
    else:
        demand = "unclear"
    total = config.total_weight
    if gated:
        result_score, band, points = Decimal("0.0"), config.disqualified, ZERO
    else:
        raw = HUNDRED * points / total if total else ZERO
        result_score = raw.quantize(TENTH, rounding=ROUND_HALF_UP)
        band = band_of(config, result_score)
    asked = [q for q in config.questions() if q.source == ASKED]
    answered = sum(1 for q in asked if answers.get(q.key, UNKNOWN) in (YES, NO))
    return FitResult(
        result_score, band, gated, points, total, parts, discovery, demand, counts, answered
    )
