"""accountplan: account planning for B2B sales and marketing teams."""

import os

# Polars allocates through its own jemalloc, which by default keeps freed pages resident (its
# build never purges "muzzy" pages), so a rescore's peak memory counted every large frame it had
# already dropped. Returning freed pages at once keeps the 1M-account rescore under 4 GB
# (docs/performance.md, "Peak memory"). Read by jemalloc when Polars first allocates, so it is set
# here, before anything imports Polars; an admin's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
