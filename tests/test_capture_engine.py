"""The capture engine against the hostile site: a real Chromium, real servers, real WARC tools.

One browser serves the whole module (as in the worker); each capture has its own context.
The site runs on loopback, so captures pass ``allow_private=True``; the refusal tests show
what happens without it. ``own`` stands in for ActionDay: it must never be reached.
"""

import email
import hashlib
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from warcio.archiveiterator import ArchiveIterator

from capture import CaptureError, Capturer, CaptureRefused, canonical_json, verify
from capture.addresses import AddressPolicy
from capture.egress import Egress, EgressGuard

from .hostile_site import CYRILLIC, DOWNLOAD_SIZE, ConnectProxy, HostileSite, RecordingServer, self_signed_certificate

pytestmark = pytest.mark.browser

WARCIO = str(Path(sys.executable).with_name("warcio"))


@pytest.fixture(scope="module")
def own():
    with RecordingServer() as server:
        yield server


@pytest.fixture(scope="module")
def site(own):
    with HostileSite(own_origin=own.origin) as server:
        yield server


@pytest.fixture(scope="module")
def capturer(browser):
    # The suite's Playwright (conftest's browser fixture) launches the engine's own Chromium:
    # a second sync Playwright cannot start in the same thread.
    with Capturer(browser_type=browser.browser_type) as capturer:
        yield capturer


@pytest.fixture
def capture(capturer, site, own, tmp_path):
    """capture("/path", **options): a capture of the hostile site into a fresh folder."""
    def run(path, **options):
        options = {"allow_private": True, "forbidden_origins": [own.origin], "time_limit": 20} | options
        url = path if "://" in path else site.url(path)
        return capturer.capture(url, out_dir=tmp_path / f"capture-{time.monotonic_ns()}", **options)
    return run


def warc_records(result):
    with open(result.out_dir / "capture.warc.gz", "rb") as stream:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), dict(r.rec_headers.headers),
                 r.http_headers, r.content_stream().read()) for r in ArchiveIterator(stream)]


def header(manifest, name):
    return next(v for n, v in manifest["main_document"]["headers"] if n.lower() == name.lower())


