"""The open findings' counts by rule, kept by triggers (``FindingTally``), and the index of the
snoozed open findings the counts leave out on the home page.

SQLite: row triggers (one upsert per row written: SQLite has one writer, and an upsert in its
page cache is a couple of microseconds). PostgreSQL: statement triggers with transition tables
(one grouped upsert per statement: a row trigger updating the same few tally rows 200,000 times
in one transaction would walk ever longer version chains). Both count a row as open while
``closed_at`` is null, whatever else an update changes. The tally starts from a count of what
is there.
"""

from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER finding_tally_insert AFTER INSERT ON governance_finding
    WHEN NEW.closed_at IS NULL
    BEGIN
        INSERT INTO governance_findingtally (rule, open_count) VALUES (NEW.rule, 1)
        ON CONFLICT (rule) DO UPDATE SET open_count = open_count + 1;
    END""",
    """CREATE TRIGGER finding_tally_update AFTER UPDATE OF closed_at, rule ON governance_finding
    WHEN (OLD.closed_at IS NULL) OR (NEW.closed_at IS NULL)
    BEGIN
        UPDATE governance_findingtally SET open_count = open_count - 1
        WHERE OLD.closed_at IS NULL AND rule = OLD.rule;
        INSERT INTO governance_findingtally (rule, open_count)
        SELECT NEW.rule, 1 WHERE NEW.closed_at IS NULL
        ON CONFLICT (rule) DO UPDATE SET open_count = open_count + 1;
    END""",
    """CREATE TRIGGER finding_tally_delete AFTER DELETE ON governance_finding
    WHEN OLD.closed_at IS NULL
    BEGIN
        UPDATE governance_findingtally SET open_count = open_count - 1 WHERE rule = OLD.rule;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS finding_tally_insert",
    "DROP TRIGGER IF EXISTS finding_tally_update",
    "DROP TRIGGER IF EXISTS finding_tally_delete",
]

POSTGRESQL = [
    """CREATE FUNCTION governance_finding_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE governance_findingtally AS t SET open_count = t.open_count - o.n
            FROM (SELECT rule, count(*) AS n FROM old_rows WHERE closed_at IS NULL
                  GROUP BY rule) AS o
            WHERE t.rule = o.rule;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO governance_findingtally (rule, open_count)
            SELECT rule, count(*) FROM new_rows WHERE closed_at IS NULL GROUP BY rule
            ORDER BY rule
            ON CONFLICT (rule) DO UPDATE
            SET open_count = governance_findingtally.open_count + EXCLUDED.open_count;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER finding_tally_insert AFTER INSERT ON governance_finding
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION governance_finding_tally()""",
    """CREATE TRIGGER finding_tally_update AFTER UPDATE ON governance_finding
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION governance_finding_tally()""",
    """CREATE TRIGGER finding_tally_delete AFTER DELETE ON governance_finding
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION governance_finding_tally()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS finding_tally_insert ON governance_finding",
    "DROP TRIGGER IF EXISTS finding_tally_update ON governance_finding",
    "DROP TRIGGER IF EXISTS finding_tally_delete ON governance_finding",
    "DROP FUNCTION IF EXISTS governance_finding_tally()",
]

BACKFILL = """INSERT INTO governance_findingtally (rule, open_count)
SELECT rule, COUNT(*) FROM governance_finding WHERE closed_at IS NULL GROUP BY rule"""


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No finding tally triggers for {vendor}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_findingtally")
        cursor.execute(BACKFILL)
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0010_opportunity_win_back"),
        ("governance", "0002_finding_open_rule"),
        ("plans", "0003_plan_status_created"),
    ]

    operations = [
        migrations.CreateModel(
            name="FindingTally",
            fields=[
                ("rule", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("open_count", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True), ("snoozed_until__isnull", False)),
                fields=["snoozed_until", "rule"],
                name="finding_open_snoozed",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
