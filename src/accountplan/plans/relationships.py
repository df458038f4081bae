"""The relationship map, computed: the org chart's layout from reports-to, coverage gaps, and the
degree of separation from our best contact to the decision maker.

Pure functions over plain data (no Django, no database): the view reads the contacts, their last
activity and the section's stakeholders, and hands them in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Contacts not touched for this long are called out.
STALE_DAYS = 90
BOX_W = 188
BOX_H = 84
GAP_X = 34
GAP_Y = 46
MARGIN = 12

#: Fill and stroke of a box by the stakeholder's attitude ("" = not on the map).
ATTITUDE_COLORS: dict[str, tuple[str, str]] = {
    "supporter": ("#e3f4ea", "#1f9e6e"),
    "neutral": ("#eef1f6", "#7c8596"),
    "detractor": ("#fdeaea", "#c2410c"),
    "": ("#ffffff", "#b7bfcc"),
}
NO_COLOR = ("#ffffff", "#b7bfcc")
ROLE_BADGES: dict[str, str] = {
    "decision_maker": "DM",
    "economic_buyer": "EB",
    "champion": "CH",
    "influencer": "INF",
    "user": "USER",
    "blocker": "BLK",
}


@dataclass(frozen=True)
class Person:
    """A contact of the account, as the org chart needs it."""

    id: int
    name: str
    title: str = ""
    department: str = ""
    reports_to_id: int | None = None
    last_contact: date | None = None


@dataclass(frozen=True)
class Role:
    """A stakeholder entry of the plan's relationship map."""

    contact_id: int
    # None: not judged yet (unknown), never a guess.
    buying_role: str | None = None
    influence: str | None = None
    attitude: str | None = None
    mobilizer: str | None = None
    strength: int | None = None
    owner: str = ""


@dataclass
class Box:
    """One person on the chart, placed."""

    person: Person
    role: Role | None
    x: float
    y: float
    depth: int

    @property
    def fill(self) -> str:
        """Box fill by attitude."""
        return ATTITUDE_COLORS.get((self.role.attitude if self.role else "") or "", NO_COLOR)[0]

    @property
    def stroke(self) -> str:
        """Box border by attitude."""
        return ATTITUDE_COLORS.get((self.role.attitude if self.role else "") or "", NO_COLOR)[1]

    @property
    def badge(self) -> str:
        """Short buying-role badge (DM, EB, CH…)."""
        return ROLE_BADGES.get(self.role.buying_role or "", "") if self.role else ""

    @property
    def mobilizer_mark(self) -> str:
        """M for a mobilizer, T for a talker."""
        if not self.role:
            return ""
        return {"mobilizer": "M", "talker": "T"}.get(self.role.mobilizer or "", "")

    @property
    def bars(self) -> list[tuple[float, bool]]:
        """The five strength bars: x offset and whether filled."""
        strength = (self.role.strength if self.role else 0) or 0
        return [(self.x + BOX_W - 12 - (5 - i) * 7, i <= strength) for i in range(1, 6)]

    @property
    def name_short(self) -> str:
        """The name cut to fit the box."""
        return _cut(self.person.name, 24)

    @property
    def title_short(self) -> str:
        """The job title cut to fit the box."""
        return _cut(self.person.title, 28)

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return self.x + BOX_W / 2


@dataclass
class Edge:
    """A reports-to line from a manager's box (bottom) to a report's box (top)."""

    x1: float
    y1: float
    x2: float
    y2: float
    stacked: bool = False

    @property
    def mid_y(self) -> float:
        """Where the elbow turns."""
        return (self.y1 + self.y2) / 2

    @property
    def d(self) -> str:
        """The SVG path: an elbow down-across-down, or down-then-right to a stacked report."""
        if self.stacked:
            return f"M{self.x1:g} {self.y1:g} V{self.y2:g} H{self.x2:g}"
        return f"M{self.x1:g} {self.y1:g} V{self.mid_y:g} H{self.x2:g} V{self.y2:g}"


