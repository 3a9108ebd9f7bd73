"""Page captures made the way the worker makes them (conftest's ``capture_browser``): asked for
through the service, run through ``capture_run`` in the test's thread and transaction."""

from evidence.capture_job import capture_run
from evidence.capturing import capture_request
from evidence.models import Capture
from findings import services as findings

OWN_ORIGIN = "http://testserver"


def url_of(user, operation, address, case=None):
    url, _ = findings.url_log(user=user, operation=operation, raw_url=address, case=case)
    return url


def captured(user, url, browser, *, expect="done") -> Capture:
    capture = capture_request(user=user, url=url, own_origin=OWN_ORIGIN)
    assert capture_run(capture.pk, browser=browser) == expect
    return Capture.objects.with_files().get(pk=capture.pk)
