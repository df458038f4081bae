"""The peer-group warning: more than half of the accounts blank in the chosen field."""

from __future__ import annotations

import polars as pl
import pytest

from accountplan.analytics.peers import blank_share_warning, peer_field_warning


def accounts(industries: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"account_id": list(range(len(industries))), "industry": industries},
        schema={"account_id": pl.Int64, "industry": pl.String},
    )


def test_a_mostly_blank_field_gives_the_warning_with_the_exact_figures() -> None:
    book = accounts(["Retail"] * 400 + [None] * 2_300 + [""] * 2_000 + ["  "] * 300)
    assert peer_field_warning(book, "industry") == (
        "Peer group 'industry' is empty for 92 % of accounts (4,600 of 5,000): their potentials "
        "come from all accounts. Choose another peer group on the scorecard page."
    )


@pytest.mark.parametrize(
    "industries",
    [
        ["Retail", None],  # exactly half: not most
        ["Retail", "Banking", ""],
        ["Retail"] * 5,
        [],
    ],
)
def test_a_field_filled_for_at_least_half_gives_none(industries: list[str | None]) -> None:
    assert peer_field_warning(accounts(industries), "industry") is None


def test_no_peer_group_gives_none() -> None:
    assert peer_field_warning(accounts([None, None, None]), None) is None


def test_a_missing_column_counts_as_blank() -> None:
    warning = peer_field_warning(accounts(["Retail", "Banking", "Retail"]), "segment")
    assert warning is not None
    assert "Peer group 'segment' is empty for 100 % of accounts (3 of 3)" in warning


def test_the_counts_version_rounds_the_share() -> None:
    assert blank_share_warning("territory", 2, 3) is not None
    assert "67 % of accounts (2 of 3)" in (blank_share_warning("territory", 2, 3) or "")
    assert blank_share_warning("territory", 1, 2) is None
    assert blank_share_warning("territory", 0, 0) is None
