"""The relationship map's pure parts: org chart layout, coverage gaps, degree of separation."""

from __future__ import annotations

import datetime as dt

from accountplan.plans.relationships import (
    BOX_H,
    Person,
    Role,
    coverage_gaps,
    layout,
    separation,
)

TODAY = dt.date(2026, 6, 30)


def org() -> list[Person]:
    """ceo ← cfo ← analyst; ceo ← cto ← three engineers (leaves, so stacked)."""
    recent = dt.date(2026, 6, 1)
    return [
        Person(1, "Cara CEO", "CEO", "Exec", None, recent),
        Person(2, "Finn CFO", "CFO", "Finance", 1, recent),
        Person(3, "Ana Analyst", "Analyst", "Finance", 2, None),
        Person(4, "Ted CTO", "CTO", "IT", 1, dt.date(2025, 1, 1)),
        Person(5, "Eve Eng", "Engineer", "IT", 4),
        Person(6, "Eli Eng", "Engineer", "IT", 4),
        Person(7, "Ela Eng", "Engineer", "IT", 4),
        Person(8, "Sam Sales", "Buyer", "Procurement", 99),  # manager outside the account
    ]


class TestLayout:
    def test_everyone_is_placed_once_with_an_edge_per_report(self) -> None:
        chart = layout(org(), {})
        assert sorted(b.person.id for b in chart.boxes) == list(range(1, 9))
        assert len(chart.edges) == 6  # 2, 3, 4 and the three engineers

    def test_a_manager_sits_above_and_between_their_reports(self) -> None:
        boxes = {b.person.id: b for b in layout(org(), {}).boxes}
        assert boxes[1].y < boxes[2].y < boxes[3].y
        assert min(boxes[2].cx, boxes[4].cx) <= boxes[1].cx <= max(boxes[2].cx, boxes[4].cx)

    def test_leaf_reports_are_stacked_in_a_column(self) -> None:
        boxes = {b.person.id: b for b in layout(org(), {}).boxes}
        xs = {boxes[i].x for i in (5, 6, 7)}
        assert len(xs) == 1 and xs.pop() > boxes[4].x
        ys = sorted(boxes[i].y for i in (5, 6, 7))
        assert ys[1] - ys[0] >= BOX_H

    def test_boxes_do_not_overlap(self) -> None:
        boxes = layout(org(), {}).boxes
        for a in boxes:
            for b in boxes:
                if a is b:
                    continue
                apart_x = a.x + 188 <= b.x or b.x + 188 <= a.x
                apart_y = a.y + BOX_H <= b.y or b.y + BOX_H <= a.y
                assert apart_x or apart_y, (a.person.name, b.person.name)

    def test_a_reports_to_cycle_still_draws_everyone(self) -> None:
        people = [Person(1, "A", reports_to_id=2), Person(2, "B", reports_to_id=1)]
        assert len(layout(people, {}).boxes) == 2

    def test_colour_and_badges_follow_the_role(self) -> None:
        role = Role(
            2, buying_role="decision_maker", attitude="detractor", mobilizer="talker", strength=2
        )
        box = next(b for b in layout(org(), {2: role}).boxes if b.person.id == 2)
        assert (box.fill, box.badge, box.mobilizer_mark) == ("#fdeaea", "DM", "T")
        assert [on for _, on in box.bars] == [True, True, False, False, False]


class TestGaps:
    def test_no_decision_maker_uncovered_departments_and_stale_contacts(self) -> None:
        roles = {4: Role(4, strength=4)}
        gaps = {g.kind: g for g in coverage_gaps(org(), roles, TODAY)}
        assert "No contact with a decision maker" in gaps["decision_maker"].message
        departments = [
            g.message for g in coverage_gaps(org(), roles, TODAY) if g.kind == "department"
        ]
        assert any(m.startswith("Finance:") for m in departments)
        assert not any(m.startswith("IT:") for m in departments)
        assert gaps["stale"].names == ["Ted CTO"]

    def test_only_weak_ties_to_the_decider(self) -> None:
        roles = {1: Role(1, buying_role="decision_maker", strength=2)}
        gaps = [g for g in coverage_gaps(org(), roles, TODAY) if g.kind == "decision_maker"]
        assert gaps and "weak ties" in gaps[0].message and gaps[0].names == ["Cara CEO"]

    def test_a_strong_tie_to_the_decider_is_no_gap(self) -> None:
        roles = {1: Role(1, buying_role="decision_maker", strength=4)}
        assert not [g for g in coverage_gaps(org(), roles, TODAY) if g.kind == "decision_maker"]


class TestSeparation:
    def test_steps_from_the_strongest_tie_to_the_decider(self) -> None:
        roles = {
            3: Role(3, strength=5),
            5: Role(5, strength=3),
            1: Role(1, buying_role="decision_maker", strength=1),
        }
        sep = separation(org(), roles)
        assert sep is not None
        assert (sep.best, sep.decision_maker, sep.degrees) == ("Ana Analyst", "Cara CEO", 2)
        assert sep.path == ["Ana Analyst", "Finn CFO", "Cara CEO"]

    def test_paths_go_down_and_across_too(self) -> None:
        roles = {5: Role(5, strength=5), 3: Role(3, buying_role="decision_maker")}
        sep = separation(org(), roles)
        assert sep is not None and sep.degrees == 4  # Eve → Ted → Cara → Finn → Ana

    def test_not_connected_and_missing_decider(self) -> None:
        roles = {8: Role(8, strength=5), 1: Role(1, buying_role="decision_maker")}
        sep = separation(org(), roles)
        assert sep is not None and sep.degrees is None and sep.path == []
        assert separation(org(), {8: Role(8)}) is None
