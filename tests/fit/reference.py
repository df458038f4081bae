"""An independent recomputation of the fit score with fractions, from the settings' layout (not
from ``fit.scoring``'s objects): what a reader of docs/opportunity-fit.md would do by hand."""

from __future__ import annotations

from fractions import Fraction
from typing import Any


def reference_score(
    layout: dict[str, Any],
    answers: dict[str, str],
    mobilizer: bool | None,
    analytics: dict[str, str | None],
) -> tuple[str, str, bool]:
    """(score to one decimal as text, band label, gated)."""
    for g in layout["gates"]:
        if answers.get(g["key"]) == "no":
            return "0.0", layout["disqualified"]["label"], True
    points = Fraction(0)
    total = Fraction(0)
    for b in layout["blocks"]:
        weight = Fraction(str(b["weight"]))
        total += weight
        yes = Fraction(0)
        all_w = Fraction(0)
        for q in b["questions"]:
            qw = Fraction(str(q.get("weight", 1)))
            all_w += qw
            if q.get("source") == "relationship_map":
                said = mobilizer is True
            else:
                said = answers.get(q["key"]) == "yes"
            yes += qw if said else 0
        points += weight * yes / all_w
    for key, w in layout["analytics"].items():
        weight = Fraction(str(w))
        if weight == 0:
            continue
        total += weight
        value = analytics.get(key)
        points += weight * (Fraction(value) if value is not None else 0)
    exact = 100 * points / total
    # Round half up to one decimal, exactly.
    tenths = (exact * 10 * 2 + 1) // 2
    score = Fraction(tenths, 10)
    text = f"{tenths // 10}.{tenths % 10}"
    bands = sorted(layout["bands"], key=lambda b: -Fraction(str(b["min_score"])))
    label = next(
        (b["label"] for b in bands if score >= Fraction(str(b["min_score"]))), bands[-1]["label"]
    )
    return text, label, False
