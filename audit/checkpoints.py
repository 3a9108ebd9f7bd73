"""Signed checkpoints of the chain's head, kept outside the database.

The hash chain shows an event altered or removed *inside* the trail, but not a trail whose
newest events were cut off, nor one rewritten from some event on and re-chained with the
published algorithm: both look intact from the inside. A checkpoint anchors the chain: the
head's ``seq``, ``hash`` and the time, signed with an Ed25519 key that the database never
sees, appended as one JSON line to a file the database roles cannot write
(``AUDIT_CHECKPOINT_FILE``) and written to the log as well. A later ``verify_audit`` checks
the chain against them: an anchored event that is gone, or that no longer has the anchored
hash, is reported; so is a tail that stays unanchored.

Keys: ``AUDIT_CHECKPOINT_KEY`` (the private key, base64 of the 32-byte seed) is given to the
sequencer only, which signs; everyone who verifies needs only the public keys,
``AUDIT_CHECKPOINT_VERIFY_KEYS`` (the current one and any retired ones). ``manage.py
audit_checkpoint_key`` makes a pair. Outside production, without a key, one is derived
from ``SECRET_KEY`` — fine for the demo and for tests, worthless as evidence.
"""

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import sequencer

logger = logging.getLogger("audit.checkpoints")

# What is signed: a fixed, versioned text, easy to check by hand with any Ed25519 tool.
_MESSAGE = "actionday-audit-checkpoint/1 {seq} {hash} {at}"
_LOG_PREFIX = "audit checkpoint "


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at one moment, signed: ``seq`` and ``hash`` of the newest event then."""

    seq: int
    hash: str
    at: dt.datetime
    key: str  # the signing key's id (see key_id)
    signature: str  # base64

    def message(self) -> bytes:
        return _MESSAGE.format(seq=self.seq, hash=self.hash, at=self.at.isoformat()).encode()

    def line(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at.isoformat(), "key": self.key,
                           "signature": self.signature}, sort_keys=True)


class Unreadable(ValueError):
    """A line of a checkpoint file that is not a well-formed checkpoint."""


# --- keys ---------------------------------------------------------------------------------------


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key, written beside each signature so that keys can be rotated."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError(f"{what} must be the base64 of 32 bytes (manage.py audit_checkpoint_key makes one)")
    return raw


def key_is_derived() -> bool:
    """Whether checkpoints are signed with the stand-in key derived from SECRET_KEY (not for production)."""
    return not settings.AUDIT_CHECKPOINT_KEY and not settings.PRODUCTION


def signing_key() -> Ed25519PrivateKey:
    if settings.AUDIT_CHECKPOINT_KEY:
        return Ed25519PrivateKey.from_private_bytes(_decode_key(settings.AUDIT_CHECKPOINT_KEY, "AUDIT_CHECKPOINT_KEY"))
    if settings.PRODUCTION:
        # The settings refuse to start production without keys; this is the sequencer's own refusal.
        raise RuntimeError("AUDIT_CHECKPOINT_KEY is not set: production signs checkpoints with a key of its own")
    seed = hashlib.sha256(b"actionday audit checkpoint key\0" + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys a checkpoint may be signed with, by key id."""
    keys = [Ed25519PublicKey.from_public_bytes(_decode_key(text, "AUDIT_CHECKPOINT_VERIFY_KEYS"))
            for text in settings.AUDIT_CHECKPOINT_VERIFY_KEYS]
    if settings.AUDIT_CHECKPOINT_KEY or not settings.PRODUCTION:
        keys.append(signing_key().public_key())
    return {key_id(key): key for key in keys}


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) key pair, each as base64 of its 32 raw bytes."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(seed).decode(), base64.b64encode(_raw_public(private.public_key())).decode()


# --- writing ------------------------------------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def sign(*, seq: int, hash: str, at: dt.datetime, key: Ed25519PrivateKey | None = None) -> Checkpoint:
    key = key or signing_key()
    unsigned = Checkpoint(seq=seq, hash=hash, at=at, key=key_id(key.public_key()), signature="")
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return dataclasses.replace(unsigned, signature=signature)


