"""The home page, the snooze form, the plans and accounts lists' health filters, the CLI, the API
and the digest (sent through a real SMTP server on a local socket)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accountplan.core.models import User
from accountplan.governance.digest import send_digests
from accountplan.governance.models import Finding, FindingSnooze
from accountplan.governance.services import run_rules
from tests.factories import UserFactory
from tests.governance.conftest import World


@pytest.fixture
def ran(world: World) -> World:
    run_rules(trigger="test", today=world.today)
    return world


def _get(user: User, url: str) -> str:
    c = Client()
    c.force_login(user)
    r = c.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


def test_home_lists_my_findings_ranked_with_links_and_counts(ran: World) -> None:
    html = _get(ran.bob, "/")
    assert "What needs attention" in html
    rules = {f.rule for f in Finding.objects.open()}
    for f in Finding.objects.open():
        assert f'href="{f.fix_url}"' in html
    assert html.index("a decision maker is a detractor") < html.index("no change in")
    assert len(rules) == 15
    assert "Overdue actions" in html and "Late one" in html and "Soon" in html
    assert html.count('class="finding ') == Finding.objects.open().count() == 19


def test_home_filters_by_kind(ran: World) -> None:
    html = _get(ran.bob, "/?rule=rel.decider_detractor")
    assert html.count('class="finding ') == 1


def test_manager_sees_the_team_grouped_by_owner(ran: World) -> None:
    html = _get(ran.alice, "/")
    assert "grouped by owner" in html and 'class="group-head"' in html and str(ran.bob) in html
    mine = _get(ran.alice, "/?view=mine")
    assert "Nothing needs attention" in mine


def test_home_pages_by_the_ranking_without_counting_twice(
    ran: World,
) -> None:
    from django.db import connection

    from accountplan.governance import views

    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    open_ = Finding.objects.open().order_by("-rank", "-pk")
    first = list(open_.values_list("pk", flat=True))
    views.PAGE_SIZE, size = 5, views.PAGE_SIZE
    try:
        c = Client()
        c.force_login(ran.alice)
        with connection.execute_wrapper(record):
            r = c.get("/")
        assert r.status_code == 200, r
        html = r.content.decode()
        page2 = c.get("/?page=2").content.decode()
    finally:
        views.PAGE_SIZE = size
    # one grouped count by kind; the paginator's total is their sum, not a second COUNT
    counting = [q for q in seen if "COUNT(" in q and "governance_finding" in q]
    assert len(counting) == 1 and "GROUP BY" in counting[0], seen
    assert f"of {len(first)}" in html or f"{len(first)} findings" in html
    # page 1 holds the five best-ranked open findings (grouped by owner), page 2 the next five
    shown = [int(x.split('"')[0]) for x in html.split('data-finding="')[1:]]
    assert sorted(shown) == sorted(first[:5])
    shown2 = [int(x.split('"')[0]) for x in page2.split('data-finding="')[1:]]
    assert sorted(shown2) == sorted(first[5:10])


def test_empty_state_for_someone_with_nothing(ran: World) -> None:
    html = _get(UserFactory(username="newbie"), "/")
    assert "Nothing needs attention" in html and "No overdue action" in html


def test_snooze_form_and_viewer_refused(ran: World) -> None:
    f = Finding.objects.get(rule="rel.decider_detractor")
    c = Client()
    c.force_login(ran.bob)
    until = (ran.today + dt.timedelta(days=3)).isoformat()
    r = c.post(f"/findings/{f.pk}/snooze/", {"reason": "Next week", "until": until, "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert FindingSnooze.objects.filter(finding=f).count() == 1
    page = c.get("/").content.decode()
    assert f'data-finding="{f.pk}"' not in page
    day = ran.today + dt.timedelta(days=3)
    assert f"Snoozed until {day:%b} {day.day}, {day.year}:" in page  # the pages' date format
    v = Client()
    v.force_login(ran.vera)
    assert v.post(f"/findings/{f.pk}/snooze/", {"reason": "x", "until": until}).status_code == 403
    outsider = Client()
    outsider.force_login(UserFactory(username="eve"))
    r = outsider.post(f"/findings/{f.pk}/snooze/", {"reason": "x", "until": until})
    assert r.status_code == 404


def test_plans_list_health_column_and_filters(ran: World) -> None:
    html = _get(ran.alice, "/plans/")
    assert html.count('data-testid="health"') == 4
    link = {k: f'href="/plans/{p.pk}/"' for k, p in ran.plans.items()}
    stale = _get(ran.alice, "/plans/?stale=30")
    assert link["P1"] in stale and link["P3"] not in stale
    some = _get(ran.alice, "/plans/?findings=yes")
    assert link["P1"] in some and link["P3"] not in some  # the control plan has none
    none = _get(ran.alice, "/plans/?findings=no")
    assert link["P1"] not in none and link["P3"] in none
    from accountplan.governance.models import PlanHealth

    b = PlanHealth.objects.get(plan=ran.plans["P3"]).band
    assert link["P3"] in _get(ran.alice, f"/plans/?health={b}")
    plan_page = _get(ran.bob, f"/plans/{ran.plans['P1'].pk}/")
    assert "Plan health" in plan_page and 'data-testid="health-score"' in plan_page
    # each part's value as a reader writes it: 95, 65.6 (never 95.0), the API's figure
    import re

    c = Client()
    c.force_login(ran.bob)
    parts = c.get(f"/api/plans/{ran.plans['P1'].pk}/health").json()["parts"]
    shown = re.findall(r'data-testid="health-value">([^<]*)<', plan_page)
    expected = [f"{p['value']:g}" if p["value"] != int(p["value"]) else str(int(p["value"]))
                for p in parts]  # fmt: skip
    assert shown == expected and not any(v.endswith(".0") for v in shown)


def test_accounts_list_active_plan_filter(ran: World) -> None:
    html = _get(ran.alice, "/accounts/?planned=yes")
    assert "Acct a1" in html and "Acct a5" not in html and 'data-testid="active-plan"' in html
    html = _get(ran.alice, "/accounts/?planned=no")
    assert "Acct a5" in html and "Acct a1" not in html


def test_findings_cli_json_scoped_by_user(ran: World) -> None:
    out = StringIO()
    call_command("findings", "--json", "--user", "bob", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == Finding.objects.open().count()
    assert {"rule", "severity", "account_external_id", "plan_period", "evidence", "link"} <= set(
        rows[0]
    )
    out = StringIO()
    call_command("findings", "--json", "--user", UserFactory(username="zed").username, stdout=out)
    assert out.getvalue() == ""
    table = StringIO()
    call_command("findings", stdout=table)
    assert "Decision maker is a detractor" in table.getvalue()


def test_rules_toml_round_trip(world: World, tmp_path: Any) -> None:
    out = StringIO()
    call_command("rules", "export", stdout=out)
    block = '[rules."plan.stale"]\nenabled = true\ndays = 30'
    assert block in out.getvalue()
    text = out.getvalue().replace(block, block.replace("30", "45"))
    path = tmp_path / "rules.toml"
    path.write_text(text)
    call_command("rules", "import", str(path), stdout=StringIO())
    from accountplan.governance.models import RuleSetting

    assert RuleSetting.objects.get(code="plan.stale").thresholds["days"] == 45
    path.write_text('[rules."plan.stale"]\nnope = 1\n')
    with pytest.raises(Exception, match="no threshold 'nope'"):
        call_command("rules", "import", str(path))


def test_api_findings_and_plan_health(ran: World) -> None:
    c = Client()
    c.force_login(ran.bob)
    body = c.get("/api/findings?severity=red&limit=5").json()
    assert body["count"] == Finding.objects.open().filter(severity="red").count()
    assert len(body["items"]) == 5 and all(i["severity"] == "red" for i in body["items"])
    h = c.get(f"/api/plans/{ran.plans['P1'].pk}/health").json()
    assert 0 <= h["score"] <= 100 and [p["key"] for p in h["parts"]] == [
        "completeness",
        "freshness",
        "findings",
    ]
    f = Finding.objects.get(rule="rel.decider_detractor")
    until = (ran.today + dt.timedelta(days=3)).isoformat()
    r = c.post(
        f"/api/findings/{f.pk}/snooze",
        json.dumps({"reason": "Later", "until": until}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["snoozed_until"] == until
    other = Client()
    other.force_login(UserFactory(username="eve2"))
    assert other.get("/api/findings").json()["count"] == 0
    assert other.get(f"/api/plans/{ran.plans['P1'].pk}/health").status_code == 404


class _SMTP(threading.Thread):
    """A minimal SMTP server on a local socket: enough of RFC 5321 for Django's backend."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 8141))
        self.sock.listen()
        self.messages: list[str] = []

    def run(self) -> None:
        conn, _ = self.sock.accept()
        f = conn.makefile("rb")
        conn.sendall(b"220 test\r\n")
        data: list[bytes] | None = None
        for raw in f:
            if data is not None:
                if raw in (b".\r\n", b".\n"):
                    self.messages.append(b"".join(data).decode())
                    data = None
                    conn.sendall(b"250 ok\r\n")
                else:
                    data.append(raw)
                continue
            cmd = raw[:4].upper()
            if cmd == b"EHLO" or cmd == b"HELO":
                conn.sendall(b"250 test\r\n")
            elif cmd == b"DATA":
                data = []
                conn.sendall(b"354 go\r\n")
            elif cmd == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()
        self.sock.close()


