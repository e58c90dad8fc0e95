"""The careers page an employer puts its name on: /jobs/, each ad with JobPosting data,
the feed and the sitemap, 410 for a closed position, and the site's own error pages."""

import re
import struct
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import extruct
import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import OpeningFactory
from tests.helpers import open_ad, text, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(settings):
    settings.ATS_CONTROLLER_NAME = "Exempel AB"
    settings.ATS_EMPLOYER_LOGO = "https://example.se/logo.png"
    settings.ATS_EMPLOYER_URL = "https://example.se/"


def test_the_careers_page_names_the_employer_and_what_each_post_is(client, employer):
    ad = open_ad()

    page = client.get("/jobs/")

    shown = text(page)
    assert 'src="https://example.se/logo.png"' in page.content.decode()
    for fact in ("Lagerchef", "Göteborg", "Permanent", "full time", "38", "45", "SEK per month"):
        assert fact in shown
    assert ad.application_deadline.strftime("%Y-%m-%d") in page.content.decode()
    assert "spontaneous application" in shown


def test_the_filters_work_without_a_script(client):
    open_ad(title="Lagerchef")
    open_ad(title="Utvecklare", location="", workplace_type="remote", department="IT")
    open_ad(title="Vikarie", location="Malmö", employment_type="temporary", department="IT")

    assert titles(client.get("/jobs/", {"place": "Göteborg"})) == ["Lagerchef"]
    assert titles(client.get("/jobs/", {"place": "remote"})) == ["Utvecklare"]
    assert titles(client.get("/jobs/", {"type": "temporary"})) == ["Vikarie"]
    assert titles(client.get("/jobs/", {"department": "IT"})) == ["Utvecklare", "Vikarie"]
    assert titles(client.get("/jobs/", {"type": "<script>"})) == [
        "Lagerchef",
        "Utvecklare",
        "Vikarie",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"place": "\x00"},
        {"department": "x\x00y"},
        {"place": "Göteborg\r\n"},
        {"department": "\x1b"},
    ],
)
def test_a_filter_with_a_control_character_matches_nothing(query):
    """A NUL that PostgreSQL refuses in text (a 500 to anyone, before): no place or
    department holds a control character, so such a filter is answered, and matches none."""
    open_ad(title="Lagerchef")

    response = Client(raise_request_exception=False).get("/jobs/", query)

    assert response.status_code == 200
    assert titles(response) == []
    assert '<option value="Göteborg">' in response.content.decode()  # still offered


def read_as_a_search_engine(response) -> dict:
    """The page's JSON-LD items and Open Graph properties, as extruct (the parser of
    Scrapy and of search-engine tooling) reads them."""
    return extruct.extract(
        response.content.decode(),
        base_url=response.wsgi_request.build_absolute_uri(),
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )


def test_an_ad_page_is_formatted_in_its_language_with_job_posting_data(client, employer):
    ad = open_ad(language="en", workplace_type="hybrid")

    page = client.get(f"/jobs/{ad.slug}/")

    html = page.content.decode()
    assert '<article class="opening" lang="en">' in html
    assert "<strong>Krav:</strong> truckkort" in html
    assert 'property="og:title" content="Lagerchef · Exempel AB"' in html
    [posting] = read_as_a_search_engine(page)["json-ld"]
    for required in ("title", "description", "datePosted", "hiringOrganization", "jobLocation"):
        assert posting[required]
    for recommended in (
        "validThrough",
        "employmentType",
        "baseSalary",
        "directApply",
        "identifier",
    ):
        assert posting[recommended]
    assert posting["@type"] == "JobPosting"
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Exempel AB",
        "sameAs": "https://example.se/",
        "logo": "https://example.se/logo.png",
        "department": {"@type": "Organization", "name": ad.department},
    }
    assert posting["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Göteborg",
        "addressCountry": "SE",
    }
    assert posting["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 38000,
        "maxValue": 45000,
        "unitText": "MONTH",
    }
    assert posting["validThrough"].startswith(ad.application_deadline.isoformat())
    # schema.org has no inLanguage on a JobPosting (an Intangible): the article's lang says it.
    assert "inLanguage" not in posting
    assert "Applications are taken until the end of" in text(page)


def test_hourly_pay_is_paid_by_the_hour_not_by_the_day(client, employer):
    ad = open_ad(
        employment_type="hourly",
        extent="part_time",
        salary_min=180,
        salary_max=220,
        salary_period="hour",
    )

    [posting] = read_as_a_search_engine(client.get(f"/jobs/{ad.slug}/"))["json-ld"]

    assert posting["employmentType"] == ["PART_TIME", "OTHER"]  # PER_DIEM is a day's pay
    assert posting["baseSalary"]["value"]["unitText"] == "HOUR"


