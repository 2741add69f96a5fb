"""`make bench`, ledger part: the BAS over a quarter with 100,000 invoice lines.

Builds the July to September 2025 quarter: BENCH_LEDGER_LINES invoice lines
(100,000) on invoices of ten lines each over 50 clients, a payment for most
invoices (some in part, some after the quarter), a thousand supplier bills and a
month's wages each month. It then times bas.bas_report() over the quarter on the
accruals and the cash basis, then GET /api/v1/ledger/bas on each, and
prints the figures and the queries each ran. It measures; it asserts nothing.

Shortcut: invoices, bills, payments and their journal entries are written with
bulk_create, not through the services (issuing 10,000 invoices one by one takes
longer than the whole bench). The rows are what the services would have written:
totals worked out by stratadesk.ledger.gst under the per-line rule, numbers taken
from the invoice and journal sequences (advanced past them), and every entry
balanced, as issue_invoice, record_bill and the payment services post them. There
are no audit events for them. Invoices are written as drafts, their lines added,
then marked issued, the order PostgreSQL's immutability triggers allow. The wages
journals go through the real service.

The database is thrown away: a fresh SQLite file by default, or, when DATABASE_URL
names a PostgreSQL server, a database `stratadesk_bench_ledger` on it that this
script creates and drops.
"""

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import deque
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
OWN_VAR_DIR = None
if "STRATADESK_VAR_DIR" not in os.environ:
    OWN_VAR_DIR = tempfile.mkdtemp(prefix="sd-bench-ledger-")
    os.environ["STRATADESK_VAR_DIR"] = OWN_VAR_DIR
os.environ.setdefault("STRATADESK_LOG_LEVEL", "WARNING")
os.environ.setdefault("STRATADESK_DEBUG", "false")
os.environ.setdefault("STRATADESK_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STRATADESK_API_RATE_PER_MINUTE", "1000000000")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

LINES = int(os.environ.get("BENCH_LEDGER_LINES", "100000"))
LINES_PER_INVOICE = 10
CLIENTS = 50
BILLS = 1000
BATCH = 2000
SCRATCH_DB = "stratadesk_bench_ledger"
Q_START, Q_END = date(2025, 7, 1), date(2025, 9, 30)


def _postgres_scratch():
    """Point DATABASE_URL at a fresh scratch database on the same server.

    Returns the conninfo of the server's `postgres` database, to drop the scratch
    one at the end, or None on SQLite.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
        conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))
    return admin


ADMIN_URL = _postgres_scratch()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stratadesk.api import keys  # noqa: E402
from stratadesk.clients.models import ClientOrganisation  # noqa: E402
from stratadesk.core.models import BusinessProfile, Sequence  # noqa: E402
from stratadesk.ledger import bas, gst, services  # noqa: E402
from stratadesk.ledger.models import (  # noqa: E402
    Account,
    Allocation,
    Bill,
    BillLine,
    BillStatus,
    EntryKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    JournalLine,
    LedgerSettings,
    Payment,
    PaymentDirection,
    Supplier,
    SystemAccount,
)
from stratadesk.people.actors import Actor  # noqa: E402
from stratadesk.people.models import Role, User  # noqa: E402

ZERO = Decimal("0.00")
# Mostly taxable work, some GST-free and some exported, as an MSP's sales run.
SALE_CODES = ["GST"] * 17 + ["FRE"] * 2 + ["EXP"]


class Numbers:
    """Hands out numbers of a sequence and leaves it past the last one taken."""

    def __init__(self, name):
        self.name = name
        row, _ = Sequence.objects.get_or_create(name=name, defaults={"next_value": 1})
        self.next = row.next_value

    def take(self) -> int:
        self.next += 1
        return self.next - 1

    def save(self) -> None:
        Sequence.objects.filter(name=self.name).update(next_value=self.next)


def _priced(lines) -> gst.InvoiceTotals:
    """Each line's net and GST under the per-line rule, as the services work them."""
    totals = gst.invoice_totals(
        [
            gst.LineInput(line.amount, line.tax_code, line.prices_include_gst)
            for line in lines
        ]
    )
    for line, worked in zip(lines, totals.lines, strict=True):
        line.net, line.gst = worked.net, worked.gst
    return totals


