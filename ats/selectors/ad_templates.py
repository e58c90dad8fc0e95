"""Reads of the departments' ad templates: their list, and what a new ad takes from one."""

from django.db.models import QuerySet

from ..models import AdTemplate
from ..models.openings import TEMPLATE_FIELDS


def ad_templates() -> QuerySet[AdTemplate]:
    """Every template, by department (in the careers site's order), with it. One query."""
    return AdTemplate.objects.select_related("department")


def ad_from_template(*, template_id: str) -> dict:
    """What a new ad starts with: the template's fields and its department's name; an
    empty start for an id that is no template's."""
    template = (
        ad_templates().filter(pk=template_id).first()
        if template_id.isdecimal() and len(template_id) < 12
        else None
    )
    if template is None:
        return {}
    fields = {f: v for f, v in template.fields.items() if f in TEMPLATE_FIELDS}
    if template.department:
        fields["department"] = template.department.name
    return fields
