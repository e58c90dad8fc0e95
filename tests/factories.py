from datetime import UTC, datetime
from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone

import ats
from ats import storage, tokens
from ats.models import (
    Application,
    ApplicationTag,
    Criterion,
    DeletionReason,
    DeletionRecord,
    HiringTeamMember,
    Opening,
    PrivacyNotice,
    Score,
    Tag,
)
from ats.services.outbox import drain_outbox
from ats.services.pipeline_stages import copy_pipeline
from ats.services.search_index import index_applications

SAMPLES = Path(ats.__file__).resolve().parent / "samples"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"recruiter{n}")
    email = factory.Faker("email")
    is_staff = True

    @factory.post_generation
    def authenticator(user, create, extracted, **kwargs):
        """Staff have an authenticator app set up, as the site requires (pass
        authenticator=False for one who has not yet); its codes: totp_code()."""
        if create and user.is_staff and extracted is not False:
            from allauth.mfa.models import Authenticator
            from allauth.mfa.totp.internal.auth import TOTP

            if not Authenticator.objects.filter(user=user).exists():
                TOTP.activate(user, TOTP_SECRET)


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # base32, as an authenticator app is given it


def totp_code() -> str:
    """The code the staff's authenticator app shows now; in the last seconds of its
    30, the next one, as a person waits for it (else it may expire on its way)."""
    import time

    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(TOTP_SECRET, next(yield_hotp_counters_from_time())))


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyNotice

    version = factory.Sequence(lambda n: n + 100)  # version 1 comes from the migrations
    text_sv = factory.Faker("paragraph", nb_sentences=6, locale="sv_SE")
    text_en = factory.Faker("paragraph", nb_sentences=6)
    published_at = datetime(2020, 1, 1, tzinfo=UTC)  # in force for every test date
    announced_at = factory.SelfAttribute("published_at")  # long since, unless a test says


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening
        skip_postgeneration_save = True

    title = factory.Faker("job")
    slug = factory.Sequence(lambda n: f"opening-{n}")
    description = factory.Faker("paragraph")
    status = Opening.Status.PUBLISHED

    @factory.post_generation
    def pipeline(opening, create, extracted, **kwargs):
        """Its stages as services/openings.py gives them: the default pipeline's."""
        if create:
            copy_pipeline(to=opening, source=None)


class HiringTeamMemberFactory(factory.django.DjangoModelFactory):
    """A user on an opening's hiring team, a recruiter unless `role` says otherwise."""

    class Meta:
        model = HiringTeamMember

    opening = factory.SubFactory(OpeningFactory)
    user = factory.SubFactory(UserFactory)
    role = HiringTeamMember.Role.RECRUITER


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    opening = factory.SubFactory(OpeningFactory)
    name = factory.Sequence(lambda n: f"Krav {n}")


def stored_sample_cv(extension: str = "pdf", *, content: bytes | None = None) -> str:
    """Save a CV as an upload is saved, and return its key: the sample of that type, or
    `content`."""
    if content is None:
        content = (SAMPLES / f"cv-astrid-lindqvist.{extension}").read_bytes()
    return storage.save_cv(ContentFile(content), extension=f".{extension}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application for an opening, with a real CV in the CV storage."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    opening = factory.SubFactory(OpeningFactory)
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Faker("email")
    phone = factory.Faker("phone_number", locale="sv_SE")
    cover_letter = factory.Faker("paragraph")
    cv = factory.LazyFunction(stored_sample_cv)
    cv_filename = "CV.pdf"
    privacy_notice = factory.SubFactory(PrivacyNoticeFactory)
    # Its receipt has gone: tests of the receipt apply, or set this to None.
    receipt_sent_at = factory.LazyFunction(timezone.now)

    class Params:
        # Dates as the services set them; `delete_after` says when.
        decided = factory.Trait(deletion_reason=DeletionReason.RETENTION_EXPIRED)
        consented = factory.Trait(
            opening=None,
            consent_given_at=factory.LazyFunction(timezone.now),
            deletion_reason=DeletionReason.CONSENT_EXPIRED,
        )

    @factory.post_generation
    def cv_text(self, create, extracted, **kwargs):
        """What search reads of it, stored as applying stores it; `cv_text=` the text
        of its CV (none unless given)."""
        if create:
            index_applications(application_ids=[self.pk], cv_text=extracted or "")


class ScoreFactory(factory.django.DjangoModelFactory):
    """One member's score of an application, in the interview stage, on a criterion of
    its opening, named as the criterion was when scored."""

    class Meta:
        model = Score

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.SubFactory(
        CriterionFactory, opening=factory.SelfAttribute("..application.opening")
    )
    criterion_name = factory.SelfAttribute("criterion.name")
    stage = "interview"
    value = Score.Value.MET
    scored_by = factory.SubFactory(UserFactory)


class ApplicationTagFactory(factory.django.DjangoModelFactory):
    """A tag on an application, with the copies of its opening, stage and date that
    services/tags.py sets (and the database keeps in step)."""

    class Meta:
        model = ApplicationTag

    application = factory.SubFactory(ApplicationFactory)
    tag = factory.SubFactory("tests.factories.TagFactory")
    opening = factory.SelfAttribute("application.opening")
    stage = factory.SelfAttribute("application.stage")
    submitted_at = factory.SelfAttribute("application.submitted_at")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tagg {n}")


class DeletionRecordFactory(factory.django.DjangoModelFactory):
    """The tombstone of a spontaneous application deleted for want of consent, as it
    was due."""

    class Meta:
        model = DeletionRecord

    public_id = factory.Faker("uuid4")
    kind = DeletionRecord.Kind.SPONTANEOUS
    reason = DeletionReason.CONSENT_ABSENT
    due_at = factory.LazyFunction(timezone.now)


def grant(user, *codenames):
    """The user with these ats permissions added, fetched again (Django caches a
    user's permissions on the object)."""
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)


def emailed_link(application: Application) -> str:
    """The path of the self-service link the candidate's emails carry."""
    token = tokens.make_token(public_id=application.public_id, key=application.link_key)
    return f"/my-application/{token}/"


def opened(client, link: str) -> str:
    """Open an emailed link in `client`, as the candidate's browser does: the page
    it leads to, in the session it starts."""
    response = client.get(link)
    assert response.status_code == 302, (link, response.status_code)
    return response.url


def sent_emails(what: str | None = None, *, now=None) -> int:
    """One run of the worker's email drain: how many emails of `what` (an outbox's
    name: "receipts", "candidate emails", ...) went, or of every kind."""
    drained = drain_outbox(now=now)
    return drained.sent[what] if what else sum(drained.sent.values())
