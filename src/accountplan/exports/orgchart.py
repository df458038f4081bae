"""The org chart: a pure tree layout from reports-to, drawn as SVG.

Levels come from the reporting lines (a contact whose manager is not on the chart is a root);
each subtree is as wide as its leaves, a manager sits centred over its reports. Boxes show the
name, title and buying role, filled by attitude. A reporting cycle in the data is cut where it
closes, so the layout always ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from accountplan.exports.document import OrgNode

BOX_W = 180
BOX_H = 62
GAP_X = 16
GAP_Y = 44
MARGIN = 12
#: Fill and border by attitude (supporter / neutral / detractor / not on the map).
ATTITUDE_COLORS: dict[str, tuple[str, str]] = {
    "supporter": ("#e3f4ec", "#1f9e6e"),
    "neutral": ("#eef0f3", "#7c7f87"),
    "detractor": ("#fbe5e1", "#c4402f"),
}
UNKNOWN_COLORS = ("#ffffff", "#b8bcc4")


@dataclass(frozen=True)
class Box:
    """A laid-out node: its top-left corner in pixels and its level (0 = top)."""

    node: OrgNode
    x: float
    y: float
    level: int


@dataclass(frozen=True)
class Layout:
    """Boxes, the manager→report edges (by contact id), and the drawing's size."""

    boxes: tuple[Box, ...]
    edges: tuple[tuple[int, int], ...]
    width: float
    height: float


def layout(nodes: Sequence[OrgNode]) -> Layout:
    """Place each node: depth from the reporting line, x from the order of the leaves."""
    by_id = {n.contact_id: n for n in nodes}
    children: dict[int, list[int]] = {n.contact_id: [] for n in nodes}
    roots: list[int] = []
    for n in nodes:
        if n.reports_to_id in by_id and n.reports_to_id != n.contact_id:
            children[n.reports_to_id].append(n.contact_id)
        else:
            roots.append(n.contact_id)
    placed: dict[int, tuple[float, int]] = {}
    edges: list[tuple[int, int]] = []
    next_leaf = 0.0

    def place(node_id: int, depth: int) -> float:
        nonlocal next_leaf
        placed[node_id] = (0.0, depth)  # mark first: a cycle cannot come back here
        kids = [k for k in children[node_id] if k not in placed]
        xs: list[float] = []
        for kid in kids:
            edges.append((node_id, kid))
            xs.append(place(kid, depth + 1))
        if xs:
            x = (xs[0] + xs[-1]) / 2
        else:
            x = next_leaf
            next_leaf += 1
        placed[node_id] = (x, depth)
        return x

    for root in roots:
        place(root, 0)
    # Nodes only reachable through a cycle: start from the first one not yet placed.
    for n in nodes:
        if n.contact_id not in placed:
            place(n.contact_id, 0)
    boxes = tuple(
        Box(
            node=by_id[cid],
            x=MARGIN + slot * (BOX_W + GAP_X),
            y=MARGIN + depth * (BOX_H + GAP_Y),
            level=depth,
        )
        for cid, (slot, depth) in placed.items()
    )
    width = MARGIN * 2 + max(1.0, next_leaf) * (BOX_W + GAP_X) - GAP_X
    depth_max = max((b.level for b in boxes), default=0)
    height = MARGIN * 2 + (depth_max + 1) * (BOX_H + GAP_Y) - GAP_Y
    return Layout(boxes=boxes, edges=tuple(edges), width=width, height=height)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def to_svg(nodes: Sequence[OrgNode]) -> str:
    """The org chart as a standalone SVG document (text escaped)."""
    lay = layout(nodes)
    at = {b.node.contact_id: b for b in lay.boxes}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width:.0f}" '
        f'height="{lay.height:.0f}" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<rect width="{lay.width:.0f}" height="{lay.height:.0f}" fill="white"/>',
    ]
    for parent, child in lay.edges:
        p, c = at[parent], at[child]
        x1, y1 = p.x + BOX_W / 2, p.y + BOX_H
        x2, y2 = c.x + BOX_W / 2, c.y
        mid = y1 + GAP_Y / 2
        parts.append(
            f'<path d="M{x1:.0f},{y1:.0f} V{mid:.0f} H{x2:.0f} V{y2:.0f}" '
            'fill="none" stroke="#9aa0aa" stroke-width="1.5"/>'
        )
    for b in lay.boxes:
        fill, stroke = ATTITUDE_COLORS.get(b.node.attitude.lower(), UNKNOWN_COLORS)
        role = b.node.buying_role or "—"
        parts.append(
            f'<rect x="{b.x:.0f}" y="{b.y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
        )
        cx = b.x + BOX_W / 2
        lines = [
            (_clip(b.node.name, 24), 18, 'font-size="13" font-weight="bold" fill="#1d2330"'),
            (_clip(b.node.title, 28), 35, 'font-size="11" fill="#444a55"'),
            (_clip(role, 28), 52, f'font-size="11" fill="{stroke}"'),
        ]
        for text, dy, style in lines:
            if text:
                parts.append(
                    f'<text x="{cx:.0f}" y="{b.y + dy:.0f}" text-anchor="middle" {style}>'
                    f"{escape(text)}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)
