"""The customer's view as Markdown: plain text built from the published JSON only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")


def _md(text: Any) -> str:
    """Customer-facing text with Markdown's markup characters escaped (no links, no HTML)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def markdown(view: Mapping[str, Any]) -> str:
    """The view as Markdown."""
    lines = [
        f"# {_md(view.get('customer', ''))} · {_md(view.get('period', ''))}",
        "",
        f"Shared by {_md(view.get('us', ''))}.",
        "",
    ]
    for section in view.get("sections", []):
        lines += [f"## {_md(section['title'])}", ""]
        for f in section.get("fields", []):
            lines.append(f"- **{_md(f['label'])}:** {_md(f['value'])}")
        for ls in section.get("lists", []):
            if not ls.get("items"):
                continue
            lines += ["", f"### {_md(ls['title'])}", ""]
            for item in ls["items"]:
                extra = "; ".join(f"{_md(f['label'])}: {_md(f['value'])}" for f in item["fields"])
                lines.append(f"- {_md(item['title'])}" + (f" ({extra})" if extra else ""))
        lines.append("")
    return "\n".join(lines)
