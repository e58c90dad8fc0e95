"""A department's ad templates, kept by recruiters: each holds the ad's fields as the
editor's form cleaned them (TEMPLATE_FIELDS). What a new ad takes from one is read by
selectors/ad_templates.py."""

from django.db import transaction

from ..models import AdTemplate, Department
from ..models.openings import TEMPLATE_FIELDS
from .pipeline_stages import copy_pipeline


@transaction.atomic
def save_ad_template(
    *, template: AdTemplate, name: str, department: Department | None, ad: dict
) -> AdTemplate:
    """The template named, for the department, with the ad's fields in `ad`; a new one
    with the default pipeline, which its stages page then shapes for its ads."""
    new = template.pk is None
    template.name, template.department = name, department
    template.fields = {field: ad[field] for field in TEMPLATE_FIELDS if field in ad}
    template.save()
    if new:
        copy_pipeline(to=template, source=None)
    return template


@transaction.atomic
def remove_ad_template(*, template: AdTemplate) -> None:
    template.delete()  # the ads made from it keep what they took
