"""The TLS certificate a captured page was served with.

Where the fingerprint comes from: Chromium itself. After the page has loaded, the engine asks
the page's DevTools session for ``Network.getCertificate(origin)``, which returns the DER
certificate chain of the connection the browser used for that origin — the very certificate
whose subject and issuer Playwright's ``response.security_details()`` reports. The SHA-256 of
the leaf's DER bytes is the fingerprint. We rejected a second TLS handshake from Python through
the same egress: it is another connection, which a load balancer, a Tor circuit change or a
hostile server can answer with another certificate, and the record would then describe a
certificate the browser never saw. The engine cross-checks the two sources: if the leaf's
subject common name differs from what security_details reports, the manifest says so.
"""

import base64
import hashlib
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID


def certificate_details(chain_base64: list[str], security_details: dict | None) -> dict:
    """The manifest's ``tls`` entry from the browser's DER chain and Playwright's summary."""
    details = security_details or {}
    entry = {
        "protocol": details.get("protocol"),
        "subject_name": details.get("subjectName"),
        "issuer_name": details.get("issuer"),
        "valid_from": _timestamp(details.get("validFrom")),
        "valid_to": _timestamp(details.get("validTo")),
        "certificate": None,
        "chain_sha256": [],
        "consistent": None,
    }
    if not chain_base64:
        return entry
    chain = [base64.b64decode(item) for item in chain_base64]
    leaf = x509.load_der_x509_certificate(chain[0])
    entry["certificate"] = {
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "serial_number": format(leaf.serial_number, "x"),
        "not_before": leaf.not_valid_before_utc.isoformat().replace("+00:00", "Z"),
        "not_after": leaf.not_valid_after_utc.isoformat().replace("+00:00", "Z"),
        "sha256_fingerprint": leaf.fingerprint(hashes.SHA256()).hex(),
        "subject_alternative_names": _alternative_names(leaf),
        "der_base64": chain_base64[0],
    }
    entry["chain_sha256"] = [hashlib.sha256(der).hexdigest() for der in chain]
    if details.get("subjectName") is not None:
        entry["consistent"] = details["subjectName"] in (_common_name(leaf), leaf.subject.rfc4514_string())
    return entry


def _timestamp(value) -> str | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")


def _common_name(certificate: x509.Certificate) -> str | None:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def _alternative_names(certificate: x509.Certificate) -> list[str]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [str(name.value) for name in extension.value]
