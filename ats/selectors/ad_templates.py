"""Reads of the departments' ad templates: their list, and what a new ad takes from one."""

from django.db.models import QuerySet

from ..models import AdTemplate
from ..models.openings import TEMPLATE_FIELDS


def ad_templates() -> QuerySet[AdTemplate]:
    """Every template, by department (in the careers site's order), with it. One query."""
    return AdTemplate.objects.select_related("department")


def chosen_template(*, template_id: str) -> AdTemplate | None:
    """The template of a new ad's ?template=, if it is one's id."""
    if template_id.isdecimal() and len(template_id) < 12:
        return ad_templates().filter(pk=template_id).first()
    return None


def ad_from_template(*, template_id: str) -> dict:
    """What a new ad starts with: the template's fields and its department's name; an
    empty start for an id that is no template's."""
    template = chosen_template(template_id=template_id)
    if template is None:
        return {}
    fields = {f: v for f, v in template.fields.items() if f in TEMPLATE_FIELDS}
    if template.department:
        fields["department"] = template.department.name
    return fields
