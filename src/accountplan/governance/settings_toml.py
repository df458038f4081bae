"""Rule thresholds: the defaults, overridden by an admin's ``RuleSetting`` (edited in the admin
page or imported from TOML with ``accountplan rules import FILE``).

TOML layout (``accountplan rules export`` writes it)::

    [rules."plan.stale"]
    enabled = true
    days = 30
"""

from __future__ import annotations

import tomllib
from typing import Any

from accountplan.core.errors import DomainError
from accountplan.governance.models import RuleSetting
from accountplan.governance.rules.registry import Rule, get, rules


def thresholds(rule: Rule, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The rule's defaults with the stored values of known keys on top."""
    out = dict(rule.defaults)
    for key, value in (stored or {}).items():
        if key in out:
            out[key] = value
    return out


def effective() -> dict[str, tuple[bool, dict[str, Any]]]:
    """``{code: (enabled, thresholds)}`` for every registered rule (read once per read
    request: the home page's slots ask for several rules' settings)."""
    from accountplan.core.request_memo import memo

    return memo(("governance.effective",), _effective)


def _effective() -> dict[str, tuple[bool, dict[str, Any]]]:
    stored = {s.code: s for s in RuleSetting.objects.all()}
    out = {}
    for rule in rules():
        s = stored.get(rule.code)
        out[rule.code] = (s.enabled if s else True, thresholds(rule, s.thresholds if s else None))
    return out


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def export_toml() -> str:
    lines = ["# Rule thresholds (docs/governance.md). Import: accountplan rules import FILE", ""]
    for code, (enabled, values) in effective().items():
        rule = get(code)
        assert rule is not None
        lines += [f"# {rule.label} (version {rule.version}, {rule.severity})", f'[rules."{code}"]']
        lines.append(f"enabled = {_toml(enabled)}")
        lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
        lines.append("")
    return "\n".join(lines)


def _check_value(code: str, key: str, default: Any, value: Any) -> Any:
    if isinstance(default, list):
        if not isinstance(value, list):
            raise DomainError(f"rules.{code}.{key} must be a list like {default!r}.")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise DomainError(f"rules.{code}.{key} must be true or false, not {value!r}.")
        return value
    if isinstance(default, int) and not isinstance(value, bool):
        if not isinstance(value, int) or value < 0:
            raise DomainError(f"rules.{code}.{key} must be a whole number ≥ 0, not {value!r}.")
        return value
    return value


def import_toml(text: str) -> list[str]:
    """Store the file's thresholds; returns the codes changed. Unknown rules or keys are errors."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError(f"Not valid TOML: {exc}") from None
    changed = []
    for code, values in (doc.get("rules") or {}).items():
        rule = get(code)
        if rule is None:
            raise DomainError(
                f"Unknown rule {code!r}; rules are: {', '.join(r.code for r in rules())}."
            )
        enabled = values.pop("enabled", True)
        clean = {}
        for key, value in values.items():
            if key not in rule.defaults:
                known = ", ".join(rule.defaults) or "none"
                raise DomainError(f"Rule {code} has no threshold {key!r} (it has: {known}).")
            clean[key] = _check_value(code, key, rule.defaults[key], value)
        RuleSetting.objects.update_or_create(
            code=code, defaults={"enabled": bool(enabled), "thresholds": clean}
        )
        changed.append(code)
    return changed
