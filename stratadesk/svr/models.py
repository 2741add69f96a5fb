"""Service Verification Reports: the client's sign-off between Resolved and Closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SvrStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    AUTO_APPROVED = "auto_approved", "Auto-approved"
    OVERRIDDEN = "overridden", "Closed by Admin override"
    REJECTED = "rejected", "Rejected"


class ServiceVerificationReport(models.Model):
    """One version of a ticket's SVR. After a rejection the next one is a new version.

    `content` is the frozen snapshot the client saw (work log, materials, totals), so
    later edits to time entries never change what was approved.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="svrs"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=SvrStatus.choices, default=SvrStatus.PENDING
    )
    work_summary = models.TextField()
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    # The report as rendered from `content` when issued, kept as it was, and its
    # SHA-256: what an approver is shown and signs, whatever later changes to the
    # templates would render (see svr.documents).
    document = models.TextField(blank=True)
    document_hash = models.CharField(max_length=64, blank=True)
    # The client's rule when issued: "any" approver closes it, or "all" must sign.
    approval_rule = models.CharField(max_length=3, default="any")
    approvers = models.ManyToManyField("clients.Contact", related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    typed_name = models.CharField(max_length=150, blank=True)
    decision_ip = models.GenericIPAddressField(null=True, blank=True)
    decision_user_agent = models.CharField(max_length=500, blank=True)
    decision_reason = models.TextField(blank=True)
    # Set when issued from the client's business calendar; the SVR sweep fires each
    # once, clearing nothing, so `reminded_at` says it went.
    reminder_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    auto_approve_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The document as the client sees it, rendered by the worker after each change.
    pdf = models.FileField(upload_to="svr/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "version"]
        verbose_name = "service verification report"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "version"], name="svr_version_unique"
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="pending"),
                name="svr_one_pending_per_ticket",
            ),
        ]

    def __str__(self):
        return f"SVR v{self.version} for ticket {self.ticket_id}"

    @property
    def is_locked(self) -> bool:
        return self.status != SvrStatus.PENDING


class SvrApproval(models.Model):
    """One approver's signature on one SVR version.

    A client that needs every approver collects one of these from each before the
    ticket closes; a client that needs any one closes on the first.
    """

    svr = models.ForeignKey(
        ServiceVerificationReport, on_delete=models.PROTECT, related_name="approvals"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    typed_name = models.CharField(max_length=150)
    approved_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # The document this approver was shown, as its SHA-256.
    document_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10)

    class Meta:
        ordering = ["svr", "approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["svr", "contact"], name="svr_one_approval_per_contact"
            )
        ]

    def __str__(self):
        return f"{self.typed_name} approved SVR {self.svr_id}"


class SvrDecisionLink(models.Model):
    """An emailed link by which one approver decides one SVR version without a login.

    Only the SHA-256 of the link's token is kept; the token itself exists only in the
    email. A link works while its SVR still awaits that approver and it has neither
    expired nor been used (see svr.links).
    """

    digest = models.CharField(max_length=64, unique=True)
    svr = models.ForeignKey(
        ServiceVerificationReport, on_delete=models.CASCADE, related_name="links"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["svr", "created_at", "pk"]
        verbose_name = "SVR decision link"

    def __str__(self):
        return f"decision link of SVR {self.svr_id} for contact {self.contact_id}"
