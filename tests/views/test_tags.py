"""The employer's tags, made and removed with their permissions, and one application's
tags set and taken off on its page: by those who decide on it, seen by its interviewers."""

import pytest
from django.utils import timezone

from ats.models import AccessEvent, ApplicationTag, Tag
from tests.factories import ApplicationFactory, ApplicationTagFactory, OpeningFactory, UserFactory
from tests.helpers import logged_in, staff_client, team_client

pytestmark = pytest.mark.django_db


def test_the_tags_page_is_for_those_who_may_make_or_remove_tags(client, tag):
    assert client.get("/recruit/tags/").status_code == 302  # to the login
    nobody = logged_in(UserFactory(username="utan"))
    assert nobody.get("/recruit/tags/").status_code == 404
    assert nobody.post("/recruit/tags/", {"name": "Svenska B"}).status_code == 404
    assert nobody.post(f"/recruit/tags/{tag.pk}/remove/").status_code == 404

    maker = staff_client("skapare", "add_tag")
    page = maker.get("/recruit/tags/")
    assert "Ring tillbaka" in page.content.decode() and "/remove/" not in page.content.decode()
    response = maker.post("/recruit/tags/", {"name": "  Svenska   B "}, follow=True)
    assert "Tag “Svenska B” added." in response.content.decode()
    again = maker.post("/recruit/tags/", {"name": "svenska b"}, follow=True)
    assert "There is a tag “svenska b” already." in again.content.decode()
    assert maker.post(f"/recruit/tags/{tag.pk}/remove/").status_code == 404

    remover = staff_client("tar-bort", "delete_tag")
    ApplicationTagFactory(application=ApplicationFactory(), tag=tag)
    response = remover.post(f"/recruit/tags/{tag.pk}/remove/", follow=True)
    assert "Tag “Ring tillbaka” removed, from 1 application." in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Svenska B"]
    assert not ApplicationTag.objects.exists()


def test_a_recruiter_tags_an_application_on_its_page_and_takes_the_tag_off(tag):
    application = ApplicationFactory(opening=OpeningFactory())
    client = team_client(application.opening)
    url = f"/recruit/applications/{application.public_id}/"

    response = client.post(f"{url}tags/", {"action": "tag", "tag": tag.pk}, follow=True)

    html = response.content.decode()
    assert "Tagged “Ring tillbaka”." in html
    assert '<ul class="tags"><li>Ring tillbaka' in html
    assert ApplicationTag.objects.get().application == application
    assert AccessEvent.objects.filter(action="tag", public_id=application.public_id).exists()

    client.post(f"{url}tags/", {"action": "untag", "tag": tag.pk})

    assert not ApplicationTag.objects.exists()
    assert "No tags." in client.get(url).content.decode()


def test_an_interviewer_sees_the_tags_and_sets_none(tag):
    application = ApplicationFactory(opening=OpeningFactory(), stage="interview")
    ApplicationTagFactory(application=application, tag=tag)
    client = team_client(application.opening, role="interviewer")
    url = f"/recruit/applications/{application.public_id}/"

    html = client.get(url).content.decode()

    assert "Ring tillbaka" in html and f"{url}tags/" not in html
    assert client.post(f"{url}tags/", {"action": "untag", "tag": tag.pk}).status_code == 404
    assert ApplicationTag.objects.count() == 1


def test_a_restricted_application_cannot_be_tagged(tag):
    application = ApplicationFactory(opening=OpeningFactory(), restricted_at=timezone.now())
    client = team_client(application.opening)

    response = client.post(
        f"/recruit/applications/{application.public_id}/tags/", {"action": "tag", "tag": tag.pk}
    )

    assert response.status_code == 404
    assert not ApplicationTag.objects.exists()
