"""Portfolio analytics in Polars: pure functions, frames in, frames out, no Django import.

The methodology (white space, potential, scores, grid, tiers) is documented in docs/methodology.md.
"""
