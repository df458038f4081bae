"""The peer group of potential: which account field groups peers, and whether it is filled enough.

Potential compares an account with the buyers that share its peer-group value (its industry by
default). An account whose value is blank has no group, so its potential comes from all buyers;
when that is most of the book, the chosen field is probably the wrong one for this CRM.
"""

from __future__ import annotations

import polars as pl

#: The account fields a peer group can be drawn from (``None``: no peer group, all buyers).
PEER_FIELDS: tuple[str, ...] = ("industry", "segment", "territory", "country")
#: Warn when more than this share of the accounts has the peer-group field blank.
BLANK_SHARE_LIMIT = 0.5


def blank_share_warning(field: str | None, blank: int, total: int) -> str | None:
    """The warning for ``blank`` of ``total`` accounts with ``field`` blank, or None.

    None when there is no peer group (``field`` None), no account, or at most half are blank.
    """
    if field is None or total <= 0 or blank / total <= BLANK_SHARE_LIMIT:
        return None
    percent = round(100 * blank / total)
    return (
        f"Peer group '{field}' is empty for {percent} % of accounts ({blank:,} of {total:,}): "
        "their potentials come from all accounts. Choose another peer group on the scorecard page."
    )


def blank_count(accounts: pl.DataFrame, field: str) -> int:
    """How many accounts have ``field`` null, empty or only spaces (all, when the column is
    missing)."""
    if field not in accounts.columns:
        return accounts.height
    value = pl.col(field).cast(pl.String).str.strip_chars()
    return int(accounts.select((value.is_null() | (value == "")).sum()).item())


def peer_field_warning(accounts: pl.DataFrame, field: str | None) -> str | None:
    """A warning when the peer-group ``field`` is blank for more than half of ``accounts``.

    E.g. "Peer group 'industry' is empty for 92 % of accounts (4,600 of 5,000): their
    potentials come from all accounts. Choose another peer group on the scorecard page."
    None when the field is filled for at least half of them, or when there is no peer group.
    """
    if field is None:
        return None
    return blank_share_warning(field, blank_count(accounts, field), accounts.height)
