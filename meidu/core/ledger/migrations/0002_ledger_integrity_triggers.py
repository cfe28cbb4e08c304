"""Database-level guarantees of the ledger, whatever code writes to it:
postings are append-only, and a transaction's postings sum to zero per currency at commit."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_posting_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger postings are append-only' USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER ledger_posting_no_update_delete
    BEFORE UPDATE OR DELETE ON ledger_ledgerposting
    FOR EACH ROW EXECUTE FUNCTION ledger_posting_immutable();

CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_ledgerposting
        WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING SUM(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_posting_balanced
    AFTER INSERT ON ledger_ledgerposting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_ledgerposting;
DROP FUNCTION IF EXISTS ledger_transaction_balanced();
DROP TRIGGER IF EXISTS ledger_posting_no_update_delete ON ledger_ledgerposting;
DROP FUNCTION IF EXISTS ledger_posting_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
