"""The fit scorecard's settings: the default layout, validation, TOML export and import.

The same layout serves the settings page (a TOML text box), ``accountplan fitcard export|import``
and the API (``GET``/``PUT /api/fit/settings``, as JSON). Layout::

    [[gates]]                       # answered no: the scoring stops
    key = "meaningful_spend"
    question = "Is there meaningful spend behind this deal?"

    [[blocks]]                      # readiness, in weighted blocks
    key = "pressure"
    label = "Operating pressure to change"
    weight = 20
    questions = [{ key = "...", question = "...", weight = 1 }, ...]
    # a question with source = "relationship_map" is read from the plan's relationship map

    [analytics]                     # weights of the analytics parts (0 leaves one out)
    strategic_fit = 10
    cost_to_serve = 10
    growth_potential = 10

    [[bands]]                       # from min_score up; highest first
    min_score = 70
    label = "Pursue"
    guidance = "..."

    [disqualified]                  # the band of a deal stopped by a gate
    label = "Disqualified"
    guidance = "..."

    [[demand]]                      # signals of established or emerging demand
    key = "..."
    question = "..."
    points_to = "emerging"          # or "established"
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from decimal import Decimal, InvalidOperation
from typing import Any

from accountplan.core.errors import DomainError
from accountplan.fit.scoring import (
    ANALYTICS_KEYS,
    ASKED,
    RELATIONSHIP_MAP,
    Band,
    Block,
    FitConfig,
    Question,
)

KEY = re.compile(r"[a-z][a-z0-9_]{0,47}")
SECTIONS = ("gates", "blocks", "analytics", "bands", "disqualified", "demand")


class FitSettingsError(DomainError):
    """The fit scorecard's settings are not valid; the message lists every problem."""

    status = 422


DEFAULT: dict[str, Any] = {
    "gates": [
        {
            "key": "meaningful_spend",
            "question": "Is there meaningful spend behind this deal (a budget worth our effort)?",
        },
        {
            "key": "financially_sound",
            "question": "Is the customer financially sound (able to pay and to keep paying)?",
        },
    ],
    "blocks": [
        {
            "key": "pressure",
            "label": "Operating pressure to change",
            "weight": 20,
            "questions": [
                {
                    "key": "pressure_business",
                    "question": "Is a business result at stake (cost, growth, risk, compliance)?",
                    "weight": 1,
                },
                {
                    "key": "pressure_deadline",
                    "question": "Is there a date by which they must act?",
                    "weight": 1,
                },
            ],
        },
        {
            "key": "discontent",
            "label": "Discontent with the status quo",
            "weight": 15,
            "questions": [
                {
                    "key": "discontent_named",
                    "question": "Have they named what is wrong with how it works today?",
                    "weight": 1,
                },
                {
                    "key": "discontent_cost",
                    "question": "Do they know what the status quo costs them?",
                    "weight": 1,
                },
            ],
        },
        {
            "key": "receptivity",
            "label": "Receptivity to new ideas",
            "weight": 15,
            "questions": [
                {
                    "key": "receptive_insight",
                    "question": "Did they engage with an idea we brought (not one they asked for)?",
                    "weight": 1,
                },
                {
                    "key": "receptive_change",
                    "question": "Have they changed a way of working or a supplier in two years?",
                    "weight": 1,
                },
            ],
        },
        {
            "key": "emerging_needs",
            "label": "Potential for emerging needs",
            "weight": 20,
            "questions": [
                {
                    "key": "emerging_unsolved",
                    "question": "Is there a need they have not yet defined a solution for?",
                    "weight": 1,
                },
                {
                    "key": "mobilizer",
                    "question": "At least one confirmed mobilizer",
                    "weight": 1,
                    "source": RELATIONSHIP_MAP,
                },
            ],
        },
    ],
    "analytics": {"strategic_fit": 10, "cost_to_serve": 10, "growth_potential": 10},
    "bands": [
        {
            "min_score": 70,
            "label": "Pursue",
            "guidance": "Invest: put the specialists on it and shape the need with the mobilizer.",
        },
        {
            "min_score": 45,
            "label": "Qualify further",
            "guidance": "Work the discovery questions before committing specialists' time.",
        },
        {
            "min_score": 0,
            "label": "Low fit",
            "guidance": "Serve it lean or walk away: it is unlikely to repay field time.",
        },
    ],
    "disqualified": {
        "label": "Disqualified",
        "guidance": "A gate failed: no meaningful spend or an unsound customer. Do not pursue.",
    },
    "demand": [
        {
            "key": "demand_rfp",
            "question": "Is there a formal RFP or a fixed specification?",
            "points_to": "established",
        },
        {
            "key": "demand_price",
            "question": "Are suppliers compared mainly on price?",
            "points_to": "established",
        },
        {
            "key": "demand_shaping",
            "question": "Is the need still being defined, so we can shape it?",
            "points_to": "emerging",
        },
        {
            "key": "demand_new_goal",
            "question": "Does it come from a new goal or initiative of the customer's?",
            "points_to": "emerging",
        },
    ],
}


