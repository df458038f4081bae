"""Slots on the home page that other apps fill (the follow-up app's reviews and re-engagements
coming up; what is due now is a finding of its rules, not a slot item).

From ``AppConfig.ready()``::

    from accountplan.governance.home_slots import Slot, register_slot

    register_slot(Slot(key="reviews_upcoming", title="Reviews coming up",
                       template="followup/_slot_reviews.html",
                       context=lambda user, team, today: {"items": [...], "count": n}))

The home page renders each registered slot's template with its context (``items`` with at least
``label`` and ``url``, the link to where it is done; ``count``). The digest lists the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Slot:
    key: str
    title: str
    template: str
    context: Callable[[Any, bool, dt.date], dict[str, Any]]


_SLOTS: dict[str, Slot] = {}


def register_slot(slot: Slot) -> None:
    _SLOTS[slot.key] = slot


def render_slots(user: Any, team: bool, today: dt.date) -> list[dict[str, Any]]:
    """Every registered slot with its data, by key."""
    out = []
    for key, slot in sorted(_SLOTS.items()):
        out.append(
            {
                "key": key,
                "title": slot.title,
                "template": slot.template,
                **slot.context(user, team, today),
            }
        )
    return out