def test_digest_goes_out_over_smtp(ran: World, settings: Any) -> None:
    server = _SMTP()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 8141},
        }
    }
    sent = send_digests([ran.bob, UserFactory(username="quiet")], ran.today)
    server.join(timeout=10)
    assert [e for e, _ in sent] == [ran.bob.email]
    assert len(server.messages) == 1 and "What needs attention" in server.messages[0]
    assert "Late one" in server.messages[0]


def test_digest_command_with_the_test_backend(ran: World) -> None:
    call_command("digest", "--user", "bob", stderr=StringIO())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ran.bob.email]


def test_admin_edits_thresholds_others_cannot(world: World) -> None:
    admin_user = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(admin_user)
    r = c.post(
        "/admin/governance/rulesetting/add/",
        {"code": "plan.stale", "enabled": "on", "thresholds": '{"days": 14}'},
    )
    assert r.status_code == 302
    from accountplan.governance.models import RuleSetting
    from accountplan.governance.settings_toml import effective

    assert RuleSetting.objects.get(code="plan.stale").thresholds == {"days": 14}
    assert effective()["plan.stale"] == (True, {"days": 14})
    bad = c.post(
        "/admin/governance/rulesetting/add/",
        {"code": "plan.period_ended", "thresholds": '{"nope": 1}'},
    )
    assert bad.status_code == 200 and "has no threshold nope" in bad.content.decode()
    staff = UserFactory(username="staffer", role="manager", is_staff=True)
    s = Client()
    s.force_login(staff)
    assert s.get("/admin/governance/rulesetting/").status_code == 403


def test_each_finding_names_its_rule_by_the_rule_s_own_label(ran: World) -> None:
    from accountplan.governance.rules.registry import get

    html = _get(ran.bob, "/?rule=rel.decider_detractor")
    label = get("rel.decider_detractor").label  # type: ignore[union-attr]
    assert f'<span class="small muted">{label} · since' in html
