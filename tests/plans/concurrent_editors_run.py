"""Concurrent editors against a real database, run in its own process so the app's settings
(``DATABASE_URL`` or the default SQLite file) are read exactly as a server reads them.

``python -m tests.plans.concurrent_editors_run WRITERS ROUNDS`` migrates the configured database,
makes a book, then drives the WSGI app from ``WRITERS`` threads at once (each its own client and
database connection, started together by a barrier):

1. every writer, ``ROUNDS`` times, reads the customer-goals section and saves it with one field
   changed (writers share fields, so some saves meet others' changes);
2. every writer clones the plan into the same new period at once, ``ROUNDS`` times;
3. every writer changes the plan's status at once, ``ROUNDS`` times;
4. every writer renames its own plan into the same period at once, ``ROUNDS`` times.

It prints one JSON line: the answers by status, and the lost updates found (a save answered
2xx whose value is not in the revision it was given, or that overwrote a change to the same
field made after the version it was based on: that must have been a 409).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from typing import Any

FIELDS = ("north_star_metric", "efforts_made", "biggest_challenge", "success_measures")


def main(writers: int, rounds: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from accountplan.book.models import Account, AccountTeamMember
    from accountplan.core.models import Role, User
    from accountplan.core.tokens import create_token
    from accountplan.plans.models import AccountPlan, PlanRevision
    from accountplan.plans.sections import empty_section
    from accountplan.plans.services import create_plan

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("owner", role=Role.ACCOUNT_EXECUTIVE)
    account = Account.objects.create(name="Concurrent Corp", owner=owner)
    users = [User.objects.create_user(f"w{i}", role=Role.ACCOUNT_EXECUTIVE) for i in range(writers)]
    for user in users:
        AccountTeamMember.objects.create(account=account, user=user, function="sales")
    plan = create_plan(account, "FY2027", owner)
    own_plans = [create_plan(account, f"FY{2100 + i}", owner) for i in range(writers)]
    tokens = [create_token(u, "concurrent").raw for u in users]
    connections.close_all()

    statuses: Counter[str] = Counter()
    saves: list[dict[str, Any]] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)
    section_url = f"/api/plans/{plan.pk}/sections/customer_goals"

    def note(kind: str, status: int, body: bytes) -> None:
        with lock:
            statuses[f"{kind} {status}"] += 1
            if status >= 500:
                errors.append(f"{kind} {status}: {body[:200]!r}")

    def writer(i: int) -> None:
        client = Client(headers={"Authorization": f"Bearer {tokens[i]}"}, SERVER_NAME="localhost")
        try:
            for r in range(rounds):
                barrier.wait()
                got = client.get(section_url)
                note("read", got.status_code, got.content)
                if got.status_code != 200:
                    continue
                current = got.json()
                field, value = FIELDS[(i + r) % len(FIELDS)], f"w{i}-r{r}"
                data = {**current["data"], field: value}
                body = json.dumps({"base_version": current["version"], "data": data})
                put = client.put(section_url, body, content_type="application/json")
                note("save", put.status_code, put.content)
                if put.status_code == 200:
                    with lock:
                        saves.append(
                            {
                                "field": field,
                                "value": value,
                                "base": current["version"],
                                "version": put.json()["version"],
                            }
                        )
            for r in range(rounds):
                barrier.wait()
                period = json.dumps({"period": f"FY{2200 + r}"})
                cloned = client.post(
                    f"/api/plans/{plan.pk}/clone", period, content_type="application/json"
                )
                note("clone", cloned.status_code, cloned.content)
            for r in range(rounds):
                barrier.wait()
                status = json.dumps({"status": ("active", "draft")[(i + r) % 2]})
                patched = client.patch(
                    f"/api/plans/{plan.pk}", status, content_type="application/json"
                )
                note("status", patched.status_code, patched.content)
            for r in range(rounds):
                barrier.wait()
                period = json.dumps({"period": f"FY{2300 + r}"})
                mine = own_plans[i]
                renamed = client.patch(
                    f"/api/plans/{mine.pk}", period, content_type="application/json"
                )
                note("rename", renamed.status_code, renamed.content)
                barrier.wait()  # every attempt of the round made: now the winner may give back
                if renamed.status_code == 200:  # give it back for the next round
                    back = json.dumps({"period": f"FY{2100 + i}"})
                    client.patch(f"/api/plans/{mine.pk}", back, content_type="application/json")
        except Exception as exc:  # reported as a failure of the run
            with lock:
                errors.append(f"writer {i}: {exc!r}")
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    revisions = {
        r.version: r.data
        for r in PlanRevision.objects.filter(plan=plan, key="customer_goals").order_by("version")
    }
    revisions.setdefault(1, empty_section("customer_goals"))  # version 1: never saved yet
    lost: list[str] = []
    versions = [s["version"] for s in saves]
    if len(set(versions)) != len(versions):
        lost.append(f"two saves answered the same version: {sorted(versions)}")
    for s in saves:
        landed = revisions.get(s["version"], {})
        if landed.get(s["field"]) != s["value"]:
            lost.append(f"{s['value']} answered v{s['version']} but is not in it")
        for v in range(s["base"] + 1, s["version"]):
            before, after = revisions.get(v - 1, {}), revisions.get(v, {})
            if before.get(s["field"]) != after.get(s["field"]):
                lost.append(f"{s['value']} (base v{s['base']}) overwrote v{v}'s {s['field']}")
    plan_versions = list(
        PlanRevision.objects.filter(plan=plan, key="plan").values_list("version", flat=True)
    )
    if len(set(plan_versions)) != len(plan_versions):
        lost.append(f"plan revisions share a version: {sorted(plan_versions)}")
    periods = Counter(AccountPlan.objects.values_list("period", flat=True))
    return {
        "database": connections["default"].vendor,
        "journal": _journal(connections["default"]),
        "writers": writers,
        "rounds": rounds,
        "statuses": dict(statuses),
        "saves_landed": len(saves),
        "revisions": len(revisions) - 1,
        "clones": sum(n for p, n in periods.items() if p.startswith("FY22")),
        "renamed_now": sum(n for p, n in periods.items() if p.startswith("FY23")),
        "lost": lost,
        "errors": errors,
    }


def _journal(connection: Any) -> str:
    if connection.vendor != "sqlite":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
