"""Interviews: the recruiter offers times, the candidate books one through their link
(or asks for others), both sides get an iCalendar invitation, then an update or a
cancellation; interviewers see theirs on /recruit/interviews/."""

import re
from datetime import timedelta
from uuid import uuid4

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from ats.exports import export_document
from ats.models import Application, CandidateEmail, Interview, Message, Opening, StaffEmail
from tests.factories import ApplicationFactory, OpeningFactory, emailed_link, opened, sent_emails
from tests.helpers import link_in, logged_in, on_team, open_link, team_client, text
from tests.mail import calendars_in

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


def in_days(days: int, hour: int = 10):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def propose(client, application, interviewers, *times, place="Kontoret, Storgatan 1"):
    return client.post(
        f"/recruit/applications/{application.public_id}/interviews/",
        {
            **{f"time_{n}": t.strftime(LOCAL) for n, t in enumerate(times, start=1)},
            "length_minutes": 45,
            "place": place,
            "interviewers": [u.pk for u in interviewers],
        },
    )


def calendar_of(message) -> Calendar:
    (calendar,) = calendars_in(message)
    return calendar


@pytest.fixture
def invited(opening, django_capture_on_commit_callbacks):
    recruiter = team_client(opening, "rekryterare")
    interviewer = on_team(opening, "intervjuare", role="interviewer")
    application = ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", email="astrid@example.se", stage="reviewing"
    )
    propose(recruiter, application, [interviewer], in_days(3), in_days(4, 14))
    return recruiter, interviewer, application


def test_a_proposal_moves_the_applicant_to_interview_and_emails_the_booking_link(invited):
    _, _, application = invited

    application.refresh_from_db()
    assert application.stage == "interview"
    interview = Interview.objects.get()
    assert (interview.status, interview.slots.count()) == ("proposed", 2)
    assert sent_emails("candidate emails") == 1
    (message,) = mail.outbox
    assert message.subject == "Inbjudan till intervju: Lagerchef"
    assert "/my-application/" in message.body and "/interview/" in message.body
    for slot in interview.slots.all():  # the times offered, their length and the place
        with translation.override("sv"):  # the language applied in
            day = date_format(timezone.localtime(slot.starts_at), "l j F Y")
        assert f"- {day} kl. {timezone.localtime(slot.starts_at):%H.%M}" in message.body
    assert "45 minuter, Kontoret, Storgatan 1" in message.body
    assert message.attachments == []  # no time chosen yet: no calendar event


