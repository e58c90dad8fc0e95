"""The staff's account links, wherever the host site has its views."""

from django import template

from ..app_settings import app_settings

register = template.Library()


@register.simple_tag
def logout_url() -> str:
    """{% logout_url as url %}: where the log-out button posts; "" for no button."""
    return app_settings.logout_url