def test_without_an_employer_name_an_ad_carries_no_job_posting(client, settings):
    """Google refuses a JobPosting whose hiringOrganization has no name: none at all is
    better than an invalid one (and `check --deploy` says so: ats.W009)."""
    settings.ATS_EMPLOYER_NAME = settings.ATS_CONTROLLER_NAME = ""
    ad = open_ad()

    page = client.get(f"/jobs/{ad.slug}/")

    assert page.status_code == 200
    assert read_as_a_search_engine(page)["json-ld"] == []


def test_the_employer_name_alone_is_enough_for_a_job_posting(client, settings):
    settings.ATS_EMPLOYER_NAME = "Exempel Lager AB"
    ad = open_ad(department="")

    [posting] = read_as_a_search_engine(client.get(f"/jobs/{ad.slug}/"))["json-ld"]

    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Exempel Lager AB"}


def test_a_remote_post_is_telecommute_for_applicants_in_sweden(client, employer):
    ad = open_ad(location="", workplace_type="remote")
    [posting] = read_as_a_search_engine(client.get(f"/jobs/{ad.slug}/"))["json-ld"]

    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "SE"}


def test_the_ad_text_cannot_end_the_data_block(client, employer):
    ad = open_ad(title="</script><script>alert(1)</script>")
    page = client.get(f"/jobs/{ad.slug}/")
    block = re.search(r'ld\+json">(.*?)</script>', page.content.decode(), re.S).group(1)

    assert "<" not in block
    [posting] = read_as_a_search_engine(page)["json-ld"]
    assert posting["title"] == "</script><script>alert(1)</script>"


def canonical(response) -> str:
    [href] = re.findall(r'<link rel="canonical" href="([^"]*)">', response.content.decode())
    return href


def test_every_variant_of_an_ad_and_of_the_careers_page_names_one_address(client, employer):
    ad = open_ad()

    assert canonical(client.get(f"/jobs/{ad.slug}/", {"source": "linkedin"})) == (
        f"http://testserver/jobs/{ad.slug}/"
    )
    assert canonical(client.get(f"/jobs/{ad.slug}/", {"utm_source": "x", "utm_medium": "y"})) == (
        f"http://testserver/jobs/{ad.slug}/"
    )
    assert canonical(client.get("/jobs/", {"place": "Göteborg"})) == "http://testserver/jobs/"
    assert canonical(client.get("/jobs/")) == "http://testserver/jobs/"
    assert canonical(client.get("/apply/", {"source": "website"})) == "http://testserver/apply/"


@pytest.mark.parametrize(
    ("logo", "image"),
    [
        ("https://example.se/logo.png", "https://example.se/logo.png"),
        ("/static/logo.png", "http://testserver/static/logo.png"),  # made absolute
    ],
)
def test_a_shared_ad_shows_the_employers_logo(client, employer, settings, logo, image):
    settings.ATS_EMPLOYER_LOGO = logo
    ad = open_ad()

    read = read_as_a_search_engine(client.get(f"/jobs/{ad.slug}/"))
    [graph], [posting] = read["opengraph"], read["json-ld"]

    assert graph["og:image"] == posting["hiringOrganization"]["logo"] == image
    assert graph["og:url"] == f"http://testserver/jobs/{ad.slug}/"


def description(response) -> str:
    html = response.content.decode()
    [content] = re.findall(r'<meta name="description" content="([^"]*)">', html)
    return content


@pytest.mark.parametrize(
    ("path", "english", "swedish"),
    [
        ("/jobs/", "Our open positions, each with its place, pay and last day", "Våra lediga"),
        ("/apply/", "Tell us about yourself", "Berätta om dig själv"),
        ("/my-data/", "Enter the email address you applied with.", "Ange e-postadressen"),
    ],
)
def test_the_careers_pages_describe_themselves_to_search_engines(
    client, notice, path, english, swedish
):
    in_english = description(client.get(path, HTTP_ACCEPT_LANGUAGE="en"))
    in_swedish = description(client.get(path, HTTP_ACCEPT_LANGUAGE="sv"))

    assert in_english.startswith(english)
    assert in_swedish.startswith(swedish)


def test_robots_txt_points_crawlers_to_the_sitemap(client):
    ad = open_ad()

    robots = client.get("/robots.txt")

    assert robots.status_code == 200
    assert robots["Content-Type"].startswith("text/plain")
    lines = robots.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /jobs/" not in lines and "Disallow: /" not in lines  # ads may be read
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and f"/jobs/{ad.slug}/" in sitemap.content.decode()


