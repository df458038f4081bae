"""The outline's section of the customer's scorecard of us (issue 12): the weighted score by
quarter as a chart and a table (sheet "Customer scorecard"). Pure: a PlanDocument in."""

from __future__ import annotations

from accountplan.exports.bars import BarChart, Series
from accountplan.exports.blocks import Block, Column, Empty, Figure, Section, make_table
from accountplan.exports.charts import BLUE
from accountplan.exports.document import PlanDocument

SHEET = "Customer scorecard"


def scorecard_section(doc: PlanDocument) -> Section:
    """The scorecard's trend: a bar per quarter, then the history table."""
    question = "How does the customer score us, quarter by quarter?"
    if not doc.scorecard:
        return Section(
            "scorecard", "Customer scorecard", question, (Empty("Not scored by the customer yet"),)
        )
    blocks: list[Block] = []
    known = [p for p in doc.scorecard if p.weighted is not None]
    if known:
        blocks.append(
            Figure(
                "Weighted score by quarter (1–5)",
                chart=BarChart(
                    "Weighted score by quarter (1–5)",
                    tuple(p.period for p in known),
                    (Series("Weighted score", BLUE, tuple(float(p.weighted or 0) for p in known)),),
                ),
            )
        )
    blocks.append(
        make_table(
            "Weighted score by quarter",
            [
                Column("Quarter"),
                Column("Weighted score", "num"),
                Column("Change", "num"),
                Column("Metrics scored", "int"),
                Column("N/A", "int"),
                Column("Scored by"),
            ],
            [
                (
                    p.period,
                    p.weighted if p.weighted is not None else "unknown",
                    p.change,
                    p.scored,
                    p.not_applicable,
                    p.scored_by,
                )
                for p in doc.scorecard
            ],
            sheet=SHEET,
        )
    )
    return Section("scorecard", "Customer scorecard", question, tuple(blocks))
