"""Only web addresses are stored as URLs: other schemes and bare e-mail addresses are refused with the reason."""

import pytest

from findings import services as findings
from findings.models import DetectedUrl
from identifiers.canonical import InvalidUrl, canonical_url


@pytest.mark.parametrize("raw, scheme", [
    ("mailto:x@y.example", "mailto"),
    ("MAILTO:x@y.example", "mailto"),
    ("mailto:123@y.example", "mailto"),  # digits after the colon are no port when an "@" follows
    ("mailto://x@y.example", "mailto"),
    ("javascript:alert(1)", "javascript"),
    ("tel:+4915123456789", "tel"),
])
def test_a_scheme_other_than_http_is_refused_by_name(raw, scheme):
    with pytest.raises(InvalidUrl) as refused:
        canonical_url(raw)
    assert str(refused.value) == f"scheme “{scheme}” is not http or https"


def test_a_bare_e_mail_address_is_not_taken_for_its_domain():
    with pytest.raises(InvalidUrl, match="an e-mail address, not a web address"):
        canonical_url("x@y.example")


@pytest.mark.parametrize("raw, expected", [
    ("example.com:8080/ad/7", "https://example.com:8080/ad/7"),  # a host with a port is still a host
    ("example.com:8080", "https://example.com:8080/"),
    ("instagram.com/@sweet_lea", "https://instagram.com/@sweet_lea"),  # "@" in the path is fine
    ("hxxps://user@example[.]com/x", "https://example.com/x"),
])
def test_hosts_with_ports_and_at_signs_in_paths_are_still_urls(raw, expected):
    assert canonical_url(raw)[0] == expected


@pytest.mark.django_db
def test_logging_a_mailto_link_saves_nothing_and_says_why(cast):
    with pytest.raises(Exception, match="scheme “mailto” is not http or https"):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url="mailto:x@y.example")
    assert not DetectedUrl.objects.exists()
