"""Checking an operation's evidence against its recorded hashes: ``manage.py verify_evidence <code>``
and the coordinators' button on the operation page.

Every stored file is read again and its SHA-256 and size compared with its evidence row; every
finished page capture is checked as its recipient would check it (``capture.verify``: the manifest
is the one whose hash was recorded, and each file it lists is there with its size and hash), and
the capture's files must be the evidence rows the manifest names. Problems name records by id and
file name only, never their content.
"""

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

import audit
import capture
from findings.models import Evidence

from .models import Capture

CHUNK = 1 << 20


@dataclass
class Verification:
    operation: object
    files: int = 0
    captures: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        checked = f"{self.files} evidence file{'s' if self.files != 1 else ''} and {self.captures} page " \
                  f"capture{'s' if self.captures != 1 else ''} of {self.operation.code}"
        if self.intact:
            return f"Intact: {checked} match their recorded SHA-256."
        return f"NOT intact: {len(self.problems)} difference{'s' if len(self.problems) != 1 else ''} in {checked}."


def _label(evidence: Evidence) -> str:
    return f"evidence {evidence.pk} ({evidence.original_name or 'no name'})"


def _digest(evidence: Evidence) -> tuple[str, int] | None:
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        return None
    digest, size = hashlib.sha256(), 0
    with handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_file(evidence: Evidence) -> str | None:
    found = _digest(evidence)
    if found is None:
        return f"{_label(evidence)}: the file is missing from storage"
    sha256, size = found
    if sha256 != evidence.sha256 or size != evidence.size:
        return f"{_label(evidence)}: the stored file does not match its recorded SHA-256 and size"
    return None


def _gather(files: list[Evidence], folder: Path) -> None:
    """Lay the capture's files out under their own names, as the capture left them (links when local)."""
    for evidence in files:
        target = folder / os.path.basename(evidence.original_name)
        try:
            os.symlink(evidence.file.path, target)
        except NotImplementedError:  # a storage without local paths: copy
            try:
                with evidence.file.open("rb") as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
            except FileNotFoundError:
                pass  # capture.verify reports it missing


def _check_capture(item: Capture) -> list[str]:
    name = f"page capture {item.pk}"
    files = list(item.files.all())
    manifest = next((e for e in files if e.original_name == "manifest.json"), None)
    if manifest is None:
        return [f"{name}: its manifest is not among its evidence files"]
    if manifest.sha256 != item.manifest_sha256:
        return [f"{name}: its manifest's evidence row does not have the capture's recorded manifest SHA-256"]
    with tempfile.TemporaryDirectory(prefix="verify-capture-") as folder:
        _gather(files, Path(folder))
        try:
            problems = capture.verify(Path(folder), item.manifest_sha256)
            listed = {entry["name"]: entry["sha256"]
                      for entry in json.loads((Path(folder) / "manifest.json").read_bytes())["files"]}
        except (OSError, ValueError, KeyError) as error:
            return [f"{name}: its manifest cannot be read ({type(error).__name__})"]
    for evidence in files:
        if evidence.original_name != "manifest.json" and listed.get(evidence.original_name) != evidence.sha256:
            problems.append(f"{evidence.original_name} is not the file the manifest lists")
    return [f"{name}: {problem}" for problem in problems]


def verify_operation(operation, *, actor=None) -> Verification:
    """Recompute every hash of the operation's evidence and captures; record the check in the audit trail."""
    started = time.monotonic()
    result = Verification(operation=operation)
    evidence = Evidence.objects.filter(operation=operation).order_by("pk")
    last = 0
    while chunk := list(evidence.filter(pk__gt=last)[:500]):
        for item in chunk:
            result.files += 1
            problem = _check_file(item)
            if problem:
                result.problems.append(problem)
        last = chunk[-1].pk
    done = Capture.objects.filter(operation=operation, status=Capture.Status.DONE).prefetch_related("files")
    for item in done.order_by("pk").iterator(chunk_size=200):
        result.captures += 1
        result.problems += _check_capture(item)
    result.seconds = time.monotonic() - started
    with transaction.atomic():
        audit.record(actor=actor, action="consult", obj=operation, operation=operation,
                     summary=f"evidence verified: {result.files} files, {result.captures} captures, "
                             f"{len(result.problems)} differences")
    return result
