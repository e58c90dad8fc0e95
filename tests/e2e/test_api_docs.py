"""The API's browsable docs (Swagger UI, served from this site) work under the site's
Content-Security-Policy: every operation of the OpenAPI document is listed, and the
browser reports no refused script or style."""

import pytest
from playwright.sync_api import expect

from tests.helpers import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_list_every_operation_under_the_sites_csp(page_in, client):
    document = client.get("/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    page = page_in("en-GB")
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))

    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary")

    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.get_by_text("Authorize").first).to_be_visible()
    screenshot(page, "api-docs")
    assert not [text for text in refused if "Content Security Policy" in text], refused
