"""The case file's page captures: for each, the top of its screenshot, the defanged addresses, the
times, the egress and browser, and the hashes that let a court check the files (manifest and each file).

The captured page itself is never rendered here: only the screenshot the capture took, as an image.
"""

import io

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Table, TableStyle

from identifiers.canonical import defang

from .common import empty, section
from .style import BODY_WIDTH, FONT, FONT_MONO, RULE, ZEBRA, fmt_time, para
from .tables import wrap_text

THUMB_WIDTH = 46 * mm
LABEL_WIDTH = 30 * mm
# The top of the page, as a person first sees it: at most this much of the screenshot (pixels, as wide as it is).
THUMB_CROP = (1280, 1600)
THUMB_PIXELS = 420


def thumbnail(evidence) -> Image | None:
    """The top of the screenshot, scaled down; None when the file cannot be read as an image."""
    try:
        with evidence.file.open("rb") as handle, PILImage.open(handle) as picture:
            if picture.format != "PNG":
                return None
            width, height = picture.size
            top = picture.crop((0, 0, min(width, THUMB_CROP[0]), min(height, THUMB_CROP[1])))
            top.thumbnail((THUMB_PIXELS, THUMB_PIXELS * 2))
            out = io.BytesIO()
            top.convert("RGB").save(out, format="PNG")
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None
    out.seek(0)
    shown_width, shown_height = top.size
    return Image(out, width=THUMB_WIDTH, height=THUMB_WIDTH * shown_height / shown_width)


def _mono(text: str, width: float) -> str:
    return wrap_text(text, width, font=FONT_MONO, size=6.5)


def _facts(capture, evidence_numbers: dict) -> Table:
    value_width = BODY_WIDTH - THUMB_WIDTH - LABEL_WIDTH - 6 * mm
    files = []
    for e in capture.ordered_files:
        number = evidence_numbers.get(e.pk)
        files.append(f"{number + ' ' if number else ''}{e.original_name}\n{e.sha256}")
    rows = [
        ("Requested", wrap_text(defang(capture.address), value_width, size=7.5)),
        ("Final address", wrap_text(defang(capture.final_url), value_width, size=7.5)
         + (f"\nHTTP {capture.http_status}" if capture.http_status else "")),
        ("Captured", f"{fmt_time(capture.started_at)}\nto {fmt_time(capture.ended_at)}"),
        ("Asked by", f"{capture.created_by.get_username()} (team {capture.team})"),
        ("Egress", capture.egress or "—"),
        ("Browser", f"Chromium {capture.browser_version}"),
    ]
    if capture.tls_fingerprint:
        rows.append(("TLS certificate SHA-256", _mono(capture.tls_fingerprint, value_width)))
    if capture.load_complete is False:
        rows.append(("Note", "The page had not finished loading when its time ran out; saved as rendered then."))
    if capture.truncated:
        rows.append(("Size", "Some content was over the size limit: listed in the manifest, not stored."))
    rows.append(("Manifest SHA-256", _mono(capture.manifest_sha256, value_width)))
    rows.append(("Files (SHA-256)", "\n".join(files)))
    mono_rows = {len(rows) - 2, len(rows) - 1} | ({6} if capture.tls_fingerprint else set())
    table = Table([[label, value] for label, value in rows], colWidths=[LABEL_WIDTH, value_width])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        *[("FONT", (1, r), (1, r), FONT_MONO, 6.5) for r in sorted(mono_rows)],
    ]))
    return table


def captures_section(number, captures, evidence_numbers: dict) -> list:
    """``captures``: the case's finished captures the requester sees; ``evidence_numbers``: evidence id → "E3"."""
    out = section(number, f"Page captures ({len(captures)})")
    if not captures:
        return [*out, empty("No page of this case's URLs was captured.")]
    out.append(para("A worker's browser, apart from ActionDay, saved each page with everything it loaded (WARC), "
                    "as rendered (HTML, MHTML) and as shown (screenshot). The manifest lists every file with its "
                    "SHA-256 and is itself hashed; that hash was written to the audit trail when the capture was "
                    "stored. Addresses are defanged. manage.py verify_evidence checks the files again.", "small"))
    for capture in captures:
        # Only a screenshot listed with the case's evidence (as the requester sees it) is shown.
        shown = capture.screenshot is not None and capture.screenshot.pk in evidence_numbers
        picture = thumbnail(capture.screenshot) if shown else None
        layout = Table([[picture or para("(no screenshot)", "small"), _facts(capture, evidence_numbers)]],
                       colWidths=[THUMB_WIDTH + 3 * mm, BODY_WIDTH - THUMB_WIDTH - 3 * mm])
        layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("BOX", (0, 0), (0, 0), 0.4, RULE)]))
        # Named as its files' descriptions in the evidence list name it.
        out.append(KeepTogether([para(f"Page capture {capture.pk}", "h2"), layout]))
    return out
