"""Authenticator-app codes for the two-factor tests, computed as a phone would."""

import time
from binascii import unhexlify

from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_device(user) -> TOTPDevice:
    """Two-factor on for `user`, as if they had set it up on the console page."""
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or that many 30-second steps later).

    A code is accepted once: a test that signs in twice within 30 seconds gives the
    next step's code, which the device still accepts as within its tolerance.
    """
    if steps_ahead:
        clock = TOTP(unhexlify(key_hex))
        clock.time = time.time() + 30 * steps_ahead
        return f"{clock.token():06d}"
    return f"{totp(unhexlify(key_hex)):06d}"


def current_code(device: TOTPDevice, **kwargs) -> str:
    return code_for(device.key, **kwargs)


def wrong_code(device: TOTPDevice) -> str:
    """A code the device refuses now: none of those its tolerance would accept."""
    near = {current_code(device, steps_ahead=n) for n in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)
