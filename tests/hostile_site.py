"""A web site that fights back, for the capture engine's tests.

It runs in a thread on 127.0.0.1 (a free port) and serves what suspects' sites do to a
capture: redirect chains, a page that never finishes loading, a 200 MB download, dialogs,
endless scroll, pop-ups, a frame, a legacy character set, cookies, large images, and a page
that reaches for ActionDay's own address. ``RecordingServer`` stands in for ActionDay: it
records every hit, so a test can say "it got none".

    with HostileSite(own_origin=own.origin) as site:
        site.url("/chain/start")

Everything is generated: the 200 MB download is streamed from a counter, never stored.
"""

import datetime
import html
import http.server
import ipaddress
import selectors
import socket
import ssl
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

CYRILLIC = "Объявление: работа за границей, жильё и документы обеспечим"
DOWNLOAD_SIZE = 200 * 1024 * 1024
IMAGE_SIDE = 820  # a 24-bit BMP of 820x820 is about 2 MB


def page(title: str, body: str, head: str = "") -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>{head}</head>"
            f"<body>{body}</body></html>").encode()


def bmp(side: int, seed: int) -> bytes:
    """A valid 24-bit BMP, its pixels a pattern of the seed (so each image differs)."""
    row = bytes((x * 7 + seed * 31) % 256 for x in range(side * 3))
    pixels = row * side
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, side, side, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "Hostile/1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        site: HostileSite = self.server.site
        site.record(self)
        path = self.path.split("?", 1)[0]
        route = site.routes.get(path)
        if route is None and path.startswith("/page/"):
            route = site.numbered_page
        if route is None and path.startswith("/image/"):
            route = site.image
        if route is None:
            return self.send(404, page("Not found", "<p>nothing here</p>"))
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class Hit:
    path: str
    headers: dict


class RecordingServer:
    """Stands in for ActionDay's own address: answers everything, remembers every hit."""

    def __init__(self):
        self.hits: list[Hit] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                recorder.hits.append(Hit(self.path, dict(self.headers)))
                body = b"ActionDay"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_OPTIONS = _any

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