def default_layout() -> dict[str, Any]:
    """A fresh copy of the default settings."""
    return copy.deepcopy(DEFAULT)


def _dec(raw: Any, where: str, errors: list[str], *, minimum: int = 0) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        errors.append(f"{where} must be a number, got {raw!r}.")
        return Decimal(0)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors.append(f"{where} must be a number, got {raw!r}.")
        return Decimal(0)
    if not value.is_finite() or value < minimum or value > 1000:
        errors.append(f"{where} must be between {minimum} and 1000, got {raw!r}.")
        return Decimal(0)
    return value


def _text(raw: Any, where: str, errors: list[str], limit: int = 300) -> str:
    if not isinstance(raw, str) or not raw.strip():
        errors.append(f"{where} must be a text.")
        return ""
    if len(raw) > limit:
        errors.append(f"{where} must be at most {limit} characters.")
    return raw.strip()[:limit]


def _table(raw: Any, where: str, known: set[str], errors: list[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors.append(f"{where} must be a table.")
        return {}
    for k in raw:
        if k not in known:
            errors.append(f"{where}: unknown key {k!r} (expected {', '.join(sorted(known))}).")
    return raw


def _question(
    raw: Any, where: str, errors: list[str], seen: set[str], kind: str = "question"
) -> Question:
    known = {"key", "question"} | (
        {"weight", "source"} if kind == "question" else {"points_to"} if kind == "signal" else set()
    )
    d = _table(raw, where, known, errors)
    key = d.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        errors.append(f"{where}: key must be lower-case letters, digits and _, got {key!r}.")
        key = ""
    elif key in seen:
        errors.append(f"{where}: key {key!r} is used twice.")
    seen.add(str(key))
    text = _text(d.get("question"), f"{where} question", errors)
    source = d.get("source", ASKED)
    if source not in (ASKED, RELATIONSHIP_MAP):
        errors.append(f"{where}: source must be {ASKED} or {RELATIONSHIP_MAP}, got {source!r}.")
        source = ASKED
    points_to = d.get("points_to", "")
    if kind == "signal" and points_to not in ("established", "emerging"):
        errors.append(f"{where}: points_to must be established or emerging, got {points_to!r}.")
    weight = _dec(d.get("weight", 1), f"{where} weight", errors) if kind == "question" else 1
    return Question(str(key), text, Decimal(weight), str(source), str(points_to))


def _list(raw: Any, where: str, errors: list[str], limit: int = 30) -> list[Any]:
    if not isinstance(raw, list):
        errors.append(f"[[{where}]] must be a list of tables.")
        return []
    if len(raw) > limit:
        errors.append(f"[[{where}]] may hold at most {limit} entries.")
    return raw[:limit]


def validate(data: Any) -> FitConfig:
    """Check settings in the layout above; raise one error listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise FitSettingsError("The fit settings must be a table of sections.")
    for key in data:
        if key not in SECTIONS:
            errors.append(f"Unknown section [{key}]: expected {', '.join(SECTIONS)}.")
    seen: set[str] = set()
    gates = tuple(
        _question(g, f"Gate {i + 1}", errors, seen, "gate")
        for i, g in enumerate(_list(data.get("gates", []), "gates", errors))
    )
    blocks = []
    for i, raw in enumerate(_list(data.get("blocks", []), "blocks", errors)):
        where = f"Block {i + 1}"
        d = _table(raw, where, {"key", "label", "weight", "questions"}, errors)
        key = d.get("key")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            errors.append(f"{where}: key must be lower-case letters, digits and _.")
        qs = tuple(
            _question(q, f"{where} question {j + 1}", errors, seen)
            for j, q in enumerate(_list(d.get("questions", []), f"{where} questions", errors))
        )
        if not qs:
            errors.append(f"{where} needs at least one question.")
        elif sum(q.weight for q in qs) == 0:
            errors.append(f"{where}: at least one question weight must be above 0.")
        blocks.append(
            Block(
                str(key),
                _text(d.get("label"), f"{where} label", errors),
                _dec(d.get("weight"), f"{where} weight", errors),
                qs,
            )
        )
    analytics_raw = _table(data.get("analytics", {}), "[analytics]", set(ANALYTICS_KEYS), errors)
    analytics = {
        k: _dec(analytics_raw.get(k, 0), f"[analytics] {k}", errors) for k in ANALYTICS_KEYS
    }
    bands = []
    for i, raw in enumerate(_list(data.get("bands", []), "bands", errors)):
        d = _table(raw, f"Band {i + 1}", {"min_score", "label", "guidance"}, errors)
        bands.append(
            Band(
                _dec(d.get("min_score"), f"Band {i + 1} min_score", errors),
                _text(d.get("label"), f"Band {i + 1} label", errors, 60),
                _text(d.get("guidance"), f"Band {i + 1} guidance", errors, 500),
            )
        )
    bands.sort(key=lambda b: -b.min_score)
    if not bands:
        errors.append("At least one band is needed.")
    elif bands[-1].min_score != 0:
        errors.append("The lowest band must start at min_score = 0, so every score has a band.")
    if len({b.min_score for b in bands}) != len(bands):
        errors.append("Two bands start at the same min_score.")
    dq = _table(data.get("disqualified", {}), "[disqualified]", {"label", "guidance"}, errors)
    disqualified = Band(
        Decimal(0),
        _text(dq.get("label", "Disqualified"), "[disqualified] label", errors, 60),
        _text(dq.get("guidance", "A gate failed."), "[disqualified] guidance", errors, 500),
    )
    demand = tuple(
        _question(s, f"Demand signal {i + 1}", errors, seen, "signal")
        for i, s in enumerate(_list(data.get("demand", []), "demand", errors))
    )
    config = FitConfig(gates, tuple(blocks), analytics, tuple(bands), disqualified, demand)
    if not errors and config.total_weight == 0:
        errors.append("At least one block or analytics weight must be above 0.")
    if errors:
        raise FitSettingsError(
            "The fit settings are not valid: " + " ".join(errors), details=errors
        )
    return config


def _v(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def layout_of(config: FitConfig) -> dict[str, Any]:
    """The validated settings back in the layout (numbers as JSON numbers)."""

    def num(d: Decimal) -> int | float:
        return int(d) if d == d.to_integral_value() else float(d)

    def q(x: Question, kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {"key": x.key, "question": x.text}
        if kind == "question":
            out["weight"] = num(x.weight)
            if x.source != ASKED:
                out["source"] = x.source
        if kind == "signal":
            out["points_to"] = x.points_to
        return out

    return {
        "gates": [q(g, "gate") for g in config.gates],
        "blocks": [
            {
                "key": b.key,
                "label": b.label,
                "weight": num(b.weight),
                "questions": [q(x, "question") for x in b.questions],
            }
            for b in config.blocks
        ],
        "analytics": {k: num(v) for k, v in config.analytics.items()},
        "bands": [
            {"min_score": num(b.min_score), "label": b.label, "guidance": b.guidance}
            for b in config.bands
        ],
        "disqualified": {
            "label": config.disqualified.label,
            "guidance": config.disqualified.guidance,
        },
        "demand": [q(s, "signal") for s in config.demand],
    }


def to_toml(layout: dict[str, Any]) -> str:
    """The layout as a TOML document that ``parse_toml`` reads back."""
    lines = ["# accountplan opportunity-fit scorecard (docs/opportunity-fit.md)", ""]
    for g in layout["gates"]:
        lines += ["[[gates]]", *(f"{k} = {_v(v)}" for k, v in g.items()), ""]
    for b in layout["blocks"]:
        lines += ["[[blocks]]", f"key = {_v(b['key'])}", f"label = {_v(b['label'])}"]
        lines += [f"weight = {_v(b['weight'])}", "questions = ["]
        for q in b["questions"]:
            inner = ", ".join(f"{k} = {_v(v)}" for k, v in q.items())
            lines.append(f"  {{ {inner} }},")
        lines += ["]", ""]
    lines += ["[analytics]", *(f"{k} = {_v(v)}" for k, v in layout["analytics"].items()), ""]
    for band in layout["bands"]:
        lines += ["[[bands]]", *(f"{k} = {_v(v)}" for k, v in band.items()), ""]
    lines += ["[disqualified]", *(f"{k} = {_v(v)}" for k, v in layout["disqualified"].items())]
    lines.append("")
    for s in layout["demand"]:
        lines += ["[[demand]]", *(f"{k} = {_v(v)}" for k, v in s.items()), ""]
    return "\n".join(lines)


def parse_toml(text: str) -> dict[str, Any]:
    """Read a TOML document into the layout (validated: a clear error when it is not)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FitSettingsError(f"The fit settings are not valid TOML: {exc}.") from exc
    return layout_of(validate(data))
