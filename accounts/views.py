"""The two-factor pages: verify a code after the password, enrol an authenticator app, recovery codes;
and the page of a sign-up link (``accounts/invitations.py``).

The rules live in ``accounts/two_factor.py``; these views parse the form and render.
"""

from axes.helpers import get_client_username
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import invitations, two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
    )


def _next_url(request) -> str:
    """Where to go afterwards: ``next`` if it is an address on this site, the home page otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _throttled_message(exc: two_factor.Throttled) -> str:
    when = f" until {exc.locked_until:%H:%M:%S} UTC" if exc.locked_until else " for a moment"
    return f"Too many wrong codes in a row: wait{when}, then try again."


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not two_factor.has_confirmed_totp(request.user):
        return redirect(_with_next("two_factor_enrol", next_url))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.verify(user=request.user, code=form.cleaned_data["code"])
        except two_factor.Throttled as exc:
            form.add_error("code", _throttled_message(exc))
        else:
            if device is not None:
                two_factor.session_verified(request, device)
                if not two_factor.is_totp(device):
                    left = two_factor.recovery_codes_left(request.user)
                    messages.warning(
                        request,
                        f"You logged in with a recovery code; it cannot be used again. {left} left: "
                        "make new ones on the two-factor page if you are running out.",
                    )
                return redirect(next_url)
            form.add_error("code", "That code is not right. Enter the current 6-digit code from your app, "
                                   "or one of your recovery codes.")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code, confirm with a code, keep the recovery codes."""
    next_url = _next_url(request)
    if two_factor.has_confirmed_totp(request.user):
        # Only the verification page from here: a password alone must never add another phone.
        return redirect(next_url if request.user.is_verified() else _with_next("two_factor_verify", next_url))
    device = two_factor.enrolment_device(user=request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        except two_factor.Throttled as exc:
            form.add_error("code", _throttled_message(exc))
        except PermissionDenied:
            return redirect(_with_next("two_factor_verify", next_url))
        else:
            if codes is not None:
                device.refresh_from_db()
                two_factor.session_verified(request, device)
                return _show_recovery_codes(request, codes, next_url, enrolled=True)
            form.add_error("code", "That code is not right. Check that the app shows ActionDay and enter "
                                   "its current 6-digit code.")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_of(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "registration/two_factor_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """How many recovery codes are left, and new ones on request (the old ones stop working)."""
    if not request.user.is_verified():  # the middleware already sees to it; this page must never slip
        return redirect(_with_next("two_factor_verify", request.get_full_path()))
    if request.method == "POST":
        codes = two_factor.recovery_codes_generate(user=request.user)
        return _show_recovery_codes(request, codes, resolve_url(settings.LOGIN_REDIRECT_URL), enrolled=False)
    context = {
        "left": two_factor.recovery_codes_left(request.user),
        "device": two_factor.confirmed_totp_device(request.user),
    }
    return render(request, "registration/two_factor_recovery_codes.html", context)


def _show_recovery_codes(request, codes, next_url, *, enrolled):
    # Shown in this answer only (never_cache: not even the browser keeps it), and kept nowhere they
    # could be shown from again.
    context = {"codes": codes, "next": next_url, "enrolled": enrolled}
    return render(request, "registration/two_factor_new_codes.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login for a locked username (AXES_LOCKOUT_CALLABLE): say so, and for how long."""
    context = {
        "username": get_client_username(request, credentials) or "",
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


# --- sign-up links ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request, token):
    """A sign-up link: choose a password, then the authenticator app, then the page the link was for."""
    invitation = invitations.invitation_for(token)
    if invitation is None:
        return render(request, "registration/signup_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            # The password step of a login; the middleware allows nothing but enrolment until the app is set up.
            logout(request)
            login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_with_next("two_factor_enrol", invitation.next_url or resolve_url("home")))
    return render(request, "registration/signup.html", {"form": form, "person": invitation.user,
                                                         "expires_at": invitation.expires_at})
