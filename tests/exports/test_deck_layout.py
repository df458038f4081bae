"""The deck never lets a shape run past the bottom of its slide, however long the table cells."""

from __future__ import annotations

import dataclasses
import io

from pptx import Presentation

from accountplan.exports.deck import render_pptx
from accountplan.exports.document import Action
from tests.exports.sample import full_document

LONG = "Falcon Crest College SAS: Atlas Workspace Seats Cross-sell 2026 with a long deal name"


def _bottoms_within_slides(content: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(content))
    overflow = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.top + shape.height > prs.slide_height:
                overflow.append(f"slide {number}: {shape.name}")
    return overflow


def test_a_long_table_of_wrapping_rows_is_split_across_slides() -> None:
    doc = full_document()
    actions = tuple(
        Action(f"{LONG} {i}", LONG, "Senior Director, IT", "Sales support") for i in range(30)
    )
    content = render_pptx(dataclasses.replace(doc, actions=actions))
    assert _bottoms_within_slides(content) == []
    titles = [
        shape.text_frame.text
        for slide in Presentation(io.BytesIO(content)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    # Thirty wrapping rows need several slides, each announcing its part.
    assert sum("(1/" in t or "(2/" in t or "(3/" in t for t in titles) >= 3


def test_the_full_sample_deck_fits_its_slides() -> None:
    assert _bottoms_within_slides(render_pptx(full_document())) == []
