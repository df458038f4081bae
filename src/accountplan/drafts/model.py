"""The optional model pass over an offline draft (issue 15, point 3).

With no model configured (the default) a draft is the offline drafter's, unchanged: no data leaves
the machine. The model pass itself (an OpenAI-compatible endpoint or an in-process model, with every
rewritten sentence checked against the facts it cites) plugs in here.
"""

from __future__ import annotations

from accountplan.drafts.types import FactSet, PlanDraft


def maybe_rewrite(draft: PlanDraft, facts: FactSet) -> PlanDraft:
    """The draft as the plan shows it: rewritten by the configured model, or as drafted offline.

    No model is configured in this version, so the offline draft is returned as it is.
    """
    del facts
    return draft