def test_the_demo_site_has_an_icon(client):
    icon = client.get("/favicon.ico")

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind, count) == (0, 1, 1)  # an icon file with one image
    width, height, *_, size, offset = struct.unpack("<BBBBHHII", body[6:22])
    assert (width, height) == (32, 32)
    assert body[offset : offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size == len(body)


def test_feed_and_sitemap_list_the_published_openings(client):
    ad = open_ad()
    OpeningFactory(title="Utkast", status="draft")

    feed = ET.fromstring(client.get("/jobs/feed/").content)
    sitemap = client.get("/sitemap.xml").content.decode()

    assert [item.findtext("title") for item in feed.iter("item")] == ["Lagerchef"]
    assert f"/jobs/{ad.slug}/" in sitemap and "utkast" not in sitemap.lower()


def test_a_departments_feed_lists_its_openings_only(client):
    open_ad(title="Lagerchef", department="Logistik")
    open_ad(title="Ekonom", slug="ekonom", department="Ekonomi")

    feed = ET.fromstring(client.get("/jobs/feed/", {"department": "Logistik"}).content)
    every = ET.fromstring(client.get("/jobs/feed/").content)

    assert [item.findtext("title") for item in feed.iter("item")] == ["Lagerchef"]
    assert "Logistik" in feed.find("channel").findtext("title")
    assert sorted(item.findtext("title") for item in every.iter("item")) == ["Ekonom", "Lagerchef"]
    [lagerchef] = feed.iter("item")
    assert [category.text for category in lagerchef.iter("category")] == ["Logistik", "Göteborg"]
    in_goteborg = ET.fromstring(client.get("/jobs/feed/", {"place": "Göteborg"}).content)
    assert sorted(item.findtext("title") for item in in_goteborg.iter("item")) == [
        "Ekonom",
        "Lagerchef",
    ]
    assert (
        ET.fromstring(client.get("/jobs/feed/", {"place": "Malmö"}).content).find("channel/item")
        is None
    )


class ReaderView(HTMLParser):
    """What a feed reader makes of an item's description: it decodes it as HTML."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


HOSTILE_ADS = [
    '"><script>alert(1)</script>',
    "&lt;img src=x onerror=alert(1)&gt;",
    "<svg onload=alert(1)>",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
]


@pytest.mark.parametrize("typed", HOSTILE_ADS)
def test_markup_typed_in_an_ad_stays_text_in_a_feed_reader(client, typed):
    open_ad(location='Göteborg<img src=x onerror=alert("place")>', description=typed)

    feed = ET.fromstring(client.get("/jobs/feed/").content)
    (description,) = [item.findtext("description") for item in feed.iter("item")]

    read = ReaderView(description)
    assert read.tags == []
    assert "alert(1)" in "".join(read.text) and "Göteborg" in "".join(read.text)


def test_a_closed_position_is_gone_with_a_way_on(client):
    ad = open_ad(status="closed")
    past = open_ad(application_deadline=timezone.localdate() - timedelta(days=1))

    for slug in (ad.slug, past.slug):
        response = client.get(f"/jobs/{slug}/")
        assert response.status_code == 410
        assert "This position is closed" in text(response)
        assert 'href="/apply/"' in response.content.decode()
    assert client.get("/jobs/no-such-post/").status_code == 404


def too_many(client):
    from django.conf import settings

    settings.ATS_APPLY_RATE_LIMIT = 1
    client.post("/apply/")  # refused (no CSRF token), and counted
    return client.post("/apply/")


def server_error(client):
    from django.db import connection

    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("ALTER TABLE ats_opening RENAME TO ats_opening_gone")
    return client.get("/jobs/")


@pytest.mark.parametrize(
    ("request_", "status", "heading"),
    [
        (lambda c: c.get("/jobs/nothing/"), 404, "Sidan finns inte"),
        (lambda c: c.get("/jobs/", HTTP_HOST="attacker.example"), 400, "Vi kunde inte förstå"),
        (lambda c: c.post("/my-data/", {"email": "a@example.se"}), 403, "Formuläret har gått ut"),
        (too_many, 429, "För många förfrågningar"),
        (server_error, 500, "Något gick fel"),
    ],
)
def test_error_pages_are_the_sites_own_in_the_visitors_language(
    request_, status, heading, settings
):
    settings.DEBUG = False
    client = Client(
        enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="sv", raise_request_exception=False
    )

    response = request_(client)

    assert response.status_code == status
    assert heading in text(response)
    assert 'href="/jobs/"' in response.content.decode() or 'href="/"' in response.content.decode()
