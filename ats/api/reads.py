"""A read a client may keep: answered with its ETag, and 304 while the client's copy,
named in If-None-Match, is still the answer (Django's conditional_page); the OpenAPI
document says so (api/document.py)."""

from collections.abc import Callable

from django.views.decorators.http import conditional_page
from ninja import Router
from ninja.decorators import decorate_view

from .document import documented


def conditional_get(router: Router, path: str, **operation) -> Callable[[Callable], Callable]:
    """`router.get(path, **operation)` for a read a client may keep. Another path of the
    same view is registered above it, so that it is kept the same way."""

    def register(view: Callable) -> Callable:
        if hasattr(view, "_ninja_operation"):  # registered below: the condition would
            # go to that operation only, and this one would answer every time
            raise TypeError(f"{view.__name__}: register its other path above conditional_get")
        kept = decorate_view(conditional_page)(view)
        return router.get(path, openapi_extra=documented(conditional=True), **operation)(kept)

    return register