class HostileSite:
    def __init__(self, *, own_origin: str | None = None, certificate: tuple[Path, Path] | None = None):
        self.own_origin = own_origin or "http://127.0.0.1:9"
        self.hits: list[Hit] = []
        self.download_bytes_sent = 0
        self.trickle_bytes_sent = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self.scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]
        self.routes = {
            "/": self.plain, "/plain": self.plain,
            "/chain/start": self.redirect_to("/chain/2", 302), "/chain/2": self.redirect_to("/chain/3", 301),
            "/chain/3": self.meta_refresh, "/chain/4": self.script_redirect, "/chain/final": self.chain_final,
            "/slow": self.slow, "/trickle": self.trickle,
            "/download": self.download_page, "/files/big.bin": self.big_file,
            "/dialogs": self.dialogs, "/endless": self.endless, "/popups": self.popups,
            "/popup-target": self.popup_target, "/framed": self.framed, "/frame-content": self.frame_content,
            "/cyrillic": self.cyrillic, "/cookies": self.cookies, "/echo-cookies": self.echo_cookies,
            "/own": self.reaches_own, "/to-own": self.redirect_to_own, "/images": self.images,
            "/secure": self.secure, "/spin": self.spin,
        }

    def __enter__(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def record(self, handler) -> None:
        with self._lock:
            self.hits.append(Hit(handler.path, dict(handler.headers)))

    def hits_of(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.split("?", 1)[0] == path]

    # -- pages -----------------------------------------------------------------------------

    def plain(self, h):
        h.send(200, page("Plain", "<h1>Escort adverts</h1><p>A plain page.</p>"))

    def numbered_page(self, h):
        number = h.path.rsplit("/", 1)[-1]
        items = "".join(f"<li>Advert {number}-{i}: call +49 151 0000{i:04d}</li>" for i in range(40))
        h.send(200, page(f"Page {number}", f"<h1>Listing {number}</h1><ul>{items}</ul>"
                                           f"<img src='/image/small-{number}.bmp' width=40>"))

    def redirect_to(self, location, status):
        def handler(h):
            h.send(status, b"", headers=[("Location", location)])
        return handler

    def meta_refresh(self, h):
        h.send(200, page("Hop 3", "<p>Moving on…</p>", head="<meta http-equiv='refresh' content='0; url=/chain/4'>"))

    def script_redirect(self, h):
        h.send(200, page("Hop 4", "<p>One more…</p><script>location.replace('/chain/final')</script>"))

    def chain_final(self, h):
        h.send(200, page("Chain end", "<h1>The end of the chain</h1>"))

    def slow(self, h):
        h.send(200, page("Slow", "<h1>Still loading</h1><p>The rest is on its way.</p>"
                                 "<script async src='/trickle'></script>"))

    def trickle(self, h):
        # Headers, then a byte now and then, forever: the load event never fires. A script
        # (of spaces, which is valid) rather than an image, which Chromium would give up on.
        h.send_response(200)
        h.send_header("Content-Type", "text/javascript")
        h.send_header("Content-Length", str(10**9))
        h.end_headers()
        while not self.stopping.wait(0.3):
            h.wfile.write(b" ")
            h.wfile.flush()
            self.trickle_bytes_sent += 1

    def download_page(self, h):
        h.send(200, page("Download", "<h1>Get the file</h1><a id=get href='/files/big.bin' download>file</a>"
                                     "<script>document.getElementById('get').click()</script>"))

    def big_file(self, h):
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Disposition", "attachment; filename=\"passports.zip\"")
        h.send_header("Content-Length", str(DOWNLOAD_SIZE))
        h.end_headers()
        chunk = bytes(range(256)) * 256
        while self.download_bytes_sent < DOWNLOAD_SIZE and not self.stopping.is_set():
            h.wfile.write(chunk)
            self.download_bytes_sent += len(chunk)

    def dialogs(self, h):
        h.send(200, page("Dialogs", "<h1>Dialogs</h1><p id=answer>none</p><script>"
                                    "alert('Age check: are you over 18?');"
                                    "document.getElementById('answer').textContent = "
                                    "'confirm said ' + confirm('Stay on this page?');"
                                    "</script>"))

    def endless(self, h):
        h.send(200, page("Endless", "<h1>Endless</h1><div id=feed></div><script>"
                                    "let n = 0; const feed = document.getElementById('feed');"
                                    "function more() { for (let i = 0; i < 10; i++) {"
                                    " const d = document.createElement('div'); d.style.height = '200px';"
                                    " d.textContent = 'advert ' + (n++); feed.appendChild(d); } }"
                                    "more(); window.addEventListener('scroll', () => {"
                                    " if (innerHeight + scrollY > document.body.scrollHeight - 1500) more(); });"
                                    "</script>"))

    def popups(self, h):
        h.send(200, page("Pop-ups", "<h1>Pop-ups</h1><button id=b onclick=\"window.open('/popup-target?click')\">"
                                    "offer</button><script>window.open('/popup-target?load');"
                                    "setTimeout(() => document.getElementById('b').click(), 100)</script>"))

    def popup_target(self, h):
        h.send(200, page("Pop-up", "<h1>Win a prize</h1><script>alert('from the pop-up')</script>"))

    def framed(self, h):
        h.send(200, page("Framed", "<h1>Outer</h1><iframe src='/frame-content' width=400 height=200></iframe>"))

    def frame_content(self, h):
        h.send(200, page("Inner", "<p id=inner>Inside the frame: Telegram @recruiter_eu</p>"))

    def cyrillic(self, h):
        body = ("<!doctype html><html><head><meta charset='windows-1251'><title>Работа</title></head>"
                f"<body><h1>{CYRILLIC}</h1></body></html>").encode("cp1251")
        h.send(200, body, content_type="text/html; charset=windows-1251")

    def cookies(self, h):
        h.send(200, page("Cookies", "<h1>Cookies set</h1>"),
               headers=[("Set-Cookie", "session=suspect-session-1; Path=/"),
                        ("Set-Cookie", "tracker=abc; Path=/; Max-Age=3600")])

    def echo_cookies(self, h):
        cookie = h.headers.get("Cookie") or "no cookies"
        h.send(200, page("Echo", f"<p id=cookies>{html.escape(cookie)}</p>"))

    def reaches_own(self, h):
        own = self.own_origin
        h.send(200, page("Own", "<h1>Reaching out</h1>"
                                f"<img src='{own}/static/logo.png'>"
                                f"<script src='{own}/api/v1/cases/'></script>"
                                f"<iframe src='{own}/admin/'></iframe>"
                                f"<script>fetch('{own}/api/v1/operations/').catch(() => null);"
                                f"new Image().src = '{own}/beacon';</script>"))

    def redirect_to_own(self, h):
        h.send(302, b"", headers=[("Location", f"{self.own_origin}/accounts/login/")])

    def images(self, h):
        tags = "".join(f"<img src='/image/big-{n}.bmp' width=200>" for n in range(6))
        h.send(200, page("Images", f"<h1>Gallery</h1>{tags}"))

    def image(self, h):
        name = h.path.rsplit("/", 1)[-1]
        side = IMAGE_SIDE if name.startswith("big-") else 16
        h.send(200, bmp(side, sum(name.encode())), content_type="image/bmp")

    def spin(self, h):
        # Renders, then its script never gives the thread back: nothing more can be asked of it.
        h.send(200, page("Spin", "<h1>Busy</h1><script>setTimeout(() => { for (;;) {} }, 50)</script>"))

    def secure(self, h):
        h.send(200, page("Secure", "<h1>Served over TLS</h1>"))


def self_signed_certificate(folder: Path, *, common_name: str = "hostile.test") -> tuple:
    """A throwaway certificate for 127.0.0.1: (certificate, certificate file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hostile Test Site")])
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "site.crt", folder / "site.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return certificate, cert_file, key_file


class ConnectProxy:
    """A plain HTTP proxy that only tunnels (CONNECT), standing in for the worker's egress proxy.

    ``targets`` lists the host:port of every tunnel asked for.
    """

    def __init__(self):
        self.targets: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                proxy.targets.append(self.path)
                host, port = self.path.rsplit(":", 1)
                try:
                    upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
                except OSError:
                    self.send_error(502)
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                with upstream, selectors.DefaultSelector() as selector:
                    selector.register(self.connection, selectors.EVENT_READ, upstream)
                    selector.register(upstream, selectors.EVENT_READ, self.connection)
                    while not proxy.stopping.is_set():
                        for key, _ in selector.select(timeout=0.5):
                            data = key.fileobj.recv(65536)
                            if not data:
                                return
                            key.data.sendall(data)

        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
