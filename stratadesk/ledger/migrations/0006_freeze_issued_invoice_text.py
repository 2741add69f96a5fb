"""On PostgreSQL, an issued invoice's notes, reference and billing period are frozen.

They are printed on the tax invoice, so once it is issued they must not change any
more than its amounts do. Only the payment state (status, amounts paid, credited and
written off) and the rendered PDF columns stay writable. The trigger of
0003_postgresql_ledger_guards is kept; only its function is replaced.
"""

from django.db import migrations

# The columns of 0003; the new ones are appended after them.
FROZEN_BEFORE = (
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
)
FROZEN_NOW = (*FROZEN_BEFORE, "notes", "reference", "period_start", "period_end")


def _function(columns) -> str:
    changed = "\n".join(
        f"        OR NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns
    )
    return rf"""
CREATE OR REPLACE FUNCTION ledger_issued_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
        OR NEW.status = 'draft'
{changed} THEN
        RAISE EXCEPTION USING
            MESSAGE = 'issued invoice ' || OLD.series || '-' || OLD.number
                || ' is immutable: ' || TG_OP || ' refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(FROZEN_NOW))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(FROZEN_BEFORE))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_invoiceline_fee_month")]

    operations = [migrations.RunPython(forwards, backwards)]
