"""``accountplan drafting-model show|test [--json]``: the drafting model configured, and a check
that it answers (a tiny prompt with no customer data)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.drafts.model import check_connection
from accountplan.drafts.model_config import DATA_SENT, current_config


class Command(BaseCommand):
    help = (
        "Show the drafting model configured (offline by default), or test that it answers with "
        "a tiny prompt holding no customer data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "test"])
        parser.add_argument("--json", action="store_true", help="JSON instead of text.")

    def handle(self, *args: Any, **opts: Any) -> None:
        config = current_config()
        shown: dict[str, Any] = {
            "kind": config.kind,
            "kind_label": config.kind_label,
            "model": config.model_name or None,
            "host": config.host or None,
            "data_leaves_machine": config.leaves_machine,
            "api_key_set": config.has_api_key,
            "timeout_seconds": config.timeout if config.kind != "offline" else None,
            "temperature": config.temperature if config.kind != "offline" else None,
            "problem": config.problem() or None,
        }
        if opts["action"] == "show":
            self._out(opts["json"], shown, self._describe(shown))
            return
        result = check_connection(config)
        tested = shown | {
            "ok": result.ok,
            "message": result.message,
            "elapsed_ms": result.elapsed_ms,
            "answer": result.answer or None,
        }
        lines = [result.message]
        if result.elapsed_ms is not None:
            lines.append(f"Answered in {result.elapsed_ms} ms.")
        if result.answer:
            lines.append(f"Answer: {result.answer}")
        self._out(opts["json"], tested, "\n".join(lines))
        if not result.ok:
            raise CommandError("The drafting model does not work as configured.", returncode=1)

    def _out(self, as_json: bool, data: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data, indent=2) if as_json else text)

    def _describe(self, shown: dict[str, Any]) -> str:
        if shown["kind"] == "offline":
            return "Offline: no drafting model is configured; no customer data leaves this machine."
        where = (
            f"Customer data is sent to {shown['host']}: {DATA_SENT}."
            if shown["data_leaves_machine"]
            else "The model runs on this machine: no customer data leaves it."
        )
        lines = [
            f"{shown['kind_label']}: {shown['model'] or '—'}"
            + (f" at {shown['host']}" if shown["host"] else ""),
            where,
            f"Timeout {shown['timeout_seconds']:g} s, temperature {shown['temperature']:g}, "
            f"API key {'set' if shown['api_key_set'] else 'not set'}.",
        ]
        if shown["problem"]:
            lines.append(f"Not usable as configured: {shown['problem']}")
        return "\n".join(lines)
