import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from ats.models import Application, Criterion, HiringTeamMember, Opening, PrivacyNotice

pytestmark = pytest.mark.django_db


def run_demo(capsys) -> str:
    call_command("ats_demo")
    return capsys.readouterr().out


def printed_password(output: str) -> str:
    return re.search(r"recruiter / (\S+)", output).group(1)


def test_demo_has_openings_with_applicants_and_a_working_login(capsys, cv_files):
    output = run_demo(capsys)

    assert Opening.objects.published().count() == 3
    assert PrivacyNotice.objects.current() is not None
    applications = Application.objects.all()
    assert applications.count() == 9
    assert sorted(cv_files.remaining()) == sorted(a.cv.name for a in applications)
    recruiter = authenticate(username="recruiter", password=printed_password(output))
    assert recruiter is not None and recruiter.is_staff
    assert set(Opening.objects.filter(hiring_team=recruiter)) == set(Opening.objects.all())
    # Candidates' replies to the openings' emails reach someone (UX review problem 27).
    assert set(Opening.objects.values_list("contact_email", flat=True)) == {
        "rekrytering@example.se"
    }


def test_demo_can_run_again_without_duplicates(capsys):
    first = printed_password(run_demo(capsys))
    second = printed_password(run_demo(capsys))

    assert Application.objects.count() == 9
    assert Opening.objects.count() == 3
    assert Criterion.objects.filter(opening__slug="warehouse-team-lead").count() == 2
    assert authenticate(username="recruiter", password=first) is None
    assert authenticate(username="recruiter", password=second) is not None


def test_demo_prints_the_login_at_the_sites_own_address(capsys, settings):
    settings.ATS_SITE_URL = "http://127.0.0.1:8080"  # `make run PORT=8080` exports it

    assert "Recruiter login at http://127.0.0.1:8080/accounts/login/:" in run_demo(capsys)


def test_the_demos_colleagues_have_names_roles_and_a_place_on_every_team(capsys):
    run_demo(capsys)

    people = {
        user.username: (user.get_full_name(), sorted(g.name for g in user.groups.all()))
        for user in get_user_model().objects.filter(username__in=["recruiter", "hanna", "ivan"])
    }
    assert people == {
        "recruiter": (
            "Maja Sjöberg",
            ["ats.administrator", "ats.privacy_officer", "ats.recruiter"],
        ),
        "hanna": ("Hanna Berg", ["ats.hiring_manager"]),
        "ivan": ("Ivan Lund", ["ats.interviewer"]),
    }
    roles = set(HiringTeamMember.objects.values_list("user__username", "role").distinct())
    assert roles == {
        ("recruiter", "recruiter"),
        ("hanna", "hiring_manager"),
        ("ivan", "interviewer"),
    }
    assert HiringTeamMember.objects.count() == 3 * Opening.objects.count()
    assert not authenticate(username="hanna", password="")  # no password until given one
