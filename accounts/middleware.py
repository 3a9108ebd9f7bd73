"""No data before the second factor: a session that passed only the password reaches the login and
two-factor pages, and nothing else.

Pages — and the API opened in a browser — send it to the verification page (which sends a user
without an authenticator app on to enrolment) and bring it back afterwards; the API answers a
script 403 ``two_factor_required``. Scripts
with an API token have no session, so this never sees them: who may hold a token at all is
``api.auth.may_have_token``.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

# What a session may reach before its second factor (URL names). Static files are served before
# any of this runs (whitenoise), and anonymous visitors are turned away by the views themselves.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "signup", "two_factor_verify", "two_factor_enrol", "healthz"}
# Pages for people under /api/: they get the verification page, not an error in JSON.
_API_PAGES = {"api:docs", "api:redoc"}

MESSAGE = "Confirm your second factor first: open the site in a browser and enter the code from your authenticator app."


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # When the database is away (looking up the session or its device) the error goes up like a
        # view's: the site's outermost middleware (config/middleware.py) answers 503, and nothing is
        # let through unchecked.
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = None
        if view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        # A browser opening the API (its browsable pages, the docs) is sent to verify like any page;
        # a script gets the API's error.
        browser = view_name in _API_PAGES or "text/html" in request.headers.get("Accept", "")
        if request.path_info.startswith("/api/") and not browser:
            return JsonResponse({"code": "two_factor_required", "detail": MESSAGE}, status=403)
        return _to_verification(request)


def _to_verification(request):
    verify = reverse("two_factor_verify")
    htmx = HtmxDetails(request)
    if htmx:
        # The whole tab goes, and comes back to the page the request came from (not to a fragment).
        back_to = htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(f"{verify}?{urlencode({'next': back_to})}")
    if request.method in ("GET", "HEAD"):
        return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
    return redirect(verify)
