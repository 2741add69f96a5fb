"""On SQLite too, the database refuses changing what is posted or issued.

The triggers mirror those of 0003_postgresql_ledger_guards (and the columns of
0006_freeze_issued_invoice_text) for UPDATE and INSERT:

- posted journal entries and their lines are never updated;
- nothing is posted into a lodged BAS period, and a lodged period never changes;
- an issued invoice's lines never change, nor is a line added to it;
- an issued invoice's frozen columns never change, nor does it return to draft.

There are deliberately no DELETE triggers here. Django's test flush empties SQLite
tables with DELETE FROM, which row triggers would refuse; PostgreSQL flushes with
TRUNCATE, which fires none. The models and their querysets refuse deletes instead.
SQLite has no deferred triggers, so an entry's balance is checked by post_entry().

The models also point their base manager at the refusing manager.

SQLite alters a table by rebuilding it, which drops that table's triggers and fails
on the others' triggers that name it. A later migration that alters one of these
tables on SQLite runs backwards() before its change and forwards() after it.
"""

from django.db import migrations

# As in 0006_freeze_issued_invoice_text, by column.
FROZEN = (
    "client_id",
    "series",
    "number",
    "issue_date",
    "due_date",
    "rounding",
    "tax_invoice",
    "net_total",
    "gst_total",
    "total",
    "journal_entry_id",
    "notes",
    "reference",
    "period_start",
    "period_end",
)

# "IS NOT" is SQLite's IS DISTINCT FROM: NULLs compare equal to each other.
_FROZEN_CHANGED = "\n        OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in FROZEN)

# SQLite runs one statement per execute(), and a trigger body holds semicolons.
TRIGGERS = {
    "ledger_journalline_immutable": """
CREATE TRIGGER ledger_journalline_immutable
    BEFORE UPDATE ON ledger_journalline
    WHEN EXISTS (SELECT 1 FROM ledger_journalentry
                 WHERE id = OLD.entry_id AND posted)
BEGIN
    SELECT RAISE(ABORT, 'posted journal lines are immutable: UPDATE refused');
END
""",
    "ledger_journalentry_immutable": """
CREATE TRIGGER ledger_journalentry_immutable
    BEFORE UPDATE ON ledger_journalentry
    WHEN OLD.posted
BEGIN
    SELECT RAISE(ABORT, 'posted journal entries are immutable: UPDATE refused');
END
""",
    "ledger_journalentry_not_lodged": """
CREATE TRIGGER ledger_journalentry_not_lodged
    BEFORE INSERT ON ledger_journalentry
    WHEN EXISTS (SELECT 1 FROM ledger_lodgedperiod
                 WHERE NEW.date BETWEEN start AND "end")
BEGIN
    SELECT RAISE(ABORT, 'the BAS period holding this date is lodged');
END
""",
    "ledger_invoice_immutable": f"""
CREATE TRIGGER ledger_invoice_immutable
    BEFORE UPDATE ON ledger_invoice
    WHEN OLD.status <> 'draft' AND (
        NEW.status = 'draft'
        OR {_FROZEN_CHANGED})
BEGIN
    SELECT RAISE(ABORT, 'issued invoice is immutable: UPDATE refused');
END
""",
    "ledger_invoiceline_immutable": """
CREATE TRIGGER ledger_invoiceline_immutable
    BEFORE UPDATE ON ledger_invoiceline
    WHEN EXISTS (SELECT 1 FROM ledger_invoice
                 WHERE id IN (OLD.invoice_id, NEW.invoice_id)
                 AND status <> 'draft')
BEGIN
    SELECT RAISE(ABORT, 'lines of an issued invoice are immutable: UPDATE refused');
END
""",
    "ledger_invoiceline_not_added": """
CREATE TRIGGER ledger_invoiceline_not_added
    BEFORE INSERT ON ledger_invoiceline
    WHEN EXISTS (SELECT 1 FROM ledger_invoice
                 WHERE id = NEW.invoice_id AND status <> 'draft')
BEGIN
    SELECT RAISE(ABORT, 'lines of an issued invoice are immutable: INSERT refused');
END
""",
    "ledger_lodgedperiod_fixed": """
CREATE TRIGGER ledger_lodgedperiod_fixed
    BEFORE UPDATE ON ledger_lodgedperiod
BEGIN
    SELECT RAISE(ABORT, 'a lodged BAS period cannot be changed: UPDATE refused');
END
""",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS.values():
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in reversed(TRIGGERS):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_adjustment_note_pdf")]

    operations = [
        migrations.AlterModelOptions(
            name="invoice",
            options={
                "base_manager_name": "objects",
                "ordering": ["-issue_date", "-number", "-id"],
            },
        ),
        migrations.AlterModelOptions(
            name="invoiceline",
            options={"base_manager_name": "objects", "ordering": ["position", "id"]},
        ),
        migrations.AlterModelOptions(
            name="journalentry",
            options={
                "base_manager_name": "objects",
                "ordering": ["date", "number"],
                "verbose_name_plural": "journal entries",
            },
        ),
        migrations.AlterModelOptions(
            name="journalline",
            options={"base_manager_name": "objects", "ordering": ["entry", "id"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
