"""The CV read inside the page (/recruit/applications/<id>/cv/view/): whoever may see
the application reads it, interviewers too; downloading stays a permission of its own;
every view is in the access log; nothing drawn is kept, by a browser or by the server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import AccessEvent, Application
from ats.services.purge import purge_due
from ats.views.applications import CV_VIEW_LASTS
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant, stored_sample_cv
from tests.helpers import logged_in, png_size, team_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


@pytest.fixture
def application(opening):
    """In the interview stage, which an interviewer of the opening sees."""
    return ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", stage="interview", cv_filename="CV Astrid.pdf"
    )


def view_of(application) -> str:
    return f"/recruit/applications/{application.public_id}/cv/view/"


def page_image(application, number: int = 1) -> str:
    return f"{view_of(application)}pages/{number}.png"


def views_logged() -> list[tuple]:
    return list(AccessEvent.objects.values_list("user__username", "action", "public_id"))


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_every_role_of_the_team_reads_the_cv_inside_the_page(opening, application, role):
    client = team_client(opening, role=role)

    response = client.get(view_of(application))
    image = client.get(page_image(application, 2))

    assert response.status_code == 200
    assert response.context["rendering"].page_count == 2
    page = text(response)
    assert "CV of Astrid Lindqvist" in page and "Page 1 of 2" in page and "Page 2 of 2" in page
    assert "Karlstads universitet" in page  # page 2's text, beside its image
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert png_size(image.content) == (1200, 1698)
    assert views_logged() == [(role, "view_cv", application.public_id)]  # the page, once


def test_the_page_names_the_file_and_links_back_and_to_each_page(opening, application):
    client = team_client(opening, role="interviewer")

    html = client.get(view_of(application)).content.decode()

    assert f'href="/recruit/applications/{application.public_id}/"' in html
    assert "CV Astrid.pdf (you may read the CV here, not download it)" in html
    assert f'href="/recruit/applications/{application.public_id}/cv/"' not in html
    for number in (1, 2):
        assert f'src="{page_image(application, number)}" width="1200" height="1698"' in html
        assert f'alt="Page {number} of 2 of the CV, as an image; its text follows"' in html


def test_who_may_download_finds_the_download_beside_it(opening, application):
    recruiter = grant(UserFactory(username="rekryterare"), "download_cv")
    opening.hiring_team.add(recruiter)

    html = logged_in(recruiter).get(view_of(application)).content.decode()

    assert f'<a href="/recruit/applications/{application.public_id}/cv/">' in html
    assert "Download CV Astrid.pdf" in html


def test_the_application_page_links_to_the_cv_and_to_its_download_only_with_the_permission(
    opening, application
):
    interviewer = team_client(opening, role="interviewer")
    downloader = grant(UserFactory(username="rekryterare"), "download_cv")
    opening.hiring_team.add(downloader)

    for client, may_download in ((interviewer, False), (logged_in(downloader), True)):
        html = client.get(f"/recruit/applications/{application.public_id}/").content.decode()
        assert f'<a href="{view_of(application)}">View CV</a>' in html
        assert (f'href="/recruit/applications/{application.public_id}/cv/"' in html) is (
            may_download
        )
        assert ("you may view the CV, not download it" in html) is not may_download


def test_anyone_else_finds_nothing_there(client, opening, application):
    other_opening = OpeningFactory(title="Ekonom")
    not_in_interviews = ApplicationFactory(opening=opening, stage="new")
    visitors = {
        "staff outside the team": logged_in(UserFactory(username="utanfor")),
        "the team of another opening": team_client(other_opening, role="recruiter"),
        "with the download permission only": logged_in(
            grant(UserFactory(username="laddar"), "download_cv")
        ),
        "not staff": logged_in(UserFactory(username="anstalld", is_staff=False)),
    }

    for who, visitor in visitors.items():
        for url in (view_of(application), page_image(application)):
            assert visitor.get(url).status_code == 404, (who, url)
    interviewer = team_client(opening, role="interviewer")
    for url in (view_of(not_in_interviews), page_image(not_in_interviews)):
        assert interviewer.get(url).status_code == 404  # not yet in the interview stages
    assert views_logged() == []


def test_anonymous_visitors_are_sent_to_the_login(client, application):
    for url in (view_of(application), page_image(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_neither_the_page_nor_an_image_is_kept_by_a_browser_or_a_proxy(opening, application):
    client = team_client(opening, role="interviewer")

    for url in (view_of(application), page_image(application)):
        directives = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, url


def test_every_view_of_the_page_is_logged_and_its_images_are_part_of_it(opening, application):
    client = team_client(opening, role="interviewer")

    client.get(view_of(application))
    for number in (1, 2, 1):
        client.get(page_image(application, number))
    client.get(view_of(application))

    assert views_logged() == [("interviewer", "view_cv", application.public_id)] * 2


def test_an_image_fetched_without_its_page_is_logged_as_a_view(opening, application):
    client = team_client(opening, role="interviewer")

    client.get(page_image(application, 1))
    client.get(page_image(application, 2))

    assert views_logged() == [("interviewer", "view_cv", application.public_id)]
    # Past the moment that joins images to their page, an image is a view again.
    AccessEvent.objects.update(at=timezone.now() - CV_VIEW_LASTS - timedelta(seconds=1))
    client.get(page_image(application, 1))
    assert views_logged() == [("interviewer", "view_cv", application.public_id)] * 2


def test_a_page_past_the_end_is_not_found(opening, application):
    client = team_client(opening, role="recruiter")

    assert client.get(page_image(application, 3)).status_code == 404


def test_a_restricted_application_shows_no_cv(opening, application):
    Application.objects.filter(pk=application.pk).update(restricted_at=timezone.now())
    client = team_client(opening, role="recruiter")

    for url in (view_of(application), page_image(application)):
        assert client.get(url).status_code == 404
    assert views_logged() == []


@pytest.mark.parametrize("extension", ["docx", "odt"])
def test_a_document_shows_its_headings_and_lists(opening, extension):
    application = ApplicationFactory(
        opening=opening, cv=stored_sample_cv(extension), cv_filename=f"CV.{extension}"
    )
    client = team_client(opening, role="hiring_manager")

    response = client.get(view_of(application))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h2>Astrid Lindqvist</h2>" in html and "<h3>Erfarenhet</h3>" in html
    assert "<li>" in html and "Senior utvecklare, Exempelbolaget AB" in html
    assert client.get(page_image(application)).status_code == 404  # no pages to draw
    assert views_logged() == [("hiring_manager", "view_cv", application.public_id)]


def test_a_cv_that_cannot_be_drawn_says_so_and_offers_the_download_to_who_may(opening):
    damaged = ApplicationFactory(
        opening=opening, stage="interview", cv=stored_sample_cv("pdf", content=b"%PDF-1.7 x")
    )
    interviewer = team_client(opening, role="interviewer")
    downloader = grant(UserFactory(username="rekryterare"), "download_cv")
    opening.hiring_team.add(downloader)

    for client, may_download in ((interviewer, False), (logged_in(downloader), True)):
        response = client.get(view_of(damaged))
        assert response.status_code == 200
        assert "This CV cannot be shown here" in text(response)
        assert ("Download it to open it on your computer." in text(response)) is may_download
    assert len(views_logged()) == 2  # opened, though nothing could be shown


def test_a_cv_kept_on_s3_is_shown_the_same(opening, s3_cv_files):
    application = ApplicationFactory(opening=opening)
    client = team_client(opening, role="recruiter")

    response = client.get(view_of(application))

    assert response.context["rendering"].page_count == 2
    assert png_size(client.get(page_image(application, 2)).content) == (1200, 1698)
    assert s3_cv_files.remaining() == [application.cv.name]  # nothing drawn was kept


def test_after_the_purge_nothing_of_the_cv_is_there(stored_files, opening):
    application = ApplicationFactory(opening=opening)  # its CV where stored_files keeps it
    client = team_client(opening, role="recruiter")
    assert client.get(view_of(application)).status_code == 200
    assert client.get(page_image(application)).status_code == 200
    assert stored_files.remaining() == [application.cv.name]  # the CV alone: nothing drawn
    Application.objects.filter(pk=application.pk).update(
        delete_after=timezone.now() - timedelta(minutes=1), deletion_reason="retention_expired"
    )

    purge_due()

    assert not Application.objects.exists()
    for url in (view_of(application), page_image(application)):
        assert client.get(url).status_code == 404
    assert stored_files.remaining() == []


def test_the_page_costs_the_same_queries_whatever_the_cv(
    opening, application, django_assert_num_queries
):
    client = team_client(opening, role="interviewer")
    document = ApplicationFactory(
        opening=opening, stage="interview", cv=stored_sample_cv("docx"), cv_filename="CV.docx"
    )
    client.get(view_of(application))

    # session, user, second factor, 2 x permissions, the application, the access log,
    # the session saved (3)
    for url in (view_of(application), view_of(document)):
        with django_assert_num_queries(10):
            client.get(url)
    with django_assert_num_queries(10):  # the same, the log asked, not written again
        client.get(page_image(application))
