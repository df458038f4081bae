"""The governance rules' run time on a large book (issue 11).

Usage: DATABASE_URL=postgres://…/DB .venv/bin/python bench/rules.py [--accounts 100000]
           [--plans 0.1] [--out DIR] [--repeat 2]

Generates the book (bench/bookgen.py, cached in --out), loads it (bench/bulkload.py: wipes the
database's book) unless the database already holds that many accounts, scores it once
(``analyze_now``), then adds what the rules read and the generated book lacks, once and
deterministically (``ensure_governance_data``): 50 account executives owning the accounts
round-robin; an active FY2025 plan for ``--plans`` of the accounts with actions, milestones, a goal
and a relationship map (3 contacts each, one department unmapped), changed 0–89 days ago; FY2024
plans with no successor for half as many others; reviews (overdue, due soon, recent, none);
competitors on half the lost deals and their micro-plans (some with a news signal, all with a
contact newer than the loss); activities for two accounts in three. Every rule then has real rows
to read and real findings to write. Then runs the rules ``--repeat`` times (the first opens the
findings, the next ones reconcile them) and prints each run's wall time, the per-rule seconds with
each rule's open findings, the counts and the load average; the relationship rules share one pass
over the maps, printed on its own line. Wrap it in ``flock /work/bench.lock``.
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


#: Every date of the bench's rows counts back from this moment (the rules run the next day), so
#: the book looks the same whenever the bench runs.
AS_OF_DT = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)


def _days_ago(days: int) -> dt.datetime:
    return AS_OF_DT - dt.timedelta(days=days)


def ensure_governance_data(share: float) -> None:
    """Write, once, the rows every rule reads (deterministic: everything follows from the
    account ids). The marker is the bench's own plans (owned by ``bench.ae*``), not "any plan of
    FY2025": bench/web.py writes three demo plans of FY2025 on the same database, and that
    guard skipped this whole setup, leaving the relationship rules no maps to read."""
    from django.db import connection, transaction

    from accountplan.book.models import Account, Activity, Contact
    from accountplan.core.models import Role, User
    from accountplan.followup.models import Review
    from accountplan.followup.services import create_micro_plans
    from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus

    if AccountPlan.objects.filter(owner__username__startswith="bench.ae").exists():
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
            # Lost deals name a competitor (half of them, seven rivals): the micro-plans'
            # snapshot and the map's lost-to-a-competitor marks read it.
            cur.execute(
                "UPDATE book_opportunity SET competitor = 'Rival ' || CAST(id % 7 AS TEXT) "
                "WHERE status = 'lost' AND id % 2 = 0"
            )
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
        step = max(1, round(1 / share))
        planned = ids[::step]
        # Last year's plans with nothing for this year (plan.period_ended): half as many.
        ended = ids[step // 2 :: step * 2] if step > 1 else []
        plans = AccountPlan.objects.bulk_create(
            [
                AccountPlan(
                    account_id=a,
                    period="FY2025",
                    status=PlanStatus.ACTIVE,
                    owner_id=first + a % 50,
                    created_at=_days_ago(200),
                    # 0–89 days since the last change: a third stale at 30 days (plan.stale).
                    updated_at=_days_ago(a % 90),
                )
                for a in planned
            ]
            + [
                AccountPlan(
                    account_id=a,
                    period="FY2024",
                    status=PlanStatus.ACTIVE,
                    owner_id=first + a % 50,
                    created_at=_days_ago(560),
                    updated_at=_days_ago(370),
                )
                for a in ended
            ],
            batch_size=2000,
        )
        plans = [p for p in plans if p.period == "FY2025"]
        # Micro-plans of the lost deals before the contacts exist: the contacts written next
        # are "new since the loss" (a fired condition of lostdeal.reengage).
        micro = create_micro_plans(AS_OF)
        with connection.cursor() as cur:
            # A news signal on one in ten (another fired condition).
            cur.execute(
                "UPDATE followup_lostdealplan SET news_signal = 'Rival contract ending' "
                "WHERE id % 10 = 0"
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
        reviews = []
        for k, p in enumerate(plans):
            owner = first + p.account_id % 50
            cs = by_account[p.account_id]
            # Patterns follow the plan's index, not the account id: the planned ids are every
            # ``step``-th, so ``id % 2`` is the same for all of them at 10 %.
            n = k
            # review.due: reviewed 100 days ago (overdue), 85 days ago (due within two weeks),
            # 10 days ago (nothing), or never since the plan started 200 days ago (overdue).
            if n % 4 < 3:
                reviews.append(
                    Review(plan=p, reviewed_on=AS_OF - dt.timedelta(days=(100, 85, 10)[n % 4]))
                )
            sections += [
                PlanSection(
                    plan=p,
                    key="actions",
                    updated_at=_days_ago(n % 90),
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
                    updated_at=_days_ago(n % 90),
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
                    updated_at=_days_ago(n % 90),
                    data={
                        "objective_amount": str(100000 + n % 7 * 50000),
                        "strategy": "Grow",
                        # Cross-sell on odd plans: even Expand plans have none (play rules);
                        # "NPS" on one in five: other Nurture plans lack a satisfaction goal.
                        "objective_text": "Raise NPS" if n % 5 == 0 else "",
                        "components": [{"id": f"g{n}", "kind": ("upsell", "cross_sell")[n % 2]}],
                    },
                ),
                PlanSection(
                    plan=p,
                    key="relationships",
                    updated_at=_days_ago(n % 90),
                    data={
                        # A decider on even plans (a detractor on one in five), a user on odd
                        # ones; mobilizer / talker / unjudged on the first, talker or unjudged
                        # on the second: every relationship gap occurs, and the Ops contact is
                        # never mapped (department gap).
                        "stakeholders": [
                            {
                                "id": f"s{n}1",
                                "contact_id": cs[0],
                                "buying_role": ("decision_maker", "user")[n % 2],
                                "attitude": ("supporter", "detractor")[n % 5 == 0],
                                "mobilizer": ("mobilizer", "talker", None)[n % 3],
                            },
                            {
                                "id": f"s{n}2",
                                "contact_id": cs[1],
                                "mobilizer": "talker" if n % 4 < 2 else None,
                            },
                        ]
                    },
                ),
            ]
        from accountplan.plans.completeness import fill_units

        for section in sections:  # a bulk write skips save(), which sets the fill
            section.fill = fill_units(section.key, section.data)
        made = PlanSection.objects.bulk_create(sections, batch_size=5000)
        from accountplan.plans.action_index import sync_sections

        sync_sections(made)  # a bulk write skips post_save: the action rows are written here
        Review.objects.bulk_create(reviews, batch_size=5000)
        from accountplan.followup.signals import rebuild_last_reviews

        rebuild_last_reviews()  # a bulk write skips post_save: each plan's last review here
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
        f"governance data: {len(plans):,} plans of FY2025 and {len(ended):,} of FY2024, "
        f"{len(contacts):,} contacts, {len(acts):,} activities, {len(reviews):,} reviews, "
        f"{micro:,} lost-deal micro-plans in {time.perf_counter() - started:.1f} s"
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
    from django.db.models import Count

    from accountplan.governance.models import Finding
    from accountplan.governance.rules.registry import get, rules
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
        found = dict(
            Finding.objects.open()
            .order_by()
            .values_list("rule")
            .annotate(n=Count("pk"))
            .values_list("rule", "n")
        )
        print(f"    {'rule (or shared step)':40} {'seconds':>9}  open findings")
        for code, secs in sorted(run.timings.items(), key=lambda kv: -kv[1]):
            n = f"{found.get(code, 0):>13,}" if get(code) else ""
            print(f"    {code:40} {secs:9.3f}  {n}")
        silent = [r.code for r in rules() if not found.get(r.code)]
        if silent:
            print("rules without a finding (no real rows exercised them):", ", ".join(silent))
        if run.errors:
            print("errors:", run.errors)


if __name__ == "__main__":
    main()
