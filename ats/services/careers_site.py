"""The careers site as its administrator edits it: the site itself, its sections, its
departments and places. A picture is stored with what shows it, in the same
transaction, and one that nothing shows any more goes with the change that dropped
it. The pages kept in the cache are rendered again after each change (ats/apps.py)."""

from collections.abc import Mapping

from django.db import transaction

from ..images import PreparedImage
from ..models import AdTemplate, CareersImage, CareersSite, Opening
from ..models.careers import CareersFacet, CareersPart

# A picture field's new state: a picture, or None to show none.
Pictures = Mapping[str, PreparedImage | None]


@transaction.atomic
def save_careers_site(*, site: CareersSite, pictures: Pictures) -> CareersSite:
    """The site with its fields as given (checked by its form) and its pictures
    replaced where `pictures` names them."""
    _one_editor_at_a_time()
    site.pk = 1
    _set_pictures(site, pictures)
    site.save()
    _forget_unshown_pictures()
    return site


@transaction.atomic
def save_careers_part(*, part: CareersPart, pictures: Pictures) -> CareersPart:
    """A section, department or place as given. A department or place renamed is
    renamed in the openings that name it, and in the ad templates, so that their ads
    stay on its page."""
    _one_editor_at_a_time()
    if isinstance(part, CareersFacet) and part.pk is not None:
        before = type(part).objects.get(pk=part.pk).name
        if before != part.name:
            field = part.opening_field
            Opening.objects.filter(**{field: before}).update(**{field: part.name})
            for template in AdTemplate.objects.filter(**{f"fields__{field}": before}):
                template.fields[field] = part.name
                template.save(update_fields=["fields"])
    _set_pictures(part, pictures)
    part.save()
    _forget_unshown_pictures()
    return part


@transaction.atomic
def remove_careers_part(*, part: CareersPart) -> None:
    """The part off the site; openings keep the department or place they name."""
    _one_editor_at_a_time()
    part.delete()
    _forget_unshown_pictures()


def _one_editor_at_a_time() -> None:
    """The site's row locked for the transaction: two editors' changes (and the pictures
    each keeps or drops) follow one another."""
    CareersSite.objects.get_or_create(pk=1)
    CareersSite.objects.select_for_update().filter(pk=1).first()


def _set_pictures(owner, pictures: Pictures) -> None:
    for field, prepared in pictures.items():
        setattr(owner, field, prepared and _stored(prepared))


def _stored(prepared: PreparedImage) -> CareersImage:
    image, _ = CareersImage.objects.get_or_create(
        key=prepared.key,
        defaults={
            "content_type": prepared.content_type,
            "data": prepared.data,
            "width": prepared.width,
            "height": prepared.height,
        },
    )
    return image


def _forget_unshown_pictures() -> None:
    """Every picture no row shows any more is deleted: whatever points at a picture
    is one of its model's relations."""
    shown = set()
    for relation in CareersImage._meta.get_fields(include_hidden=True):  # related_name="+"
        if relation.auto_created and not relation.concrete:
            model = relation.related_model
            shown.update(model.objects.values_list(relation.field.name, flat=True))
    CareersImage.objects.exclude(pk__in=shown - {None}).delete()
