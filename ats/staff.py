"""The staff: the roles that come ready as Django groups, how a colleague is named, and
how a note mentions one (by user name, `@hanna`; shown by full name).

`ROLES` is the one table of what each shipped group may do site-wide: the data migration
0039 creates the groups from it, and `AtsConfig` gives them what it lists again after
every migrate (`keep_groups_in_step`), so a permission added in a later release reaches
the groups of an installed site. docs/recruiters.md shows the same table, and
tests/test_staff.py holds the two to the same permissions.

What is given is never taken: a permission an operator gave a group by hand stays. What
the table lists is given back at each migrate, so a role that should do less is a group
of the site's own, not a shipped group with a permission removed.

The groups are site-wide; the hiring team (HiringTeamMember.Role) is per opening. A
hiring manager sees the applicants of the openings whose team they are on, and the
group gives what goes with the role everywhere (here: reading the CVs of those).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    group: str  # the group's name in the database: stable, never translated
    label: str  # what a person reads
    permissions: tuple[str, ...]  # "app_label.codename", as user.has_perm takes them


ROLES = (
    Role(
        "ats.recruiter",
        _("Recruiter"),
        (
            "ats.add_opening",
            "ats.change_opening",
            "ats.publish_opening",
            "ats.view_spontaneous_applications",
            "ats.download_cv",
            "ats.add_tag",
            "ats.delete_tag",
            "ats.add_adtemplate",
            "ats.change_adtemplate",
            "ats.delete_adtemplate",
        ),
    ),
    Role("ats.hiring_manager", _("Hiring manager"), ("ats.add_opening", "ats.download_cv")),
    Role("ats.interviewer", _("Interviewer"), ()),
    Role(
        "ats.privacy_officer",
        _("Privacy officer"),
        (
            "ats.view_retention",
            "ats.handle_privacy_requests",
            "ats.set_legal_hold",
            "ats.view_application",
            "ats.view_accessevent",
            "ats.view_deletionrecord",
            "ats.view_privacyrequest",
            "ats.view_privacynotice",
            "ats.add_privacynotice",
        ),
    ),
    Role(
        "ats.administrator",
        _("Administrator"),
        (
            "ats.add_opening",
            "ats.change_opening",
            "ats.publish_opening",
            "ats.backdate_decision",
            "ats.view_opening",
            "ats.view_hiringteammember",
            "ats.add_hiringteammember",
            "ats.change_hiringteammember",
            "ats.delete_hiringteammember",
            "ats.view_emailtemplate",
            "ats.change_emailtemplate",
            "ats.view_rejectionreason",
            "ats.add_rejectionreason",
            "ats.change_rejectionreason",
            "ats.delete_rejectionreason",
            "ats.view_apikey",
            "ats.add_apikey",
            "ats.change_apikey",
            "ats.delete_apikey",
            "ats.view_webhooksubscription",
            "ats.add_webhooksubscription",
            "ats.change_webhooksubscription",
            "ats.delete_webhooksubscription",
            "ats.view_webhookdelivery",
            "ats.change_careerssite",
            "ats.change_pipelinestage",
            "ats.add_adtemplate",
            "ats.change_adtemplate",
            "ats.delete_adtemplate",
        ),
    ),
)


def role_label(group_name: str) -> str:
    """A shipped group's name as a person reads it; any other group's as it is stored."""
    for role in ROLES:
        if role.group == group_name:
            return str(role.label)
    return group_name


def keep_groups_in_step_when_migrating(apps, schema_editor) -> None:
    """keep_groups_in_step as a migration's RunPython: in each migration that adds a
    model whose permission a role lists, so that the migrations alone give it."""
    keep_groups_in_step(apps=apps, using=schema_editor.connection.alias)


def keep_groups_in_step(*, apps, using: str = "default") -> None:
    """Each group of ROLES exists and holds at least the permissions it lists. `apps`:
    the app registry (a migration's, or the project's after a migrate). Permissions not
    created yet (a fresh database, mid-migrate) are created first, as Django would after
    the migrate. A few statements whatever the number of users."""
    from django.contrib.auth.management import create_permissions

    for app_label in {p.split(".", 1)[0] for role in ROLES for p in role.permissions}:
        app_config = apps.get_app_config(app_label)
        stub = getattr(app_config, "models_module", None) is None  # a migration's state
        if stub:  # create_permissions skips an app without models: say it has them
            app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            if stub:
                app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {p for role in ROLES for p in role.permissions}
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in={p.split(".", 1)[0] for p in wanted})
        .values_list("pk", "content_type__app_label", "codename")
    }
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.group)
        group.permissions.add(*(found[p] for p in role.permissions if p in found))


def staff_name(user) -> str:
    """How a colleague is named on every page and email: their full name, else their
    user name (None: an account since deleted, named by the caller)."""
    if user is None:
        return ""
    return full_name(user) or user.get_username()


def full_name(user) -> str:
    """A staff member's full name, or "": how a candidate may read them, never by the
    user name (with single sign-on an address at the employer's)."""
    get_full_name = getattr(user, "get_full_name", None)  # a custom user model may have none
    return (get_full_name() if get_full_name else "").strip()


def name_order(user_model, *, prefix: str = "") -> list[str]:
    """How to order users the way a person looks for them: by first and last name
    (where the user model has them), then user name. `prefix` reaches the user from
    another model ("user__")."""
    fields = {field.name for field in user_model._meta.get_fields()}
    names = [name for name in ("first_name", "last_name") if name in fields]
    return [f"{prefix}{name}" for name in [*names, user_model.USERNAME_FIELD]]


def by_name(users):
    """Staff users (a queryset), in name_order."""
    return users.order_by(*name_order(users.model))


# A user name, or one that is an address (SCIM and single sign-on give `anna@corp.se`).
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
MAX_MENTIONS = 10  # a note tells a few colleagues, not everyone


def mentioned_usernames(text: str) -> list[str]:
    """The user names a note mentions (`@hanna`), each once, in order, at most ten."""
    names = dict.fromkeys(name.rstrip(".") for name in MENTION.findall(text))
    return list(names)[:MAX_MENTIONS]
