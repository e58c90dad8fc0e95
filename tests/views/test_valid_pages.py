"""Every page a candidate sees, the recruiter's CV page, and the pages that find and
sort candidates (search, a person's profile, tags, the list and board with their
filters, the counts, a privacy request's applications, a legal hold) are titled, headed
and valid HTML, in Swedish and English:
read by the W3C Nu checker (vnu.jar, on the machine's Java), as validators and
assistive technology read them. An empty <title> is an error there (WCAG 2.4.2)."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from uuid import uuid4

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.utils import timezone

from ats.exports import export_document, summary
from ats.models import (
    AdTemplate,
    Application,
    Department,
    Interview,
    InterviewSlot,
    Message,
    ScreeningAnswer,
    ScreeningQuestion,
)
from ats.person_keys import person_key
from ats.services.candidate_rights import available_actions
from ats.services.demo_brand import load_demo_brand
from ats.services.holds import place_legal_hold
from ats.services.notes import add_note
from ats.services.pipeline_stages import add_stage
from ats.services.tags import create_tag, tag_applications
from tests.e2e.checks import nu_checker_finds
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    UserFactory,
    emailed_link,
    grant,
    opened,
    stored_sample_cv,
)
from tests.helpers import logged_in, on_team

# Slow: the W3C Nu checker starts a Java virtual machine.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class Headings(HTMLParser):
    """The text of the page's <title> and of its <h1>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.texts = {"title": "", "h1": ""}
        self.inside = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in self.texts:
            self.inside = tag

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside:
            self.texts[self.inside] += data


def candidate_pages(client: Client) -> list[str]:
    """The careers pages, and a candidate's own pages with every action there is: one
    application for an opening, decided and with an interview to book (the interview
    and merits pages), one spontaneous, consented and restricted (renew, unrestrict);
    each with a message from the hiring team."""
    opening = OpeningFactory(
        title="Lagerchef", decided_at=timezone.now(), contact_email="chef@exempel.se"
    )
    for_opening = ApplicationFactory(opening=opening, consent_given_at=timezone.now())
    interview = Interview.objects.create(application=for_opening, place="Kontoret")
    InterviewSlot.objects.create(interview=interview, starts_at=timezone.now() + timedelta(days=3))
    Interview.objects.create(  # an earlier one, booked: how to change its time
        application=for_opening,
        place="Kontoret",
        status=Interview.Status.BOOKED,
        starts_at=timezone.now() + timedelta(days=1),
    )
    ScreeningAnswer.objects.create(
        application=for_opening, question_text="Har du truckkort?", answer="yes"
    )
    spontaneous = ApplicationFactory(
        consented=True,
        delete_after=timezone.now() + timedelta(days=20),  # renewal is open
        restricted_at=timezone.now(),
    )
    load_demo_brand()  # the careers site with every part it can have
    pages = ["/jobs/", f"/jobs/{opening.slug}/", "/apply/", "/privacy/", "/my-data/"]
    pages += ["/jobs/departments/logistik/", "/jobs/places/goteborg/"]
    for application in (for_opening, spontaneous):
        Message.objects.create(application=application, sender="team", text="Hej!")
        own = opened(client, emailed_link(application))
        pages += [own] + [f"{own}{action}/" for action in available_actions(application)]
        pages += [f"{own}messages/"]
    return pages


def test_every_candidate_page_is_titled_headed_and_valid_html(client, notice, tmp_path):
    pages = [*candidate_pages(client), "/accounts/login/"]  # staff's, with the passkey
    assert {page.rsplit("/", 2)[-2] for page in pages} >= {
        "interview", "export", "edit", "withdraw", "renew", "restrict", "unrestrict",
        "object", "erase", "merits",
    }  # fmt: skip
    assert pages_checked(client, pages, tmp_path) == []


def test_the_cv_inside_the_page_is_titled_headed_and_valid_html(client, tmp_path):
    """The recruiter's CV page for each kind of CV and for a damaged one, and the
    application page that links to it, as an interviewer sees them."""
    opening = OpeningFactory(title="Lagerchef")
    cvs = [stored_sample_cv(extension) for extension in ("pdf", "docx", "odt")]
    cvs.append(stored_sample_cv("pdf", content=b"%PDF-1.7 damaged"))
    applications = [ApplicationFactory(opening=opening, stage="interview", cv=cv) for cv in cvs]
    logged_in(on_team(opening, role="interviewer"), client)
    pages = [f"/recruit/applications/{a.public_id}/cv/view/" for a in applications]
    pages.append(f"/recruit/applications/{applications[0].public_id}/")

    assert pages_checked(client, pages, tmp_path) == []


