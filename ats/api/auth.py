"""Who calls: the API key in the Authorization header, and what its scopes allow."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from ..models import ApiKey, ApiScope
from ..services.api_keys import key_presented


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key made in the admin: `ats_<prefix>_<secret>`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = key_presented(token)
        if key is not None:
            request.user = key.user  # what the recruiter pages' selectors take
        return key


class MissingScope(Exception):
    def __init__(self, scope: ApiScope):
        super().__init__(scope)
        self.scope = scope


def require(request: HttpRequest, scope: ApiScope) -> ApiKey:
    """The request's key, if it has the scope; otherwise a 403 problem."""
    key: ApiKey = request.auth
    if scope not in key.scopes:
        raise MissingScope(scope)
    return key