def write_checkpoint(*, path: Path | None = None) -> Checkpoint | None:
    """Sign the head of the chain as committed now and append it to the file and the log.

    Taken under the sequencer's lock, so that two writers can never append heads out of order.
    Returns None when the trail is still empty (there is nothing to anchor).
    """
    path = path or checkpoint_file()
    with transaction.atomic():
        sequencer.lock_chain()
        head = sequencer.chain_head()
        if head.seq == 0:
            return None
        checkpoint = sign(seq=head.seq, hash=head.hash, at=timezone.now())
        _append(path, checkpoint.line())
    logger.info("%s%s", _LOG_PREFIX, checkpoint.line())
    return checkpoint


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the end, whatever else has the file open; fsync before the
    # sequencer goes on, so that a checkpoint it reported is one that survives a power cut.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


class CheckpointSchedule:
    """When the sequencer writes the next checkpoint: every ``seconds`` or ``events``, whichever first.

    Nothing is written while the head does not move: an idle trail has nothing new to anchor.
    """

    def __init__(self, *, seconds: float, events: int, path: Path | None = None):
        self.seconds, self.events = seconds, events
        self.path = path or checkpoint_file()
        newest = latest_checkpoint(path=self.path)
        self.last_seq = newest.seq if newest else 0
        self.last_at = newest.at if newest else None

    def due(self, head_seq: int, now: dt.datetime) -> bool:
        if head_seq <= self.last_seq:
            return False
        if self.last_at is None or head_seq - self.last_seq >= self.events:
            return True
        return (now - self.last_at).total_seconds() >= self.seconds

    def run(self, *, force: bool = False) -> Checkpoint | None:
        now = timezone.now()
        if not force and not self.due(sequencer.chain_head().seq, now):
            return None
        checkpoint = write_checkpoint(path=self.path)
        if checkpoint is not None:
            self.last_seq, self.last_at = checkpoint.seq, checkpoint.at
        return checkpoint


# --- reading ------------------------------------------------------------------------------------


def parse(line: str) -> Checkpoint:
    """A checkpoint from a line of the file, or of the log (the part from the first "{" on)."""
    start = line.find("{")
    try:
        data = json.loads(line[start:]) if start >= 0 else None
        return Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=dt.datetime.fromisoformat(data["at"]),
                          key=str(data["key"]), signature=str(data["signature"]))
    except (TypeError, ValueError, KeyError) as error:
        raise Unreadable(str(error)) from None


def signature_problem(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> str:
    """Why the checkpoint's signature does not hold ("" when it does)."""
    key = keys.get(checkpoint.key)
    if key is None:
        return f"is signed with an unknown key {checkpoint.key}"
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, binascii.Error, ValueError):
        return "has a bad signature"
    return ""


def read_checkpoints(path: Path | None = None):
    """Every line of the file, oldest first: (line number, Checkpoint or None, problem or "").

    Raises FileNotFoundError when there is no file.
    """
    keys = verify_keys()
    with open(path or checkpoint_file(), encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                checkpoint = parse(line)
            except Unreadable:
                yield number, None, "is not a checkpoint"
                continue
            yield number, checkpoint, signature_problem(checkpoint, keys)


def _lines_from_end(path: Path, block: int = 8192):
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        position, rest = handle.tell(), b""
        while position > 0:
            step = min(block, position)
            position -= step
            handle.seek(position)
            parts = (handle.read(step) + rest).split(b"\n")
            rest = parts.pop(0)
            yield from (part.decode("utf-8", "replace") for part in reversed(parts) if part.strip())
        if rest.strip():
            yield rest.decode("utf-8", "replace")


def latest_checkpoint(*, path: Path | None = None) -> Checkpoint | None:
    """The newest checkpoint in the file whose signature holds (None when there is none).

    For printing beside figures and reports: "audit trail anchored at event 48,210, hash …, at …".
    ``verify_audit`` checks that the trail still agrees with it.
    """
    path = path or checkpoint_file()
    keys = verify_keys()
    try:
        for line in _lines_from_end(path):
            try:
                checkpoint = parse(line)
            except Unreadable:
                continue
            if not signature_problem(checkpoint, keys):
                return checkpoint
    except FileNotFoundError:
        return None
    return None
