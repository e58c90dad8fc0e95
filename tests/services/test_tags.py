"""The employer's tags and the tags on applications: set and taken off, one or many in
a fixed number of statements, never on a restricted application, in the access log and
the candidate's export."""

import json

import jsonschema
import pytest
from django.utils import timezone

from ats.exports import export_document
from ats.models import AccessEvent, Application, ApplicationTag, Tag
from ats.services import tags
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter():
    return UserFactory(username="rekryterare")


def tag_one(application, tag, by) -> int:
    return tags.tag_applications(
        applications=Application.objects.filter(pk=application.pk), tag=tag, tagged_by=by
    )


@pytest.fixture
def exported(tag, recruiter) -> dict:
    """The candidate's export of an application the recruiter tagged."""
    application = ApplicationFactory()
    tag_one(application, tag, recruiter)
    return export_document(application, now=timezone.now())


def tag_names(application) -> list[str]:
    return sorted(
        ApplicationTag.objects.filter(application=application).values_list("tag__name", flat=True)
    )


def test_a_tag_is_made_once_whatever_its_case_and_spaces(tag):
    assert tag.name == "Ring tillbaka"
    with pytest.raises(tags.TagRefused):
        tags.create_tag(name="  ring   TILLBAKA ")
    with pytest.raises(tags.TagRefused):
        tags.create_tag(name="   ")
    assert list(Tag.objects.values_list("name", flat=True)) == ["Ring tillbaka"]


def test_tags_are_set_and_taken_off_many_at_once_in_a_fixed_number_of_statements(
    tag, recruiter, django_assert_max_num_queries
):
    opening = OpeningFactory()
    chosen = ApplicationFactory.create_batch(5, opening=opening, cv="cv/shared.pdf")
    other = ApplicationFactory(opening=opening, cv="cv/shared.pdf")
    tag_one(chosen[0], tag, recruiter)

    # savepoint, lock, read, insert, access log, and the search's copy (four reads, one upsert)
    with django_assert_max_num_queries(11):
        tagged = tags.tag_applications(
            applications=Application.objects.filter(pk__in=[a.pk for a in chosen]),
            tag=tag,
            tagged_by=recruiter,
        )

    assert tagged == 4  # the first had it already
    assert [tag_names(a) for a in chosen] == [["Ring tillbaka"]] * 5
    assert tag_names(other) == []
    assert ApplicationTag.objects.filter(tagged_by=recruiter).count() == 5
    assert AccessEvent.objects.filter(action="tag", user=recruiter).count() == 5

    untagged = tags.untag_applications(
        applications=Application.objects.filter(pk__in=[chosen[0].pk, other.pk]),
        tag=tag,
        untagged_by=recruiter,
    )

    assert untagged == 1
    assert tag_names(chosen[0]) == [] and tag_names(chosen[1]) == ["Ring tillbaka"]
    assert AccessEvent.objects.filter(action="tag", public_id=chosen[0].public_id).count() == 2


def test_a_restricted_application_is_neither_tagged_nor_untagged(tag, recruiter):
    application = ApplicationFactory()
    tag_one(application, tag, recruiter)
    Application.objects.filter(pk=application.pk).update(restricted_at=timezone.now())
    restricted = Application.objects.filter(pk=application.pk)
    second = tags.create_tag(name="Svenska B")

    assert tags.tag_applications(applications=restricted, tag=second, tagged_by=recruiter) == 0
    assert tags.untag_applications(applications=restricted, tag=tag, untagged_by=recruiter) == 0
    assert tag_names(application) == ["Ring tillbaka"]  # as it was when restricted


def test_removing_a_tag_takes_it_off_every_application(tag, recruiter):
    applications = ApplicationFactory.create_batch(3, cv="cv/shared.pdf")
    kept = tags.create_tag(name="Svenska B")
    everyone = Application.objects.all()
    tags.tag_applications(applications=everyone, tag=tag, tagged_by=recruiter)
    tags.tag_applications(applications=everyone, tag=kept, tagged_by=recruiter)

    assert tags.remove_tag(tag=tag) == 3

    assert list(Tag.objects.all()) == [kept]
    assert [tag_names(a) for a in applications] == [["Svenska B"]] * 3


def test_the_tags_are_in_the_candidates_export(exported):
    (held,) = exported["application"]["tags"]
    assert held["tag"] == "Ring tillbaka" and held["at"] is not None
    assert "rekryterare" not in str(exported)  # who tagged is the employer's, not exported


def test_the_export_with_tags_is_valid_by_its_schema(exported):
    jsonschema.validate(exported, json.loads((ROOT / "docs" / "export-schema.json").read_text()))
