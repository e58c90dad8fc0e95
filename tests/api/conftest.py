from datetime import timedelta

import pytest
from django.utils import timezone

from ats.services.api_keys import issue_api_key
from tests.factories import UserFactory, grant


@pytest.fixture
def make_key():
    """A key for a new user with the given scopes and permissions, and its secret."""

    def make(*scopes, permissions=(), name=None):
        user = grant(UserFactory(), *permissions)
        return issue_api_key(
            name=name or f"Integration {user.pk}",
            user=user,
            created_by=user,
            scopes=list(scopes),
            expires_at=timezone.now() + timedelta(days=30),
        )

    return make
