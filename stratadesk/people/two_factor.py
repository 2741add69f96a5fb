"""Optional two-factor sign-in for MSP staff: a TOTP authenticator app, via django-otp.

A staff member with a confirmed device is signed in only half-way by their password:
OTPMiddleware marks the session verified once they give a current code, and until
then the console and the admin site send them to the code step (see `pending_step`).
With REQUIRE_STAFF_TWO_FACTOR, staff without a device are sent to set one up first.
Client users never have a device and are never asked.

Wrong codes count against the device with django-otp's own throttling, which refuses
further tries for 1, 2, 4, 8... seconds after each consecutive failure; each wrong code
against an active device is an audit event, as are setting up and switching off.
"""

import logging
from base64 import b32encode
from binascii import unhexlify
from enum import StrEnum
from urllib.parse import quote, urlencode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from stratadesk.core import audit
from stratadesk.core.errors import DomainError, ValidationFailed

logger = logging.getLogger(__name__)

ISSUER = "Stratadesk"
DEVICE_NAME = "Authenticator app"


class Step(StrEnum):
    """What a signed-in staff member must still do before using the console."""

    CODE = "code"
    ENROL = "enrol"


class WrongCode(ValidationFailed):
    code = "two_factor_wrong_code"


class TooManyWrongCodes(DomainError):
    code = "two_factor_throttled"
    status = 429


def device_for(user) -> TOTPDevice | None:
    """The user's active (confirmed) authenticator, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_step(user) -> Step | None:
    """The step standing between a signed-in user and the staff pages, if any.

    `user` comes from a request that went through OTPMiddleware, which gives it
    `is_verified()`; without it the user counts as not verified.
    """
    if not user.is_authenticated or not user.is_msp_staff:
        return None

    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    if django_otp.user_has_device(user):
        return Step.CODE
    if settings.REQUIRE_STAFF_TWO_FACTOR:
        return Step.ENROL
    return None


# Setting up -----------------------------------------------------------------------


def new_secret() -> str:
    """A fresh hex secret for a device not yet confirmed (kept in the session)."""
    return default_key()


def secret_for_humans(secret: str) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_uri(user, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{user.get_username()}")
    params = {
        "secret": b32encode(unhexlify(secret)).decode(),
        "issuer": ISSUER,
        "algorithm": "SHA1",
        "digits": 6,
        "period": 30,
    }
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: an <img> the page's policy allows, no script."""
    return segno.make(uri, error="m").svg_data_uri(
        scale=4, dark="#000000", light="#ffffff"
    )


def enrol(actor, user, secret: str, code: str) -> TOTPDevice:
    """Confirm a new authenticator for `user` with a current code from it.

    The device is saved only if the code matches (a wrong code rolls it back), and
    the code it matched cannot be used again to sign in.
    """
    if device_for(user) is not None:
        raise DomainError(
            "Two-factor sign-in is already on. Switch it off first to replace it.",
            code="two_factor_already_on",
        )

    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=secret, confirmed=False
        )
        if not device.verify_token(code):
            # Leaves the atomic block by exception, so the device is never kept.
            raise WrongCode(
                "That code does not match. Check the app shows Stratadesk and "
                "enter the code it shows now.",
                fields={"code": ["That code does not match."]},
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Half-finished set-ups left by other means would only confuse the admin.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(actor, "user.two_factor_enrolled", user, client=user.client)

    logger.info("two-factor enrolled", extra={"user_id": user.pk})
    return device


# Signing in and switching off ------------------------------------------------------


def verify(actor, user, code: str, *, ip_address=None) -> TOTPDevice:
    """Check a code at the sign-in step; the caller marks the session verified.

    Raises TooManyWrongCodes while the device's throttle holds (that try is not
    checked and not counted) and WrongCode, audited, for a code that does not match.
    """
    device = _device_or_fail(user)
    _refuse_while_throttled(device)

    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        _record_failure(actor, user, "sign_in", "code", ip_address)
        raise WrongCode(
            "That code is not right. Enter the code your authenticator app shows now.",
            fields={"code": ["That code is not right."]},
        )
    return verified


def disable(actor, user, password: str, code: str, *, ip_address=None) -> None:
    """Switch two-factor off for `user`, proven by their password and a current code.

    A wrong password counts against the same throttle as a wrong code, so the
    pair cannot be guessed faster than codes alone.
    """
    device = _device_or_fail(user)
    _refuse_while_throttled(device)

    if not user.check_password(password):
        device.throttle_increment(commit=True)
        _record_failure(actor, user, "disable", "password", ip_address)
        raise WrongCode(
            "Two-factor sign-in is still on: the password is not right.",
            fields={"password": ["That is not your password."]},
        )
    if django_otp.verify_token(user, device.persistent_id, code) is None:
        _record_failure(actor, user, "disable", "code", ip_address)
        raise WrongCode(
            "Two-factor sign-in is still on: the code is not right.",
            fields={"code": ["That code is not right."]},
        )

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor, "user.two_factor_disabled", user, client=user.client)
    logger.info("two-factor disabled", extra={"user_id": user.pk})


def _device_or_fail(user) -> TOTPDevice:
    device = device_for(user)
    if device is None:
        raise DomainError(
            "Two-factor sign-in is not on for this account.", code="two_factor_off"
        )
    return device


def _refuse_while_throttled(device) -> None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return
    if info and info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        raise TooManyWrongCodes(
            "Too many wrong codes in a row. Wait a moment, then try the code your "
            "app shows then.",
            locked_until=info["locked_until"],
        )
    raise TooManyWrongCodes("Codes cannot be checked right now. Try again shortly.")


def _record_failure(actor, user, step: str, wrong: str, ip_address) -> None:
    device = device_for(user)
    details = {
        "step": step,
        "wrong": wrong,
        "failures": device.throttling_failure_count if device else None,
        "ip_address": ip_address,
    }
    logger.warning("two-factor code refused", extra={"user_id": user.pk, **details})
    audit.record(
        actor, "user.two_factor_failed", user, client=user.client, data=details
    )
