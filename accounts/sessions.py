"""The idle timeout without a database write per request.

A session ends ``SESSION_IDLE_MINUTES`` after the last request. Django's way (save every session on
every request) writes the session row for every page, htmx poll and list refresh: a third of the
queries of a list request and its slowest one. Here a signed-in session is saved — its end pushed
back — only when it was last saved a minute ago or more, or when something in it changed anyway.
The end of a session therefore comes between 29 and 30 idle minutes after its last request.
"""

import time

SEEN = "_actionday_seen"  # when the session was last saved (seconds since the epoch)
SAVE_EVERY = 60  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:  # nobody to keep signed in (a logout too)
            return response
        session = request.session
        now = int(time.time())
        if session.modified or now - session.get(SEEN, 0) >= SAVE_EVERY:
            session[SEEN] = now  # marks the session changed: SessionMiddleware saves it, with a new end
        return response
