"""Capture one web page as evidence: drive Chromium, record everything, hash it, list it.

    with Capturer() as capturer:                       # one Chromium for many captures
        result = capturer.capture(url, out_dir=folder, proxy="socks5://127.0.0.1:9050")
    result.manifest_sha256                              # for the audit trail

    result = capture_page(url, out_dir=folder)          # the same, with a browser of its own

The choices that shape a capture, and why:

* **Time.** ``time_limit`` (default 60 s) bounds the whole capture. Loading (navigation,
  redirects, scrolling) may use the first three quarters — of which the last third, at most
  10 s, is kept for scrolling even when the page never finishes —; the rest is for saving. A page
  that has not fired its load event by then is saved as rendered at that moment and marked
  ``load.complete = false`` in the manifest, with the requests still open: evidence of what the
  page showed beats no evidence. A page that has not even sent its first document by then is a
  failure. Should anything still run at the limit (a renderer spinning in a script, a
  screenshot that never returns), a watchdog kills the browser process: the capture fails with
  that reason and the next capture starts a new browser.
* **Size.** ``size_limit`` (default 50 MB) bounds the response bodies stored in the WARC, which
  is what a page controls. A body that does not fit in what is left is not stored (its record
  keeps the headers and says ``WARC-Truncated: length``) and the manifest says the capture was
  truncated and lists what was left out. The screenshot and rendered HTML are always kept
  (bounded by the scroll limit); the MHTML snapshot, a second copy of the page's resources, is
  dropped when it alone is larger than the limit, and the manifest says so.
* **Isolation.** Each capture gets a new browser context: no cookies, storage, cache or
  permissions from any other capture or from the application. One Chromium process is reused
  across captures (``Capturer``) because starting one costs far more than the capture itself;
  contexts are Chromium's separate off-the-record profiles, and site isolation keeps their
  renderers in separate processes. The browser is restarted after ``restart_every`` captures
  and after any capture that failed, so nothing a page could leave behind outlives long.
* **Reach.** See addresses.py and egress.py: requests are checked twice, by URL in the browser
  (listed in ``blocked_requests``) and by address at connection time in the egress guard
  (``blocked_connections``).
"""

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from .addresses import AddressPolicy, Refused
from .egress import Egress, EgressGuard
from .manifest import FORMAT, file_entry, write_manifest
from .tls import certificate_details
from .warc import WarcRecorder

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
    # WebRTC could otherwise reach addresses over UDP, which never passes the egress guard.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--dns-prefetch-disable",
]
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIME_LIMIT = 60
DEFAULT_SIZE_LIMIT = 50 * 1024 * 1024
DEFAULT_SCROLL_LIMIT_PX = 20_000
# After the load event, the page is taken as settled once the network was quiet this long
# (so a meta refresh or a script's redirect right after load is followed), or at most this long.
QUIET_S = 0.6
SETTLE_AFTER_LOAD_S = 5.0
SCROLL_PAUSE_MS = 250
# How a navigation fails when _route or the egress guard refused it.
REFUSAL_ERRORS = ("ERR_BLOCKED_BY_CLIENT", "ERR_SOCKS_CONNECTION_FAILED", "ERR_PROXY_CONNECTION_FAILED",
                  "ERR_TUNNEL_CONNECTION_FAILED")

SCREENSHOT, HTML, MHTML = "screenshot.png", "page.html", "page.mhtml"
WARC, MANIFEST = "capture.warc.gz", "manifest.json"


