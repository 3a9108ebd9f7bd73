"""Page captures made the way the worker makes them, in the test's own thread (see conftest's
``page_capturer``): asked for through the service, run through ``capture_run``."""

from evidence.capture_job import capture_run
from evidence.capturing import capture_request
from evidence.models import Capture
from findings import services as findings

OWN_ORIGIN = "http://testserver"


def url_of(user, operation, address, case=None):
    url, _ = findings.url_log(user=user, operation=operation, raw_url=address, case=case)
    return url


def captured(user, url, capturer, *, expect="done") -> Capture:
    capture = capture_request(user=user, url=url, own_origin=OWN_ORIGIN)
    assert capture_run(capture.pk, capturer=capturer) == expect
    return Capture.objects.with_files().get(pk=capture.pk)
