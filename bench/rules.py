"""The governance rules' run time on a large book (issue 11).

Usage: DATABASE_URL=postgres://…/DB .venv/bin/python bench/rules.py [--accounts 100000]
           [--plans 0.1] [--out DIR] [--repeat 2]

Generates the book (bench/bookgen.py, cached in --out), loads it (bench/bulkload.py: wipes the
database's book) unless the database already holds that many accounts, scores it once
(``analyze_now``), then adds what the rules read and the generated book lacks: 50 account
executives owning the accounts round-robin, an active plan with actions, milestones, a goal and a
relationship map for ``--plans`` of the accounts (3 contacts each, one department unmapped), and
activities for two accounts in three. Then runs the rules ``--repeat`` times (the first opens the
findings, the next ones reconcile them) and prints each run's wall time, the per-rule seconds,
the counts and the load average. Wrap it in ``flock /work/bench.lock``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 12, 31)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()


def ensure_book(accounts: int, out: Path) -> None:
    from django.core.management import call_command

    from accountplan.book.models import Account

    call_command("migrate", verbosity=0)
    folder = out / f"book-{accounts}"
    if not (folder / "meta.json").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench/bookgen.py"), str(accounts), "--out", str(folder)],
            check=True,
        )
    if Account.objects.count() != accounts:
        subprocess.run([sys.executable, str(ROOT / "bench/bulkload.py"), str(folder)], check=True)


def ensure_snapshot() -> None:
    from accountplan.portfolio.models import Snapshot
    from accountplan.portfolio.services import analyze_now

    if Snapshot.objects.current() is None:
        started = time.perf_counter()
        analyze_now(as_of=AS_OF, trigger="bench")
        print(f"scored in {time.perf_counter() - started:.1f} s")


def ensure_governance_data(share: float) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accountplan.book.models import Account, Activity, Contact
    from accountplan.core.models import Role, User
    from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus

    if AccountPlan.objects.filter(period="FY2025").exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        users = [
            User.objects.get_or_create(
                username=f"bench.ae{i}", defaults={"role": Role.ACCOUNT_EXECUTIVE}
            )[0]
            for i in range(50)
        ]
        first = min(u.pk for u in users)
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE book_account SET owner_id = {first} + (id % 50)"  # noqa: S608 - ints
            )
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
        step = max(1, round(1 / share))
        planned = ids[::step]
        now = timezone.now()
        plans = AccountPlan.objects.bulk_create(
            [
                AccountPlan(
                    account_id=a,
                    period="FY2025",
                    status=PlanStatus.ACTIVE,
                    owner_id=first + a % 50,
                    created_at=now,
                    updated_at=now - dt.timedelta(days=a % 90),
                )
                for a in planned
            ],
            batch_size=2000,
        )
        contacts = Contact.objects.bulk_create(
            [
                Contact(account_id=a, last_name=f"C{a}-{k}", department=("IT", "Finance", "Ops")[k])
                for a in planned
                for k in range(3)
            ],
            batch_size=5000,
        )
        by_account: dict[int, list[int]] = {}
        for c in contacts:
            by_account.setdefault(c.account_id, []).append(c.pk)
        sections = []
        for p in plans:
            owner = first + p.account_id % 50
            cs = by_account[p.account_id]
            n = p.account_id
            sections += [
                PlanSection(
                    plan=p,
                    key="actions",
                    data={
                        "actions": [
                            {
                                "id": f"a{n}1",
                                "title": "QBR",
                                "owner_id": owner,
                                "due_date": (AS_OF - dt.timedelta(days=n % 60)).isoformat(),
                                "status": "todo",
                            },
                            {
                                "id": f"a{n}2",
                                "title": "Pilot",
                                "owner_id": owner,
                                "due_date": (AS_OF + dt.timedelta(days=10)).isoformat(),
                                "status": "todo",
                            },
                        ]
                    },
                ),
                PlanSection(
                    plan=p,
                    key="dashboard",
                    data={
                        "milestones": [
                            {
                                "id": f"m{n}",
                                "title": "Signed",
                                "date": AS_OF.isoformat(),
                                "status": ("on_track", "late", "at_risk")[n % 3],
                            }
                        ]
                    },
                ),
                PlanSection(
                    plan=p,
                    key="goals",
                    data={
                        "objective_amount": str(100000 + n % 7 * 50000),
                        "strategy": "Grow",
                        "components": [{"id": f"g{n}", "kind": ("upsell", "cross_sell")[n % 2]}],
                    },
                ),
                PlanSection(
                    plan=p,
                    key="relationships",
                    data={
                        "stakeholders": [
                            {
                                "id": f"s{n}1",
                                "contact_id": cs[0],
                                "buying_role": ("decision_maker", "user")[n % 2],
                                "attitude": ("supporter", "detractor")[n % 5 == 0],
                                "mobilizer": ("mobilizer", "talker", None)[n % 3],
                            },
                            {"id": f"s{n}2", "contact_id": cs[1], "mobilizer": "talker"},
                        ]
                    },
                ),
            ]
        PlanSection.objects.bulk_create(sections, batch_size=5000)
        acts = []
        for i, a in enumerate(ids):
            if i % 3 == 2:
                continue
            contact = by_account.get(a, [None])[0]
            acts.append(
                Activity(
                    account_id=a,
                    contact_id=contact,
                    subject="Call",
                    date=AS_OF - dt.timedelta(days=a % 200),
                )
            )
        Activity.objects.bulk_create(acts, batch_size=5000)
    print(
        f"governance data: {len(plans):,} plans, {len(contacts):,} contacts, "
        f"{len(acts):,} activities in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--plans", type=float, default=0.1)
    parser.add_argument("--out", type=Path, default=Path("/work/bdata/health11/bench"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from accountplan.governance.models import Finding
    from accountplan.governance.services import run_rules

    ensure_book(args.accounts, args.out)
    ensure_snapshot()
    ensure_governance_data(args.plans)
    print(f"database: {connection.vendor}")
    for i in range(args.repeat):
        load = Path("/proc/loadavg").read_text().split()[:3]
        started = time.perf_counter()
        run = run_rules(trigger="bench", today=AS_OF + dt.timedelta(days=1))
        wall = time.perf_counter() - started
        print(
            f"run {i + 1}: {wall:.2f} s wall · opened {run.opened:,} kept {run.kept:,} "
            f"closed {run.closed:,} · open findings {Finding.objects.open().count():,} · "
            f"load average before {' '.join(load)}"
        )
        for code, secs in sorted(run.timings.items(), key=lambda kv: -kv[1]):
            print(f"    {code:34} {secs:8.3f} s")
        if run.errors:
            print("errors:", run.errors)


if __name__ == "__main__":
    main()