def assert_valid_warc(result):
    """warcio's own CLI accepts the file, indexes it, and the main page's response is in it."""
    path = str(result.out_dir / "capture.warc.gz")
    check = subprocess.run([WARCIO, "check", "-v", path], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    index = subprocess.run([WARCIO, "index", "-f", "warc-type,warc-target-uri,http:status", path],
                           capture_output=True, text=True, timeout=60)
    assert index.returncode == 0, index.stderr
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    assert entries[0]["warc-type"] == "warcinfo"
    main = result.manifest["main_document"]
    responses = [r for r in warc_records(result) if r[0] == "response" and r[1] == main["url"]]
    assert responses and responses[-1][3].get_statuscode() == str(main["status"])
    return entries


def test_a_capture_records_every_file_with_its_hash_in_a_canonical_manifest(capture, site):
    stages = []
    result = capture("/plain", on_progress=lambda stage, detail: stages.append(stage))

    assert stages == ["loading", "saving", "done"]
    data = result.manifest_path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == result.manifest_sha256
    assert canonical_json(json.loads(data)) == data  # canonical: re-serialising gives the same bytes
    names = {f["name"]: f for f in result.manifest["files"]}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml", "capture.warc.gz"}
    for name, entry in names.items():
        content = (result.out_dir / name).read_bytes()
        assert (entry["size"], entry["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
    assert (result.out_dir / "screenshot.png").read_bytes().startswith(b"\x89PNG")
    assert b"Escort adverts" in (result.out_dir / "page.html").read_bytes()
    snapshot = email.message_from_bytes((result.out_dir / "page.mhtml").read_bytes())
    assert "Escort adverts" in snapshot.get_payload()[0].get_payload(decode=True).decode()
    assert verify(result.out_dir, result.manifest_sha256) == []

    manifest = result.manifest
    assert manifest["final_url"] == site.url("/plain") and result.status == 200 and result.complete
    assert header(manifest, "Server").startswith("Hostile/1")
    assert manifest["browser"]["version"].split(".")[0].isdigit()
    assert manifest["browser"]["name"] == "chromium" and "HeadlessChrome" not in manifest["browser"]["user_agent"]
    assert manifest["egress"] == {"kind": "direct", "proxy": "direct"}
    assert manifest["started_at"].endswith("Z") and manifest["started_at"] <= manifest["ended_at"]
    assert manifest["tls"] is None and not manifest["truncated"]
    assert_valid_warc(result)


def test_a_tampered_file_no_longer_matches_the_manifest(capture):
    result = capture("/plain")
    (result.out_dir / "page.html").write_bytes(b"<p>edited</p>")
    assert verify(result.out_dir, result.manifest_sha256) == ["page.html differs from the manifest"]


def test_the_warcinfo_record_names_software_browser_and_egress(capture):
    result = capture("/plain")
    kind, _, _, _, body = warc_records(result)[0]
    assert kind == "warcinfo"
    assert b"software: ActionDay capture engine" in body
    assert f"browser: Chromium {result.manifest['browser']['version']}".encode() in body
    assert b"egress: direct" in body


def test_a_redirect_chain_is_followed_and_recorded_hop_by_hop(capture, site):
    result = capture("/chain/start")

    assert result.final_url == site.url("/chain/final")
    chain = [(hop["url"].rsplit("/", 2)[-1], hop["status"], hop["how"].split(" (")[0])
             for hop in result.manifest["redirects"]]
    assert chain == [("start", 302, "requested"), ("2", 301, "http redirect"), ("3", 200, "http redirect"),
                     ("4", 200, "client navigation"), ("final", 200, "client navigation")]
    bodies = {url: body for kind, url, _, _, body in warc_records(result) if kind == "response"}
    assert b"http-equiv='refresh'" in bodies[site.url("/chain/3")]  # the meta refresh page itself
    assert b"location.replace" in bodies[site.url("/chain/4")]      # and the script's page
    assert_valid_warc(result)


def test_a_page_that_never_finishes_loading_is_saved_as_rendered_and_marked_so(capture, site):
    started = time.monotonic()
    result = capture("/slow", time_limit=8)

    assert time.monotonic() - started < 8 + 2
    assert not result.complete
    assert result.manifest["load"]["unfinished_requests"] == [site.url("/trickle")]
    assert "had not finished loading" in result.manifest["load"]["reason"]
    assert b"Still loading" in (result.out_dir / "page.html").read_bytes()
    # The request is in the WARC; Chromium passes on no response headers for a script still
    # arriving, and a response it did pass on would be marked as cut short by time.
    trickle = [(kind, headers) for kind, url, headers, _, _ in warc_records(result)
               if (url or "").endswith("/trickle")]
    assert "request" in [kind for kind, _ in trickle]
    assert all(headers["WARC-Truncated"] == "time" for kind, headers in trickle if kind == "response")
    assert_valid_warc(result)


def test_a_page_that_hangs_the_browser_fails_at_the_time_limit_and_the_next_capture_works(capture):
    failures = []
    started = time.monotonic()
    with pytest.raises(CaptureError, match="time limit of 6 s ran out") as error:
        capture("/spin", time_limit=6, on_progress=lambda stage, detail: failures.append((stage, detail)))
    assert time.monotonic() - started < 6 + 3
    assert failures[-1] == ("failed", error.value.reason)
    assert capture("/plain").complete  # a new browser took over


def test_a_download_is_listed_and_neither_followed_nor_saved(capture, site):
    result = capture("/download")

    assert result.manifest["downloads"] == [{"url": site.url("/files/big.bin"), "suggested_filename": "passports.zip"}]
    assert site.download_bytes_sent < DOWNLOAD_SIZE / 4
    assert sorted(p.name for p in result.out_dir.iterdir()) == [
        "capture.warc.gz", "manifest.json", "page.html", "page.mhtml", "screenshot.png"]


def test_an_address_that_is_itself_a_download_is_a_clear_failure(capture):
    with pytest.raises(CaptureError, match="starts a download") as error:
        capture("/files/big.bin")
    assert error.value.details["downloads"][0]["suggested_filename"] == "passports.zip"


def test_dialogs_are_dismissed_and_listed(capture, site):
    result = capture("/dialogs")

    assert [(d["type"], d["message"]) for d in result.manifest["dialogs"]] == [
        ("alert", "Age check: are you over 18?"), ("confirm", "Stay on this page?")]
    assert b"confirm said false" in (result.out_dir / "page.html").read_bytes()


def test_endless_scroll_stops_at_the_scroll_limit(capture):
    result = capture("/endless", scroll_limit_px=4000)

    scroll = result.manifest["scroll"]
    assert scroll["stopped_by"] == "scroll limit" and 4 <= scroll["steps"] <= 7
    assert result.manifest["screenshot"]["height_px"] <= 4000 + 900
    assert b"advert 30" in (result.out_dir / "page.html").read_bytes()  # lazy content did load


def test_popups_are_closed_and_listed(capture, site):
    result = capture("/popups")

    assert sorted(p["url"] for p in result.manifest["popups"]) == [
        site.url("/popup-target?click"), site.url("/popup-target?load")]
    assert all(p["opener_url"] == site.url("/popups") for p in result.manifest["popups"])
    assert result.complete and result.manifest["load"]["unfinished_requests"] == []


def test_an_iframe_is_in_the_snapshot_and_the_warc(capture, site):
    result = capture("/framed")

    assert b"@recruiter_eu" in (result.out_dir / "page.mhtml").read_bytes()
    assert site.url("/frame-content") in [url for kind, url, *_ in warc_records(result) if kind == "response"]


def test_a_windows_1251_page_keeps_its_cyrillic_text(capture, site):
    result = capture("/cyrillic")

    assert result.manifest["html_encoding"] == "windows-1251"
    html = (result.out_dir / "page.html").read_bytes()
    # Written in the page's own character set, so its own <meta charset> stays true.
    assert CYRILLIC in html.decode("cp1251") and '<meta charset="windows-1251">' in html.decode("cp1251")
    body = [b for kind, url, _, _, b in warc_records(result) if kind == "response" and url.endswith("/cyrillic")][0]
    assert CYRILLIC.encode("cp1251") in body  # the bytes as served
    assert header(result.manifest, "Content-Type") == "text/html; charset=windows-1251"


def test_cookies_a_page_sets_are_recorded_and_gone_by_the_next_capture(capture, site):
    first = capture("/cookies")
    set_cookies = [v for n, v in first.manifest["main_document"]["headers"] if n.lower() == "set-cookie"]
    assert set_cookies == ["session=suspect-session-1; Path=/", "tracker=abc; Path=/; Max-Age=3600"]

    second = capture("/echo-cookies")
    assert b"no cookies" in (second.out_dir / "page.html").read_bytes()
    assert all("Cookie" not in hit.headers for hit in site.hits_of("/echo-cookies"))


def test_a_page_reaching_for_actiondays_own_address_is_blocked_and_it_is_listed(capture, own):
    result = capture("/own")

    assert own.hits == []
    blocked = {(b["url"].split("/", 3)[-1], b["resource_type"]) for b in result.manifest["blocked_requests"]}
    assert {("static/logo.png", "image"), ("api/v1/cases/", "script"), ("admin/", "document"),
            ("api/v1/operations/", "fetch"), ("beacon", "image")} <= blocked
    assert all("ActionDay's own address" in b["reason"] for b in result.manifest["blocked_requests"])
    assert_valid_warc(result)


def test_a_redirect_to_actiondays_own_address_is_stopped_at_the_connection(capture, own):
    # Playwright's interception does not see redirects: the egress guard does.
    with pytest.raises(CaptureError, match="own address") as error:
        capture("/to-own")
    assert own.hits == []
    assert error.value.details["blocked_connections"][0]["port"] == own.port


def test_actiondays_own_address_is_refused_even_with_allow_private(capture, own):
    with pytest.raises(CaptureRefused, match="own address"):
        capture(f"{own.origin}/accounts/login/")
    assert own.hits == []


def test_a_loopback_address_is_refused_without_allow_private(capture, site):
    hits_before = len(site.hits)
    for url in (site.url("/plain"), f"http://localhost:{site.port}/plain", f"http://2130706433:{site.port}/plain"):
        with pytest.raises(CaptureRefused, match="non-public"):
            capture(url, allow_private=False)
    assert len(site.hits) == hits_before


def test_a_public_looking_name_resolving_to_loopback_is_refused(capture, site):
    # The machine's own name resolves through the real resolver; a name resolving to 127.0.0.1
    # is what a hostile DNS answer looks like.
    name = socket.gethostname()
    if not any(info[4][0].startswith("127.") for info in socket.getaddrinfo(name, None)):
        pytest.skip(f"{name} does not resolve to loopback here")
    hits_before = len(site.hits)
    with pytest.raises(CaptureRefused, match=f"{name} is a non-public address"):
        capture(f"http://{name}:{site.port}/plain", allow_private=False)
    assert len(site.hits) == hits_before


def test_the_size_limit_stops_recording_bodies_and_says_so(capture, site):
    limit = 5 * 1024 * 1024
    result = capture("/images", size_limit=limit)

    assert result.truncated
    size = result.manifest["size"]
    assert size["bytes_recorded"] <= limit and len(size["not_recorded"]) >= 3
    truncated = [h for kind, url, h, _, _ in warc_records(result) if kind == "response" and "WARC-Truncated" in h]
    assert {h["WARC-Truncated"] for h in truncated} == {"length"}
    assert len(truncated) == len(size["not_recorded"])
    assert size["mhtml_omitted"] and "page.mhtml" not in [f["name"] for f in result.manifest["files"]]
    assert_valid_warc(result)


@pytest.fixture(scope="module")
def secure_site(tmp_path_factory):
    certificate, cert_file, key_file = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    with HostileSite(certificate=(cert_file, key_file)) as server:
        yield server, certificate


def test_an_https_page_records_the_certificate_the_browser_was_shown(capture, secure_site):
    server, certificate = secure_site
    # ignore_https_errors is for this self-signed test certificate only; production never sets it.
    result = capture(server.url("/secure"), ignore_https_errors=True)

    tls = result.manifest["tls"]
    assert tls["certificate"]["sha256_fingerprint"] == certificate.fingerprint(hashes.SHA256()).hex()
    assert tls["certificate"]["subject"] == certificate.subject.rfc4514_string()
    assert tls["certificate"]["issuer"] == certificate.issuer.rfc4514_string()
    assert tls["certificate"]["serial_number"] == format(certificate.serial_number, "x")
    assert tls["certificate"]["not_after"].startswith(certificate.not_valid_after_utc.date().isoformat())
    assert tls["subject_name"] == "hostile.test" and tls["issuer_name"] == "hostile.test"
    assert tls["valid_to"] == certificate.not_valid_after_utc.isoformat().replace("+00:00", "Z")
    assert tls["protocol"].startswith("TLS") and tls["consistent"] is True
    assert result.manifest["ignore_https_errors"] is True
    assert_valid_warc(result)


def test_an_untrusted_certificate_fails_the_capture_in_production_mode(capture, secure_site):
    server, _ = secure_site
    with pytest.raises(CaptureError, match="ERR_CERT_AUTHORITY_INVALID"):
        capture(server.url("/secure"))


def test_a_capture_through_an_http_proxy_goes_through_it_and_records_it(capture, site, own):
    with ConnectProxy() as proxy:
        result = capture("/own", proxy=proxy.url)

    assert result.manifest["egress"] == {"kind": "http", "proxy": proxy.url}
    assert f"127.0.0.1:{site.port}" in proxy.targets
    assert f"127.0.0.1:{own.port}" not in proxy.targets and own.hits == []


def test_a_capture_through_a_socks5_egress_like_tor_resolves_nothing_locally(capture, site):
    # Another guard, allowing loopback, plays the Tor client: a SOCKS5 proxy that gets names.
    tor = EgressGuard(policy=AddressPolicy.build(allow_private=True), egress=Egress.parse(None))
    with tor:
        result = capture(f"http://localhost:{site.port}/plain", proxy=f"socks5://127.0.0.1:{tor.port}")

    assert result.manifest["egress"]["kind"] == "socks5"
    assert [(c["host"], c["port"]) for c in tor.connections] == [("localhost", site.port)]
    assert result.manifest["connections"] == [{"host": "localhost", "port": site.port, "address": None}]
