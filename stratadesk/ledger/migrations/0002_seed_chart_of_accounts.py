"""Seed a chart of accounts for an Australian small business (an MSP).

The accounts the services post to by role carry a `system_role`; the rest are a
sensible starting template the Accounts team may rename or extend.
"""

from django.db import migrations

# (code, name, kind, system role, default tax code)
CHART = [
    ("1-1000", "Business cheque account", "asset", "bank", ""),
    ("1-1100", "Trade debtors", "asset", "debtors", ""),
    ("1-1200", "GST paid", "asset", "gst_paid", ""),
    ("1-1500", "Computer equipment", "asset", None, "CAP"),
    ("1-1510", "Office furniture and equipment", "asset", None, "CAP"),
    ("2-1000", "Trade creditors", "liability", "creditors", ""),
    ("2-1100", "GST collected", "liability", "gst_collected", ""),
    ("2-1200", "PAYG withholding payable", "liability", "payg_withholding", ""),
    ("2-1300", "Superannuation payable", "liability", None, "N-T"),
    ("2-1400", "Wages payable", "liability", None, "N-T"),
    ("3-1000", "Owner's capital", "equity", None, "N-T"),
    ("3-2000", "Retained earnings", "equity", None, "N-T"),
    ("4-1000", "Managed services income", "income", "sales", "GST"),
    ("4-1100", "Labour and project income", "income", None, "GST"),
    ("4-1200", "Hardware and software sales", "income", None, "GST"),
    ("4-2000", "Interest income", "income", None, "ITS"),
    ("4-2100", "Bad debts recovered", "income", "bad_debts_recovered", "GST"),
    ("5-1000", "Cost of sales: hardware and licences", "cost_of_sales", None, "NCG"),
    ("5-1100", "Subcontractors", "cost_of_sales", None, "NCG"),
    ("6-1000", "Wages and salaries", "expense", "wages", "N-T"),
    ("6-1100", "Superannuation", "expense", None, "N-T"),
    ("6-2000", "Rent", "expense", None, "NCG"),
    ("6-2100", "Software subscriptions", "expense", None, "NCG"),
    ("6-2200", "Telephone and internet", "expense", None, "NCG"),
    ("6-2300", "Bank fees", "expense", None, "NCF"),
    ("6-2400", "Bad debts", "expense", "bad_debts", "GST"),
    ("6-9000", "General expenses", "expense", "purchases", "NCG"),
]


def seed(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for code, name, kind, role, tax_code in CHART:
        Account.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "system_role": role,
                "default_tax_code": tax_code,
            },
        )


def unseed(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=[row[0] for row in CHART]).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
