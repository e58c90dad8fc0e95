"""The careers site as its administrator edits it in /recruit/careers-site/, and as
candidates then see it: the brand on every candidate page, colours held to WCAG AA
contrast, pictures stripped of what the camera stored, Markdown sanitised, a video that
loads nothing until asked, departments and places with pages of their own."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from ats.images import MAX_UPLOAD_BYTES
from ats.models import AdTemplate, CareersImage, CareersSite, Department, Opening, Place
from ats.services.careers_site import save_careers_part
from tests.factories import SAMPLES, UserFactory
from tests.helpers import logged_in, open_ad, text, titles

pytestmark = pytest.mark.django_db

EDITOR = "/recruit/careers-site/"
SITE = {
    "name": "Exempel kommun",
    "language": "sv",
    "headline": "Jobba i Exempel kommun",
    "introduction": "Vi är **3 000** kollegor. <script>alert(1)</script>",
    "cover_alt": "",
    "accent_colour": "#0e6e6e",
    "banner_colour": "#123b5c",
    "banner_text_colour": "#ffffff",
    "video_url": "",
    "video_title": "",
    "contact": "",
    "privacy": "",
}


@pytest.fixture
def administrator(client):
    user = UserFactory(username="admin", is_staff=True)
    user.groups.add(Group.objects.get(name="ats.administrator"))
    return logged_in(user, client)


def photo(*, size=(300, 200), exif: dict | None = None, kind="JPEG") -> SimpleUploadedFile:
    picture = Image.new("RGB", size, "#336699")
    out = io.BytesIO()
    made = Image.Exif()
    for tag, value in (exif or {}).items():
        made[tag] = value
    extra = {"comment": b"Semester i Visby"} if kind == "JPEG" else {}
    picture.save(out, kind, exif=made.tobytes(), **extra)
    return SimpleUploadedFile(f"photo.{kind.lower()}", out.getvalue(), f"image/{kind.lower()}")


def saved(client, **changes):
    return client.post(EDITOR, {**SITE, **changes})


def test_only_the_administrator_role_edits_the_careers_site(client, administrator):
    assert administrator.get(EDITOR).status_code == 200
    assert 'href="/recruit/careers-site/"' in administrator.get("/recruit/").content.decode()

    recruiter = UserFactory(username="rekryterare", is_staff=True)
    recruiter.groups.add(Group.objects.get(name="ats.recruiter"))
    someone_else = logged_in(recruiter)
    assert someone_else.get(EDITOR).status_code == 404
    assert someone_else.post(EDITOR, SITE).status_code == 404
    assert someone_else.get(f"{EDITOR}departments/new/").status_code == 404
    assert not CareersSite.objects.exists()
    logged_out = type(client)()
    assert logged_out.get(EDITOR)["Location"].startswith("/accounts/login/")


def test_what_the_administrator_saves_every_candidate_page_wears(client, administrator):
    ad = open_ad()

    assert saved(administrator).status_code == 302

    anyone = type(client)()
    careers = anyone.get("/jobs/").content.decode()
    assert '<h1 lang="sv">Jobba i Exempel kommun</h1>' in careers
    assert "<strong>3 000</strong>" in careers
    assert "<script>alert" not in careers  # typed markup is shown as text, never run
    assert '<div class="brand-banner">' in careers and "Exempel kommun" in careers
    for page in ("/jobs/", f"/jobs/{ad.slug}/", "/apply/"):
        html = anyone.get(page).content.decode()
        [stylesheet] = re.findall(r'href="(/jobs/colours-[0-9a-f]+\.css)"', html)
    colours = anyone.get(stylesheet)
    assert colours["Content-Type"] == "text/css; charset=utf-8"
    assert (
        "--accent: #0e6e6e; --banner: #123b5c; --banner-ink: #ffffff;" in colours.content.decode()
    )
    assert "immutable" in colours["Cache-Control"]
    assert anyone.get("/jobs/colours-000000000000.css").status_code == 404


@pytest.mark.parametrize(
    "colours, field",
    [
        ({"accent_colour": "#7fb2e5"}, "accent_colour"),  # white text on it: 2.2:1
        ({"banner_colour": "#123b5c", "banner_text_colour": "#2a5a80"}, "banner_text_colour"),
    ],
)
def test_colours_that_leave_text_too_faint_are_refused_and_nothing_is_stored(
    administrator, colours, field
):
    response = saved(administrator, **colours)

    assert response.status_code == 200
    assert "at least 4.5:1" in str(response.context["form"].errors[field])
    assert not CareersSite.objects.exists()


def test_a_photo_is_stored_upright_without_what_the_camera_wrote(client, administrator):
    camera = {0x0112: 6, 0x010F: "Kamera AB", 0x0131: "Telefon 12"}  # rotated; maker; software

    saved(administrator, cover_file=photo(size=(300, 200), exif=camera), cover_alt="Kontoret")

    stored = CareersImage.objects.get()
    served = type(client)().get(stored.get_absolute_url())
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served["Cache-Control"]
    picture = Image.open(io.BytesIO(served.content))
    assert picture.size == (200, 300)  # turned as the camera meant
    assert dict(picture.getexif()) == {}
    for written in (b"Kamera AB", b"Telefon 12", b"Semester i Visby"):  # maker, software, comment
        assert written not in served.content
    assert (
        'alt="Kontoret" lang="sv" width="200" height="300"'
        in type(client)().get("/jobs/").content.decode()
    )


def test_a_file_that_is_not_a_picture_is_refused_at_its_field(administrator):
    cv = SimpleUploadedFile("logo.png", (SAMPLES / "cv-astrid-lindqvist.pdf").read_bytes())

    response = saved(administrator, logo_file=cv)

    assert "not a picture we can show" in str(response.context["form"].errors["logo_file"])
    assert not CareersSite.objects.exists() and not CareersImage.objects.exists()


def test_a_replaced_or_removed_picture_is_gone(client, administrator):
    saved(administrator, logo_file=photo(kind="PNG"))
    first = CareersImage.objects.get().get_absolute_url()

    saved(administrator, logo_file=photo(size=(400, 100), kind="PNG"))
    assert CareersImage.objects.count() == 1
    assert type(client)().get(first).status_code == 404

    saved(administrator, logo_remove="on")
    assert not CareersImage.objects.exists()
    assert CareersSite.objects.get().logo is None


def test_a_video_loads_nothing_until_a_visitor_asks(client, administrator):
    saved(administrator, video_url="https://youtu.be/aqz-KE-bpKQ", video_title="En dag på lagret")

    page = type(client)().get("/jobs/")
    html = page.content.decode()
    assert "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=aqz-KE-bpKQ"' in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"' in html
    assert "frame-src https://www.youtube-nocookie.com" in page["Content-Security-Policy"]

    refused = saved(administrator, video_url="https://example.se/film.mp4")
    assert "YouTube or Vimeo" in str(refused.context["form"].errors["video_url"])


def test_a_department_has_a_page_of_its_openings_and_keeps_them_when_renamed(client, administrator):
    open_ad(title="Lagerchef", department="Logistik")
    open_ad(title="Utvecklare", department="IT")
    response = administrator.post(
        f"{EDITOR}departments/new/",
        {
            "name": "Logistik",
            "slug": "",
            "text": "Lager i *Jönköping*.",
            "image_alt": "",
            "position": 0,
        },
    )
    assert response.status_code == 302
    department = Department.objects.get()
    assert department.slug == "logistik"

    page = client.get("/jobs/departments/logistik/")
    assert titles(page) == ["Lagerchef"]
    assert "<em>Jönköping</em>" in page.content.decode()
    assert '/jobs/feed/?department=Logistik"' in page.content.decode()
    place = save_careers_part(part=Place(name="Göteborg", slug="goteborg"), pictures={})
    assert (
        "/jobs/feed/?place=G%C3%B6teborg" in client.get(place.get_absolute_url()).content.decode()
    )
    assert 'href="/jobs/departments/logistik/"' in client.get("/jobs/").content.decode()

    administrator.post(
        f"{EDITOR}departments/{department.pk}/",
        {
            "name": "Lager och logistik",
            "slug": "logistik",
            "text": "",
            "image_alt": "",
            "position": 0,
        },
    )
    assert Opening.objects.get(title="Lagerchef").department == "Lager och logistik"
    assert titles(client.get("/jobs/departments/logistik/")) == ["Lagerchef"]

    administrator.post(f"{EDITOR}departments/{department.pk}/", {"remove": "1"})
    assert client.get("/jobs/departments/logistik/").status_code == 404
    assert Opening.objects.get(title="Lagerchef").department == "Lager och logistik"


def test_a_second_department_of_the_same_name_or_address_is_refused(administrator):
    save_careers_part(part=Department(name="IT", slug="it"), pictures={})

    for fields in ({"name": "IT", "slug": "data"}, {"name": "Data", "slug": "it"}):
        response = administrator.post(
            f"{EDITOR}departments/new/", {**fields, "text": "", "image_alt": "", "position": 0}
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Department.objects.count() == 1


def test_the_careers_page_shows_a_change_at_once_though_it_is_kept(
    client, administrator, django_capture_on_commit_callbacks
):
    saved(administrator)
    anyone = type(client)()
    assert "Jobba i Exempel kommun" in text(anyone.get("/jobs/"))  # kept now

    with django_capture_on_commit_callbacks(execute=True):
        saved(administrator, headline="Välkommen till oss")

    assert "Välkommen till oss" in text(anyone.get("/jobs/"))


def test_the_careers_page_costs_the_same_queries_for_a_few_parts_as_for_many(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            assert client.get("/jobs/", {"type": "permanent"}).status_code == 200  # not kept
        return len(run)

    open_ad(department="Logistik")
    save_careers_part(part=Department(name="Logistik", slug="logistik"), pictures={})
    queries()  # the brand read once, and kept
    few = queries()
    for number in range(12):
        open_ad(title=f"Tjänst {number}", department=f"Avdelning {number}")
        save_careers_part(
            part=Department(name=f"Avdelning {number}", slug=f"a{number}"), pictures={}
        )

    assert queries() == few


def test_a_picture_too_large_or_too_many_pixels_is_refused_with_its_reason(administrator):
    heavy = SimpleUploadedFile("cover.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1), "image/jpeg")
    response = saved(administrator, cover_file=heavy)
    assert "larger than 5 MB" in str(response.context["form"].non_field_errors())

    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 million pixels in a few KB
    bomb = SimpleUploadedFile("logo.png", out.getvalue(), "image/png")
    response = saved(administrator, logo_file=bomb)
    assert "not a picture we can show" in str(response.context["form"].errors["logo_file"])

    assert not CareersSite.objects.exists() and not CareersImage.objects.exists()


def test_a_strangers_upload_is_refused_before_it_is_read(client):
    picture = photo(size=(50, 50))

    response = client.post(EDITOR, {**SITE, "logo_file": picture})  # not logged in

    assert response.status_code == 413
    assert not CareersSite.objects.exists() and not CareersImage.objects.exists()


def test_a_page_needs_an_address_its_name_cannot_give(administrator):
    response = administrator.post(
        f"{EDITOR}places/new/",
        {"name": "東京", "slug": "", "text": "", "image_alt": "", "position": 0},
    )

    assert "Give the page an address" in str(response.context["form"].errors["slug"])
    assert not Place.objects.exists()


def test_a_renamed_place_is_renamed_in_the_ad_templates_too(administrator):
    place = save_careers_part(part=Place(name="Jönköping", slug="jonkoping"), pictures={})
    template = AdTemplate.objects.create(name="Lager", fields={"location": "Jönköping"})

    administrator.post(
        f"{EDITOR}places/{place.pk}/",
        {
            "name": "Jönköping, Torsvik",
            "slug": "jonkoping",
            "text": "",
            "image_alt": "",
            "position": 0,
        },
    )

    template.refresh_from_db()
    assert template.fields["location"] == "Jönköping, Torsvik"
