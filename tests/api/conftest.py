from datetime import timedelta

import pytest
from django.utils import timezone

from ats.services.api_keys import issue_api_key
from tests.factories import HiringTeamMemberFactory, OpeningFactory, UserFactory, grant


@pytest.fixture
def make_key():
    """A key for a new user with the given scopes and permissions, and its secret; with
    `on_team`, the user is on that opening's hiring team in `role`."""

    def make(*scopes, permissions=(), name=None, on_team=None, role="recruiter"):
        user = grant(UserFactory(), *permissions)
        if on_team is not None:
            HiringTeamMemberFactory(opening=on_team, user=user, role=role)
        return issue_api_key(
            name=name or f"Integration {user.pk}",
            user=user,
            created_by=user,
            scopes=list(scopes),
            expires_at=timezone.now() + timedelta(days=30),
        )

    return make


@pytest.fixture
def opening():
    return OpeningFactory()
