"""Routes of REST API v1, under /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from stratadesk.api import invoices, ledger, ledger_reports, tickets, webhooks, work
from stratadesk.api.docs import ApiDocsView
from stratadesk.api.problems import unknown_url

app_name = "api"

# The ledger, for Accounts and Admin staff tokens.
ledger_urls = [
    path("invoices", ledger.InvoiceListView.as_view(), name="invoices"),
    path(
        "invoices/<int:invoice_id>", ledger.InvoiceDetailView.as_view(), name="invoice"
    ),
    path(
        "invoices/<int:invoice_id>/lines",
        ledger.InvoiceLineListView.as_view(),
        name="invoice_lines",
    ),
    path(
        "invoices/<int:invoice_id>/lines/<int:line_id>",
        ledger.InvoiceLineDetailView.as_view(),
        name="invoice_line",
    ),
    path(
        "invoices/<int:invoice_id>/issue",
        ledger.InvoiceIssueView.as_view(),
        name="invoice_issue",
    ),
    path(
        "invoices/<int:invoice_id>/pdf",
        ledger.InvoicePdfView.as_view(),
        name="invoice_pdf",
    ),
    path(
        "invoices/<int:invoice_id>/write-off",
        ledger.InvoiceWriteOffView.as_view(),
        name="invoice_write_off",
    ),
    path(
        "invoices/<int:invoice_id>/recover",
        ledger.InvoiceRecoverView.as_view(),
        name="invoice_recover",
    ),
    path("bad-debts", ledger.BadDebtListView.as_view(), name="bad_debts"),
    path(
        "bad-debts/<int:bad_debt_id>",
        ledger.BadDebtDetailView.as_view(),
        name="bad_debt",
    ),
    path(
        "adjustment-notes",
        ledger.AdjustmentNoteListView.as_view(),
        name="adjustment_notes",
    ),
    path(
        "adjustment-notes/<int:note_id>",
        ledger.AdjustmentNoteDetailView.as_view(),
        name="adjustment_note",
    ),
    path(
        "adjustment-notes/<int:note_id>/pdf",
        ledger.AdjustmentNotePdfView.as_view(),
        name="adjustment_note_pdf",
    ),
    path("suppliers", ledger.SupplierListView.as_view(), name="suppliers"),
    path(
        "suppliers/<int:supplier_id>",
        ledger.SupplierDetailView.as_view(),
        name="supplier",
    ),
    path("bills", ledger.BillListView.as_view(), name="bills"),
    path("bills/<int:bill_id>", ledger.BillDetailView.as_view(), name="bill"),
    path("payments", ledger.PaymentListView.as_view(), name="payments"),
    path(
        "payments/<int:payment_id>", ledger.PaymentDetailView.as_view(), name="payment"
    ),
    path("journals", ledger.JournalListView.as_view(), name="journals"),
    path("journals/wages", ledger.WagesView.as_view(), name="journal_wages"),
    path(
        "journals/<int:entry_number>",
        ledger.JournalDetailView.as_view(),
        name="journal",
    ),
    path(
        "journals/<int:entry_number>/reverse",
        ledger.JournalReverseView.as_view(),
        name="journal_reverse",
    ),
    path("accounts", ledger_reports.AccountListView.as_view(), name="accounts"),
    path("tax-codes", ledger_reports.TaxCodeListView.as_view(), name="tax_codes"),
    path("periods", ledger_reports.PeriodListView.as_view(), name="periods"),
    path("bas", ledger_reports.BasView.as_view(), name="bas"),
    path("bas.csv", ledger_reports.BasCsvView.as_view(), name="bas_csv"),
    path("bas.pdf", ledger_reports.BasPdfView.as_view(), name="bas_pdf"),
    path(
        "bas/labels/<str:label>",
        ledger_reports.BasLabelView.as_view(),
        name="bas_label",
    ),
    path(
        "reports/trial-balance",
        ledger_reports.TrialBalanceView.as_view(),
        name="trial_balance",
    ),
    path(
        "reports/profit-and-loss",
        ledger_reports.ProfitAndLossView.as_view(),
        name="profit_and_loss",
    ),
    path(
        "reports/aged-receivables",
        ledger_reports.AgedReceivablesView.as_view(),
        name="aged_receivables",
    ),
    path(
        "reports/gst-detail",
        ledger_reports.GstDetailView.as_view(),
        name="gst_detail",
    ),
]

urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(
            authentication_classes=[], permission_classes=[]
        ),
        name="schema",
    ),
    path("docs", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("tickets", tickets.TicketListView.as_view(), name="tickets"),
    path("tickets/<int:number>", tickets.TicketDetailView.as_view(), name="ticket"),
    path(
        "tickets/<int:number>/transitions",
        tickets.TransitionView.as_view(),
        name="ticket_transitions",
    ),
    path(
        "tickets/<int:number>/comments",
        tickets.CommentListView.as_view(),
        name="ticket_comments",
    ),
    path(
        "tickets/<int:number>/attachments",
        tickets.AttachmentListView.as_view(),
        name="ticket_attachments",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/content",
        tickets.AttachmentContentView.as_view(),
        name="ticket_attachment_content",
    ),
    path(
        "tickets/<int:number>/events",
        tickets.EventListView.as_view(),
        name="ticket_events",
    ),
    path(
        "tickets/<int:number>/time-entries",
        work.TimeEntryListView.as_view(),
        name="ticket_time_entries",
    ),
    path(
        "tickets/<int:number>/materials",
        work.MaterialListView.as_view(),
        name="ticket_materials",
    ),
    path("tickets/<int:number>/svr", tickets.SvrView.as_view(), name="ticket_svr"),
    path(
        "tickets/<int:number>/svr/versions",
        tickets.SvrVersionsView.as_view(),
        name="ticket_svr_versions",
    ),
    path(
        "tickets/<int:number>/svr/versions/<int:version>/pdf",
        tickets.SvrPdfView.as_view(),
        name="ticket_svr_pdf",
    ),
    path(
        "tickets/<int:number>/svr/approve",
        tickets.SvrApproveView.as_view(),
        name="ticket_svr_approve",
    ),
    path(
        "tickets/<int:number>/svr/reject",
        tickets.SvrRejectView.as_view(),
        name="ticket_svr_reject",
    ),
    # Invoices as their client reads them; the ledger below is where they change.
    path("invoices", invoices.InvoiceListView.as_view(), name="invoices"),
    path(
        "invoices/<str:invoice>", invoices.InvoiceDetailView.as_view(), name="invoice"
    ),
    path(
        "invoices/<str:invoice>/pdf",
        invoices.InvoicePdfView.as_view(),
        name="invoice_pdf",
    ),
    path(
        "adjustment-notes/<int:note_id>/pdf",
        invoices.AdjustmentNotePdfView.as_view(),
        name="adjustment_note_pdf",
    ),
    path(
        "webhooks/endpoints",
        webhooks.EndpointListView.as_view(),
        name="webhook_endpoints",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>",
        webhooks.EndpointDetailView.as_view(),
        name="webhook_endpoint",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/rotate-secret",
        webhooks.EndpointRotateView.as_view(),
        name="webhook_endpoint_rotate",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/deliveries",
        webhooks.DeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay",
        webhooks.DeliveryReplayView.as_view(),
        name="webhook_delivery_replay",
    ),
    path("ledger/", include((ledger_urls, "ledger"))),
    # Anything else under /api/ is a problem+json 404, never an HTML page.
    re_path(r"^.*$", unknown_url),
]
