import pytest
from django.core import mail

from tests.factories import sent_emails
from tests.helpers import link_in, open_link


@pytest.fixture
def apply(client, notice, sample_upload):
    """Apply through the real form and open the self-service link from the receipt
    (which the worker sends); return the page it leads to."""

    def submit(*, opening=None, consent=True, email="astrid@example.se") -> str:
        url = f"/jobs/{opening.slug}/" if opening else "/apply/"
        response = client.post(
            url,
            {
                "name": "Astrid Lindqvist",
                "email": email,
                "cover_letter": "Mitt personliga brev",
                "cv": sample_upload("pdf"),
                "consent": "on" if consent else "",
            },
        )
        assert response.status_code == 302
        assert sent_emails("receipts") == 1
        return open_link(client, link_in(mail.outbox[-1]))

    return submit
