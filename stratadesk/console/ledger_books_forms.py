"""Forms of the console's bookkeeping pages: bad debts, journals, billing agreements
and the ledger settings.

Like ledger_forms.py they only parse what was typed; amounts are not checked for
sign or size here, so the services refuse them with their own messages.
"""

from decimal import Decimal

from django import forms

from stratadesk.ledger import gst
from stratadesk.ledger.models import Account, LedgerSettings
from stratadesk.ledger.services import MANUAL_BAS_LABELS

from .ledger_forms import DATE, MONEY_ATTRS

ZERO = Decimal("0.00")


def _money(label, **extra) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, decimal_places=2, widget=forms.TextInput(MONEY_ATTRS), **extra
    )


class WriteOffForm(forms.Form):
    day = forms.DateField(label="Date written off", widget=DATE)
    amount = _money("Amount written off")
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="Why the debt will not be paid: kept with the write-off.",
    )


class RecoveryForm(forms.Form):
    day = forms.DateField(label="Date received", widget=DATE)
    amount = _money("Amount recovered")
    reason = forms.CharField(label="Note (optional)", required=False, max_length=300)


# Manual journals --------------------------------------------------------------------

# Tax codes a manual journal may carry: none that carries GST (the service refuses
# them; GST reaches the ledger only through invoices and bills).
JOURNAL_TAX_CHOICES = [("", "None")] + [
    (str(code), f"{code} {info.description}")
    for code, info in gst.TAX_CODES.items()
    if not info.carries_gst
]
JOURNAL_LABEL_CHOICES = [("", "None")] + [
    (label, label) for label in sorted(MANUAL_BAS_LABELS) if label
]
JOURNAL_LINES = 6


class JournalForm(forms.Form):
    day = forms.DateField(label="Date", widget=DATE)
    memo = forms.CharField(label="Memo", max_length=300)


class JournalLineForm(forms.Form):
    """One line of a manual journal; a row left empty is not part of it."""

    use_required_attribute = False

    account = forms.ModelChoiceField(
        label="Account",
        queryset=Account.objects.filter(is_active=True),
        required=False,
        empty_label="Choose…",
    )
    description = forms.CharField(label="Description", required=False, max_length=300)
    debit = _money("Debit", required=False)
    credit = _money("Credit", required=False)
    tax_code = forms.ChoiceField(
        label="Tax code", choices=JOURNAL_TAX_CHOICES, required=False
    )
    bas_label = forms.ChoiceField(
        label="BAS label", choices=JOURNAL_LABEL_CHOICES, required=False
    )

    @property
    def is_blank(self) -> bool:
        return not any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("account", "description", "debit", "credit")
        )

    def clean(self):
        data = super().clean()
        if not self.is_blank and data.get("account") is None and "account" in data:
            self.add_error("account", "Choose the account of this line.")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "account": data["account"],
            "description": data["description"],
            "debit": data["debit"] if data["debit"] is not None else ZERO,
            "credit": data["credit"] if data["credit"] is not None else ZERO,
            "tax_code": data["tax_code"],
            "bas_label": data["bas_label"],
        }


def journal_line_forms(data=None) -> list[JournalLineForm]:
    return [JournalLineForm(data, prefix=f"line{i}") for i in range(JOURNAL_LINES)]


class WagesForm(forms.Form):
    day = forms.DateField(label="Pay date", widget=DATE)
    gross = _money("Gross wages (W1)")
    withheld = _money("PAYG withheld from them (W2)")
    memo = forms.CharField(label="Memo", max_length=300, initial="Wages")


class ReverseForm(forms.Form):
    day = forms.DateField(label="Date of the reversal", widget=DATE)
    reason = forms.CharField(label="Reason", max_length=250)


# Billing agreements and settings ------------------------------------------------------


class AgreementForm(forms.Form):
    business_hours_rate = _money("Business hours rate (an hour, ex GST)")
    after_hours_rate = _money("After hours rate (an hour, ex GST)")
    travel_rate = _money("Travel rate (an hour, ex GST)")
    monthly_fee = _money("Monthly recurring fee (ex GST)")
    monthly_fee_description = forms.CharField(
        label="Monthly fee as the invoice line reads", max_length=200
    )
    # Bounded here because the column is: a number it cannot hold would fail at the
    # database, not with a message.
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)", min_value=0, max_value=365
    )


def _choices(name):
    return LedgerSettings._meta.get_field(name).choices


class LedgerSettingsForm(forms.Form):
    basis = forms.ChoiceField(label="Accounting basis", choices=_choices("basis"))
    bas_frequency = forms.ChoiceField(
        label="BAS frequency", choices=_choices("bas_frequency")
    )
    rounding = forms.ChoiceField(
        label="GST rounding on invoices",
        choices=_choices("rounding"),
        help_text="Per line rounds each line's GST; whole invoice rounds once.",
    )
    gst_method = forms.ChoiceField(
        label="1A and 1B from", choices=_choices("gst_method")
    )
    simpler_bas = forms.BooleanField(
        label="Simpler BAS (GST turnover under $10m: G1, 1A and 1B only)",
        required=False,
    )
    invoice_series = forms.CharField(
        label="Invoice number prefix",
        max_length=10,
        help_text="New invoices are numbered in this series.",
    )
    bank_account_name = forms.CharField(
        label="Bank account name (optional)", required=False, max_length=120
    )
    bank_bsb = forms.CharField(label="BSB (optional)", required=False, max_length=7)
    bank_account_number = forms.CharField(
        label="Bank account number (optional)", required=False, max_length=20
    )

    @classmethod
    def for_settings(cls, current, data=None):
        initial = {name: getattr(current, name) for name in cls.base_fields}
        return cls(data, initial=initial, prefix="settings")

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class BusinessProfileForm(forms.Form):
    abn = forms.CharField(
        label="ABN",
        max_length=20,
        help_text="Spaces and hyphens are fine; it is checked with the official "
        "check digits.",
    )
    gst_registered = forms.BooleanField(label="Registered for GST", required=False)

    @classmethod
    def for_profile(cls, profile, data=None):
        initial = {"abn": profile.abn_display, "gst_registered": profile.gst_registered}
        return cls(data, initial=initial, prefix="business")
