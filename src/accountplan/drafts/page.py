"""What the draft panel shows: entries grouped by field, each with its evidence and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accountplan.drafts.evidence import fact_links
from accountplan.drafts.models import Draft
from accountplan.drafts.offline_base import FIELD_LABELS, FIELDS
from accountplan.drafts.services import stored
from accountplan.plans.sections import title_of


@dataclass
class EntryView:
    ref: str
    slug: str
    text: str
    editable: bool
    facts: list[dict[str, Any]]
    origin: str
    accepted: bool
    fallback_reason: str = ""


@dataclass
class FieldView:
    label: str
    entries: list[EntryView] = field(default_factory=list)


@dataclass
class SectionView:
    key: str
    title: str
    base: int | None
    fields: list[FieldView]

    @property
    def count(self) -> int:
        return sum(len(f.entries) for f in self.fields)


def panel(record: Draft, scope: str) -> dict[str, Any]:
    """The panel's context for a stored draft (``scope``: a section key, or ``plan``)."""
    draft, facts = stored(record)
    by_id = facts.by_id()
    accepted = set(record.accepted_entries or [])
    sections = []
    for s in draft.sections:
        groups: dict[str, FieldView] = {}
        for i, e in enumerate(s.entries):
            ref = f"{s.key}.{i}"
            kind = FIELDS.get(s.key, {}).get(e.field, ("", ""))[0]
            cited = [by_id[f] for f in e.fact_ids if f in by_id]
            view = EntryView(
                ref=ref,
                slug=f"{record.pk}-{s.key}-{i}",
                text=e.text,
                editable=kind in ("text", "strings", "items"),
                facts=[
                    {"label": f.label, "links": fact_links(f, record.account_id)} for f in cited
                ],
                origin=e.origin,
                accepted=ref in accepted,
                fallback_reason=e.fallback_reason,
            )
            label = FIELD_LABELS.get(e.field, e.field)
            groups.setdefault(label, FieldView(label)).entries.append(view)
        sections.append(
            SectionView(
                key=s.key,
                title=title_of(s.key),
                base=(record.base_versions or {}).get(s.key),
                fields=list(groups.values()),
            )
        )
    return {
        "record": record,
        "draft": draft,
        "badge": draft.badge,
        "scope": scope,
        "whole": scope == "plan",
        "sections": sections,
        "facts_count": len(facts.facts),
    }
