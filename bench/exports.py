"""Plan exports: seconds to build the demo plan's PDF and PowerPoint deck, pages and slides.

    flock /work/bench.lock .venv/bin/python bench/exports.py [--plan ID] [--repeat 3] [--cold]

Needs the demo book (``accountplan demo --no-serve``). Each figure is the wall time of
``export_bytes(plan, fmt)`` — reading the plan, building the document, rendering — in one process
(as the web server does it), median of ``--repeat`` runs after one warm-up run that is reported
on its own (the first export of a process also imports WeasyPrint and loads the fonts).
``--cold`` adds the CLI in a fresh process (``accountplan plan export``), Django start-up included.
The machine's load average is printed before and after: other work on the cores inflates wall
times, so compare CPU seconds too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")


def _count(fmt: str, content: bytes) -> int:
    if fmt == "pdf":
        import pypdfium2

        return len(pypdfium2.PdfDocument(content))
    from pptx import Presentation

    return len(Presentation(io.BytesIO(content)).slides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=int, help="Plan id (default: the first demo plan).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="Also time the CLI in a new process.")
    parser.add_argument("--variant", default="internal", choices=["internal", "customer"])
    args = parser.parse_args()

    import django

    django.setup()
    from accountplan.exports.service import export_bytes
    from accountplan.plans.models import AccountPlan

    plans = AccountPlan.objects.select_related("account").order_by("pk")
    plan = plans.get(pk=args.plan) if args.plan else plans.first()
    if plan is None:
        sys.exit("No plan: build the demo book first (accountplan demo --no-serve).")
    print(f"plan {plan.pk}: {plan.account.name} {plan.period} ({args.variant})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results: dict[str, dict[str, object]] = {}
    for fmt in ("pdf", "pptx"):
        cpu0, t0 = time.process_time(), time.perf_counter()
        content, _, _ = export_bytes(plan, fmt, args.variant)
        first = time.perf_counter() - t0
        first_cpu = time.process_time() - cpu0
        walls, cpus = [], []
        for _ in range(args.repeat):
            cpu0, t0 = time.process_time(), time.perf_counter()
            content, _, _ = export_bytes(plan, fmt, args.variant)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - cpu0)
        unit = "pages" if fmt == "pdf" else "slides"
        results[fmt] = {
            "first_s": round(first, 2),
            "first_cpu_s": round(first_cpu, 2),
            "median_s": round(statistics.median(walls), 2),
            "median_cpu_s": round(statistics.median(cpus), 2),
            "runs_s": [round(w, 2) for w in walls],
            unit: _count(fmt, content),
            "bytes": len(content),
        }
        print(
            f"{fmt:5} median {statistics.median(walls):5.2f} s"
            f" (cpu {statistics.median(cpus):.2f} s)"
            f"  runs {', '.join(f'{w:.2f}' for w in walls)}  first in process {first:.2f} s"
            f"  {_count(fmt, content)} {unit}  {len(content):,} bytes"
        )
    if args.cold:
        exe = Path(sys.executable).with_name("accountplan")
        with tempfile.TemporaryDirectory() as tmp:
            account = plan.account.external_id or str(plan.account_id)
            for fmt in ("pdf", "pptx"):
                t0 = time.perf_counter()
                subprocess.run(
                    [
                        str(exe), "plan", "export", account,
                        "--period", plan.period, "--format", fmt, "--out", f"{tmp}/plan.{fmt}",
                        "--variant", args.variant,
                    ],
                    check=True,
                    capture_output=True,
                )  # fmt: skip
                cold = time.perf_counter() - t0
                results[fmt]["cli_cold_s"] = round(cold, 2)
                print(f"{fmt:5} CLI in a fresh process: {cold:.2f} s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
