"""The way out: the configured egress, and the guard every browser connection passes through.

The browser of a capture is given one proxy, the guard: a SOCKS5 server on loopback, started
for that capture. Chromium hands it every connection by host name (SOCKS5 resolves remotely),
loopback included (Playwright adds ``<-loopback>`` to the bypass list), and the guard decides
where the connection really goes:

* direct egress: the guard resolves the name itself, checks every address with the capture's
  AddressPolicy and connects to an address it checked — so no redirect, subresource,
  WebSocket, preconnect or rebinding DNS answer reaches an address the policy refuses;
* an HTTP proxy or a SOCKS5 proxy (a Tor client for onion addresses): the guard checks what it
  can without resolving (address literals, localhost, ActionDay's own names) and opens the
  connection through that proxy, by name, so the egress resolves it and our DNS never learns
  what was captured. An HTTP proxy is asked with CONNECT, for plain HTTP as well: it must allow
  CONNECT to ports 80 and 443.

UDP never goes through a SOCKS proxy: QUIC is off (``--disable-quic``) and WebRTC is told not to
use non-proxied UDP (see engine.CHROMIUM_ARGS).
"""

import base64
import ipaddress
import selectors
import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .addresses import AddressPolicy, Refused

CONNECT_TIMEOUT = 15.0


@dataclass(frozen=True)
class Egress:
    """How captures leave the worker: ``direct``, an ``http`` proxy or a ``socks5`` proxy."""

    kind: str
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, proxy: str | None) -> "Egress":
        if not proxy:
            return cls(kind="direct")
        parts = urlsplit(proxy)
        kind = {"http": "http", "socks5": "socks5", "socks5h": "socks5"}.get(parts.scheme.lower())
        if kind is None or not parts.hostname:
            raise ValueError(f"egress must be http://host:port or socks5://host:port, not {proxy!r}")
        if kind == "socks5" and parts.username:
            raise ValueError("a SOCKS5 egress with a password is not supported")
        port = parts.port or (1080 if kind == "socks5" else 3128)
        return cls(kind=kind, host=parts.hostname, port=port,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    def describe(self) -> str:
        """For the manifest: where the traffic went out, never the proxy's password."""
        if self.kind == "direct":
            return "direct"
        host = f"[{self.host}]" if ":" in (self.host or "") else self.host
        user = f"{self.username}@" if self.username else ""
        return f"{self.kind}://{user}{host}:{self.port}"


class EgressGuard:
    """A SOCKS5 server on 127.0.0.1 that lets through only what the policy allows.

    ``blocked`` lists the refused connections (host, port, reason); ``connections`` the
    connections made (host, port and, for direct egress, the address connected to), in order.
    """

    def __init__(self, *, policy: AddressPolicy, egress: Egress):
        self.policy = policy
        self.egress = egress
        self.blocked: list[dict] = []
        self.connections: list[dict] = []
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.guard = self
        self.port = self._server.server_address[1]
        # The guard itself is not a destination, whatever allow_private says.
        self.policy.forbid(f"127.0.0.1:{self.port}")
        # A short poll: stop() waits for it, once per capture.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="capture-guard", daemon=True)

    @property
    def proxy_url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def start(self) -> "EgressGuard":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            _close(sock)
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        _close(sock)

    def _note(self, listing: list, entry: dict) -> None:
        with self._lock:
            listing.append(entry)

    def open(self, host: str, port: int) -> socket.socket:
        """A connection to host:port through the egress, or Refused/OSError."""
        try:
            addresses = self.policy.check_host(host, port)
        except Refused as refusal:
            self._note(self.blocked, {"host": host, "port": port, "reason": str(refusal)})
            raise
        if self.egress.kind == "direct":
            return self._open_direct(host, port, addresses)
        upstream = socket.create_connection((self.egress.host, self.egress.port), timeout=CONNECT_TIMEOUT)
        try:
            if self.egress.kind == "socks5":
                _socks5_connect(upstream, host, port)
            else:
                _http_connect(upstream, host, port, self.egress)
        except BaseException:
            _close(upstream)
            raise
        self._note(self.connections, {"host": host, "port": port, "address": None})
        return upstream

    def _open_direct(self, host, port, addresses) -> socket.socket:
        error: Exception = OSError(f"no address for {host}")
        for address in addresses:
            try:
                self.policy.check_connect(address, port)
            except Refused as refusal:
                self._note(self.blocked, {"host": host, "port": port, "reason": str(refusal)})
                raise
            try:
                sock = socket.create_connection((str(address), port), timeout=CONNECT_TIMEOUT)
            except OSError as exc:
                error = exc
                continue
            self._note(self.connections, {"host": host, "port": port, "address": str(address)})
            return sock
        raise error


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    guard: EgressGuard


class _Handler(socketserver.BaseRequestHandler):
    # SOCKS5 (RFC 1928), CONNECT only, no authentication: it listens on loopback for one capture.

    def handle(self):
        guard: EgressGuard = self.server.guard
        client: socket.socket = self.request
        guard._track(client)
        upstream = None
        try:
            client.settimeout(CONNECT_TIMEOUT)
            version, count = _read(client, 2)
            _read(client, count)
            if version != 5:
                return
            client.sendall(b"\x05\x00")
            version, command, _, kind = _read(client, 4)
            if kind == 1:
                host = str(ipaddress.IPv4Address(_read(client, 4)))
            elif kind == 4:
                host = str(ipaddress.IPv6Address(_read(client, 16)))
            elif kind == 3:
                host = _read(client, _read(client, 1)[0]).decode("idna")
            else:
                return client.sendall(_reply(8))
            (port,) = struct.unpack("!H", _read(client, 2))
            if command != 1:
                return client.sendall(_reply(7))
            try:
                upstream = guard.open(host, port)
            except Refused:
                return client.sendall(_reply(2))  # "connection not allowed by ruleset"
            except OSError:
                return client.sendall(_reply(5))
            guard._track(upstream)
            client.sendall(_reply(0))
            _pipe(client, upstream)
        except (OSError, ValueError, UnicodeError):
            pass
        finally:
            if upstream is not None:
                guard._untrack(upstream)
            guard._untrack(client)


def _reply(code: int) -> bytes:
    return bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0])


