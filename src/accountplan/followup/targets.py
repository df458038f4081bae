"""Targets from a CSV (period, owner username or blank, territory or blank, amount), all or
nothing like the project's imports: every line is checked first, problems name their line."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction

from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.followup.models import Target
from accountplan.plans.models import validate_period

COLUMNS = ("period", "owner", "territory", "amount")


def import_targets(data: bytes) -> int:
    """Create or update the file's targets; refuse the whole file if a line is wrong."""
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("period", "amount") if c not in header]
    if missing:
        raise DomainError(f"The file needs the columns {', '.join(COLUMNS)}; missing: {missing}.")
    users = {u.username.lower(): u.pk for u in User.objects.only("pk", "username")}
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        r = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            validate_period(r["period"])
        except Exception:
            problems.append(f"line {line}: invalid period {r['period']!r}")
            continue
        owner = r.get("owner", "")
        if owner and owner.lower() not in users:
            problems.append(f"line {line}: no user {owner!r}")
            continue
        try:
            amount = Decimal(r["amount"].replace(",", ""))
        except InvalidOperation:
            problems.append(f"line {line}: amount {r['amount']!r} is not a number")
            continue
        if not amount.is_finite() or amount < 0:
            problems.append(f"line {line}: amount must be zero or more")
            continue
        rows.append((r["period"], users.get(owner.lower()), r.get("territory", ""), amount))
    if problems:
        raise DomainError("Nothing imported: " + "; ".join(problems[:20]))
    with transaction.atomic():
        for period, owner_id, territory, amount in rows:
            Target.objects.update_or_create(
                period=period, owner_id=owner_id, territory=territory, defaults={"amount": amount}
            )
    return len(rows)
