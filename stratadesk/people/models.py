"""Users and their single role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    OPERATIONS = "operations", "Operations"
    SUPPORT = "support", "Support"
    ACCOUNTS = "accounts", "Accounts"
    ADMIN = "admin", "Admin"


STAFF_ROLES = frozenset({Role.OPERATIONS, Role.SUPPORT, Role.ACCOUNTS, Role.ADMIN})


class User(AbstractUser):
    """A person who signs in. Client users belong to exactly one client organisation."""

    role = models.CharField(max_length=20, choices=Role.choices)
    client = models.ForeignKey(
        "clients.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Required for Client users, empty for staff.",
    )
    limited_to_clients = models.ManyToManyField(
        "clients.ClientOrganisation",
        blank=True,
        related_name="+",
        help_text=(
            "Support only: when any are chosen, this engineer sees only these "
            "clients' tickets."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_client_iff_client_role",
                condition=(Q(role="client") & Q(client__isnull=False))
                | (~Q(role="client") & Q(client__isnull=True)),
            ),
            models.CheckConstraint(
                name="user_role_valid", condition=Q(role__in=Role.values)
            ),
        ]

    @property
    def is_client_user(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_msp_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def save(self, *args, **kwargs):
        # `createsuperuser` knows nothing of roles; a superuser it makes is an Admin.
        if not self.role and self.is_superuser:
            self.role = Role.ADMIN

        # Django's admin site is the Admin role's configuration screen, and only theirs:
        # keep its flags in step with the role rather than as separate grants.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)
