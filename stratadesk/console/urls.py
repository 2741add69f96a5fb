from django.urls import path

from . import (
    account,
    api_access,
    inbound,
    ledger,
    ledger_books,
    notices,
    outbox,
    reports,
    views,
    webhooks,
)

app_name = "console"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("inbound/", inbound.inbound_held, name="inbound_held"),
    path(
        "inbound/<int:message_id>/accept/",
        inbound.inbound_accept,
        name="inbound_accept",
    ),
    path(
        "inbound/<int:message_id>/discard/",
        inbound.inbound_discard,
        name="inbound_discard",
    ),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notice_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/read/", notices.notice_read, name="notice_read"),
    path("notifications/", notices.preferences, name="preferences"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket_detail"),
    path(
        "tickets/<int:number>/transition/<slug:name>/",
        views.ticket_transition,
        name="ticket_transition",
    ),
    path("tickets/<int:number>/comments/", views.ticket_comment, name="ticket_comment"),
    path("tickets/<int:number>/time/", views.ticket_time, name="ticket_time"),
    path(
        "tickets/<int:number>/attachments/",
        views.ticket_attachment,
        name="ticket_attachment",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/evidence/",
        views.attachment_evidence,
        name="attachment_evidence",
    ),
    path(
        "tickets/<int:number>/svr/<int:version>/pdf/",
        views.svr_pdf,
        name="svr_pdf",
    ),
    path(
        "tickets/<int:number>/materials/",
        views.ticket_material,
        name="ticket_material",
    ),
    path("account/two-factor/", account.two_factor_page, name="two_factor"),
    path(
        "account/two-factor/disable/",
        account.two_factor_disable,
        name="two_factor_disable",
    ),
    path("account/two-factor/code/", account.two_factor_code, name="two_factor_code"),
    path("account/api-tokens/", api_access.api_token_index, name="api_tokens"),
    path(
        "account/api-tokens/<slug:token_prefix>/revoke/",
        api_access.api_token_revoke,
        name="api_token_revoke",
    ),
    path("api-keys/", api_access.api_key_index, name="api_keys"),
    path(
        "api-keys/<slug:key_prefix>/rotate/",
        api_access.api_key_rotate,
        name="api_key_rotate",
    ),
    path(
        "api-keys/<slug:key_prefix>/revoke/",
        api_access.api_key_revoke,
        name="api_key_revoke",
    ),
    path("reports/sla/", reports.sla_report, name="sla_report"),
    path("webhooks/", webhooks.webhook_index, name="webhook_index"),
    path(
        "clients/<int:client_id>/webhooks/",
        webhooks.webhook_client,
        name="webhook_client",
    ),
    path(
        "webhooks/<int:endpoint_id>/",
        webhooks.webhook_endpoint,
        name="webhook_endpoint",
    ),
    path(
        "webhooks/<int:endpoint_id>/rotate/",
        webhooks.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "webhooks/<int:endpoint_id>/delete/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay/",
        webhooks.webhook_replay,
        name="webhook_replay",
    ),
    path("outbox/", outbox.outbox_list, name="outbox"),
    path("outbox/<int:email_id>/", outbox.outbox_email, name="outbox_email"),
    path(
        "outbox/<int:email_id>/resend/",
        outbox.outbox_resend,
        name="outbox_resend",
    ),
    path("ledger/", ledger.ledger_home, name="ledger_home"),
    path(
        "ledger/clients/<int:client_id>/",
        ledger.ledger_client,
        name="ledger_client",
    ),
    path(
        "ledger/clients/<int:client_id>/payment/",
        ledger.ledger_payment_new,
        name="ledger_payment_new",
    ),
    path("ledger/invoices/", ledger.ledger_invoices, name="ledger_invoices"),
    path(
        "ledger/invoices/<int:invoice_id>/",
        ledger.ledger_invoice,
        name="ledger_invoice",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/lines/",
        ledger.ledger_invoice_line_add,
        name="ledger_invoice_line_add",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/lines/<int:line_id>/remove/",
        ledger.ledger_invoice_line_remove,
        name="ledger_invoice_line_remove",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/issue/",
        ledger.ledger_invoice_issue,
        name="ledger_invoice_issue",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/delete/",
        ledger.ledger_invoice_delete,
        name="ledger_invoice_delete",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/pdf/",
        ledger.ledger_invoice_pdf,
        name="ledger_invoice_pdf",
    ),
    path(
        "ledger/clients/<int:client_id>/agreement/",
        ledger_books.ledger_agreement,
        name="ledger_agreement",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/bad-debt/",
        ledger_books.ledger_invoice_bad_debt,
        name="ledger_invoice_bad_debt",
    ),
    path(
        "ledger/invoices/<int:invoice_id>/bad-debt/recover/",
        ledger_books.ledger_invoice_recover,
        name="ledger_invoice_recover",
    ),
    path("ledger/bad-debts/", ledger_books.ledger_bad_debts, name="ledger_bad_debts"),
    path("ledger/journals/", ledger_books.ledger_journals, name="ledger_journals"),
    path(
        "ledger/journals/new/",
        ledger_books.ledger_journal_new,
        name="ledger_journal_new",
    ),
    path("ledger/journals/wages/", ledger_books.ledger_wages, name="ledger_wages"),
    path(
        "ledger/journals/<int:entry_number>/",
        ledger_books.ledger_journal,
        name="ledger_journal",
    ),
    path(
        "ledger/journals/<int:entry_number>/reverse/",
        ledger_books.ledger_journal_reverse,
        name="ledger_journal_reverse",
    ),
    path("ledger/settings/", ledger_books.ledger_settings, name="ledger_settings"),
    path(
        "ledger/settings/business/",
        ledger_books.ledger_business_profile,
        name="ledger_business_profile",
    ),
    path("ledger/payments/", ledger.ledger_payments, name="ledger_payments"),
    path("ledger/suppliers/", ledger.ledger_suppliers, name="ledger_suppliers"),
    path("ledger/bills/", ledger.ledger_bills, name="ledger_bills"),
    path("ledger/bills/<int:bill_id>/", ledger.ledger_bill, name="ledger_bill"),
    path(
        "ledger/bills/<int:bill_id>/pay/",
        ledger.ledger_bill_pay,
        name="ledger_bill_pay",
    ),
    path("ledger/bas/", ledger.ledger_bas, name="ledger_bas"),
    path("ledger/bas/csv/", ledger.ledger_bas_csv, name="ledger_bas_csv"),
    path("ledger/bas/lodge/", ledger.ledger_bas_lodge, name="ledger_bas_lodge"),
    path(
        "ledger/bas/labels/<str:label>/",
        ledger.ledger_bas_label,
        name="ledger_bas_label",
    ),
]