@dataclass
class OrgChart:
    """The laid-out chart: boxes, edges and the drawing's size."""

    boxes: list[Box]
    edges: list[Edge]
    width: float
    height: float
    box_w: int = BOX_W
    box_h: int = BOX_H

    @property
    def min_width(self) -> int:
        """Narrowest the drawing may shrink to and stay legible (then the figure scrolls)."""
        return int(min(self.width, max(self.width * 0.6, 480)))


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _children(people: list[Person]) -> tuple[list[Person], dict[int, list[Person]]]:
    """Roots and children by manager; a manager outside the account or a cycle makes a root."""
    ids = {p.id for p in people}
    kids: dict[int, list[Person]] = {}
    roots: list[Person] = []
    for p in people:
        if p.reports_to_id in ids and p.reports_to_id != p.id:
            kids.setdefault(p.reports_to_id, []).append(p)
        else:
            roots.append(p)
    # People only reachable through a cycle have no root: lift the first of each cycle.
    seen: set[int] = set()
    stack = [r.id for r in roots]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack.extend(c.id for c in kids.get(pid, []))
    for p in people:
        if p.id not in seen:
            roots.append(p)
            stack = [p.id]
            while stack:
                pid = stack.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                stack.extend(c.id for c in kids.get(pid, []))
    return roots, kids


#: A manager whose reports are all leaves, this many or more, gets them stacked in a column.
STACK_AT = 3
STACK_INDENT = 22
STACK_GAP = 10


def layout(people: list[Person], roles: dict[int, Role]) -> OrgChart:
    """Place every person: a manager centred over their reports; a manager with three or more
    reports who manage no one gets them stacked in a column below (keeps wide teams narrow)."""
    people = sorted(people, key=lambda p: (p.name.lower(), p.id))
    roots, kids = _children(people)
    boxes: list[Box] = []
    edges: list[Edge] = []
    placed: set[int] = set()
    next_slot = 0
    bottom = 0.0

    def slot_centre() -> float:
        nonlocal next_slot
        cx = MARGIN + next_slot * (BOX_W + GAP_X) + BOX_W / 2
        next_slot += 1
        return cx

    def place(person: Person, depth: int) -> float:
        nonlocal bottom
        placed.add(person.id)
        y = MARGIN + depth * (BOX_H + GAP_Y)
        reports = [c for c in kids.get(person.id, []) if c.id not in placed]
        if len(reports) >= STACK_AT and not any(kids.get(c.id) for c in reports):
            cx = slot_centre()
            x = cx - BOX_W / 2
            boxes.append(Box(person, roles.get(person.id), x, y, depth))
            for i, c in enumerate(reports):
                placed.add(c.id)
                cy = y + BOX_H + STACK_GAP + i * (BOX_H + STACK_GAP)
                boxes.append(Box(c, roles.get(c.id), x + STACK_INDENT, cy, depth + 1))
                edges.append(Edge(x + 10, y + BOX_H, x + STACK_INDENT, cy + BOX_H / 2, True))
                bottom = max(bottom, cy + BOX_H)
            return cx
        child_centres = [place(c, depth + 1) for c in reports]
        cx = (child_centres[0] + child_centres[-1]) / 2 if child_centres else slot_centre()
        boxes.append(Box(person, roles.get(person.id), cx - BOX_W / 2, y, depth))
        bottom = max(bottom, y + BOX_H)
        for centre in child_centres:
            edges.append(Edge(cx, y + BOX_H, centre, y + BOX_H + GAP_Y))
        return cx

    for root in roots:
        if root.id not in placed:
            place(root, 0)
    width = MARGIN * 2 + max(next_slot, 1) * (BOX_W + GAP_X) - GAP_X + STACK_INDENT
    height = max(bottom, BOX_H) + MARGIN
    boxes.sort(key=lambda b: (b.y, b.x))
    return OrgChart(boxes, edges, width, height)


@dataclass
class Gap:
    """A coverage gap: what is missing, and who it is about."""

    kind: str  # decision_maker, department, stale
    message: str
    names: list[str] = field(default_factory=list)


