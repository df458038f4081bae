"""Export a plan to a file or to bytes: the one entry point of the CLI and the download views."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from accountplan.core.errors import DomainError
from accountplan.exports.document import PlanDocument
from accountplan.exports.variants import INTERNAL, VARIANTS, apply_variant, check_variant
from accountplan.plans.models import AccountPlan

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
__all__ = ["CONTENT_TYPES", "FORMATS", "VARIANTS", "UnknownFormat", "export_bytes", "export_plan"]


class UnknownFormat(DomainError):
    """The export format is not one of pdf, pptx, xlsx, md."""

    status = 400


def renderer(fmt: str) -> Callable[[PlanDocument], bytes]:
    """The render function of ``fmt``, or UnknownFormat naming the valid ones."""
    if fmt == "pdf":
        from accountplan.exports.pdf import render_pdf

        return render_pdf
    if fmt == "pptx":
        from accountplan.exports.deck import render_pptx

        return render_pptx
    if fmt == "xlsx":
        from accountplan.exports.workbook import render_xlsx

        return render_xlsx
    if fmt == "md":
        from accountplan.exports.markdown import render_markdown

        return render_markdown
    raise UnknownFormat(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def export_bytes(plan: AccountPlan, fmt: str, variant: str = INTERNAL) -> tuple[bytes, str, str]:
    """The plan rendered as ``fmt``: (content, content type, file name). ``variant`` is
    ``internal`` (everything) or ``customer`` (customer-safe: internal fields left out)."""
    from accountplan.exports.build import build_document

    render = renderer(fmt)
    check_variant(variant)
    doc = apply_variant(build_document(plan), variant)
    return render(doc), CONTENT_TYPES[fmt], f"{doc.filename_stem}.{fmt}"


def export_plan(plan: AccountPlan, fmt: str, path: Path | str, variant: str = INTERNAL) -> Path:
    """Write the plan as ``fmt`` to ``path`` (parent folders made) and return the path."""
    content, _, _ = export_bytes(plan, fmt, variant)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    return out
