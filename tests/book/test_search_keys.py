"""Search keys are the name as a search sees it: casefolded, accents gone, punctuation a space."""

from __future__ import annotations

import pytest

from accountplan.book.search_keys import normalise


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Société Générale-Énergie ", "societe generale energie"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("O'Brien & Sons, Ltd.", "o brien sons ltd"),
        ("Zoë_Müller", "zoe muller"),
        ("Ærøskøbing Łódź", "aeroskobing lodz"),
        ("", ""),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key