def test_the_candidate_books_a_time_and_both_sides_get_the_invitation(
    invited, django_capture_on_commit_callbacks
):
    _, interviewer, application = invited
    candidate = Client()
    page = opened(candidate, emailed_link(application) + "interview/")
    interview = Interview.objects.get()
    second = interview.slots.order_by("starts_at").last()
    assert (
        timezone.localtime(second.starts_at).strftime("%H:%M")
        in candidate.get(page).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        candidate.post(page, {"choice": "book", "interview": interview.pk, "slot": second.pk})

    interview.refresh_from_db()
    assert (interview.status, interview.starts_at, interview.sequence) == (
        "booked",
        second.starts_at,
        1,
    )
    sent_emails("team emails")
    (team_message,) = [m for m in mail.outbox if m.to == [interviewer.email]]
    for personal in ("Astrid", "Lindqvist", "astrid@example.se"):
        assert personal not in team_message.body + team_message.subject
    event = calendar_of(team_message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == second.starts_at
    assert str(event["uid"]) == f"{interview.uid}@ats"
    booked = next(m for m in mail.outbox if m.subject.startswith("Intervju bokad"))
    assert booked.to == ["astrid@example.se"]
    calendar = calendar_of(booked)
    assert str(calendar["method"]) == "REQUEST"
    assert calendar.walk("VEVENT")[0].decoded("dtend") == second.starts_at + timedelta(minutes=45)


def test_moving_and_cancelling_update_the_same_calendar_event(invited):
    recruiter, _, application = invited
    interview = Interview.objects.get()
    slot = interview.slots.first()
    candidate = Client()
    page = opened(candidate, emailed_link(application) + "interview/")
    candidate.post(page, {"choice": "book", "interview": interview.pk, "slot": slot.pk})
    url = f"/recruit/applications/{application.public_id}/interviews/{interview.pk}/"

    recruiter.post(url, {"action": "move", "starts_at": in_days(5, 9).strftime(LOCAL)})
    sent_emails("candidate emails")
    moved = calendar_of(next(m for m in mail.outbox if m.subject.startswith("Ändrad")))
    recruiter.post(url, {"action": "cancel"})
    sent_emails("candidate emails")
    cancelled = calendar_of(next(m for m in mail.outbox if "inställd" in m.subject))

    moved_event, cancelled_event = moved.walk("VEVENT")[0], cancelled.walk("VEVENT")[0]
    assert moved_event["uid"] == cancelled_event["uid"]
    assert (moved_event["sequence"], cancelled_event["sequence"]) == (2, 3)
    assert moved_event.decoded("dtstart") == in_days(5, 9)
    assert (str(cancelled["method"]), str(cancelled_event["status"])) == ("CANCEL", "CANCELLED")


def test_the_candidate_may_ask_for_other_times(invited, django_capture_on_commit_callbacks):
    recruiter_client, _, application = invited
    interview = Interview.objects.get()
    candidate = Client()
    page = opened(candidate, emailed_link(application) + "interview/")

    with django_capture_on_commit_callbacks(execute=True):
        candidate.post(page, {"choice": "other", "interview": interview.pk, "message": "Fredag?"})

    interview.refresh_from_db()
    assert (interview.status, interview.candidate_message) == ("other_times", "Fredag?")
    sent_emails("team emails")
    assert any(
        "other times" in m.subject for m in mail.outbox if m.to[0].endswith("arbetsgivare.se")
    )
    recruiter_page = recruiter_client.get(f"/recruit/applications/{application.public_id}/")
    assert "Fredag?" in recruiter_page.content.decode()


def test_interviewers_see_their_own_interviews_and_propose_none(invited, opening):
    _, interviewer, application = invited
    other_opening = OpeningFactory(title="Kassör")
    elsewhere = ApplicationFactory(opening=other_opening, stage="interview")
    Interview.objects.create(application=elsewhere, place="Butiken")  # not theirs
    client = logged_in(interviewer)

    listed = client.get("/recruit/interviews/").context["interviews"]

    assert [i.application_id for i in listed] == [application.pk]
    assert propose(client, application, [], in_days(2)).status_code == 404


def test_a_time_in_the_past_stores_nothing_and_says_why(opening):
    recruiter = team_client(opening, "rekryterare")
    application = ApplicationFactory(opening=opening)

    response = propose(recruiter, application, [], in_days(-1))

    assert not Interview.objects.exists() and not CandidateEmail.objects.exists()
    page = recruiter.get(response["Location"]).content.decode()
    assert "Offer at least one time in the future." in page
    application.refresh_from_db()
    assert application.stage == "new"


def test_the_interview_is_in_the_candidates_export(invited):
    _, interviewer, application = invited
    unnamed = export_document(Application.objects.get(pk=application.pk), now=timezone.now())
    type(interviewer).objects.filter(pk=interviewer.pk).update(first_name="Ivan", last_name="Ek")

    exported = export_document(Application.objects.get(pk=application.pk), now=timezone.now())

    (interview,) = exported["application"]["interviews"]
    assert interview["status"] == "proposed" and len(interview["times_offered"]) == 2
    assert interview["place"] == "Kontoret, Storgatan 1"
    assert interview["interviewers"] == ["Ivan Ek"]  # who will meet them, by name
    # Never by the user name (with single sign-on, an address at the employer's).
    assert unnamed["application"]["interviews"][0]["interviewers"] == []


@pytest.mark.parametrize("contact", ["", "chef@exempel.se"])
def test_the_interview_page_names_the_post_and_a_booking_says_how_to_change_it(
    invited, opening, contact
):
    # UX review problem 32: no heading or title; no way to another time once booked.
    Opening.objects.filter(pk=opening.pk).update(contact_name="Maja Sjöberg", contact_email=contact)
    _, interviewer, application = invited
    type(interviewer).objects.filter(pk=interviewer.pk).update(first_name="Ivan", last_name="Ek")
    candidate = Client()
    page = opened(candidate, emailed_link(application) + "interview/")
    shown = candidate.get(page).content.decode()
    heading = re.search(r"<h1>([^<]*)</h1>", shown).group(1).strip()
    assert heading == "Choose a time for your interview: Lagerchef"
    assert "You meet: Ivan Ek" in text(candidate.get(page))  # whom, by name
    type(interviewer).objects.filter(pk=interviewer.pk).update(first_name="", last_name="")
    unnamed = text(candidate.get(page))  # never by the user name (an address, with sign-on)
    assert "You meet: a member of the hiring team" in unnamed and "intervjuare" not in unnamed
    type(interviewer).objects.filter(pk=interviewer.pk).update(first_name="Ivan", last_name="Ek")
    assert re.search(r"<title>([^<]*)</title>", shown).group(1).strip() == heading
    interview = Interview.objects.get()

    own_page = candidate.post(
        page, {"choice": "book", "interview": interview.pk, "slot": interview.slots.first().pk}
    ).url

    booked = text(candidate.get(own_page))
    assert "Booked" in booked and "You meet: Ivan Ek" in booked
    assert "Need another time? Write to the hiring team" in booked
    assert ("Maja Sjöberg at chef@exempel.se" in booked) == bool(contact)
    # Her own page takes her words (the team has not written), and the interviewers hear.
    write = own_page + "messages/"
    assert candidate.post(write, {"text": "Kan vi ta torsdag i stället?"}).status_code == 302
    assert Message.objects.get(sender="candidate").text == "Kan vi ta torsdag i stället?"
    told = StaffEmail.objects.filter(email__in=[u.email for u in interview.interviewers.all()])
    assert told.filter(body__contains=f"{application.public_id}").exists()
    # The candidate cannot move a booked time: only the recruiters know what suits the team.
    answer = candidate.post(page, {"choice": "other", "interview": interview.pk}, follow=True)
    assert answer.redirect_chain[-1][0] == own_page.split("?")[0]  # her page, as it stands
    assert Interview.objects.get().status == "booked"


def test_every_interview_email_link_opens_a_page_that_is_there(invited):
    """Issue 29.1: the booked email's link, and the invitation's once booked, opened
    "the page does not exist ... deleted": she thought her application was gone."""
    _, _, application = invited
    sent_emails("candidate emails")
    (invitation,) = mail.outbox
    candidate = Client()
    page = open_link(candidate, link_in(invitation))
    interview = Interview.objects.get()
    slot = interview.slots.first()
    candidate.post(page, {"choice": "book", "interview": interview.pk, "slot": slot.pk})
    sent_emails("candidate emails")
    booked = mail.outbox[-1]

    for message in (booked, invitation):  # the invitation's link after the booking
        browser = Client()
        shown = browser.get(open_link(browser, link_in(message)), follow=True)
        words = text(shown)
        assert shown.status_code == 200, message.subject
        assert "Booked" in words and "Page not found" not in words, message.subject
    late = Client()
    late.get(link_in(invitation))
    answer = late.get(page, follow=True)  # the page of choosing, now
    assert answer.redirect_chain[-1][0] == f"/my-application/{application.public_id}/"
    assert "There is nothing left to do on that page" in text(answer)


def test_a_page_left_open_past_its_time_says_so_and_how_to_open_it_again(invited):
    _, _, application = invited
    candidate = Client()
    page = opened(candidate, emailed_link(application))

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        closed = candidate.get(page)

    words = text(closed)
    assert closed.status_code == 403
    assert "This page has closed" in words and "link in our email" in words
    assert "Page not found" not in words and "astrid" not in words.lower()
    assert "This page has closed" in text(Client().get(f"/my-application/{uuid4()}/"))
