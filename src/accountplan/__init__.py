"""accountplan: account planning for B2B sales and marketing teams."""
