"""``accountplan plan export-salesforce`` and ``import-salesforce`` (added to the ``plan`` group).

    accountplan plan export-salesforce [--period P] [--accounts ID ...] --out DIR [--json]
    accountplan plan import-salesforce DIR_OR_FILES... --user USERNAME [--json]

Bad input, or files that cannot be imported, exit with status 2 and say what to fix (each
problem with its file, line, column and reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accountplan.book.models import Account
from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.salesforce import objects as o


def add_parsers(sub: Any) -> None:
    """The two subcommands' arguments."""
    ex = sub.add_parser(
        "export-salesforce",
        help="Write the plans as Salesforce AccountPlan, objective, measure and link CSVs.",
    )
    ex.add_argument("--period", help="Only plans of this period, e.g. FY2027.")
    ex.add_argument("--accounts", nargs="+", help="Only these accounts (external ids or ids).")
    ex.add_argument("--out", required=True, type=Path, help="The folder to write into.")
    ex.add_argument(
        "--user", help="Export as this user (default: every plan; actuals use the whole book)."
    )
    ex.add_argument("--json", action="store_true", help="Print the report as JSON.")
    im = sub.add_parser(
        "import-salesforce", help="Create or update plans from Salesforce's account-plan files."
    )
    im.add_argument("paths", nargs="+", type=Path, help="A folder of the files, or the files.")
    im.add_argument("--user", required=True, help="A manager or admin who runs the import.")
    im.add_argument("--json", action="store_true", help="Print the result as JSON.")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _user(name: str | None) -> User | None:
    if not name:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise _fail(f"No active user {name!r}.")
    return user


def run(cmd: BaseCommand, action: str, options: dict[str, Any]) -> None:
    """Run ``export-salesforce`` or ``import-salesforce``."""
    if action == "export-salesforce":
        _export(cmd, options)
    else:
        _import(cmd, options)


def _export(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from accountplan.salesforce.export import export_plans

    out: Path = options["out"]
    if not out.is_dir():
        raise _fail(f"Folder {out} does not exist.")
    user = _user(options.get("user"))
    plans = AccountPlan.objects.select_related("account", "owner").order_by(
        "account__name", "period"
    )
    if user is not None:
        plans = plans.for_user(user)
    if options.get("period"):
        plans = plans.filter(period=options["period"])
    if options.get("accounts"):
        pks = []
        for ref in options["accounts"]:
            pk = Account.objects.filter(external_id=ref).values_list("pk", flat=True).first()
            if pk is None and str(ref).isdigit():
                pk = int(ref)
            if pk is None:
                raise _fail(f"No account with external id or id {ref!r}.")
            pks.append(pk)
        plans = plans.filter(account_id__in=pks)
    runner = user or User.objects.filter(is_superuser=True, is_active=True).first()
    if runner is None:
        raise _fail("Give --user: no active admin to compute the plans' actuals as.")
    result = export_plans(plans, runner)
    result.write_dir(out)
    if options.get("json"):
        cmd.stdout.write(json.dumps(result.report(), indent=2))
        return
    cmd.stdout.write(
        f"Wrote {fmt.count(result.plans, 'plan')} into {out}: "
        + ", ".join(
            f"{o.BY_NAME[n].filename} ({fmt.count(len(r), 'row')})" for n, r in result.rows.items()
        )
    )
    for problem in result.problems:
        cmd.stdout.write(f"  - {problem}")


def _files(paths: list[Path]) -> list[tuple[str, bytes]]:
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
            files += [(p.name, p.read_bytes()) for p in found]
        elif path.is_file():
            files.append((path.name, path.read_bytes()))
        else:
            raise _fail(f"No file or folder {path}.")
    return files


def _import(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from accountplan.salesforce.importing import import_files
    from accountplan.salesforce.reading import SalesforceImportFailed

    user = _user(options["user"])
    assert user is not None
    try:
        result = import_files(_files(options["paths"]), user)
    except SalesforceImportFailed as exc:
        if options.get("json"):
            cmd.stdout.write(json.dumps({"problems": [p.as_dict() for p in exc.problems]}))
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise _fail(
            f"Nothing was imported: {fmt.count(len(exc.problems), 'problem')}:\n{lines}"
        ) from None
    except DomainError as exc:
        raise _fail(exc.message) from None
    report = result.as_dict()
    if options.get("json"):
        cmd.stdout.write(json.dumps(report, indent=2, default=str))
        return
    cmd.stdout.write(
        f"Imported {fmt.count(len(result.plans), 'plan')}: {report['created']} created, "
        f"{report['updated']} updated, {report['unchanged']} unchanged; "
        f"{fmt.count(len(result.conflicts), 'conflict')}."
    )
    for c in result.conflicts:
        cmd.stdout.write(
            f"  - conflict in {c['plan']}, {c['section']} {c['field']}: kept ours "
            f"{c['ours']!r}; Salesforce has {c['salesforce']!r}."
        )
    for note in result.notes:
        cmd.stdout.write(f"  - {note}")
