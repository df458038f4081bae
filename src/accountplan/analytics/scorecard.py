"""The segmentation scorecard: each attribute's percentile rank, weighted, missing ones left out.

potential_score = Σ(weight × percentile) / Σ(weight) over the attributes an account has a value
for (weight > 0); the others are listed in ``missing_attributes``. No attribute known: unscored.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics.frames import ICP, AnalysisConfig
from accountplan.analytics.ranks import double_rank, percentile_rank, rank_count

BUILT_IN = ("whitespace_value", "icp_fit", "growth", "satisfaction", "share_of_wallet_gap")


def _folded(values: tuple[str, ...]) -> list[str]:
    return [v.strip().casefold() for v in values if v.strip()]


def icp_configured(icp: ICP | None) -> bool:
    """Whether an ICP with at least one criterion is configured."""
    if icp is None:
        return False
    return bool(
        _folded(icp.industries)
        or _folded(icp.regions)
        or icp.min_employees is not None
        or icp.max_employees is not None
    )


def icp_fit(accounts: pl.DataFrame, icp: ICP | None) -> pl.Expr:
    """Fraction of the configured ICP criteria an account matches (1 = all); null without an ICP.

    Criteria: industry in the list; employees within [min, max] (an unknown count does not match);
    territory or country in the region list. Text compares case-insensitively.
    """
    if icp is None or not icp_configured(icp):
        return pl.lit(None, dtype=pl.Float64)
    matches: list[pl.Expr] = []
    industries = _folded(icp.industries)
    if industries:
        matches.append(pl.col("industry").str.strip_chars().str.to_lowercase().is_in(industries))
    if icp.min_employees is not None or icp.max_employees is not None:
        band = pl.col("employees").is_not_null()
        if icp.min_employees is not None:
            band = band & (pl.col("employees") >= icp.min_employees)
        if icp.max_employees is not None:
            band = band & (pl.col("employees") <= icp.max_employees)
        matches.append(band)
    regions = _folded(icp.regions)
    if regions:
        matches.append(
            pl.col("territory").str.strip_chars().str.to_lowercase().is_in(regions)
            | pl.col("country").str.strip_chars().str.to_lowercase().is_in(regions)
        )
    hits = pl.sum_horizontal([m.fill_null(False).cast(pl.Float64) for m in matches])
    return (hits / len(matches)).cast(pl.Float64)


def attribute_values(
    accounts: pl.DataFrame, figures: pl.DataFrame, config: AnalysisConfig
) -> pl.DataFrame:
    """account_id and one column per configured attribute (built-in, or an account column)."""
    frame = accounts.join(figures, on="account_id", how="left").with_columns(
        icp_fit(accounts, config.icp).alias("icp_fit")
    )
    columns = []
    for attribute in config.attributes:
        if attribute.key not in BUILT_IN and attribute.key not in accounts.columns:
            raise ValueError(
                f"scorecard attribute {attribute.key!r} is neither one of {', '.join(BUILT_IN)} "
                "nor a column of the accounts"
            )
        dtype = frame.schema[attribute.key]
        # exact values (Decimal money and ratios, integers) are ranked as they are: equal amounts
        # tie exactly; anything else is read as a number
        exact = isinstance(dtype, pl.Decimal) or dtype.is_integer() or dtype == pl.Float64
        column = pl.col(attribute.key)
        columns.append(
            (column if exact else column.cast(pl.Float64, strict=False)).alias(attribute.key)
        )
    return frame.select("account_id", *columns)


def active_attributes(config: AnalysisConfig) -> list[tuple[str, str, float]]:
    """(key, label, weight) of the attributes that apply: icp_fit only when an ICP is configured."""
    if any(a.weight < 0 for a in config.attributes):
        raise ValueError("scorecard weights must be 0 or more")
    return [
        (a.key, a.label, float(a.weight))
        for a in config.attributes
        if a.key != "icp_fit" or icp_configured(config.icp)
    ]


def scores(values: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """Long format: account_id, attribute, label, value, percentile, weight, used."""
    parts = [
        values.select(
            "account_id",
            pl.lit(key).alias("attribute"),
            pl.lit(label).alias("label"),
            pl.col(key).cast(pl.Float64).alias("value"),
            percentile_rank(pl.col(key)).alias("percentile"),
            double_rank(pl.col(key)).alias("rank2"),
            rank_count(pl.col(key)).cast(pl.Int64).alias("n"),
            pl.lit(weight, dtype=pl.Float64).alias("weight"),
            (pl.col(key).is_not_null() & (weight > 0)).alias("used"),
        )
        for key, label, weight in active_attributes(config)
    ]
    if not parts:
        return pl.DataFrame(
            schema={
                "account_id": pl.Int64,
                "attribute": pl.String,
                "label": pl.String,
                "value": pl.Float64,
                "percentile": pl.Float64,
                "rank2": pl.Int64,
                "n": pl.Int64,
                "weight": pl.Float64,
                "used": pl.Boolean,
            }
        )
    return pl.concat(parts, how="vertical")


def potential_scores(long: pl.DataFrame, account_ids: pl.DataFrame) -> pl.DataFrame:
    """account_id, potential_score, missing_attributes, scored — one row per account."""
    used = pl.col("used")
    weight = pl.col("weight")
    missing = (weight > 0) & pl.col("value").is_null()
    per_account = long.group_by("account_id", maintain_order=True).agg(
        (weight * pl.col("percentile")).filter(used).sum().alias("_num"),
        weight.filter(used).sum().alias("_den"),
        pl.col("attribute").filter(missing).str.join(", ").alias("missing_attributes"),
    )
    return (
        account_ids.join(per_account, on="account_id", how="left")
        .with_columns(
            pl.when(pl.col("_den") > 0)
            .then(pl.col("_num") / pl.col("_den"))
            .otherwise(None)
            .alias("potential_score"),
            pl.col("missing_attributes").fill_null(""),
        )
        .with_columns(pl.col("potential_score").is_not_null().alias("scored"))
        .drop("_num", "_den")
    )
