"""Two-factor authentication: a TOTP authenticator app per user, and one-time recovery codes.

The devices are django-otp's (``TOTPDevice``, and a ``StaticDevice`` holding the recovery codes);
what a session has passed is django-otp's too (``request.user.is_verified()``). The rule that
nothing but logging in is reachable before is ``accounts.middleware``; the pages are
``accounts.views``. Tokens for the API are for users with a confirmed TOTP device only
(``api.auth.may_have_token``).
"""

import logging
import secrets
from base64 import b32encode

import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("actionday.security")

RECOVERY_CODE_COUNT = 10
# Lower-case base32 without look-alikes is what people can copy from paper: "k7qm2-xt4pa".
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
RECOVERY_DEVICE_NAME = "recovery codes"


class Throttled(Exception):
    """Too many wrong codes in a row: the device refuses to check another one until ``locked_until``."""

    def __init__(self, locked_until=None):
        super().__init__("Too many wrong codes.")
        self.locked_until = locked_until


# --- reading ---------------------------------------------------------------------------------


def confirmed_totp_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_totp(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_totp(device) -> bool:
    return isinstance(device, TOTPDevice)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, drawn here: it never leaves the server."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None, omitsize=False
    )


# --- enrolment -------------------------------------------------------------------------------


def enrolment_device(*, user) -> TOTPDevice:
    """The device being enrolled: the user's unconfirmed one, or a new one with a fresh secret.

    Reused until confirmed, so that reloading the page shows the same QR code the app has already scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; return fresh recovery codes, or None if the code is wrong.

    A user who already has a confirmed device cannot enrol another one this way: a stolen password
    alone must never be enough to add the thief's phone.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise PermissionDenied("This account already has an authenticator app.")
        if not _verify(device, code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = recovery_codes_generate(user=user)
    logger.info("two-factor: %s enrolled an authenticator app", user.get_username())
    return codes


# --- recovery codes --------------------------------------------------------------------------


def recovery_codes_generate(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones; return them (the only time they can be read)."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    logger.info("two-factor: new recovery codes for %s", user.get_username())
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _normalised_recovery_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


# --- verifying -------------------------------------------------------------------------------


def verify(*, user, code: str):
    """The device that accepts ``code`` (a TOTP code, or a recovery code, which is then used up), or None.

    Raises ``Throttled`` while the device is still refusing after wrong codes (django-otp doubles
    the wait with each failure).
    """
    code = code.strip()
    digits = code.replace(" ", "")
    # Locked for the check, so that one code sent twice at once is accepted once.
    with transaction.atomic():
        if digits.isdigit() and len(digits) <= 8:  # recovery codes are ten characters
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
            token = digits
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            token = _normalised_recovery_code(code)
        if device is None:
            return None
        return device if _verify(device, token) else None


def _verify(device, token: str) -> bool:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise Throttled((details or {}).get("locked_until"))
    return device.verify_token(token)


def session_verified(request, device) -> None:
    """Mark this session as having passed the second factor, under a new session key."""
    request.session.cycle_key()  # a raised privilege gets a new key: no fixation of a half-logged-in session
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        logger.warning("two-factor: %s used a recovery code", request.user.get_username())
