"""Page capture: save a web page as evidence, as it was, with its chain of custody.

A plain package on purpose: it knows nothing of ActionDay's apps. The worker task that records
a capture as Evidence, and the case file that lists it, are built on top of ``capture_page``.
Read engine.py first; addresses.py and egress.py say what a captured page may reach.
"""

from .addresses import AddressPolicy, Refused, is_public
from .engine import (
    DEFAULT_SCROLL_LIMIT_PX,
    DEFAULT_SIZE_LIMIT,
    DEFAULT_TIME_LIMIT,
    CaptureError,
    Capturer,
    CaptureRefused,
    CaptureResult,
    capture_page,
)
from .manifest import canonical_json, verify

__all__ = [
    "DEFAULT_SCROLL_LIMIT_PX", "DEFAULT_SIZE_LIMIT", "DEFAULT_TIME_LIMIT", "AddressPolicy", "CaptureError",
    "CaptureRefused", "CaptureResult", "Capturer", "Refused", "canonical_json", "capture_page", "is_public", "verify",
]
