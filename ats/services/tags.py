"""The employer's tags, and the tags set on applications. Every change of either passes
through here, so that whatever keeps a copy of an application's tags (the search
document) is kept in step in one place.

A tag's name is the employer's; a tag on an application is about the person: it is
held with the application (ApplicationTag), deleted with it, in its export, in the
access log as an event on the application, and never in a log line. A candidate who
restricted processing is not tagged (nor untagged: their application stays as it was).
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..bulk import insert_from_select
from ..models import AccessEvent, Application, ApplicationTag, Tag
from .access_log import record_access_to_all
from .search_index import index_applications


class TagRefused(ValueError):
    """A tag the rules do not allow as asked; the message is safe to show."""


@transaction.atomic
def create_tag(*, name: str) -> Tag:
    """A new tag for everyone's lists; refused if one of that name (in any case) exists."""
    name = " ".join(name.split())
    if not name:
        raise TagRefused(_("A tag needs a name."))
    if Tag.objects.filter(name__iexact=name).exists():
        raise TagRefused(_("There is a tag “%(name)s” already.") % {"name": name})
    return Tag.objects.create(name=name)


@transaction.atomic
def remove_tag(*, tag: Tag) -> int:
    """The tag gone from the list and from every application it was on; returns on how
    many applications it was."""
    links = ApplicationTag.objects.filter(tag=tag)
    tagged = list(links.values_list("application_id", flat=True))
    links.delete()
    tag.delete()
    index_applications(application_ids=tagged)
    return len(tagged)


def _taggable(applications: QuerySet[Application], *, now: datetime) -> QuerySet[Application]:
    """The live, unrestricted rows of the selection, locked against a purge claiming
    them until this transaction ends (as services/pipeline.py locks the rows it moves)."""
    rows = applications.live(now=now).filter(restricted_at__isnull=True)
    pks = list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    return Application.objects.filter(pk__in=pks)


@transaction.atomic
def tag_applications(
    *,
    applications: QuerySet[Application],
    tag: Tag,
    tagged_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """Set `tag` on each application of the selection that does not have it yet; a
    restricted one is left out, and the search's copy kept in step. Returns how many were
    tagged. A bounded number of statements however many are chosen."""
    now = now or timezone.now()
    rows = _taggable(applications, now=now).exclude(
        Exists(ApplicationTag.objects.filter(application=OuterRef("pk"), tag=tag))
    )
    chosen = list(rows.values_list("pk", flat=True))
    rows = Application.objects.filter(pk__in=chosen)
    tagged = insert_from_select(
        into=ApplicationTag,
        rows=rows,
        application=F("pk"),
        opening=F("opening_id"),
        stage=F("stage"),
        submitted_at=F("submitted_at"),
        tag=Value(tag.pk, output_field=IntegerField()),
        tagged_by=Value(tagged_by.pk, output_field=IntegerField()),
        tagged_at=Value(now, output_field=DateTimeField()),
    )
    record_access_to_all(user=tagged_by, action=AccessEvent.Action.TAG, applications=rows, at=now)
    index_applications(application_ids=chosen)
    return tagged


@transaction.atomic
def untag_applications(
    *,
    applications: QuerySet[Application],
    tag: Tag,
    untagged_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """Take `tag` off each application of the selection that has it (not off a
    restricted one). Returns how many were untagged."""
    now = now or timezone.now()
    rows = _taggable(applications, now=now).filter(
        Exists(ApplicationTag.objects.filter(application=OuterRef("pk"), tag=tag))
    )
    chosen = list(rows.values_list("pk", flat=True))
    rows = Application.objects.filter(pk__in=chosen)
    record_access_to_all(user=untagged_by, action=AccessEvent.Action.TAG, applications=rows, at=now)
    untagged, _ = ApplicationTag.objects.filter(application__in=rows, tag=tag).delete()
    index_applications(application_ids=chosen)
    return untagged
