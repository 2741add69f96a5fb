"""One error type for domain rules: a stable code, an HTTP status and a message.

Interfaces turn these into form errors, flash messages or problem+json, each in one
place.
"""


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, fields=None, **data):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        # Field name -> list of messages, for gate fields and form inputs.
        self.fields: dict[str, list[str]] = fields or {}
        self.data = data


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409


def full_clean_or_fail(instance, exclude=None) -> None:
    """Run the model's validation, reporting problems as ValidationFailed by field."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(
            "Some values are not valid.", fields=exc.message_dict
        ) from None
