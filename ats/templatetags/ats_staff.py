"""`{{ user|staff_name }}`: a colleague by their full name (ats/staff.py), everywhere."""

from django import template

from .. import staff

register = template.Library()


@register.filter
def staff_name(user) -> str:
    return staff.staff_name(user)
