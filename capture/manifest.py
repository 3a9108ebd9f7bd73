"""The manifest: what a capture recorded, each file with its SHA-256, in one canonical JSON.

Canonical means the same content always gives the same bytes, so the manifest's SHA-256 (which
the caller writes to the audit trail) can be recomputed by anyone from the file alone: keys
sorted, no insignificant whitespace, non-ASCII escaped, UTF-8, no trailing newline. Values are
strings, integers, booleans, null, lists and objects only (no floats), which keeps the encoding
free of number-formatting questions.
"""

import hashlib
import json
from pathlib import Path

FORMAT = "actionday-capture/1"


def canonical_json(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def file_entry(path: Path, *, role: str, media_type: str) -> dict:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return {"name": path.name, "role": role, "media_type": media_type, "size": size, "sha256": digest.hexdigest()}


def write_manifest(path: Path, document: dict) -> str:
    """Write the manifest and return its SHA-256 (hex)."""
    data = canonical_json(document)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def verify(out_dir: Path, manifest_sha256: str | None = None) -> list[str]:
    """Problems found when checking a capture folder against its manifest (empty: all good).

    For whoever receives the files later (a prosecutor's expert): every listed file is there
    with its size and SHA-256, and the manifest is the one whose hash was recorded.
    """
    problems = []
    data = (out_dir / "manifest.json").read_bytes()
    if manifest_sha256 and hashlib.sha256(data).hexdigest() != manifest_sha256:
        problems.append("manifest.json does not have the recorded SHA-256")
    for entry in json.loads(data)["files"]:
        path = out_dir / entry["name"]
        if not path.is_file():
            problems.append(f"{entry['name']} is missing")
            continue
        actual = file_entry(path, role=entry["role"], media_type=entry["media_type"])
        if (actual["size"], actual["sha256"]) != (entry["size"], entry["sha256"]):
            problems.append(f"{entry['name']} differs from the manifest")
    return problems
