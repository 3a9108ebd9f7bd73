"""The site's error answers: JSON in the API's one shape under /api/, our own pages elsewhere.

With DEBUG off Django calls these for any error a view did not answer itself (a 404 raised in a page,
a request too large to read, an exception). No page shows a traceback or the list of URL patterns.
"""

from django.http import JsonResponse
from django.views import defaults

from api.base import error_body


def _in_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _in_api(request):
        return JsonResponse(error_body("invalid", "The request could not be read."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _in_api(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _in_api(request):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _in_api(request):
        return JsonResponse(error_body("server_error", "Something went wrong on our side; nothing was saved."),
                            status=500)
    return defaults.server_error(request)
