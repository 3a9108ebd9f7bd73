"""When the database is away (restarting, failing over), say so: 503 with Retry-After, not a 500.

A request that hits a dropped or refused PostgreSQL connection raises ``OperationalError`` or
``InterfaceError``; Django closes the broken connection when the request ends, and the next
request opens a new one (``CONN_HEALTH_CHECKS`` tests a reused one first), so the web process
recovers by itself once the database is back. This middleware only makes the failing requests
fail cleanly: a short page — or the API's error shape under /api/ — that tells the person (or
script) to try again shortly. It renders without touching the database (no session, no user).

It sits outside the session, authentication and two-factor middleware, because those reach the
database too (loading a session, saving one on the way out). An exception there never reaches
a ``process_exception``: Django turns it into a response at that layer — a 500, or a 400 when
saving the session failed (``SessionInterrupted``). So those are recognised on the way out:
``got_request_exception`` marks the request when a 500's cause was the database, and a 400 or
500 after which the request's database connection is broken is one too.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable for a moment (it may be restarting). Nothing was saved: please try again."

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Database unavailable — ActionDay</title></head>
<body>
<main>
<h1>Database unavailable, try again</h1>
<p>{message}</p>
<p>What you typed is still in your browser: go back and send it again in a few seconds.</p>
</main>
</body>
</html>
"""


def database_unavailable(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "database_unavailable", "detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(PAGE.format(message=escape(MESSAGE)), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


_MARK = "_actionday_database_unavailable"
_DATABASE_ERRORS = (OperationalError, InterfaceError)


@receiver(got_request_exception)
def _mark_database_failure(sender, request=None, **kwargs):
    # Sent from inside Django's ``except`` block, so the exception is the one being handled.
    if request is not None and isinstance(sys.exc_info()[1], _DATABASE_ERRORS):
        setattr(request, _MARK, True)


def _connection_lost() -> bool:
    """Whether a database connection of this request failed and cannot be used (checked on errors only)."""
    for connection in connections.all(initialized_only=True):
        if not connection.errors_occurred:
            continue
        if connection.connection is None:  # could not even connect
            return True
        try:
            if not connection.is_usable():
                return True
        except Exception:
            return True
    return False


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a 503 "database unavailable, try again"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (400, 500) and (getattr(request, _MARK, False) or _connection_lost()):
            return database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, _DATABASE_ERRORS):
            logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
            setattr(request, _MARK, True)
            return database_unavailable(request)
        return None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer that did not say otherwise.

    Pages and API answers carry findings, names and victims' codes; a browser's disk cache, a shared
    proxy or the back button of a workstation left unlocked must not keep them. Static files answer
    before this (whitenoise, with their own caching), and a view that serves something public (the
    ReDoc bundle) sets its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
