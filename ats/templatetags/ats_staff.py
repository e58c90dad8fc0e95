"""`{{ user|staff_name }}`: a colleague by their full name (ats/staff.py), everywhere;
`{{ user|full_name }}`: the full name only, for a candidate's pages."""

from django import template

from .. import staff

register = template.Library()


@register.filter
def staff_name(user) -> str:
    return staff.staff_name(user)


@register.filter
def full_name(user) -> str:
    return staff.full_name(user)