def test_the_pages_that_find_and_sort_candidates_are_titled_headed_and_valid_html(
    client, tmp_path, monkeypatch
):
    """As a recruiter of the opening who also handles privacy requests and holds sees
    them: search with matches, with none, and with more than it ranks; the profile of a
    person with two applications; the tags; the list and the board filtered by a tag;
    the counts; the ad editor; the applications a privacy request found and their
    erasure's confirmation; an application's legal hold, to place and placed; the access
    log, whole and of one application; the merit requests."""
    monkeypatch.setattr("ats.selectors.search.WINDOW", 2)  # three matches: "more matched"
    opening = OpeningFactory(title="Lagerchef")
    user = grant(
        on_team(opening),
        "view_spontaneous_applications", "handle_privacy_requests", "set_legal_hold",
        "add_tag", "delete_tag", "add_opening", "change_opening", "publish_opening",
        "change_careerssite", "change_adtemplate", "change_pipelinestage", "view_accessevent",
    )  # fmt: skip
    logged_in(user, client)
    for key, agent in ((client.session.session_key, "Firefox"), ("other", "Safari (iPhone)")):
        UserSession.objects.create(user=user, session_key=key, ip="192.0.2.7", user_agent=agent)
    load_demo_brand()
    case = add_stage(owner=opening, kind="interview", name="Caseintervju")
    ScreeningQuestion.objects.create(opening=opening, text="Truckkort?", unmet_answer="no")
    astrid = ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", email="astrid@example.se",
        cv_text="Truckkort A och B, lagerarbete i Jönköping",
    )  # fmt: skip
    ApplicationFactory(
        consented=True, name="Astrid Lindqvist", email="astrid@example.se", cv_text="Truckkort B"
    )
    johan = ApplicationFactory(
        opening=opening, name="Johan Berg", stage="interview", cv_text="Truckkort A"
    )
    tag = create_tag(name="Truckkort")
    tag_applications(
        applications=Application.objects.filter(opening=opening), tag=tag, tagged_by=user
    )
    place_legal_hold(
        applications=Application.objects.filter(pk=johan.pk), reason="Tvist", placed_by=user
    )
    found = client.post(
        "/recruit/privacy/",
        {"email": "astrid@example.se", "received_on": timezone.localdate().isoformat()},
    )["Location"]
    pages = [
        # a link with ?q= puts the term in the session and leads to the results
        "/recruit/search/?q=Lindqvist",  # two matches
        "/recruit/search/?q=ingenträff",  # none
        "/recruit/search/?q=truckkort",  # three: more than ranked
        f"/recruit/people/{person_key('astrid@example.se')}/",
        "/recruit/tags/",
        f"/recruit/openings/{opening.pk}/?tag={tag.pk}&sort=name",
        f"/recruit/openings/{opening.pk}/board/?tag={tag.pk}",
        f"/recruit/openings/{opening.pk}/board/?pipeline_stage={case.pk}",
        f"/recruit/openings/{opening.pk}/stages/",  # a kind with two stages
        "/recruit/stages/",
        "/accounts/2fa/",  # sign-in security: the authenticator app, passkeys, codes
        "/accounts/sessions/",  # their sessions (allauth's, ended all when they leave)
        f"/recruit/openings/{opening.pk}/counts/",
        "/recruit/reports/",
        f"/recruit/reports/?opening={opening.pk}&start=2020-01",
        f"/recruit/openings/{opening.pk}/edit/",  # the editor: two columns, the questions
        "/recruit/openings/new/",
        "/recruit/careers-site/",
        f"/recruit/careers-site/departments/{Department.objects.first().pk}/",
        "/recruit/careers-site/sections/new/",
        "/recruit/ad-templates/",
        f"/recruit/ad-templates/{AdTemplate.objects.get().pk}/",
        f"/recruit/openings/new/?template={AdTemplate.objects.get().pk}",
        found,
        f"{found}erase/",
        f"/recruit/applications/{astrid.public_id}/",
        f"/recruit/applications/{johan.public_id}/",
        "/recruit/access-log/",  # what the pages above logged
        f"/recruit/access-log/?application={astrid.public_id}",
        f"/recruit/openings/{opening.pk}/merits/",
    ]

    assert pages_checked(client, pages, tmp_path) == []


def test_the_exports_summary_is_valid_html_in_either_language(tmp_path):
    """summary.html, the export's readable half, of an application that holds a piece of
    everything there is."""
    opening = OpeningFactory(title="Lagerchef", decided_at=timezone.now())
    documents = {}
    for language in ("sv", "en"):
        application = ApplicationFactory(
            opening=opening, language=language, consent_given_at=timezone.now(), source="indeed"
        )
        ScreeningAnswer.objects.create(
            application=application, question_text="Har du truckkort?", answer="yes"
        )
        Interview.objects.create(
            application=application,
            place="Kontoret",
            status=Interview.Status.BOOKED,
            starts_at=timezone.now() + timedelta(days=1),
        )
        Message.objects.create(application=application, sender="candidate", text="Hej!\nAstrid")
        add_note(application=application, author=UserFactory(), text="Bra intervju")
        place_legal_hold(
            applications=Application.objects.filter(pk=application.pk),
            reason="Tvist",
            until=timezone.now() + timedelta(days=90),
            placed_by=UserFactory(),
        )
        application.refresh_from_db()
        now = timezone.now()
        documents[language] = summary(application, export_document(application, now=now), now=now)

    assert nu_checker_finds(documents, tmp_path / "pages") == []


def pages_checked(client: Client, pages: list[str], tmp_path: Path) -> list[str]:
    """What the Nu checker finds wrong with the pages, each in Swedish and English, once
    each is known to be there, titled and headed. A page that redirects (a search's
    ?q=) is read where it leads, on the same path."""
    documents = {}
    for language in ("sv", "en"):
        for path in pages:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language, follow=True)
            assert response.status_code == 200, (path, response.status_code)
            assert response.request["PATH_INFO"] == path.split("?")[0], path
            html = response.content.decode()
            assert f'<html lang="{language}">' in html, path
            headings = Headings(html).texts
            assert headings["title"].strip() and headings["h1"].strip(), (path, headings)
            documents[f"{language} {path}"] = html
    # beside it, tmp_path holds the test's CV storage
    return nu_checker_finds(documents, tmp_path / "pages")


def test_a_closed_candidate_page_is_titled_headed_and_valid_html(client, tmp_path):
    documents = {}
    for language in ("sv", "en"):
        response = client.get(f"/my-application/{uuid4()}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 403  # closed, or never opened here: said plainly
        headings = Headings(response.content.decode()).texts
        assert headings["title"].strip() and headings["h1"].strip()
        documents[language] = response.content.decode()
    assert nu_checker_finds(documents, tmp_path / "pages") == []
