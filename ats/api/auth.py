"""Who calls: the API key in the Authorization header, and what its scopes allow."""

import threading

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from .. import ratelimit
from ..app_settings import app_settings
from ..models import ApiKey, ApiScope
from ..services.api_keys import key_presented

WINDOW_SECONDS = 60


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key made in the admin: `ats_<prefix>_<secret>`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        # No key holds a NUL, and PostgreSQL refuses to look one up (a 500).
        key = None if "\x00" in token else key_presented(token)
        if key is not None:
            request.user = key.user  # what the recruiter pages' selectors take
        return key


class PerKeyRate(BaseThrottle):
    """ATS_API_REQUESTS_PER_MINUTE for each key, counted in the cache; open, like the
    site's other limits, while the cache is down."""

    def __init__(self):
        # One throttle serves every request; ninja asks it for the wait right after
        # its verdict, in the same thread.
        self.last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limit = app_settings.API_REQUESTS_PER_MINUTE
        if limit is None:
            return True
        self.last.verdict = ratelimit.allow(
            scope="api", value=request.auth.prefix, limit=limit, window_seconds=WINDOW_SECONDS
        )
        return self.last.verdict.allowed

    def wait(self) -> int:
        return self.last.verdict.retry_after  # until the window ends


class MissingScope(Exception):
    def __init__(self, scope: ApiScope):
        super().__init__(f"This key lacks the scope {scope}.")


def require(request: HttpRequest, scope: ApiScope) -> ApiKey:
    """The request's key, if it has the scope; otherwise a 403 problem."""
    key: ApiKey = request.auth
    if scope not in key.scopes:
        raise MissingScope(scope)
    return key


class MissingPermission(Exception):
    def __init__(self, permission: str):
        super().__init__(f"The key's user lacks the permission {permission}.")


def require_permission(request: HttpRequest, permission: str) -> None:
    """A 403 problem unless the key's user has the permission the recruiter pages ask."""
    if not request.user.has_perm(permission):
        raise MissingPermission(permission)