def _day(rng) -> date:
    return Q_START + timedelta(days=rng.randrange((Q_END - Q_START).days + 1))


def _entries(journal, specs):
    """Write entries [(day, kind, memo, [legs]), ...]; returns them, with pks."""
    entries = [
        JournalEntry(number=journal.take(), date=day, kind=kind, memo=memo)
        for day, kind, memo, _ in specs
    ]
    JournalEntry.objects.bulk_create(entries, batch_size=BATCH)
    JournalLine.objects.bulk_create(
        (
            JournalLine(entry=entry, **leg)
            for entry, (_, _, _, legs) in zip(entries, specs, strict=True)
            for leg in legs
        ),
        batch_size=BATCH,
    )
    return entries


def build_sales(rng, journal, accounts):
    clients = ClientOrganisation.objects.bulk_create(
        ClientOrganisation(slug=f"bench-{n}", name=f"Bench client {n}", state="NSW")
        for n in range(CLIENTS)
    )
    numbers = Numbers("invoice:INV")
    drafts, specs, all_lines = [], [], []
    for _ in range(LINES // LINES_PER_INVOICE):
        day = _day(rng)
        lines = [
            InvoiceLine(
                position=position,
                description=f"Managed services, item {position + 1}",
                quantity=Decimal(rng.randint(1, 4)),
                unit_price=Decimal(rng.randint(1_000, 50_000)) / 100,
                tax_code=rng.choice(SALE_CODES),
                account=accounts["sales"],
            )
            for position in range(LINES_PER_INVOICE)
        ]
        totals = _priced(lines)
        number = numbers.take()
        drafts.append(
            Invoice(
                client=rng.choice(clients),
                number=number,
                issue_date=day,
                due_date=day + timedelta(days=14),
                net_total=totals.net,
                gst_total=totals.gst,
                total=totals.gross,
            )
        )
        specs.append(_invoice_entry(day, number, totals, lines, accounts))
        all_lines.append(lines)
    numbers.save()

    for invoice, entry in zip(drafts, _entries(journal, specs), strict=True):
        invoice.journal_entry = entry
    Invoice.objects.bulk_create(drafts, batch_size=BATCH)
    for invoice, lines in zip(drafts, all_lines, strict=True):
        for line in lines:
            line.invoice = invoice
    InvoiceLine.objects.bulk_create(
        (line for lines in all_lines for line in lines), batch_size=BATCH
    )
    Invoice.objects.update(status=InvoiceStatus.ISSUED)
    return drafts


def _invoice_entry(day, number, totals, lines, accounts):
    legs = [{"account": accounts["debtors"], "debit": totals.gross}]
    legs += [
        {
            "account": line.account,
            "credit": line.net,
            "description": line.description,
            "tax_code": line.tax_code,
        }
        for line in lines
    ]
    if totals.gst:
        legs.append(
            {
                "account": accounts["gst_collected"],
                "credit": totals.gst,
                "tax_code": "GST",
                "bas_label": "1A",
            }
        )
    return (day, EntryKind.INVOICE, f"Invoice INV-{number:05d}", legs)


def pay_sales(rng, journal, accounts, invoices):
    """Half paid in full in the quarter, a fifth in part, some after it, the rest
    not at all."""
    payments, specs, paid = [], [], []
    for invoice in invoices:
        roll = rng.random()
        if roll < 0.5:
            amount, day = invoice.total, invoice.issue_date + timedelta(days=10)
        elif roll < 0.7:
            amount = gst.cents(invoice.total / 2)
            day = invoice.issue_date + timedelta(days=5)
        elif roll < 0.8:
            amount, day = invoice.total, Q_END + timedelta(days=rng.randint(1, 30))
        else:
            continue
        payments.append(
            Payment(
                direction=PaymentDirection.RECEIVED,
                date=day,
                amount=amount,
                client_id=invoice.client_id,
            )
        )
        specs.append(_money_entry(day, amount, accounts, received=True))
        paid.append((invoice, amount))
    _save_payments(journal, payments, specs, paid, "invoice")
    for status, fully in (
        (InvoiceStatus.PAID, True),
        (InvoiceStatus.PARTLY_PAID, False),
    ):
        ids = [i.pk for i, amount in paid if (amount == i.total) == fully]
        for start in range(0, len(ids), BATCH):
            Invoice.objects.filter(pk__in=ids[start : start + BATCH]).update(
                status=status
            )
    # amount_paid per invoice, by CASE would be quicker; per row keeps it plain.
    for invoice, amount in paid:
        invoice.amount_paid = amount
    Invoice.objects.bulk_update([i for i, _ in paid], ["amount_paid"], batch_size=BATCH)


def _money_entry(day, amount, accounts, *, received):
    bank = {"account": accounts["bank"], "debit" if received else "credit": amount}
    other = accounts["debtors"] if received else accounts["creditors"]
    side = {"account": other, "credit" if received else "debit": amount}
    kind = EntryKind.PAYMENT_RECEIVED if received else EntryKind.PAYMENT_MADE
    return (day, kind, "Bench payment", [bank, side])


def _save_payments(journal, payments, specs, paid, document):
    for payment, entry in zip(payments, _entries(journal, specs), strict=True):
        payment.journal_entry = entry
    Payment.objects.bulk_create(payments, batch_size=BATCH)
    Allocation.objects.bulk_create(
        (
            Allocation(payment=payment, amount=amount, **{document: target})
            for payment, (target, amount) in zip(payments, paid, strict=True)
        ),
        batch_size=BATCH,
    )


def build_purchases(rng, journal, accounts):
    supplier = Supplier.objects.create(name="Bench Distributor", abn="51824753556")
    bills, specs, all_lines = [], [], []
    for _ in range(BILLS):
        day = _day(rng)
        lines = [
            BillLine(
                position=0,
                description="Licences for resale",
                unit_price=Decimal(rng.randint(5_000, 200_000)) / 100,
                tax_code="NCG",
                prices_include_gst=True,
                account=accounts["purchases"],
            ),
            BillLine(
                position=1,
                description="Laptop",
                unit_price=Decimal(rng.randint(100_000, 300_000)) / 100,
                tax_code=rng.choice(["CAP", "NCF"]),
                prices_include_gst=True,
                account=accounts["equipment"],
            ),
        ]
        totals = _priced(lines)
        bills.append(
            Bill(
                supplier=supplier,
                date=day,
                net_total=totals.net,
                gst_total=totals.gst,
                total=totals.gross,
            )
        )
        legs = [
            {"account": line.account, "debit": line.net, "tax_code": line.tax_code}
            for line in lines
        ]
        legs.append(
            {"account": accounts["gst_paid"], "debit": totals.gst, "bas_label": "1B"}
        )
        legs.append({"account": accounts["creditors"], "credit": totals.gross})
        specs.append((day, EntryKind.BILL, "Bench bill", legs))
        all_lines.append(lines)

    for bill, entry in zip(bills, _entries(journal, specs), strict=True):
        bill.journal_entry = entry
    Bill.objects.bulk_create(bills, batch_size=BATCH)
    for bill, lines in zip(bills, all_lines, strict=True):
        for line in lines:
            line.bill = bill
    BillLine.objects.bulk_create(
        (line for lines in all_lines for line in lines), batch_size=BATCH
    )

    paid = [(bill, bill.total) for bill in bills if rng.random() < 0.5]
    payments = [
        Payment(
            direction=PaymentDirection.MADE,
            date=bill.date + timedelta(days=7),
            amount=amount,
            supplier=supplier,
        )
        for bill, amount in paid
    ]
    specs = [_money_entry(p.date, p.amount, accounts, received=False) for p in payments]
    _save_payments(journal, payments, specs, paid, "bill")
    for bill, amount in paid:
        bill.amount_paid, bill.status = amount, BillStatus.PAID
    Bill.objects.bulk_update(
        [b for b, _ in paid], ["amount_paid", "status"], batch_size=BATCH
    )


def build():
    rng = random.Random(2025)
    BusinessProfile.objects.create(
        legal_name="Bench MSP Pty Ltd", abn="53004085616", gst_registered=True
    )
    LedgerSettings.current()
    accounts = {
        role: Account.for_role(role)
        for role in ("bank", "debtors", "creditors", "gst_collected", "gst_paid")
    }
    accounts["sales"] = Account.for_role(SystemAccount.SALES)
    accounts["purchases"] = Account.objects.get(code="5-1000")
    accounts["equipment"] = Account.objects.get(code="1-1500")

    with transaction.atomic():
        journal = Numbers("journal")
        invoices = build_sales(rng, journal, accounts)
        pay_sales(rng, journal, accounts, invoices)
        build_purchases(rng, journal, accounts)
        journal.save()
    system = Actor.system("bench")
    for month in (7, 8, 9):
        services.post_wages(
            system, day=date(2025, month, 28), gross="42000.00", withheld="8400.00"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@contextmanager
def queries_counted():
    # Django keeps a bounded log of 9,000 queries; the count must see all.
    connection.queries_log = deque(maxlen=None)
    try:
        with CaptureQueriesContext(connection) as captured:
            yield captured
    finally:
        connection.queries_log = deque(maxlen=connection.queries_limit)


def time_report(basis, runs=1):
    walls = []
    for _ in range(runs):
        with queries_counted() as captured:
            started, cpu = time.perf_counter(), time.process_time()
            report = bas.bas_report(Q_START, Q_END, basis)
            walls.append(time.perf_counter() - started)
            cpu = time.process_time() - cpu
            queries = len(captured.captured_queries)
    labels = report.labels
    print(
        f"{basis:<9} bas_report  {statistics.median(walls):6.2f} s "
        f"(cpu {cpu:.2f} s), "
        f"{queries} queries"
    )
    figures = ", ".join(
        f"{name} {labels[name]:,}" for name in ("G1", "G2", "G3", "G10", "G11")
    )
    print(f"          {figures}")
    figures = ", ".join(
        f"{name} {labels[name]:,}" for name in ("1A", "1B", "W5", "8A", "8B", "9")
    )
    print(f"          {figures}; difference {report.difference}")


def time_api(http, basis):
    params = {"start": Q_START.isoformat(), "end": Q_END.isoformat(), "basis": basis}
    with queries_counted() as captured:
        started = time.perf_counter()
        response = http.get("/api/v1/ledger/bas", params)
        wall = time.perf_counter() - started
        queries = len(captured.captured_queries)
    print(
        f"{basis:<9} GET /api/v1/ledger/bas  {wall:6.2f} s, status "
        f"{response.status_code}, {queries} queries, "
        f"9 = {response.json().get('9')}"
    )


def main():
    print(f"database: {connection.vendor}  invoice lines: {LINES:,}")
    call_command("migrate", verbosity=0)
    # The API's rate limit counts in the database cache.
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    build()
    print(
        f"built in {time.perf_counter() - started:.1f} s: "
        f"{Invoice.objects.count():,} invoices, {InvoiceLine.objects.count():,} "
        f"lines, {Bill.objects.count():,} bills, {Payment.objects.count():,} "
        f"payments, {JournalLine.objects.count():,} journal lines"
    )
    for basis in ("accruals", "cash"):
        time_report(basis)

    alex = User.objects.create(username="bench-accounts", role=Role.ACCOUNTS)
    _, secret = keys.create_staff_token(Actor.system("bench"), alex, name="bench")
    http = Client(headers={"Authorization": f"Bearer {secret}"})
    for basis in ("accruals", "cash"):
        time_api(http, basis)


def clean_up():
    from django.db import connections

    connections.close_all()
    if ADMIN_URL:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
    if OWN_VAR_DIR:
        shutil.rmtree(OWN_VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        clean_up()
