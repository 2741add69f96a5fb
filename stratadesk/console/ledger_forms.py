"""Forms of the console's ledger pages.

They parse what was typed into the values stratadesk.ledger's services take; the
services decide what is allowed and refuse the rest with their own messages, which
the views show next to the inputs they name.
"""

import re

from django import forms

from stratadesk.ledger import gst
from stratadesk.ledger.models import Basis, Supplier

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
MONEY_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}

# "lines[2].unit_price" in a service's field errors: line 2's unit price.
_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def _codes(codes) -> list[tuple[str, str]]:
    return [
        (str(code), f"{code} {gst.tax_code(code).description}")
        for code in gst.TAX_CODES
        if code in codes
    ]


SALE_CHOICES = _codes(gst.SALE_CODES)
PURCHASE_CHOICES = _codes(gst.PURCHASE_CODES)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period ends on or after it starts.")
        return data


class BuildInvoiceForm(PeriodForm):
    issue_date = forms.DateField(
        label="Issue date (optional)",
        required=False,
        widget=DATE,
        help_text="Blank: the day it is issued.",
    )


class BasForm(PeriodForm):
    basis = forms.ChoiceField(label="Basis", choices=Basis.choices)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and not self.errors:
            problem = gst.bas_span_problem(data["start"], data["end"])
            if problem:
                self.add_error("end", problem)
        return data


class DraftForm(forms.Form):
    issue_date = forms.DateField(
        label="Issue date (optional)",
        required=False,
        widget=DATE,
        help_text="Blank: the day it is issued.",
    )
    reference = forms.CharField(
        label="Client's reference (optional)", required=False, max_length=100
    )
    notes = forms.CharField(
        label="Notes on the invoice (optional)",
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    @classmethod
    def for_invoice(cls, invoice, data=None):
        initial = {
            "issue_date": invoice.issue_date,
            "reference": invoice.reference,
            "notes": invoice.notes,
        }
        return cls(data, initial=initial, prefix="draft")


class LineForm(forms.Form):
    """One document line, as stratadesk.ledger.services takes it."""

    description = forms.CharField(label="Description", max_length=300)
    quantity = forms.DecimalField(
        label="Quantity",
        initial=1,
        decimal_places=2,
        widget=forms.TextInput(MONEY_ATTRS),
    )
    unit_price = forms.DecimalField(
        label="Unit price", decimal_places=2, widget=forms.TextInput(MONEY_ATTRS)
    )
    tax_code = forms.ChoiceField(label="Tax code", choices=SALE_CHOICES)
    prices_include_gst = forms.BooleanField(label="Price includes GST", required=False)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class PurchaseLineForm(LineForm):
    tax_code = forms.ChoiceField(label="Tax code", choices=PURCHASE_CHOICES)


class OptionalLineMixin:
    """A document's further lines: left blank, they are not part of the document."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    @property
    def is_blank(self) -> bool:
        return not (self.data.get(self.add_prefix("description")) or "").strip()

    def clean(self):
        data = super().clean()
        if not self.is_blank:
            for name in ("quantity", "unit_price", "tax_code"):
                if data.get(name) in (None, ""):
                    self.add_error(name, "Required for a line with a description.")
        return data


class OptionalLineForm(OptionalLineMixin, LineForm):
    pass


class OptionalPurchaseLineForm(OptionalLineMixin, PurchaseLineForm):
    pass


class SupplierForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    abn = forms.CharField(
        label="ABN (optional)",
        required=False,
        max_length=20,
        help_text="Spaces and hyphens are fine. Blank: the supplier quoted no ABN, "
        "and 47% of each bill is withheld.",
    )
    gst_registered = forms.BooleanField(
        label="Registered for GST", required=False, initial=True
    )
    email = forms.EmailField(label="Email (optional)", required=False)

    def values(self) -> dict:
        return dict(self.cleaned_data)


class BillForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label="Supplier", queryset=Supplier.objects.filter(is_active=True)
    )
    day = forms.DateField(label="Bill date", widget=DATE)
    supplier_reference = forms.CharField(
        label="Supplier's invoice number (optional)", required=False, max_length=100
    )
    due_date = forms.DateField(label="Due date (optional)", required=False, widget=DATE)

    def values(self) -> dict:
        return dict(self.cleaned_data)


BILL_LINES = 3
NOTE_LINES = 3


def line_forms(data, required, optional, count) -> list[LineForm]:
    """The first line is required; the others are used when filled in."""
    first = required(data, prefix="line0")
    rest = [optional(data, prefix=f"line{index}") for index in range(1, count)]
    return [first, *rest]


def bill_line_forms(data=None) -> list[LineForm]:
    return line_forms(data, PurchaseLineForm, OptionalPurchaseLineForm, BILL_LINES)


def note_line_forms(data=None) -> list[LineForm]:
    return line_forms(data, LineForm, OptionalLineForm, NOTE_LINES)


def filled(forms_of_lines) -> list[LineForm]:
    """The lines that are part of the document: all but the blank optional ones."""
    return [line for line in forms_of_lines if not getattr(line, "is_blank", False)]


class AdjustmentNoteForm(forms.Form):
    day = forms.DateField(label="Date of the note", widget=DATE)
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="Printed on the note, e.g. “Two hours billed twice”.",
    )

    def __init__(self, data=None, *, initial=None):
        super().__init__(data, initial=initial, prefix="note")


class PaymentForm(forms.Form):
    """Money received from one client, with a share for each open invoice."""

    day = forms.DateField(label="Date received", widget=DATE)
    amount = forms.DecimalField(
        label="Amount received",
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(MONEY_ATTRS),
    )
    reference = forms.CharField(
        label="Reference (optional)", required=False, max_length=100
    )

    def __init__(self, data=None, *, invoices, initial=None):
        super().__init__(data, initial=initial, prefix="payment")
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[self.field_name(invoice)] = forms.DecimalField(
                label=f"Allocate to {invoice.reference_number} "
                f"(owing ${invoice.balance:,.2f})",
                required=False,
                decimal_places=2,
                min_value=0,
                widget=forms.TextInput(MONEY_ATTRS),
            )

    @staticmethod
    def field_name(invoice) -> str:
        return f"allocate_{invoice.pk}"

    def allocations(self) -> list:
        return [
            (invoice, self.cleaned_data[self.field_name(invoice)])
            for invoice in self.invoices
            if self.cleaned_data.get(self.field_name(invoice))
        ]


class BillPaymentForm(forms.Form):
    """Money paid to a supplier against one of its bills."""

    day = forms.DateField(label="Date paid", widget=DATE)
    amount = forms.DecimalField(
        label="Amount paid",
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(MONEY_ATTRS),
    )
    reference = forms.CharField(
        label="Reference (optional)", required=False, max_length=100
    )


class LodgeForm(BasForm):
    confirm = forms.BooleanField(
        label="I have lodged this BAS with the ATO; lock the period"
    )


def attach_line_errors(forms_by_index, exc) -> bool:
    """Put a service's "lines[i].field" messages on line form i; True if any were."""
    placed = False
    for name, messages in exc.fields.items():
        match = _LINE_FIELD.match(name)
        if match is None or int(match[1]) >= len(forms_by_index):
            continue
        form = forms_by_index[int(match[1])]
        field = match[2] if match[2] in form.fields else None
        form.add_error(field, messages)
        placed = True
    return placed