def coverage_gaps(
    people: list[Person], roles: dict[int, Role], today: date, stale_days: int = STALE_DAYS
) -> list[Gap]:
    """The gaps the seeds ask to call out.

    - no stakeholder marked decision maker (or only weak ties, strength 2 or less, to them; or
      the strength of every tie to them unknown);
    - stakeholders whose buying role is not set (unknown, not assumed);
    - departments with contacts of which none is on the map;
    - contacts on the map not touched (no activity) in ``stale_days``.
    """
    by_id = {p.id: p for p in people}
    gaps: list[Gap] = []
    deciders = [
        r for r in roles.values() if r.buying_role == "decision_maker" and r.contact_id in by_id
    ]
    if not deciders:
        gaps.append(
            Gap(
                "decision_maker",
                "No contact with a decision maker: no one on the map is marked decision maker.",
            )
        )
    elif all(r.strength is None for r in deciders):
        gaps.append(
            Gap(
                "decision_maker",
                "Strength of our tie to the decision maker unknown.",
                sorted(by_id[r.contact_id].name for r in deciders),
            )
        )
    elif all(r.strength is None or r.strength <= 2 for r in deciders):
        gaps.append(
            Gap(
                "decision_maker",
                "Only weak ties (strength 2 or less) to the decision maker.",
                sorted(by_id[r.contact_id].name for r in deciders),
            )
        )
    unknown = sorted(
        by_id[r.contact_id].name
        for r in roles.values()
        if r.buying_role is None and r.contact_id in by_id
    )
    if unknown:
        gaps.append(Gap("unknown_role", "Buying role not set (unknown).", unknown))
    departments: dict[str, list[Person]] = {}
    for p in people:
        if p.department.strip():
            departments.setdefault(p.department.strip(), []).append(p)
    uncovered = sorted(
        d for d, members in departments.items() if not any(m.id in roles for m in members)
    )
    for dept in uncovered:
        gaps.append(
            Gap(
                "department",
                f"{dept}: contacts but no relationship on the map.",
                sorted(p.name for p in departments[dept]),
            )
        )
    cutoff = today - timedelta(days=stale_days)
    stale = sorted(
        by_id[cid].name
        for cid in roles
        if cid in by_id and (by_id[cid].last_contact is None or by_id[cid].last_contact < cutoff)  # type: ignore[operator]
    )
    if stale:
        gaps.append(Gap("stale", f"Not touched in {stale_days} days.", stale))
    return gaps


@dataclass
class Separation:
    """How many reports-to steps lie between our best contact and the decision maker."""

    best: str
    decision_maker: str
    degrees: int | None  # None: not connected through reports-to
    path: list[str]


def separation(people: list[Person], roles: dict[int, Role]) -> Separation | None:
    """Steps along reports-to (either way) from the strongest tie to the nearest decision maker.

    ``None`` (unknown) when no decision maker is on the map or no stakeholder's strength is known.
    The best contact is the stakeholder with the highest known strength (ties: the higher
    influence, then the name).
    """
    by_id = {p.id: p for p in people}
    mapped = [r for r in roles.values() if r.contact_id in by_id]
    rated = [r for r in mapped if r.strength is not None]
    deciders = {r.contact_id for r in mapped if r.buying_role == "decision_maker"}
    if not rated or not deciders:
        return None
    rank = {"high": 0, "medium": 1, "low": 2}
    best = min(
        rated,
        key=lambda r: (
            -(r.strength or 0),
            rank.get(r.influence or "", 3),
            by_id[r.contact_id].name,
        ),
    )
    graph: dict[int, set[int]] = {p.id: set() for p in people}
    for p in people:
        if p.reports_to_id in graph and p.reports_to_id != p.id:
            graph[p.id].add(p.reports_to_id)
            graph[p.reports_to_id].add(p.id)
    start = best.contact_id
    previous: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node in deciders:
            path: list[int] = []
            cur: int | None = node
            while cur is not None:
                path.append(cur)
                cur = previous[cur]
            path.reverse()
            return Separation(
                by_id[start].name,
                by_id[node].name,
                len(path) - 1,
                [by_id[i].name for i in path],
            )
        for nxt in sorted(graph[node]):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    nearest = sorted(by_id[d].name for d in deciders)[0]
    return Separation(by_id[start].name, nearest, None, [])
