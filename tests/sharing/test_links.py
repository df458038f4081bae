"""Share links: a 256-bit token stored only as its hash, one plain 404 for unknown, expired and
revoked links, guessing rate limited, every access logged, the one-time code by email, no
session for the customer, and the CLI and API that create, list and revoke links."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accountplan.core.tokens import create_token
from accountplan.sharing import conf, links
from accountplan.sharing.models import ShareAccess, ShareLink, ShareMiss
from tests.sharing.conftest import Shared

pytestmark = pytest.mark.django_db


def new_link(shared: Shared, **kw: Any) -> links.NewLink:
    return links.create_link(shared.book.plan, shared.book.bob, email="cust@acme.test", **kw)


def test_the_token_is_random_and_only_its_hash_is_stored(shared: Shared) -> None:
    a, b = new_link(shared), new_link(shared)
    assert len(a.raw) >= 43 and a.raw != b.raw  # token_urlsafe(32): 256 bits
    stored = ShareLink.objects.get(pk=a.link.pk)
    assert stored.token_hash == links.hash_token(a.raw) and a.raw not in repr(stored.__dict__)
    assert not ShareLink.objects.filter(token_hash=a.raw).exists()


def test_unknown_expired_and_revoked_links_answer_the_same_plain_404(shared: Shared) -> None:
    expired = new_link(shared)
    ShareLink.objects.filter(pk=expired.link.pk).update(expires_at=timezone.now())
    revoked = new_link(shared)
    links.revoke(revoked.link, shared.book.bob)
    answers = [
        Client().get(f"/s/{raw}/")
        for raw in (expired.raw, revoked.raw, "x" * 43, expired.raw + "a")
    ]
    assert {r.status_code for r in answers} == {404}
    assert {r.content for r in answers} == {b"Not found."}
    assert {r["Content-Type"] for r in answers} == {"text/plain"}
    assert ShareMiss.objects.count() == 4
    good = new_link(shared)
    assert Client().get(f"/s/{good.raw}/").status_code == 200


def test_token_guessing_is_rate_limited_per_address(shared: Shared) -> None:
    good = new_link(shared)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(conf.MISS_LIMIT):
        assert guesser.get(f"/s/guess{_}/").status_code == 404
    assert guesser.get("/s/another-guess/").status_code == 429
    # Even the right token is refused from that address for now; other addresses still work.
    assert guesser.get(f"/s/{good.raw}/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").get(f"/s/{good.raw}/").status_code == 200


def test_every_access_is_logged_and_no_session_is_made(shared: Shared) -> None:
    new = new_link(shared, name="Carol Customer")
    client = Client()
    response = client.get(f"/s/{new.raw}/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert "sessionid" not in response.cookies and "sessionid" not in client.cookies
    assert response["Referrer-Policy"] == "same-origin" and response["Cache-Control"] == "no-store"
    client.get(f"/s/{new.raw}/shared.json")
    pages = list(ShareAccess.objects.filter(link=new.link).values_list("page", flat=True))
    assert sorted(pages) == ["json", "page"]
    new.link.refresh_from_db()
    assert new.link.last_access_at is not None
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


def test_a_signed_in_user_opening_a_link_is_not_used(shared: Shared) -> None:
    """The customer views never act as whoever is signed in in the same browser."""
    new = new_link(shared)
    client = Client()
    client.force_login(shared.book.bob)
    page = client.get(f"/s/{new.raw}/").content.decode()
    assert "Log out" not in page and "Bob Owner" not in page.split("<main")[0]


def test_the_one_time_code_is_emailed_and_good_once(shared: Shared) -> None:
    new = new_link(shared, require_code=True)
    client = Client()
    first = client.get(f"/s/{new.raw}/").content.decode()
    # no marker of the plan before the code (the form's CSRF token is random letters, which
    # held "MK" once in CI: attribute values are left out of the search)
    assert "Enter your code" in first and "MK" not in re.sub(r'value="[^"]*"', "", first)
    client.post(f"/s/{new.raw}/code/", {"send": "1"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cust@acme.test"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert (
        client.post(
            f"/s/{new.raw}/code/", {"code": "000000" if code != "000000" else "1"}
        ).status_code
        == 400
    )
    ok = client.post(f"/s/{new.raw}/code/", {"code": code})
    assert ok.status_code == 302 and "sessionid" not in ok.cookies
    assert "Our plan together" in client.get(f"/s/{new.raw}/").content.decode()
    # Good once: another browser cannot reuse it.
    assert Client().post(f"/s/{new.raw}/code/", {"code": code}).status_code == 400


def test_links_expire_and_have_a_longest_life(shared: Shared) -> None:
    from accountplan.core.errors import DomainError

    with pytest.raises(DomainError):
        new_link(shared, expires=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(DomainError):
        new_link(shared, expires=timezone.now() + dt.timedelta(days=400))
    with pytest.raises(DomainError):
        new_link(shared, sections=["relationships"])


def test_cli_creates_lists_and_revokes(shared: Shared) -> None:
    out = io.StringIO()
    expires = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    call_command(
        "share", "create", str(shared.book.account.pk), "--period", "FY2027",
        "--email", "cli@acme.test", "--sections", "actions,needs", "--expires", expires,
        stdout=out,
    )  # fmt: skip
    raw = re.search(r"/s/([A-Za-z0-9_-]+)/", out.getvalue()).group(1)  # type: ignore[union-attr]
    link = ShareLink.objects.get(token_hash=links.hash_token(raw))
    assert link.sections == ["actions", "needs"] and link.created_by == shared.book.bob
    listed = io.StringIO()
    call_command("share", "list", stdout=listed)
    assert "cli@acme.test" in listed.getvalue() and raw not in listed.getvalue()
    call_command("share", "revoke", str(link.pk), stdout=io.StringIO())
    assert Client().get(f"/s/{raw}/").status_code == 404
    after = io.StringIO()
    call_command("share", "list", stdout=after)
    assert "cli@acme.test" not in after.getvalue()


def test_api_creates_lists_and_revokes(shared: Shared) -> None:
    api = Client(headers={"Authorization": f"Bearer {create_token(shared.book.bob, 't').raw}"})
    plan = shared.book.plan.pk
    made = api.post(
        f"/api/plans/{plan}/share-links",
        json.dumps({"email": "api@acme.test", "name": "Api Person"}),
        content_type="application/json",
    )
    assert made.status_code == 201
    url = made.json()["url"]
    assert Client().get(url).status_code == 200
    listed = api.get(f"/api/plans/{plan}/share-links").json()
    assert [x["email"] for x in listed] == ["api@acme.test"] and "url" not in listed[0]
    revoked = api.post(f"/api/share-links/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert Client().get(url).status_code == 404
    outsider = Client(
        headers={"Authorization": f"Bearer {create_token(shared.book.charlie, 't').raw}"}
    )
    assert outsider.get(f"/api/plans/{plan}/share-links").status_code == 404


def test_codes_cannot_flood_the_recipient(shared: Shared) -> None:
    new = new_link(shared, require_code=True)
    client = Client()
    for _ in range(conf.CODES_PER_HOUR):
        assert client.post(f"/s/{new.raw}/code/", {"send": "1"}).status_code == 200
    assert client.post(f"/s/{new.raw}/code/", {"send": "1"}).status_code == 429
    assert len(mail.outbox) == conf.CODES_PER_HOUR
