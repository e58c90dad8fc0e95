from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


def end_sessions_of_inactive(*, instance, raw: bool = False, **kwargs) -> None:
    """An inactive user's sessions end with the save that made it so (however it came:
    the admin, SCIM, a shell), not only when they next ask for a page: a reactivated
    account signs in again."""
    if not raw and not instance.is_active:
        from allauth.usersessions.models import UserSession

        for session in UserSession.objects.filter(user=instance):
            session.end()


class SiteConfig(AppConfig):
    """The demo site's own wiring (the settings, URLs and sign-in live beside it)."""

    name = "config"
    label = "site"

    def ready(self):
        post_save.connect(end_sessions_of_inactive, sender=settings.AUTH_USER_MODEL)
