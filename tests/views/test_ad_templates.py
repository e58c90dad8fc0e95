"""A department's ad templates: kept at /recruit/ad-templates/ by recruiters, and the
start of a new ad at /recruit/openings/new/?template=; the ad takes the template's
text, terms and department, and keeps them whatever the template becomes."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from ats.models import AdTemplate, Department, Opening
from ats.services.careers_site import save_careers_part
from tests.factories import UserFactory
from tests.helpers import ad_form as ad
from tests.helpers import logged_in, logged_in_staff

pytestmark = pytest.mark.django_db


def staff(role: str):
    user = UserFactory(username=role, is_staff=True)
    user.groups.add(Group.objects.get(name=f"ats.{role}"))
    return logged_in(user)


@pytest.fixture
def logistik():
    return save_careers_part(part=Department(name="Logistik", slug="logistik"), pictures={})


def template_form(department, **overrides) -> dict:
    fields = ad(title="Lagermedarbetare", description="Plock och pack i **Jönköping**.")
    del fields["application_deadline"], fields["action"]
    return {
        "template_name": "Lager, dagtid",
        "template_department": department.pk,
        **fields,
        **overrides,
    }


def fields_of(response) -> dict:
    form = BeautifulSoup(response.content, "html.parser").find("form", class_="application-form")
    values = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    values.update({t["name"]: t.get_text() for t in form.find_all("textarea")})
    for select in form.find_all("select"):  # as a browser sends it: the chosen, or the first
        chosen = select.find("option", selected=True) or select.find("option")
        values[select["name"]] = chosen.get("value", chosen.get_text()) if chosen else ""
    return values


def test_a_recruiter_keeps_a_template_and_a_new_ad_starts_from_it(logistik):
    recruiter = staff("recruiter")
    saved = recruiter.post("/recruit/ad-templates/new/", template_form(logistik))
    assert saved.status_code == 302
    template = AdTemplate.objects.get()
    assert template.department == logistik and template.fields["salary_min"] == 38000
    assert "application_deadline" not in template.fields

    new_ad = recruiter.get("/recruit/openings/new/")
    assert "Lager, dagtid" in new_ad.content.decode()  # offered, under its department
    started = fields_of(recruiter.get("/recruit/openings/new/", {"template": template.pk}))
    assert started["title"] == "Lagermedarbetare"
    assert started["department"] == "Logistik"
    assert started["salary_min"] == "38000"
    assert started["description"].strip() == "Plock och pack i **Jönköping**."
    assert started["application_deadline"] == ""  # each recruitment sets its own

    recruiter.post("/recruit/openings/new/", {**ad(), **{k: v for k, v in started.items() if v}})
    opening = Opening.objects.get()
    assert (opening.title, opening.department, opening.status) == (
        "Lagermedarbetare",
        "Logistik",
        "draft",
    )

    recruiter.post(
        f"/recruit/ad-templates/{template.pk}/", template_form(logistik, title="Truckförare")
    )
    recruiter.post(f"/recruit/ad-templates/{template.pk}/", {"remove": "1"})
    assert not AdTemplate.objects.exists()
    opening.refresh_from_db()
    assert opening.title == "Lagermedarbetare"  # an ad keeps what it took


def test_a_template_the_ads_own_rules_refuse_is_not_stored(logistik):
    recruiter = staff("recruiter")

    response = recruiter.post(
        "/recruit/ad-templates/new/", template_form(logistik, salary_min=50000, salary_max=40000)
    )

    assert "The pay range must end above where it starts." in str(response.context["form"].errors)
    assert not AdTemplate.objects.exists()


def test_a_hiring_manager_starts_ads_from_templates_but_does_not_keep_them(logistik):
    AdTemplate.objects.create(
        name="Lager, dagtid", department=logistik, fields={"title": "Lagermedarbetare"}
    )
    manager = staff("hiring_manager")

    assert manager.get("/recruit/ad-templates/").status_code == 404
    assert manager.post("/recruit/ad-templates/new/", template_form(logistik)).status_code == 404
    assert (
        fields_of(manager.get("/recruit/openings/new/", {"template": AdTemplate.objects.get().pk}))[
            "title"
        ]
        == "Lagermedarbetare"
    )
    assert manager.get("/recruit/openings/new/", {"template": "x' OR 1=1"}).status_code == 200


def test_the_ads_department_offers_the_careers_sites_departments(logistik):
    page = BeautifulSoup(staff("recruiter").get("/recruit/openings/new/").content, "html.parser")

    field = page.find("input", id="id_department")
    listed = page.find("datalist", id=field["list"])
    assert [option["value"] for option in listed.find_all("option")] == ["Logistik"]


def test_each_of_keeping_adding_and_removing_a_template_is_its_own_permission(client, logistik):
    template = AdTemplate.objects.create(name="Lager", department=logistik, fields={})
    logged_in_staff(client, "redaktor", "change_adtemplate")

    assert client.get(f"/recruit/ad-templates/{template.pk}/").status_code == 200
    assert client.get("/recruit/ad-templates/new/").status_code == 404
    assert client.post("/recruit/ad-templates/new/", template_form(logistik)).status_code == 404
    assert client.post(f"/recruit/ad-templates/{template.pk}/", {"remove": "1"}).status_code == 404
    assert AdTemplate.objects.count() == 1
