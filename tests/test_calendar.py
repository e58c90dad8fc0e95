"""Interview invitations that calendars treat as meetings: iTIP (RFC 5546) messages
sent per iMIP (RFC 6047), read back as a mail client and a calendar would read them."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from icalendar import Calendar

from ats.calendar import as_invitation, interview_ics
from ats.models import Interview
from ats.services.interviews import cancel_interview
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.mail import as_read, calendars_in

pytestmark = pytest.mark.django_db

CANDIDATE = ("Astrid Lindqvist", "astrid@example.se")
INTERVIEWER = ("Bo Ek", "bo@arbetsgivare.se")


@pytest.fixture(autouse=True)
def employer(settings):
    settings.ATS_EMPLOYER_NAME = "Exempel AB"
    settings.DEFAULT_FROM_EMAIL = "jobb@exempel.se"


@pytest.fixture
def interview():
    application = ApplicationFactory(
        opening=OpeningFactory(title="Lagerchef"), name=CANDIDATE[0], email=CANDIDATE[1]
    )
    return Interview.objects.create(
        application=application,
        place="Kontoret, Storgatan 1",
        status=Interview.Status.BOOKED,
        starts_at=timezone.now().replace(microsecond=0) + timedelta(days=3),
        sequence=1,
    )


def sent(interview, *, attendees=(CANDIDATE,), **message) -> email.message.EmailMessage:
    """The invitation as it goes over the wire, parsed back as a mail client would."""
    ics = interview_ics(interview, language="sv", attendees=attendees)
    original = EmailMessage(
        **{
            "subject": "Intervju bokad: Lagerchef",
            "body": "Hej Astrid!\n\nDin intervju är bokad.",
            "from_email": "Exempel AB <jobb@exempel.se>",
            "to": [attendees[0][1]],
            **message,
        }
    )
    return as_read(as_invitation(original, ics=ics))


def calendar_part(message) -> email.message.EmailMessage:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


def calendar_of(message) -> Calendar:
    (calendar,) = calendars_in(message)
    return calendar


def event_of(message):
    (event,) = calendar_of(message).walk("VEVENT")
    return event


def attendees_of(event) -> list:
    found = event.get("attendee", [])
    return found if isinstance(found, list) else [found]


def test_an_invitation_is_text_and_calendar_as_alternatives_with_the_ics_attached(interview):
    message = sent(
        interview,
        reply_to=["rekrytering@exempel.se"],
        headers={"Auto-Submitted": "auto-generated"},
    )

    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    text, calendar = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert "Din intervju är bokad." in text.get_content()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_content_disposition() is None  # inline: the meeting, not a file
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() in ("application/ics", "text/calendar")
    content = attachment.get_content()
    assert Calendar.from_ical(content if isinstance(content, str) else content.decode()) == (
        Calendar.from_ical(calendar.get_content())
    )
    # Everything the email said is still said.
    assert message["Subject"] == "Intervju bokad: Lagerchef"
    assert message["From"] == "Exempel AB <jobb@exempel.se>"
    assert message["To"] == "astrid@example.se"
    assert message["Reply-To"] == "rekrytering@exempel.se"
    assert message["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_method_parameter_is_the_calendars_method_and_charset_is_given_once(
    interview, cancelled
):
    if cancelled:
        interview.status = Interview.Status.CANCELLED
    message = sent(interview)

    calendar = calendar_part(message)
    method = str(calendar_of(message)["method"])
    assert method == ("CANCEL" if cancelled else "REQUEST")
    assert calendar.get_param("method") == method
    assert calendar.get_content_charset() == "utf-8"
    for part in message.walk():  # as sent: the parsed header keeps one of two charsets
        content_type = next(value for name, value in part.raw_items() if name == "Content-Type")
        assert len(re.findall("charset", content_type, re.IGNORECASE)) <= 1, content_type


def test_a_request_has_what_rfc_5546_requires_and_the_organizer_a_bare_address(interview):
    calendar = calendar_of(sent(interview))
    event = event_of(sent(interview))

    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "REQUEST")
    assert calendar["prodid"]
    for required in ("uid", "dtstamp", "dtstart", "organizer", "summary"):
        assert required in event
    assert str(event["uid"]) == f"{interview.uid}@ats"
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == interview.starts_at
    assert event.decoded("dtend") == interview.starts_at + timedelta(minutes=45)
    assert str(event["summary"]) == "Intervju: Lagerchef"
    assert str(event["location"]) == "Kontoret, Storgatan 1"
    assert str(event["status"]) == "CONFIRMED"
    organizer = event["organizer"]
    assert str(organizer) == "mailto:jobb@exempel.se"
    assert organizer.params["CN"] == "Exempel AB"


def test_each_copy_names_its_recipients_as_attendees_and_never_the_other_side(interview):
    for attendee, other in ((CANDIDATE, INTERVIEWER), (INTERVIEWER, CANDIDATE)):
        message = sent(interview, attendees=(attendee,))

        (named,) = attendees_of(event_of(message))
        assert str(named) == f"mailto:{attendee[1]}"
        assert named.params["CN"] == attendee[0]
        assert named.params["ROLE"] == "REQ-PARTICIPANT"
        assert named.params["PARTSTAT"] == "NEEDS-ACTION"
        assert named.params["CUTYPE"] == "INDIVIDUAL"
        assert named.params["RSVP"] == "FALSE"  # nobody reads the replies
        raw = message.as_string()
        assert other[1] not in raw and other[0] not in raw


def test_one_attendee_per_recipient(interview):
    team = (INTERVIEWER, ("Cecilia Holm", "cecilia@arbetsgivare.se"))
    named = attendees_of(event_of(sent(interview, attendees=team)))

    assert sorted(str(a) for a in named) == sorted(f"mailto:{address}" for _, address in team)
    assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" for a in named)


def test_a_cancellation_is_the_same_event_with_a_higher_sequence_and_its_attendees(interview):
    recruiter = UserFactory()
    requested = event_of(sent(interview))

    cancel_interview(interview=interview, cancelled_by=recruiter)
    interview.refresh_from_db()
    message = sent(interview)

    cancelled = event_of(message)
    assert str(calendar_of(message)["method"]) == calendar_part(message).get_param("method")
    assert str(calendar_of(message)["method"]) == "CANCEL"
    assert cancelled["uid"] == requested["uid"]
    assert cancelled["sequence"] > requested["sequence"]
    assert str(cancelled["status"]) == "CANCELLED"
    for required in ("dtstamp", "organizer", "sequence", "uid"):  # RFC 5546 3.2.5
        assert required in cancelled
    (named,) = attendees_of(cancelled)
    assert str(named) == f"mailto:{CANDIDATE[1]}"


@pytest.mark.parametrize(
    ("from_email", "name"),
    [
        ("Exempel AB Rekrytering <jobb@exempel.se>", "Exempel AB Rekrytering"),
        ('"Exempel, AB" <jobb@exempel.se>', "Exempel, AB"),
        ("jobb@exempel.se", "Exempel AB"),  # no display name: the employer's name
    ],
)
def test_the_organizer_is_a_bare_address_whatever_default_from_email_holds(
    interview, settings, from_email, name
):
    settings.DEFAULT_FROM_EMAIL = from_email

    organizer = event_of(sent(interview))["organizer"]

    assert str(organizer) == "mailto:jobb@exempel.se"
    assert organizer.params["CN"] == name


def test_line_breaks_and_control_characters_in_names_titles_and_places_are_cleaned(interview):
    opening = interview.application.opening
    opening.title = "Lager\nchef\r\n(natt)"
    opening.save()
    interview.place = "Kontoret\x0bStorgatan\u2028 1"
    interview.save()
    name = 'Astrid "Asta"\r\nLindqvist\x07\x1b[31m'

    message = sent(interview, attendees=((name, "astrid@example.se"),))

    content = calendar_part(message).get_content()
    lines = re.split(r"\r?\n", re.sub(r"\r?\n[ \t]", "", content))  # unfolded
    for line in lines:
        assert not [c for c in line if ord(c) < 32 or ord(c) == 127 or c == "\u2028"], line
    event = event_of(message)
    (named,) = attendees_of(event)
    assert named.params["CN"] == "Astrid 'Asta' Lindqvist [31m"
    assert str(event["summary"]) == "Intervju: Lager chef (natt)"
    assert str(event["location"]) == "Kontoret Storgatan 1"


def test_an_invitation_names_an_attendee(interview):
    with pytest.raises(ValueError, match="ATTENDEE"):
        interview_ics(interview, language="sv", attendees=())