def _read(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise OSError("connection closed during the handshake")
        data += chunk
    return data


def _pipe(a: socket.socket, b: socket.socket) -> None:
    a.settimeout(None)
    b.settimeout(None)
    with selectors.DefaultSelector() as selector:
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        while True:
            for key, _ in selector.select(timeout=60):
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)


def _socks5_connect(sock: socket.socket, host: str, port: int) -> None:
    sock.sendall(b"\x05\x01\x00")
    if _read(sock, 2) != b"\x05\x00":
        raise OSError("the SOCKS5 egress wants authentication")
    name = host.encode("idna")
    sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", port))
    _, code, _, kind = _read(sock, 4)
    _read(sock, {1: 4, 4: 16}.get(kind) or _read(sock, 1)[0])
    _read(sock, 2)
    if code != 0:
        raise OSError(f"the SOCKS5 egress could not connect (code {code})")
    sock.settimeout(None)


def _http_connect(sock: socket.socket, host: str, port: int, egress: Egress) -> None:
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if egress.username:
        token = base64.b64encode(f"{egress.username}:{egress.password or ''}".encode()).decode()
        lines.append(f"Proxy-Authorization: Basic {token}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    answer = b""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while b"\r\n\r\n" not in answer:
        if time.monotonic() > deadline or len(answer) > 16384:
            raise OSError("the HTTP egress did not answer CONNECT")
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the HTTP egress closed the connection")
        answer += chunk
    status = answer.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        raise OSError(f"the HTTP egress refused CONNECT: {answer.split(b'\r\n', 1)[0].decode(errors='replace')}")
    sock.settimeout(None)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
