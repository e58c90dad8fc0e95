from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def register_schedules_after_migrate(*, apps=global_apps, **kwargs) -> None:
    try:  # `apps` is the schema migrated so far; a flush sends none: all of it
        apps.get_model("django_q", "Schedule")
    except LookupError:  # a migrate that stops before the queue's tables (`migrate ats`)
        return
    from .services.schedules import register_schedules

    register_schedules()


def keep_groups_after_migrate(*, apps=global_apps, using="default", **kwargs) -> None:
    """The shipped groups hold what ats/staff.py's ROLES lists, permissions added in a
    later release included (a flush, which empties them, sends this too)."""
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # a migrate that stops before auth's tables
        return
    from .staff import keep_groups_in_step

    keep_groups_in_step(apps=apps, using=using)


# What the careers pages and the ads show.
KEPT_ON_PAGES = (
    "ats.Opening", "ats.CareersSite", "ats.CareersSection", "ats.Department", "ats.Place",
)  # fmt: skip


def forget_kept_pages(**kwargs) -> None:
    from .page_cache import forget_pages

    forget_pages()


def end_integrations_of_inactive(*, instance, raw: bool = False, **kwargs) -> None:
    """An inactive user's API keys and webhooks end with the save that made it so (and
    at any later save: there is then nothing left to end)."""
    if not raw and not instance.is_active:
        from .services.staff_access import end_integrations

        end_integrations(user=instance)


class AtsConfig(AppConfig):
    name = "ats"
    verbose_name = _("Recruitment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .text_search import register_functions

        # SQLite's search folds the CV's text as PostgreSQL's index does (text_search.py).
        connection_created.connect(register_functions)

        # After every migrate (and flush), so a fresh or upgraded install always has
        # its purge and sweep schedules.
        post_migrate.connect(register_schedules_after_migrate, sender=self)
        # The roles that come ready, kept in step with ats/staff.py.
        post_migrate.connect(keep_groups_after_migrate, sender=self)
        # Whoever changes an opening or the careers site (a service, the admin, a
        # deletion), the careers pages and the ads kept in the cache are rendered again.
        for signal in (post_save, post_delete):
            for model in KEPT_ON_PAGES:
                signal.connect(forget_kept_pages, sender=model)
        # However an account is deactivated, its API keys and webhooks stop with it.
        post_save.connect(end_integrations_of_inactive, sender=settings.AUTH_USER_MODEL)
