"""The ``Idempotency-Key`` header: a POST retried with the same key is answered once.

Analysts on unstable connections press twice, and scripts retry after a timeout. The first request
with a key stores its answer in the same transaction as its changes (``api.base.ApiMixin`` runs
every write in one); a retry with the same key from the same user gets that answer again and
changes nothing. Two copies sent at the same moment queue on the key's unique index: the second
waits for the first to commit and then replays it. An error answer rolls back the changes and the
key alike, so a retry after an error is tried again for real. Keys are kept for a day.
"""

import datetime as dt
import hashlib
import json
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Printable ASCII, as HTTP headers carry it, with no space at either end (HTTP would strip it).
KEY_PATTERN = r"^[!-~](?:[ -~]*[!-~])?$"
KEEP_FOR = dt.timedelta(hours=24)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was already used for a different request. Send a new key with each new request."
    )


class Replay(Exception):  # noqa: N818 - not an error: the signal to answer from the stored record
    """Raised by ``claim`` when the request was answered before; the view answers ``response()``."""

    def __init__(self, record: IdempotencyKey):
        self.record = record

    def response(self) -> Response:
        return Response(self.record.response, status=self.record.status_code, headers={"Idempotent-Replayed": "true"})


def _plain(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return f"file:{value.name}:{digest.hexdigest()}"
    return str(value)


def fingerprint(request) -> str:
    """What makes two requests "the same": method, path with query, and the parsed body."""
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict (form or multipart): keep repeated keys
        data = {key: values for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=_plain)
    text = "\n".join([request.method, request.get_full_path(), body])
    return hashlib.sha256(text.encode()).hexdigest()


def claim(request) -> IdempotencyKey | None:
    """Reserve the request's key for this request; raise Replay if it was answered already.

    Returns None when the request carries no key. Must run inside the request's transaction.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if len(key) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {HEADER: [f"Send 1 to {MAX_KEY_LENGTH} printable ASCII characters, with no space at either end."]}
        )
    user = request.user
    IdempotencyKey.objects.filter(user=user, created_at__lt=timezone.now() - KEEP_FOR).delete()
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_, status_code=0)
    except IntegrityError:
        record = IdempotencyKey.objects.get(user=user, key=key)
    if record.fingerprint != print_:
        raise KeyReused()
    raise Replay(record)


def remember(record: IdempotencyKey | None, response) -> None:
    """Store a successful answer under its key (same transaction as the request's changes)."""
    if record is None:
        return
    record.status_code = response.status_code
    data = getattr(response, "data", None)
    record.response = None if data is None else json.loads(json.dumps(data, cls=JSONEncoder))
    record.save(update_fields=["status_code", "response"])
