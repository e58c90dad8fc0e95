"""Idempotency keys on creating writes (the IETF draft's `Idempotency-Key` header).

A client that sends a write, loses the answer and sends it again with the same key gets
the first answer, and the write is done once. The key's row is written in the write's
own transaction: a second request with the same key waits on its unique index until the
first commits, then answers what the first answered; if the first failed, nothing of it
is stored and the second runs afresh.
"""

import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import IdempotentRequest
from .fields import NUL, pattern

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
PATTERN = pattern(NUL, filled=True)  # not blank, and no NUL: PostgreSQL stores none


class IdempotencyKeyReused(Exception):
    """The key was used for a different request: an error in the client."""

    def __init__(self):
        super().__init__(f"This {HEADER} was sent before with a different request.")


class IdempotencyKeyInvalid(Exception):
    def __init__(self):
        super().__init__(f"An {HEADER} is 1 to {MAX_LENGTH} characters, not all blank, no NUL.")


def _fingerprint(request: HttpRequest) -> str:
    """Keyed, as the body may be a note's text: no guess of it can be checked here."""
    message = f"{request.method} {request.path}\n".encode() + request.body
    return salted_hmac(__name__, message, algorithm="sha256").hexdigest()


def at_most_once(
    request: HttpRequest,
    write: Callable[[], dict],
    *,
    status: int,
    replay: Callable[[int], dict] | None = None,
) -> JsonResponse:
    """Run `write` (which answers the body, JSON-ready) once per Idempotency-Key of the
    request's API key, and answer its body with `status`; without the header, simply
    run it. With `replay`, only the answer's id is kept and a repeat is answered with
    replay(id): for an answer that holds a secret, which is kept nowhere else (a
    webhook's signing secret: whoever reads these rows must not sign with it)."""
    presented = request.headers.get(HEADER)
    if presented is None:
        return JsonResponse(write(), status=status)
    if len(presented) > MAX_LENGTH or not re.fullmatch(PATTERN, presented):
        raise IdempotencyKeyInvalid
    now, fingerprint = timezone.now(), _fingerprint(request)
    with transaction.atomic():
        IdempotentRequest.objects.ended(now=now).filter(api_key=request.auth).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    api_key=request.auth,
                    key=presented,
                    fingerprint=fingerprint,
                    answer={},
                    created_at=now,
                )
        except IntegrityError:
            first = IdempotentRequest.objects.get(api_key=request.auth, key=presented)
            if first.fingerprint != fingerprint:
                raise IdempotencyKeyReused from None
            answer = replay(first.answer["id"]) if replay else first.answer
            return JsonResponse(answer, status=status)
        answer = write()
        record.answer = {"id": answer["id"]} if replay else answer
        record.save(update_fields=["answer"])
    return JsonResponse(answer, status=status)
