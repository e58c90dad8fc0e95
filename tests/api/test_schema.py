"""The API against its own OpenAPI document, by schemathesis: requests generated from
the schema, sent over HTTP to a live server with a key that may do everything, every
answer checked against the document (no 500, the documented statuses, content types,
headers and bodies). Its command line, in a process of its own."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from ats.models import ApiScope, HiringTeamMember
from ats.services.api_keys import issue_api_key
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant


@pytest.fixture
def secret(transactional_db, cv_files, settings):
    """A key with every scope and no rate limit, for a recruiter with every permission,
    and something to find: an opening with applicants, one restricted, and a
    spontaneous one."""
    settings.ATS_API_REQUESTS_PER_MINUTE = None  # schemathesis sends hundreds a minute
    user = grant(
        UserFactory(),
        "view_all_applications",
        "view_spontaneous_applications",
        "download_cv",
        "add_opening",
        "change_opening",
        "publish_opening",
        "backdate_decision",
    )
    opening = OpeningFactory()
    HiringTeamMember.objects.create(opening=opening, user=user, role="recruiter")
    applicant, *_ = ApplicationFactory.create_batch(3, opening=opening)
    ApplicationFactory(opening=opening, restricted_at=timezone.now())
    ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=300))
    _, secret = issue_api_key(
        name="schemathesis",
        user=user,
        created_by=user,
        scopes=list(ApiScope.values),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return secret, applicant.public_id


def test_the_api_answers_as_its_document_says(live_server, secret, tmp_path):
    secret, public_id = secret
    # An application to work on: nothing in the document says where to find one.
    (tmp_path / "schemathesis.toml").write_text(f'parameters = {{ public_id = "{public_id}" }}\n')
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            "all",
            # Except "a request the schema allows is accepted": the recruiter form's
            # rules a JSON schema cannot say (a pay range that ends above where it
            # starts, Django's e-mail check, a deadline still to come) refuse some.
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "15",  # per operation and phase
            "--seed",
            "2026",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=tmp_path,  # its example database and reports stay out of the checkout
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:]