class CaptureError(Exception):
    """The capture produced no evidence; ``reason`` says why, in words for the user."""

    def __init__(self, reason: str, details: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.details = details or {}


class CaptureRefused(CaptureError):
    """The address may not be captured (non-public, ActionDay's own, not http/https)."""


@dataclass
class CaptureResult:
    out_dir: Path
    manifest: dict
    manifest_sha256: str
    files: list[dict] = field(default_factory=list)

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / MANIFEST

    @property
    def final_url(self) -> str:
        return self.manifest["final_url"]

    @property
    def status(self) -> int | None:
        return self.manifest["main_document"]["status"]

    @property
    def complete(self) -> bool:
        return self.manifest["load"]["complete"]

    @property
    def truncated(self) -> bool:
        return self.manifest["truncated"]


def capture_page(url: str, *, out_dir, **options) -> CaptureResult:
    """Capture ``url`` into ``out_dir`` with a browser started for this capture alone.

    Options are those of ``Capturer.capture``.
    """
    with Capturer() as capturer:
        return capturer.capture(url, out_dir=out_dir, **options)


class Capturer:
    """One Chromium, reused by captures that follow one another (one capture at a time).

    ``browser_type``: a Playwright ``BrowserType`` to launch Chromium with, for a caller that
    already runs Playwright's sync API in this thread (a second one cannot start there);
    by default the Capturer starts Playwright itself.
    """

    def __init__(self, *, executable_path: str = CHROMIUM, restart_every: int = 50, browser_type=None):
        self.executable_path = executable_path
        self.restart_every = restart_every
        self._browser_type = browser_type
        self._playwright_manager = None
        self._browser = None
        self._browser_pid = None
        self._user_agent = None
        self._captures_on_browser = 0

    def __enter__(self) -> "Capturer":
        if self._browser_type is None:
            self._playwright_manager = sync_playwright()
            self._browser_type = self._playwright_manager.start().chromium
        return self

    def __exit__(self, *exc) -> None:
        self._close_browser()
        if self._playwright_manager is not None:
            self._playwright_manager.__exit__(*exc)
            self._playwright_manager = self._browser_type = None

    def capture(self, url: str, *, out_dir, proxy: str | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
                size_limit: int = DEFAULT_SIZE_LIMIT, scroll_limit_px: int = DEFAULT_SCROLL_LIMIT_PX,
                allow_private: bool = False, forbidden_origins=(), ignore_https_errors: bool = False,
                on_progress=None) -> CaptureResult:
        """Capture ``url`` into the folder ``out_dir`` and return what was recorded.

        ``proxy``: None (direct), ``http://[user:password@]host:port`` or ``socks5://host:port``.
        ``forbidden_origins``: ActionDay's own addresses (``https://host``, ``host:port``, an
        address); never reached, whatever ``allow_private`` says. ``allow_private`` and
        ``ignore_https_errors`` are for tests against a loopback site only.
        ``on_progress(stage, detail)`` is called with stage ``loading``, ``saving``, ``done``
        or ``failed`` (detail: the reason). Raises CaptureRefused or CaptureError.
        """
        progress = on_progress or (lambda stage, detail: None)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        existing = [name for name in (SCREENSHOT, HTML, MHTML, WARC, MANIFEST) if (out_dir / name).exists()]
        if existing:
            raise ValueError(f"{out_dir} already holds a capture ({', '.join(existing)})")
        egress = Egress.parse(proxy)
        policy = AddressPolicy.build(allow_private=allow_private, forbidden_origins=forbidden_origins,
                                     resolve_names=egress.kind == "direct")
        try:
            policy.check_url(url)
        except Refused as refusal:
            progress("failed", str(refusal))
            raise CaptureRefused(str(refusal)) from None

        try:
            browser = self._ready_browser()
        except PlaywrightError as error:
            self._close_browser()
            progress("failed", f"the browser could not be started: {_first_line(error)}")
            raise CaptureError(f"the browser could not be started: {_first_line(error)}") from None
        run = _CaptureRun(url=url, out_dir=out_dir, browser=browser, browser_version=browser.version,
                          user_agent=self._user_agent, egress=egress, policy=policy, time_limit=time_limit,
                          size_limit=size_limit, scroll_limit_px=scroll_limit_px,
                          ignore_https_errors=ignore_https_errors, progress=progress)
        watchdog = threading.Timer(time_limit, self._kill_browser, args=(run,))
        watchdog.daemon = True
        self._captures_on_browser += 1
        try:
            watchdog.start()
            result = run.execute(watchdog)
        except CaptureError as error:
            self._after_failure(out_dir, run)
            progress("failed", error.reason)
            raise
        except PlaywrightError as error:
            self._after_failure(out_dir, run)
            reason = (f"the time limit of {time_limit:g} s ran out while {run.phase}" if run.killed
                      else f"the browser failed while {run.phase}: {_first_line(error)}")
            progress("failed", reason)
            raise CaptureError(reason, run.details()) from None
        except Exception as error:
            # A fault of ours (a full disk, a bug): no half capture is left, and the caller
            # sees the real exception.
            self._after_failure(out_dir, run)
            progress("failed", f"the capture failed: {_first_line(error)}")
            raise
        finally:
            watchdog.cancel()
            run.guard.stop()
        progress("done", result.manifest_sha256)
        return result

    def _ready_browser(self):
        if self._browser is not None and (not self._browser.is_connected()
                                          or self._captures_on_browser >= self.restart_every):
            self._close_browser()
        if self._browser is None:
            self._browser = self._browser_type.launch(
                executable_path=self.executable_path, args=CHROMIUM_ARGS, headless=True)
            session = self._browser.new_browser_cdp_session()
            processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
            self._browser_pid = next(p["id"] for p in processes if p["type"] == "browser")
            session.detach()
            # Sites treat a "HeadlessChrome" user agent differently from a person's browser;
            # we present the browser's own user agent without that word (and record it).
            context = self._browser.new_context()
            agent = context.new_page().evaluate("navigator.userAgent")
            context.close()
            self._user_agent = agent.replace("HeadlessChrome", "Chrome")
            self._captures_on_browser = 0
        return self._browser

    def _kill_browser(self, run) -> None:
        # Runs on the watchdog thread, which may not call Playwright: end the process instead,
        # and every pending call in the capture's thread fails at once.
        run.killed = True
        try:
            os.kill(self._browser_pid, signal.SIGKILL)
        except (ProcessLookupError, TypeError):
            pass

    def _after_failure(self, out_dir: Path, run) -> None:
        # No half evidence lies around: the files this capture wrote go.
        run.discard()
        for name in (SCREENSHOT, HTML, MHTML, WARC, MANIFEST):
            (out_dir / name).unlink(missing_ok=True)
        self._close_browser()

    def _close_browser(self) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except PlaywrightError:
                pass
            if self._browser_pid:
                try:
                    os.kill(self._browser_pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._browser = None
        self._browser_pid = None


class _CaptureRun:
    """The state of one capture, from the first request to the manifest."""

    def __init__(self, *, url, out_dir, browser, browser_version, user_agent, egress, policy, time_limit,
                 size_limit, scroll_limit_px, ignore_https_errors, progress):
        self.url = url
        self.out_dir = out_dir
        self.browser = browser
        self.browser_version = browser_version
        self.user_agent = user_agent
        self.egress = egress
        self.policy = policy
        self.time_limit = time_limit
        self.size_limit = size_limit
        self.scroll_limit_px = scroll_limit_px
        self.ignore_https_errors = ignore_https_errors
        self.progress = progress
        self.guard = EgressGuard(policy=policy, egress=egress).start()
        self.phase = "starting"
        self.killed = False
        self.started_at = datetime.now(UTC)
        self.t0 = time.monotonic()
        self.deadline = self.t0 + time_limit
        self.load_deadline = self.deadline - max(time_limit * 0.25, min(5.0, time_limit * 0.5))

        self.context = None
        self.page = None
        self.warc: WarcRecorder | None = None
        self.main_requests = []          # navigation requests of the main frame, in order
        self.seen = []                   # every request, in order
        self.written = set()              # requests already in the WARC
        self.responses = {}
        self.blocked_requests = []
        self.failed_requests = []
        self.dialogs = []
        self.popups = []
        self.downloads = []
        self.websockets = []
        self.loaded = False
        self.load_events = 0
        self.last_activity = time.monotonic()

    # -- the capture -----------------------------------------------------------------------

    def execute(self, watchdog) -> CaptureResult:
        self.warc = WarcRecorder(self.out_dir / WARC, size_limit=self.size_limit, info={
            "software": f"ActionDay capture engine (Playwright {package_version('playwright')}, "
                        f"warcio {package_version('warcio')})",
            "browser": f"Chromium {self.browser_version}",
            "http-header-user-agent": self.user_agent,
            "egress": self.egress.describe(),
            "isPartOf": self.url,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        })
        self.context = self.browser.new_context(
            viewport=VIEWPORT, user_agent=self.user_agent, accept_downloads=False, service_workers="block",
            ignore_https_errors=self.ignore_https_errors, proxy={"server": self.guard.proxy_url},
        )
        self.context.route("**/*", self._route)
        for event, handler in (("request", self._on_request), ("requestfinished", self._on_finished),
                               ("requestfailed", self._on_failed), ("response", self._on_response)):
            self.context.on(event, handler)
        self.page = self.context.new_page()
        self._watch(self.page)
        self.page.on("load", self._on_load)
        self.page.on("framenavigated", self._on_navigated)
        self.context.on("page", self._on_popup)
        # Chromium drops a document's resources when the next document commits, so the body of
        # a page that a script or meta refresh replaces at once is gone before it can be read.
        # "Durable messages" keep bodies in the browser process across navigations.
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable", {"maxTotalBufferSize": self.size_limit + 1,
                                         "maxResourceBufferSize": self.size_limit + 1,
                                         "enableDurableMessages": True})

        self.phase = "loading the page"
        self.progress("loading", self.url)
        self._navigate()
        # A page that never finishes loading still gets its share of scrolling.
        scroll_share = min(10.0, (self.load_deadline - self.t0) / 3)
        self._settle(self.load_deadline - scroll_share)
        self.phase = "scrolling the page"
        scroll = self._scroll()
        if scroll["steps"]:
            self._settle(min(self.load_deadline, time.monotonic() + 3))  # what scrolling brought in
        load_complete = self.loaded

        self.phase = "saving the page"
        self.progress("saving", self.page.url)
        main = self._main_document()
        if main is None:
            raise CaptureError(self._no_document_reason(), self.details())
        screenshot = self._save_screenshot()
        html_encoding = self._save_html()
        mhtml = self._save_mhtml(self.cdp)
        tls = self._tls(self.cdp, main)
        redirects = self._redirect_chain()
        final_url = self.page.url
        unfinished = self._write_unfinished()
        self.phase = "closing the browser context"
        self.context.close()
        watchdog.cancel()
        self.warc.close()
        ended_at = datetime.now(UTC)

        files = [file_entry(self.out_dir / SCREENSHOT, role="screenshot", media_type="image/png"),
                 file_entry(self.out_dir / HTML, role="rendered html",
                            media_type=f"text/html; charset={html_encoding}")]
        if mhtml["saved"]:
            files.append(file_entry(self.out_dir / MHTML, role="mhtml snapshot", media_type="multipart/related"))
        files.append(file_entry(self.out_dir / WARC, role="warc", media_type="application/warc"))
        manifest = {
            "format": FORMAT,
            "requested_url": self.url,
            "final_url": final_url,
            "redirects": redirects,
            "main_document": main,
            "tls": tls,
            "started_at": _utc(self.started_at),
            "ended_at": _utc(ended_at),
            "browser": {"name": "chromium", "version": self.browser_version, "user_agent": self.user_agent,
                        "viewport": dict(VIEWPORT)},
            "software": {"engine": FORMAT, "playwright": package_version("playwright"),
                         "warcio": package_version("warcio")},
            "egress": {"kind": self.egress.kind, "proxy": self.egress.describe()},
            "limits": {"time_s": _number(self.time_limit), "size_bytes": self.size_limit,
                       "scroll_px": self.scroll_limit_px},
            "load": {"complete": load_complete, "unfinished_requests": unfinished,
                     "reason": None if load_complete else
                     f"the page had not finished loading when its share of the {self.time_limit:g} s "
                     "time limit ran out; saved as rendered then"},
            "truncated": self.warc.truncated or not mhtml["saved"],
            "size": {"bytes_recorded": self.warc.bytes_recorded, "not_recorded": self.warc.not_recorded,
                     "mhtml_omitted": None if mhtml["saved"] else mhtml["reason"]},
            "scroll": scroll,
            "screenshot": screenshot,
            "html_encoding": html_encoding,
            "requests": len(self.seen),
            "warc_records": self.warc.records,
            "blocked_requests": self.blocked_requests,
            "blocked_connections": list(self.guard.blocked),
            "connections": _unique(self.guard.connections),
            "failed_requests": self.failed_requests,
            "downloads": self.downloads,
            "dialogs": self.dialogs,
            "popups": self.popups,
            "websockets": self.websockets,
            "ignore_https_errors": self.ignore_https_errors,
            "files": files,
        }
        digest = write_manifest(self.out_dir / MANIFEST, manifest)
        return CaptureResult(out_dir=self.out_dir, manifest=manifest, manifest_sha256=digest, files=files)

    def _navigate(self) -> None:
        try:
            self.page.goto(self.url, wait_until="commit", timeout=_ms(self.load_deadline))
        except PlaywrightTimeout:
            raise CaptureError(f"no answer from {self.url} within {self.load_deadline - self.t0:.0f} s",
                               self.details()) from None
        except PlaywrightError as error:
            message = _first_line(error)
            if "Download is starting" in message:
                self._settle(min(self.load_deadline, time.monotonic() + 1))
                raise CaptureError(f"{self.url} starts a download, not a page; downloads are not captured",
                                   self.details()) from None
            if self.killed:
                raise
            if "net::ERR_" in message and not any(code in message for code in REFUSAL_ERRORS):
                raise CaptureError(f"the page could not be loaded: {message}", self.details()) from None
            raise CaptureError(self._no_document_reason(message), self.details()) from None

    def _settle(self, until: float) -> None:
        """Let the page load and run, recording as it goes, until it is loaded and quiet."""
        loaded_since = None
        while time.monotonic() < until:
            self.page.wait_for_timeout(100)
            now = time.monotonic()
            if not self.loaded:
                loaded_since = None
                continue
            loaded_since = loaded_since or now
            if now - self.last_activity >= QUIET_S or now - loaded_since >= SETTLE_AFTER_LOAD_S:
                return

    def _scroll(self) -> dict:
        """Scroll down a screen at a time so lazy content loads; stop at the end or the limit."""
        steps, reason, height = 0, "time", None
        max_steps = self.scroll_limit_px // VIEWPORT["height"] + 2
        while time.monotonic() < self.load_deadline:
            try:
                y, height = self.page.evaluate(
                    "() => [window.scrollY, document.documentElement.scrollHeight]")
                if y + VIEWPORT["height"] >= height - 1:
                    reason = "end of page"
                    break
                if y >= self.scroll_limit_px or steps >= max_steps:
                    reason = "scroll limit"
                    break
                self.page.evaluate("h => window.scrollBy(0, h)", VIEWPORT["height"])
            except PlaywrightError as error:
                if self.killed or self.page.is_closed():
                    raise
                # The page navigated away under us (a script's redirect): start over there.
                reason = f"interrupted: {_first_line(error)}"
                self.page.wait_for_timeout(SCROLL_PAUSE_MS)
                continue
            steps += 1
            self.page.wait_for_timeout(SCROLL_PAUSE_MS)
        try:
            self.page.evaluate("() => window.scrollTo(0, 0)")
        except PlaywrightError:
            if self.killed:
                raise
        return {"steps": steps, "stopped_by": reason, "page_height_px": height}

    # -- saving ----------------------------------------------------------------------------

    def _save_screenshot(self) -> dict:
        height = self.page.evaluate("() => document.documentElement.scrollHeight") or VIEWPORT["height"]
        limit = self.scroll_limit_px + VIEWPORT["height"]
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, limit)}
        self.page.screenshot(path=self.out_dir / SCREENSHOT, full_page=True, clip=clip, animations="disabled",
                             timeout=_ms(self.deadline))
        return {"page_height_px": height, "height_px": clip["height"], "clipped": height > limit}

    def _save_html(self) -> str:
        # The rendered DOM, written in the page's own character set so that its own
        # <meta charset> stays true; a charset Python does not know is written as UTF-8.
        html = self.page.content()
        charset = self.page.evaluate("() => document.characterSet") or "UTF-8"
        try:
            data = html.encode(charset, errors="xmlcharrefreplace")
        except LookupError:
            charset, data = "UTF-8", html.encode("utf-8")
        (self.out_dir / HTML).write_bytes(data)
        return charset

    def _save_mhtml(self, cdp) -> dict:
        data = cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"].encode("utf-8")
        if len(data) > self.size_limit:
            return {"saved": False, "reason": f"the MHTML snapshot ({len(data)} bytes) is larger than the size limit"}
        (self.out_dir / MHTML).write_bytes(data)
        return {"saved": True}

    def _tls(self, cdp, main: dict) -> dict | None:
        if urlsplit(main["url"]).scheme != "https":
            return None
        request = self._final_main_request()
        details = request.response().security_details() if request and request.response() else None
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(main["url"]))
        try:
            chain = cdp.send("Network.getCertificate", {"origin": origin}).get("tableNames", [])
        except PlaywrightError:
            if self.killed:
                raise
            chain = []
        return certificate_details(chain, details)

    # -- what the page did -----------------------------------------------------------------

    def _watch(self, page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)
        page.on("websocket", lambda ws: self.websockets.append({"url": ws.url}))

    def _route(self, route, request) -> None:
        try:
            self.policy.check_url(request.url)
        except Refused as refusal:
            self.blocked_requests.append({"url": request.url, "resource_type": request.resource_type,
                                          "reason": str(refusal)})
            route.abort("blockedbyclient")
            return
        route.continue_()

    def _on_request(self, request) -> None:
        self.seen.append(request)
        self.last_activity = time.monotonic()
        if request.is_navigation_request() and self.page is not None:
            try:
                frame = request.frame
            except PlaywrightError:
                return  # a pop-up's first request, issued before its frame exists
            if frame == self.page.main_frame:
                self.main_requests.append(request)

    def _on_response(self, response) -> None:
        self.responses[id(response.request)] = response

    def _on_finished(self, request) -> None:
        self.last_activity = time.monotonic()
        self._record(request, None)

    def _on_failed(self, request) -> None:
        self.last_activity = time.monotonic()
        self._record(request, request.failure or "failed")

    def _on_load(self, _page) -> None:
        self.loaded = True
        self.load_events += 1

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loaded = False
            self.last_activity = time.monotonic()

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append({"type": dialog.type, "message": dialog.message, "default_value": dialog.default_value,
                             "page_url": dialog.page.url if dialog.page else None})
        try:
            dialog.dismiss()
        except PlaywrightError:
            pass

    def _on_download(self, download) -> None:
        # accept_downloads=False: Chromium cancels it; only its address and name are kept.
        self.downloads.append({"url": download.url, "suggested_filename": download.suggested_filename})

    def _on_popup(self, popup) -> None:
        opener = popup.opener()
        self.popups.append({"url": popup.url, "opener_url": opener.url if opener else None})
        self._watch(popup)
        try:
            popup.close()
        except PlaywrightError:
            pass

    # -- the WARC --------------------------------------------------------------------------

    def _record(self, request, failure) -> None:
        # Called from the event handler, at once: a document replaced by a meta refresh or a
        # script a moment later takes its body with it, so waiting for the main loop loses it.
        if id(request) in self.written or self.warc.closed:
            return
        self.written.add(id(request))
        if failure.startswith("net::ERR_BLOCKED_BY_CLIENT") if failure else False:
            return  # refused by _route: never sent, listed in blocked_requests
        if failure:
            self.failed_requests.append({"url": request.url, "error": failure})
        try:
            self._write(request, failure)
        except PlaywrightError:
            # The browser went away mid-way (time limit): the capture fails in the main flow.
            pass

    def _write(self, request, failure, truncated_reason=None) -> None:
        try:
            response = request.response() if not truncated_reason else self.responses.get(id(request))
        except PlaywrightError:
            if self.killed:
                raise
            response = None
        request_headers = _headers(request.headers_array, request.headers)
        post = request.post_data_buffer if request.method not in ("GET", "HEAD") else None
        if response is None:
            self.warc.record_exchange(url=request.url, method=request.method, request_headers=request_headers,
                                      request_body=post, status=None, status_text="", response_headers=[],
                                      body=None)
            return
        response_headers = (_headers(response.headers_array, response.headers) if not truncated_reason
                            else list(response.headers.items()))
        body, truncated = None, truncated_reason
        if truncated is None and failure:
            truncated = "disconnect"
        elif truncated is None and 300 <= response.status < 400:
            body = b""
        elif truncated is None:
            length = _content_length(response_headers)
            if length is not None and not self.warc.fits(length):
                self.warc.not_recorded.append({"url": request.url, "part": "response body", "size": length})
                truncated = "length"
            else:
                try:
                    body = response.body()
                except PlaywrightError:
                    if self.killed:
                        raise
                    truncated = "unspecified"
        self.warc.record_exchange(
            url=request.url, method=request.method, request_headers=request_headers, request_body=post,
            status=response.status, status_text=response.status_text, response_headers=response_headers,
            body=body, truncated=truncated, remote_address=self._address_of(request.url))

    def _write_unfinished(self) -> list[str]:
        """Write what was still under way at the end; return the page's own open requests.

        Requests of pop-ups, closed on sight, are written too ("disconnect") but are not what
        kept the page from loading.
        """
        unfinished = []
        for request in self.seen:
            if id(request) in self.written:
                continue
            self.written.add(id(request))
            try:
                own = request.frame.page == self.page
            except PlaywrightError:
                own = False
            if own:
                unfinished.append(request.url)
            self._write(request, None, truncated_reason="time" if own else "disconnect")
        return unfinished

    def _address_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        try:
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            return None
        for connection in reversed(self.guard.connections):
            if connection["host"] == parts.hostname and connection["port"] == port:
                return connection["address"]
        return None

    # -- reading the result ----------------------------------------------------------------

    def _final_main_request(self):
        for request in reversed(self.main_requests):
            try:
                response = request.response()
            except PlaywrightError:
                continue
            if response is not None and not 300 <= response.status < 400:
                return request
        return None

    def _main_document(self) -> dict | None:
        request = self._final_main_request()
        if request is None or self.page.url.startswith("chrome-error:"):
            return None
        response = request.response()
        return {"url": request.url, "status": response.status, "status_text": response.status_text,
                "headers": [list(pair) for pair in _headers(response.headers_array, response.headers)],
                "remote_address": self._address_of(request.url)}

    def _redirect_chain(self) -> list[dict]:
        chain = []
        for request in self.main_requests:
            try:
                response = request.response()
            except PlaywrightError:
                response = None
            how = ("requested" if not chain else "http redirect" if request.redirected_from else
                   "client navigation (meta refresh, script or link)")
            chain.append({"url": request.url, "status": response.status if response else None, "how": how,
                          "location": response.headers.get("location") if response else None})
        return chain

    def _no_document_reason(self, message: str | None = None) -> str:
        blocked = self.blocked_requests + [
            {"url": None, "reason": b["reason"]} for b in self.guard.blocked]
        if blocked:
            where = f"{blocked[-1]['url']}: " if blocked[-1]["url"] else ""
            return f"the page led to an address that may not be reached ({where}{blocked[-1]['reason']})"
        if self.downloads:
            return f"{self.url} starts a download, not a page; downloads are not captured"
        return f"the page could not be loaded: {message or 'no document was received'}"

    def details(self) -> dict:
        return {"blocked_requests": self.blocked_requests, "blocked_connections": list(self.guard.blocked),
                "downloads": self.downloads, "dialogs": self.dialogs, "popups": self.popups}

    def discard(self) -> None:
        if self.warc is not None:
            self.warc.close()
        if self.context is not None:
            try:
                self.context.close()
            except PlaywrightError:
                pass


def _headers(raw, fallback: dict) -> list[tuple[str, str]]:
    # The raw headers, as on the wire (repeated Set-Cookie kept apart); Playwright's merged
    # dict when the raw ones cannot be had (the page is gone).
    try:
        return [(h["name"], h["value"]) for h in raw()]
    except PlaywrightError:
        return list(fallback.items())


def _content_length(headers) -> int | None:
    for name, value in headers:
        if name.lower() == "content-length" and value.strip().isdigit():
            return int(value)
    return None


def _unique(connections: list[dict]) -> list[dict]:
    seen, result = set(), []
    for connection in connections:
        key = (connection["host"], connection["port"], connection["address"])
        if key not in seen:
            seen.add(key)
            result.append(dict(connection))
    return result


def _ms(deadline: float) -> float:
    return max(1.0, (deadline - time.monotonic()) * 1000)


def _utc(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: float):
    return int(value) if float(value).is_integer() else str(value)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
