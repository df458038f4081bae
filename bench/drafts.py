"""Drafts measured, not claimed (issue 15 point 6): draft every plan of the demo book offline and
report the share of sentences with valid citations, the facts used per section and the time per
plan.

Usage: ACCOUNTPLAN_DATA_DIR=DIR .venv/bin/python bench/drafts.py [--json] [--as-of YYYY-MM-DD]
       (or DATABASE_URL=postgres://…). Builds the demo book first when the database has no plan.

A sentence's citations are valid when it cites at least one fact and every fact it cites is in
the FactSet it was drafted from; the offline drafter must reach 100 %. Each drafted section's
entries are also written into an empty section and validated by its schema (a draft the plan
would refuse is counted as invalid). Time per plan is the wall time of facts + offline rules +
the model pass (a no-op while no model is configured), each plan drafted once after one warm-up
draft; the budget is 1 s per plan. Exits 1 when a citation is invalid or a plan is over budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 1.0


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()


def run(as_of: dt.date | None) -> dict[str, Any]:
    from django.core.management import call_command

    from accountplan.drafts.apply import apply_entries
    from accountplan.drafts.services import draft_with_facts
    from accountplan.plans.models import AccountPlan
    from accountplan.plans.sections import SectionInvalid, validate_section

    call_command("migrate", verbosity=0)
    if not AccountPlan.objects.exists():
        call_command("demo", "--no-serve", "--noinput", verbosity=0)
    plans = list(AccountPlan.objects.select_related("account").order_by("pk"))
    if not plans:
        raise SystemExit("No plan to draft: the demo book did not write any.")
    draft_with_facts(plans[0], as_of=as_of)  # warm-up: imports, caches
    sentences = valid = invalid_schema = 0
    facts_per_section: dict[str, list[int]] = defaultdict(list)
    entries_per_section: dict[str, list[int]] = defaultdict(list)
    times: list[float] = []
    per_plan = []
    for plan in plans:
        start = time.perf_counter()
        draft, facts = draft_with_facts(plan, as_of=as_of)
        seconds = time.perf_counter() - start
        times.append(seconds)
        ids = set(facts.by_id())
        for section in draft.sections:
            cited: set[str] = set()
            for entry in section.entries:
                sentences += 1
                if entry.fact_ids and set(entry.fact_ids) <= ids:
                    valid += 1
                cited |= set(entry.fact_ids)
            facts_per_section[section.key].append(len(cited))
            entries_per_section[section.key].append(len(section.entries))
            if section.entries:
                data = apply_entries(section.key, {}, [(e, None) for e in section.entries]).data
                try:
                    validate_section(section.key, data)
                except SectionInvalid:
                    invalid_schema += 1
        per_plan.append(
            {
                "plan": str(plan),
                "facts": len(facts.facts),
                "entries": sum(len(s.entries) for s in draft.sections),
                "seconds": round(seconds, 4),
            }
        )
    return {
        "plans": len(plans),
        "sentences": sentences,
        "valid_citations_pct": round(100 * valid / sentences, 2) if sentences else None,
        "sections_refused_by_schema": invalid_schema,
        "facts_used_per_section": {
            k: round(statistics.mean(v), 1) for k, v in facts_per_section.items()
        },
        "entries_per_section": {
            k: round(statistics.mean(v), 1) for k, v in entries_per_section.items()
        },
        "seconds_per_plan": {
            "min": round(min(times), 4),
            "median": round(statistics.median(times), 4),
            "max": round(max(times), 4),
        },
        "budget_seconds": BUDGET_SECONDS,
        "per_plan": per_plan,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help="Draft as of (default today).")
    args = parser.parse_args()
    setup_django()
    report = run(args.as_of)
    ok = (
        report["valid_citations_pct"] == 100.0
        and report["sections_refused_by_schema"] == 0
        and report["seconds_per_plan"]["max"] <= BUDGET_SECONDS
    )
    if args.json:
        print(json.dumps(report, indent=2))
        return 0 if ok else 1
    t = report["seconds_per_plan"]
    print(f"Plans drafted: {report['plans']}; sentences: {report['sentences']}")
    print(f"Sentences with valid citations: {report['valid_citations_pct']} %")
    print(f"Sections the schemas refused: {report['sections_refused_by_schema']}")
    print(
        f"Time per plan: min {t['min']:.3f} s, median {t['median']:.3f} s, max {t['max']:.3f} s "
        f"(budget {BUDGET_SECONDS:.1f} s)"
    )
    print("Per section: facts cited (mean) · entries (mean)")
    for key, used in report["facts_used_per_section"].items():
        print(f"  {key:<18} {used:>5} · {report['entries_per_section'][key]:>5}")
    for row in report["per_plan"]:
        plan, facts, entries = row["plan"], row["facts"], row["entries"]
        print(f"  {plan}: {facts} facts, {entries} entries, {row['seconds']} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
