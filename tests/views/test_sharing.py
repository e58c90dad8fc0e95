"""An ad's share links: each tags its channel, and an application through one is
counted under it in the reports."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from ats.models import Application, ArrivalCount
from tests.factories import OpeningFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def shared(page) -> dict[str, str]:
    """Each share link's channel → the ad's address it carries, read as a browser would."""
    section = BeautifulSoup(page.content, "html.parser").find("section", class_="share")
    links = {}
    for link in section.find_all("a", download=False):  # the QR code: below
        parts = urlsplit(link["href"])
        query = parse_qs(parts.query)
        links[link.get_text(strip=True)] = (query.get("url") or query.get("u") or query["body"])[0]
    links["copy"] = section.find("input", id="share-link")["value"]
    return links


def test_each_share_link_tags_its_channel_and_the_application_is_counted_under_it(
    client, english, notice, sample_upload
):
    opening = OpeningFactory(title="Lagerchef")
    ad = f"http://testserver/jobs/{opening.slug}/"

    links = shared(client.get(f"/jobs/{opening.slug}/"))

    assert links == {
        "LinkedIn": f"{ad}?source=linkedin",
        "Facebook": f"{ad}?source=facebook",
        "Email": f"{ad}?source=email",
        "copy": f"{ad}?source=link",
    }
    followed = client.get(urlsplit(links["Email"]).path, {"source": "email"})
    assert 'name="source" value="email"' in followed.content.decode()
    client.post(f"/jobs/{opening.slug}/", {**form_data(sample_upload()), "source": "email"})
    assert Application.objects.get().source == "email"
    assert ArrivalCount.objects.get(opening_key=opening.pk).source == "email"


def test_a_published_ad_has_a_qr_code_to_print_and_no_other_has(client):
    opening = OpeningFactory(title="Lager & <truck>")
    page = BeautifulSoup(client.get(f"/jobs/{opening.slug}/").content, "html.parser")
    [link] = page.find("section", class_="share").find_all("a", download=True)

    qr_code = client.get(link["href"])

    assert link["href"] == f"/jobs/{opening.slug}/qr.svg"
    assert qr_code["Content-Type"] == "image/svg+xml"
    svg = qr_code.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<title>Lager &amp; &lt;truck&gt;</title>" in svg  # the title as text, never markup
    draft = OpeningFactory(status="draft")
    assert client.get(f"/jobs/{draft.slug}/qr.svg").status_code == 404
    assert client.get("/jobs/finns-inte/qr.svg").status_code == 404
