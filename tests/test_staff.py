"""The roles that come ready: the groups exist after migrate with the permissions
ats/staff.py lists, which docs/recruiters.md shows; a permission a later release adds
reaches them at the next migrate; a colleague is named by their full name."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from ats.staff import ROLES, mentioned_usernames, name_order, role_label, staff_name
from tests.factories import UserFactory
from tests.helpers import ROOT

RECRUITERS = ROOT / "docs" / "recruiters.md"


def permissions_of(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def documented_roles() -> dict[str, set[str]]:
    """The table under "## Roles that come ready": group → its permissions."""
    text = RECRUITERS.read_text()
    start = text.index("\n## Roles that come ready\n")
    section = text[start : text.index("\n## ", start + 1)]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    return {row[1].strip().strip("`"): set(re.findall(r"`([\w.]+)`", row[3])) for row in rows}


@pytest.mark.django_db
def test_the_groups_exist_after_migrate_with_exactly_the_listed_permissions():
    for role in ROLES:
        assert permissions_of(Group.objects.get(name=role.group)) == set(role.permissions)


def test_the_docs_table_lists_each_group_with_the_permissions_the_code_gives():
    assert documented_roles() == {role.group: set(role.permissions) for role in ROLES}


def test_every_listed_permission_exists():
    from django.apps import apps
    from django.contrib.auth.management import _get_all_permissions

    existing = {
        f"{model._meta.app_label}.{codename}"
        for model in apps.get_models()
        for codename, _name in _get_all_permissions(model._meta)
    }
    assert {p for role in ROLES for p in role.permissions} - existing == set()


@pytest.mark.django_db
def test_a_permission_added_later_reaches_the_groups_at_the_next_migrate():
    # As on a site migrated before the permission existed: the row and its grants gone.
    Permission.objects.get(codename="set_legal_hold").delete()
    officer = Group.objects.get(name="ats.privacy_officer")
    assert "ats.set_legal_hold" not in permissions_of(officer)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert "ats.set_legal_hold" in permissions_of(officer)


@pytest.mark.django_db
def test_a_permission_an_operator_gave_a_group_stays_after_migrate():
    interviewers = Group.objects.get(name="ats.interviewer")
    interviewers.permissions.add(Permission.objects.get(codename="download_cv"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert permissions_of(interviewers) == {"ats.download_cv"}


@pytest.mark.django_db
def test_a_member_of_a_group_has_its_permissions():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="ats.privacy_officer"))

    assert user.has_perm("ats.handle_privacy_requests") and user.has_perm("ats.set_legal_hold")
    assert not user.has_perm("ats.view_all_applications")


def test_a_groups_stored_name_reads_as_the_role():
    assert role_label("ats.hiring_manager") == "Hiring manager"
    assert role_label("site editors") == "site editors"  # a group of the site's own


def test_a_colleague_is_named_by_full_name_else_user_name():
    assert staff_name(UserFactory.build(username="hb", first_name="Hanna", last_name="Berg")) == (
        "Hanna Berg"
    )
    assert staff_name(UserFactory.build(username="ivan", first_name=" ", last_name="")) == "ivan"
    assert staff_name(None) == ""


def test_mentions_are_user_names_each_once():
    assert mentioned_usernames("@anna, @bo.ek och @anna igen. x@example.se") == ["anna", "bo.ek"]


def test_colleagues_are_listed_by_name_then_user_name():
    from django.contrib.auth import get_user_model

    assert name_order(get_user_model(), prefix="user__") == [
        "user__first_name",
        "user__last_name",
        "user__username",
    ]
