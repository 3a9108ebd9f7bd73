"""The WARC file of a capture: every request and response the browser made, as it saw them.

Records are written with warcio as the browser reports each exchange, so a capture cut short
still has a valid file up to that point. Bodies are what the browser received after content
decoding (Playwright hands them over decoded): the headers that described the encoding on the
wire are kept under ``X-Archive-Orig-*`` names (as pywb and other archiving tools do) and
Content-Length is set to the body stored, so a replay tool reads the body as it is.

A body that does not fit in what is left of the size limit is not stored: its response record
keeps the status line and headers, and says ``WARC-Truncated: length`` (WARC 1.1, 5.13). A
response still arriving when the capture ended is written the same way with ``time``.
"""

import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Describe a body's transfer, which no longer applies to the decoded body we store.
WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def warc_date(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcRecorder:
    def __init__(self, path, *, size_limit: int, info: dict[str, str]):
        self.path = path
        self.size_limit = size_limit
        self.bytes_recorded = 0
        self.not_recorded: list[dict] = []
        self.records = 0
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._write(self._writer.create_warcinfo_record(path.name, info))

    @property
    def truncated(self) -> bool:
        return bool(self.not_recorded)

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._file.close()

    def fits(self, size: int) -> bool:
        return self.bytes_recorded + size <= self.size_limit

    def record_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                        request_body: bytes | None, status: int | None, status_text: str,
                        response_headers: list[tuple[str, str]], body: bytes | None,
                        truncated: str | None = None, remote_address: str | None = None) -> str | None:
        """Write the request record and, when there was a response, the response record.

        ``body`` None with a ``truncated`` reason writes the headers only. Returns the response
        record's WARC-Record-ID (None when only the request was written).
        """
        date = warc_date()
        request_body = request_body or b""
        if request_body and not self.fits(len(request_body)):
            self.not_recorded.append({"url": url, "part": "request body", "size": len(request_body)})
            request_body, request_truncated = b"", "length"
        else:
            request_truncated = None
            self.bytes_recorded += len(request_body)
        response_id = None
        if status is not None:
            if body is not None and not self.fits(len(body)):
                self.not_recorded.append({"url": url, "part": "response body", "size": len(body)})
                body, truncated = None, "length"
            elif body is not None:
                self.bytes_recorded += len(body)
            response_id = self._write_response(url, date, status, status_text, response_headers, body or b"",
                                               truncated, remote_address)
        self._write_request(url, date, method, request_headers, request_body, request_truncated, response_id)
        return response_id

    def _write_response(self, url, date, status, status_text, headers, body, truncated, remote_address):
        kept = []
        for name, value in headers:
            if name.lower() in WIRE_HEADERS:
                kept.append((f"X-Archive-Orig-{name}", value))
            else:
                kept.append((name, value))
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {status_text}".strip(), _clean(kept), protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        if remote_address:
            warc_headers["WARC-IP-Address"] = remote_address
        record = self._writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                 http_headers=http_headers, warc_headers_dict=warc_headers)
        self._write(record)
        return record.rec_headers.get_header("WARC-Record-ID")

    def _write_request(self, url, date, method, headers, body, truncated, response_id):
        target = _request_target(url)
        headers = [(n, v) for n, v in headers if not n.startswith(":")]  # HTTP/2 pseudo-headers
        if body:
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{method} {target} HTTP/1.1", _clean(headers), is_http_request=True)
        warc_headers = {"WARC-Date": date}
        if response_id:
            warc_headers["WARC-Concurrent-To"] = response_id
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        record = self._writer.create_warc_record(url, "request", payload=io.BytesIO(body), length=len(body),
                                                 http_headers=http_headers, warc_headers_dict=warc_headers)
        self._write(record)

    def _write(self, record) -> None:
        self._writer.write_record(record)
        self.records += 1


def _request_target(url: str) -> str:
    # The request line carries path and query, as sent on the wire (the fragment never is).
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _clean(headers):
    # A header value with a line break would forge further headers in the record.
    return [(n, v.replace("\r", " ").replace("\n", " ")) for n, v in headers]
