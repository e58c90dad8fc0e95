"""Plain, accessible pages: labelled fields, linked errors, nothing from elsewhere."""

import re

import pytest
from django.conf import settings

from tests.factories import OpeningFactory

pytestmark = pytest.mark.django_db


def candidate_pages(opening) -> list[str]:
    return ["/jobs/", f"/jobs/{opening.slug}/", "/apply/", "/privacy/", "/my-data/"]


FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>")


@pytest.mark.parametrize("path", ["/apply/", "opening", "/my-data/", "/accounts/login/"])
def test_every_field_has_a_label(client, notice, path):
    if path == "opening":
        path = f"/jobs/{OpeningFactory().slug}/"
    html = client.get(path).content.decode()
    fields = [
        attributes
        for _, attributes in FIELD.findall(html)
        if not re.search(r'type="(hidden|submit)"', attributes)
    ]
    assert fields
    for attributes in fields:
        field_id = re.search(r'id="([^"]+)"', attributes).group(1)
        assert f'<label for="{field_id}"' in html, field_id


def test_errors_are_announced_with_their_field(client, notice):
    html = client.post("/apply/", {"name": "", "email": "fel"}).content.decode()
    email = re.search(r'<input type="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email
    assert "id_email_error" in re.search(r'aria-describedby="([^"]+)"', email).group(1)
    assert 'id="id_email_error"' in html
    assert 'role="alert"' in html


def test_candidate_pages_load_nothing_from_elsewhere_and_set_no_tracking_cookies(client, notice):
    for path in candidate_pages(OpeningFactory()):
        response = client.get(path)
        html = response.content.decode()
        # (A canonical link names the page itself, absolute as search engines want it,
        # and loads nothing.)
        for tag in re.findall(r'<(?:script|link(?! rel="canonical")|img|iframe)\b[^>]*>', html):
            assert not re.search(r'(src|href)="(https?:)?//', tag), tag
        # No inline script at all: scripts are the site's own files; a JSON-LD data block
        # is data, which no browser runs.
        assert not re.search(r'<script(?! type="application/ld\+json">| src="/static/)', html)
        assert "style=" not in html
        assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME}
