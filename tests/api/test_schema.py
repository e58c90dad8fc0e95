"""The API against its own OpenAPI document, by schemathesis: requests generated from
the schema, sent over HTTP to a live server with a key that may do everything, every
answer checked against the document (no 500, the documented statuses, content types,
headers and bodies; a request the schema allows is taken, one it refuses refused).
Its command line, in a process of its own."""

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from ats.models import ApiScope
from ats.services import webhook_targets
from tests.factories import ApplicationFactory, OpeningFactory

# Slow: schemathesis sends the requests it generates from the whole document.
pytestmark = pytest.mark.slow


@pytest.fixture
def secret(transactional_db, cv_files, settings, make_key):
    """A key with every scope and no rate limit, for a recruiter with every permission,
    and something to find: an opening with applicants, one restricted, and a
    spontaneous one."""
    settings.ATS_API_REQUESTS_PER_MINUTE = None  # schemathesis sends hundreds a minute
    opening = OpeningFactory()
    _, secret = make_key(
        *ApiScope.values,
        permissions=[
            "view_all_applications",
            "view_spontaneous_applications",
            "download_cv",
            "add_opening",
            "change_opening",
            "publish_opening",
            "backdate_decision",
        ],
        name="schemathesis",
        on_team=opening,
    )
    applicant, *_ = ApplicationFactory.create_batch(3, opening=opening)
    ApplicationFactory(opening=opening, restricted_at=timezone.now())
    ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=300))
    return secret, applicant.public_id


@pytest.fixture
def every_host_resolves(monkeypatch, settings):
    """Every host a webhook URL names resolves, to an address for documentation (RFC
    5737) that subscriptions may reach: whether a name resolves is for DNS to say, not
    the schema. Nothing is sent there: no worker runs."""
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["192.0.2.0/24"]

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", port))]

    resolver = SimpleNamespace(**{**vars(socket), "getaddrinfo": resolve})
    monkeypatch.setattr(webhook_targets, "socket", resolver)


def test_the_api_answers_as_its_document_says(live_server, secret, every_host_resolves, tmp_path):
    secret, public_id = secret
    hooks = Path(__file__).with_name("schemathesis_hooks.py")
    # An application to work on: nothing in the document says where to find one.
    (tmp_path / "schemathesis.toml").write_text(
        f'hooks = "{hooks}"\nparameters = {{ public_id = "{public_id}" }}\n'
    )
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            "all",
            "--max-examples",
            "15",  # per operation and phase
            "--seed",
            "2026",
            # Speed is the benchmarks' to measure: a request that a busy CI machine
            # answers in 22 s must not fail on the default 10 s timeout.
            "--request-timeout",
            "120",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=tmp_path,  # its example database and reports stay out of the checkout
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-20000:]
