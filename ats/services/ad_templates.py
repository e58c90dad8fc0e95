"""A department's ad templates: kept by recruiters, and the start of a new ad. A
template holds the ad's fields as the editor's form cleaned them (TEMPLATE_FIELDS); a
new ad from it gets them, and the template's department."""

from django.db import transaction

from ..models import AdTemplate
from .openings import AD_FIELDS

# An ad's fields a template holds: not its last day (each recruitment sets its own),
# and its department is the template's own.
TEMPLATE_FIELDS = tuple(f for f in AD_FIELDS if f not in ("application_deadline", "department"))


@transaction.atomic
def save_ad_template(*, template: AdTemplate, ad: dict) -> AdTemplate:
    """The template (its name and department set) with the ad's fields in `ad`."""
    template.fields = {field: ad[field] for field in TEMPLATE_FIELDS if field in ad}
    template.save()
    return template


@transaction.atomic
def remove_ad_template(*, template: AdTemplate) -> None:
    template.delete()  # the ads made from it keep what they took


def ad_from_template(template: AdTemplate) -> dict:
    """What a new ad starts with: the template's fields, and its department's name."""
    fields = {f: v for f, v in template.fields.items() if f in TEMPLATE_FIELDS}
    if template.department:
        fields["department"] = template.department.name
    return fields
