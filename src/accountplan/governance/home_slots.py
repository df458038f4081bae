"""Slots on the home page that other apps fill (reviews due, lost deals to re-engage).

HOOK for the reviews and lost-deal apps (issue 11 points 4 and 5): from ``AppConfig.ready()``::

    from accountplan.governance.home_slots import Slot, register_slot

    register_slot(Slot(key="reviews_due", title="Reviews due", template="reviews/home_slot.html",
                       context=lambda user, team, today: {"items": [...], "count": n}))

The home page renders each registered slot's template with its context (``items`` with at least
``label`` and ``url``, the link to where it is done; ``count``). The digest lists the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The slots issue 11 reserves; a slot registered with one of these keys fills it.
RESERVED = {"reviews_due": "Reviews due", "lost_deals": "Lost deals to re-engage"}


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
    """Every slot to show, registered ones with their data, reserved unfilled ones empty."""
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
