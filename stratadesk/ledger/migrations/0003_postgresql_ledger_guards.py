"""On PostgreSQL, the database itself keeps the ledger's promises.

- Every journal entry balances: a deferred constraint trigger checks the sums at
  commit, so a service may insert an entry's lines one by one.
- Posted journal entries and their lines are never updated or deleted.
- Nothing is posted into a lodged BAS period.
- An issued invoice's lines and amounts never change; only its payment state moves.

SQLite relies on the same checks in stratadesk/ledger/services.py. TRUNCATE is left
alone: it is how test databases are reset, never how the product changes data.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION ledger_entry_balances() RETURNS trigger AS $$
DECLARE
    checked bigint;
    debits numeric;
    credits numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
        checked := OLD.entry_id;
    ELSE
        checked := NEW.entry_id;
    END IF;
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0)
        INTO debits, credits
        FROM ledger_journalline WHERE entry_id = checked;
    IF debits <> credits THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            MESSAGE = 'journal entry ' || checked || ' does not balance: debits '
                || debits || ', credits ' || credits;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_journalline_balances
    AFTER INSERT OR UPDATE OR DELETE ON ledger_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

CREATE OR REPLACE FUNCTION ledger_posted_line_immutable() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_journalentry
               WHERE id = OLD.entry_id AND posted) THEN
        RAISE EXCEPTION USING
            MESSAGE = 'posted journal lines are immutable: ' || TG_OP || ' refused';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalline_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_posted_line_immutable();

CREATE OR REPLACE FUNCTION ledger_posted_entry_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.posted THEN
        RAISE EXCEPTION USING
            MESSAGE = 'posted journal entries are immutable: ' || TG_OP || ' refused';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalentry_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_posted_entry_immutable();

CREATE OR REPLACE FUNCTION ledger_refuse_lodged_date() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_lodgedperiod
               WHERE NEW.date BETWEEN start AND "end") THEN
        RAISE EXCEPTION USING
            MESSAGE = 'the BAS period holding ' || NEW.date || ' is lodged';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalentry_not_lodged
    BEFORE INSERT ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_lodged_date();

CREATE OR REPLACE FUNCTION ledger_issued_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
        OR NEW.client_id IS DISTINCT FROM OLD.client_id
        OR NEW.series IS DISTINCT FROM OLD.series
        OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.status = 'draft'
        OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
        OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.rounding IS DISTINCT FROM OLD.rounding
        OR NEW.tax_invoice IS DISTINCT FROM OLD.tax_invoice
        OR NEW.net_total IS DISTINCT FROM OLD.net_total
        OR NEW.gst_total IS DISTINCT FROM OLD.gst_total
        OR NEW.total IS DISTINCT FROM OLD.total
        OR NEW.journal_entry_id IS DISTINCT FROM OLD.journal_entry_id THEN
        RAISE EXCEPTION USING
            MESSAGE = 'issued invoice ' || OLD.series || '-' || OLD.number
                || ' is immutable: ' || TG_OP || ' refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_invoice_immutable
    BEFORE UPDATE OR DELETE ON ledger_invoice
    FOR EACH ROW EXECUTE FUNCTION ledger_issued_invoice_immutable();

CREATE OR REPLACE FUNCTION ledger_issued_invoice_lines() RETURNS trigger AS $$
DECLARE
    parent bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        parent := NEW.invoice_id;
    ELSE
        parent := OLD.invoice_id;
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_invoice
               WHERE id = parent AND status <> 'draft')
        OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM ledger_invoice
            WHERE id = NEW.invoice_id AND status <> 'draft')) THEN
        RAISE EXCEPTION USING
            MESSAGE = 'lines of an issued invoice are immutable: ' || TG_OP
                || ' refused';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_invoiceline_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON ledger_invoiceline
    FOR EACH ROW EXECUTE FUNCTION ledger_issued_invoice_lines();

CREATE OR REPLACE FUNCTION ledger_lodged_period_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'a lodged BAS period cannot be changed: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_lodgedperiod_fixed
    BEFORE UPDATE OR DELETE ON ledger_lodgedperiod
    FOR EACH ROW EXECUTE FUNCTION ledger_lodged_period_fixed();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_lodgedperiod_fixed ON ledger_lodgedperiod;
DROP FUNCTION IF EXISTS ledger_lodged_period_fixed();
DROP TRIGGER IF EXISTS ledger_invoiceline_immutable ON ledger_invoiceline;
DROP FUNCTION IF EXISTS ledger_issued_invoice_lines();
DROP TRIGGER IF EXISTS ledger_invoice_immutable ON ledger_invoice;
DROP FUNCTION IF EXISTS ledger_issued_invoice_immutable();
DROP TRIGGER IF EXISTS ledger_journalentry_not_lodged ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_refuse_lodged_date();
DROP TRIGGER IF EXISTS ledger_journalentry_immutable ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_posted_entry_immutable();
DROP TRIGGER IF EXISTS ledger_journalline_immutable ON ledger_journalline;
DROP FUNCTION IF EXISTS ledger_posted_line_immutable();
DROP TRIGGER IF EXISTS ledger_journalline_balances ON ledger_journalline;
DROP FUNCTION IF EXISTS ledger_entry_balances();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_seed_chart_of_accounts")]

    operations = [migrations.RunPython(forwards, backwards)]
