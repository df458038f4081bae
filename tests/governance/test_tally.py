"""The open findings' counts by rule that the database keeps (``FindingTally``, triggers of
migration governance 0003) against a recount of the findings after every kind of write: the
rules run (bulk inserts, bulk closes, the update of every open finding's last-seen time), a
finding inserted closed, closed, reopened, moved to another rule, deleted, and deleted with its
account. Then the home page's counts by kind from the tally against a count of what the page
lists, with findings snoozed past today and until yesterday."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountplan.core.models import Role
from accountplan.governance import selectors
from accountplan.governance.models import Finding, FindingTally, Severity
from accountplan.governance.services import run_rules, snooze
from accountplan.plans.models import PlanStatus
from accountplan.plans.services import create_plan, save_section
from tests.factories import PASSWORD, AccountFactory, UserFactory
from tests.governance.conftest import World


def recount() -> dict[str, int]:
    rows = (
        Finding.objects.filter(closed_at__isnull=True)
        .order_by()
        .values_list("rule")
        .annotate(n=Count("pk"))
    )
    return dict(rows.values_list("rule", "n"))


def tally() -> dict[str, int]:
    return dict(FindingTally.objects.filter(open_count__gt=0).values_list("rule", "open_count"))


def finding(world: World, rule: str, **fields: object) -> Finding:
    return Finding.objects.create(
        rule=rule,
        severity=Severity.AMBER,
        account=fields.pop("account", world.accounts["a1"]),
        summary=f"{rule} test",
        fix_url="/",
        **fields,
    )


def test_the_tally_follows_every_write(world: World) -> None:
    run_rules(today=world.today)
    first = recount()
    assert sum(first.values()) >= 10 and tally() == first
    assert not any(n < 0 for n in FindingTally.objects.values_list("open_count", flat=True))

    closed = finding(world, "test.one", closed_at=timezone.now())  # inserted closed: no count
    assert tally() == recount() == first
    one = finding(world, "test.one")
    two = finding(world, "test.two")
    assert tally() == recount() and tally()["test.one"] == 1
    Finding.objects.filter(pk=one.pk).update(closed_at=timezone.now())  # closed
    Finding.objects.filter(pk=closed.pk).update(closed_at=None)  # reopened
    Finding.objects.filter(pk=two.pk).update(rule="test.three")  # moved to another kind
    assert tally() == recount()
    assert tally()["test.one"] == 1 and "test.two" not in tally() and tally()["test.three"] == 1

    # Many rows in one statement, closed or not: the bulk path of the rules run.
    other = AccountFactory(owner=world.bob)
    Finding.objects.bulk_create(
        [
            Finding(
                rule=f"test.bulk{i % 3}",
                severity=Severity.RED,
                account=other if i % 2 else world.accounts["a2"],
                summary="bulk",
                fix_url="/",
                closed_at=timezone.now() if i % 5 == 0 else None,
            )
            for i in range(60)
        ]
    )
    assert tally() == recount()
    Finding.objects.filter(rule="test.bulk1").update(closed_at=timezone.now())
    Finding.objects.filter(rule__startswith="test.").update(last_seen_at=timezone.now())
    assert tally() == recount()

    # Deleted: one row, and the findings of a deleted account (a cascade in the database).
    Finding.objects.filter(pk=closed.pk).delete()
    other.delete()
    assert tally() == recount()
    assert not Finding.objects.filter(account_id=other.pk).exists()

    # A second run closes what it no longer finds and keeps the rest: still the recount.
    run_rules(today=world.today)
    assert tally() == recount()


def test_home_counts_from_the_tally_equal_a_count_of_the_page(world: World) -> None:
    """A manager who sees the whole book (no reports) reads the counts from the tally; they
    equal a count of the findings the page lists, snoozed ones left out until their day."""
    run_rules(today=world.today)
    boss = UserFactory(username="boss", role=Role.MANAGER)
    assert selectors.sees_all_findings(boss, True)
    assert not selectors.sees_all_findings(world.alice, True)  # she has a report: her team's
    open_ = list(Finding.objects.filter(closed_at__isnull=True).order_by("pk"))
    snooze(open_[0], boss, "waiting for the budget", world.today + dt.timedelta(days=3))
    # snoozed until today: still asleep today (awake is snoozed until before today)
    Finding.objects.filter(pk=open_[1].pk).update(snoozed_until=world.today)
    later = Finding.objects.get(pk=open_[2].pk)
    snooze(later, boss, "a past snooze", world.today + dt.timedelta(days=1))
    Finding.objects.filter(pk=later.pk).update(snoozed_until=world.today - dt.timedelta(days=1))

    listed = selectors.attention(boss, True, world.today)
    want = Counter(listed.values_list("rule", flat=True))
    assert not {open_[0].pk, open_[1].pk} & set(listed.values_list("pk", flat=True))
    assert open_[2].pk in set(listed.values_list("pk", flat=True))
    from_tally = selectors.counts_by_rule(listed, world.today)
    assert {c["rule"]: c["count"] for c in from_tally} == dict(want)
    assert from_tally == selectors.counts_by_rule(listed)  # same order and labels as a count

    client = Client()
    assert client.login(username="boss", password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    assert page.status_code == 200
    listed_here = len(page.context["page_obj"].object_list)
    assert listed_here >= 10
    # nothing read finding by finding (a deferred field would add one statement each)
    # (15 statements today; one a finding would be 15 + 17)
    assert len(queries) <= 18, [q["sql"][:90] for q in queries]
    assert page.context["total"] == sum(want.values()) == page.context["page_obj"].paginator.count
    assert {c["rule"]: c["count"] for c in page.context["counts"]} == dict(want)


def test_a_finding_item_escapes_what_it_shows(world: World) -> None:
    """The home page's finding items are built in Python (``finding_item``): every text is
    escaped, the summary and an evidence label and link alike."""
    UserFactory(username="boss2", role=Role.MANAGER)
    Finding.objects.create(
        rule="test.markup",
        severity=Severity.RED,
        account=world.accounts["a1"],
        summary='<script>alert("s")</script> & co',
        evidence=[{"label": "<b>bold</b>", "url": '/x?a=1&b="2"', "date": "2026-01-02"}],
        fix_url="/",
        rank=10**9,  # first on the page
    )
    client = Client()
    assert client.login(username="boss2", password=PASSWORD)
    html = client.get("/").content.decode()
    assert "&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; co" in html
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and 'href="/x?a=1&amp;b=&quot;2&quot;"' in html


def test_the_home_action_lists_escape_what_they_show(db: None) -> None:
    """The overdue and upcoming actions are built in Python too (``action_items``): the
    action's title and the account's name are escaped, the date is the user's."""
    user = UserFactory(username="ae-markup", role=Role.ACCOUNT_EXECUTIVE)
    account = AccountFactory(owner=user, name='<i>Acme</i> & "Sons"')
    plan = create_plan(account, "FY 2027", user)
    today = timezone.localdate()
    actions = [
        {
            "title": "<script>late()</script>",
            "owner_id": user.pk,
            "due_date": (today - dt.timedelta(days=3)).isoformat(),
        },
        {
            "title": "soon & <b>now</b>",
            "owner_id": user.pk,
            "due_date": (today + dt.timedelta(days=2)).isoformat(),
        },
    ]
    save_section(plan, "actions", {"actions": actions}, 1, user)
    plan.status = PlanStatus.ACTIVE  # an active plan's actions are listed
    plan.save()
    client = Client()
    assert client.login(username="ae-markup", password=PASSWORD)
    html = client.get("/").content.decode()
    assert "<script>late()" not in html and "<b>now</b>" not in html and "<i>Acme" not in html
    assert (
        "&lt;script&gt;late()&lt;/script&gt;" in html
        and "soon &amp; &lt;b&gt;now&lt;/b&gt;" in html
    )
    assert "&lt;i&gt;Acme&lt;/i&gt; &amp; &quot;Sons&quot; FY 2027" in html
    late_day = (today - dt.timedelta(days=3)).isoformat()
    assert f'<time datetime="{late_day}">' in html
