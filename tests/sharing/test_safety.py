"""Safety (issue 12 point 6): every internal field of a full plan carries a unique marker, and
none of them ever reaches what the customer gets: the page (with its joint expectations and
scorecard), its JSON, its Markdown export, the code page and the emails, after the customer has
commented, updated an action, written expectations (reviewed with ours) and scored a quarter.

The fields are enumerated from the sections' schemas, so a field added later without a marker
in the fixture fails here until someone decides whether it may be shared.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pydantic import BaseModel

from accountplan.plans.sections import SCHEMAS, parse_section
from accountplan.sharing import expectations, links
from accountplan.sharing.models import ScorecardMetric
from accountplan.sharing.scorecard import quarter_of
from tests.sharing.conftest import VISIBLE, Shared, mk

pytestmark = pytest.mark.django_db

#: Labels of internal judgements planted in the fixture (attitude, mobilizer, buying role,
#: our position, financial health): none may show either.
INTERNAL_LABELS = ("Detractor", "Talker", "Blocker", "Behind", "Weak")


def text_fields(model: BaseModel, path: str = "") -> dict[str, Any]:
    """Every text value of a parsed section by path (ids left out: they are not content)."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name == "id":
            continue
        value = getattr(model, name)
        if isinstance(value, Enum):
            continue  # a choice: its internal labels are checked on their own
        here = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            out.update(text_fields(value, here))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, BaseModel):
                    out.update(text_fields(v, f"{here}[{i}]"))
                elif isinstance(v, str):
                    out[f"{here}[{i}]"] = v
        elif isinstance(value, str) or (value is None and _is_text(type(model), name)):
            out[here] = value
    return out


def _is_text(model: type[BaseModel], name: str) -> bool:
    return type(model.model_fields[name].default) is str


def internal_markers(shared: Shared) -> set[str]:
    """Every marker of a field the customer must never see."""
    planted: set[str] = set()
    missing: list[str] = []
    for key in SCHEMAS:
        for path, value in text_fields(parse_section(key, shared.sections[key])).items():
            if not value or "MK" not in value:
                missing.append(f"{key}.{path}")
            else:
                planted.add(value[value.index("MK") :])
    assert not missing, f"text fields without a marker in the fixture: {missing}"
    planted |= {mk("opp.loss_reason"), mk("opp.competitor")}
    return planted - VISIBLE


def customer_outputs(shared: Shared) -> dict[str, str]:
    """Everything a recipient can get, after writing through the link."""
    book = shared.book
    plain = links.create_link(book.plan, book.bob, email="a@acme.test", name="Ann")
    coded = links.create_link(book.plan, book.bob, email="b@acme.test", require_code=True)
    client = Client()
    client.post(f"/s/{plain.raw}/comments/", {"section": "needs", "item": "need1", "body": "ok"})
    client.post(f"/s/{plain.raw}/actions/act2/", {"status": "done", "due_date": "2027-05-01"})
    # Joint expectations (written, handed in, revealed, reviewed) and a scored quarter.
    client.post(f"/s/{plain.raw}/expectations/", {"expectation": ["Fast answers"], "hand_in": "1"})
    client.post(f"/s/{plain.raw}/scorecard/metrics/", {"name_0": "Speed", "weight_0": "2"})
    metric = ScorecardMetric.objects.get(plan=book.plan)
    client.post(
        f"/s/{plain.raw}/scorecard/scores/",
        {"period": quarter_of(timezone.localdate()), f"score_{metric.pk}": "4",
         f"comment_{metric.pk}": "Quick enough"},
    )  # fmt: skip
    expectations.write_ours(book.plan, book.bob, ["Early access"], hand_in=True)
    rnd = expectations.latest_round(book.plan)
    assert rnd is not None
    rows = expectations.review_rows(rnd)
    expectations.save_review(
        book.plan, book.bob,
        [{"theirs": str(rows[0]["theirs"].pk), "ours": str(rows[0]["ours"].pk),
          "alignment": "aligned", "agreed_action": "Monthly call"}],
    )  # fmt: skip
    outputs = {
        "page": client.get(f"/s/{plain.raw}/").content.decode(),
        "json": client.get(f"/s/{plain.raw}/shared.json").content.decode(),
        "markdown": client.get(f"/s/{plain.raw}/shared.md").content.decode(),
        "code page": client.get(f"/s/{coded.raw}/").content.decode(),
        "code sent": client.post(f"/s/{coded.raw}/code/", {"send": "1"}).content.decode(),
    }
    owner = Client()
    owner.force_login(book.bob)
    outputs["preview"] = owner.get(f"/plans/{book.plan.pk}/sharing/preview/").content.decode()
    for i, message in enumerate(mail.outbox):
        outputs[f"email {i}"] = f"{message.subject}\n{message.body}\n{message.alternatives!r}"
    return outputs


def test_no_internal_field_reaches_the_customer(shared: Shared) -> None:
    hidden = internal_markers(shared)
    assert len(hidden) >= 20  # every internal text field of the full plan
    outputs = customer_outputs(shared)
    assert any(k.startswith("email") for k in outputs)
    leaks = [f"{where}: {m}" for where, text in outputs.items() for m in hidden if m in text]
    leaks += [
        f"{where}: {label}"
        for where, text in outputs.items()
        for label in INTERNAL_LABELS
        if label in text
    ]
    assert not leaks, "internal content reached the customer:\n" + "\n".join(leaks)
    # The search itself works: what is shared is there, and so are the customer's own parts.
    for part in ("Fast answers", "Early access", "Monthly call", "Quick enough", "4.00"):
        assert part in outputs["page"], part
    for where in ("page", "json", "markdown", "preview"):
        missing = [m for m in VISIBLE if m not in outputs[where].replace("\\_", "_")]
        assert not missing, f"{where} lacks shared fields {missing}"


def test_customer_text_is_escaped_in_every_output(shared: Shared) -> None:
    book = shared.book
    link = links.create_link(book.plan, book.bob, email="e@acme.test", name="<b>Eve</b>")
    client = Client()
    client.post(
        f"/s/{link.raw}/comments/",
        {"section": "needs", "item": "need1", "body": '<img src=x onerror="alert(1)">'},
    )
    evil = '<img src=x onerror="alert(1)">'
    client.post(f"/s/{link.raw}/expectations/", {"expectation": [evil], "hand_in": "1"})
    client.post(f"/s/{link.raw}/scorecard/metrics/", {"name_0": "<b>Eve</b>", "weight_0": "1"})
    metric = ScorecardMetric.objects.get(plan=book.plan)
    client.post(
        f"/s/{link.raw}/scorecard/scores/",
        {"period": quarter_of(timezone.localdate()), f"score_{metric.pk}": "3",
         f"comment_{metric.pk}": evil},
    )  # fmt: skip
    expectations.write_ours(book.plan, book.bob, ["<b>Eve</b>"], hand_in=True)
    page = client.get(f"/s/{link.raw}/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page
    owner = Client()
    owner.force_login(book.bob)
    pages = ("sharing/", "history/", "sharing/expectations/", "sharing/scorecard/", "")
    for url in (f"/plans/{book.plan.pk}/{p}" for p in pages):
        html = owner.get(url).content.decode()
        assert "<img src=x" not in html and "<b>Eve</b>" not in html, url
    html = owner.get(f"/plans/{book.plan.pk}/sharing/expectations/").content.decode()
    assert "&lt;img src=x" in html  # shown (revealed), escaped
    scorecard = owner.get(f"/plans/{book.plan.pk}/sharing/scorecard/").content.decode()
    assert "&lt;b&gt;Eve&lt;/b&gt;" in scorecard
