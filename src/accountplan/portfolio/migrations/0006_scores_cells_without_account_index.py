"""Scores and cells lose their index on the account alone.

It served only an account's deletion and cost every rescore one more index to write on 1M
score rows and 10M+ cell rows; ``cascade_by_snapshot`` deletes an account's rows through the
unique (snapshot, account, ...) index instead.
"""

from django.db import migrations, models

import accountplan.portfolio.models


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0007_account_parent_partial_index"),
        ("portfolio", "0005_score_whitespace_nulls_last"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountscore",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=accountplan.portfolio.models.cascade_by_snapshot,
                related_name="portfolio_scores",
                to="book.account",
            ),
        ),
        migrations.AlterField(
            model_name="cellscore",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=accountplan.portfolio.models.cascade_by_snapshot,
                related_name="portfolio_cells",
                to="book.account",
            ),
        ),
    ]
