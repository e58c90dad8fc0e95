"""The careers site as its administrator edits it: the site itself, its sections, its
departments and places. A picture is stored with what shows it, in the same
transaction, and one that nothing shows any more goes with the change that dropped
it. The pages kept in the cache are rendered again after each change (ats/apps.py)."""

from collections.abc import Mapping

from django.db import transaction

from ..images import PreparedImage
from ..models import CareersImage, CareersSection, CareersSite, Department, Opening, Place
from ..models.careers import CareersFacet, CareersPart

# A picture field's new state: a picture, or None to show none.
Pictures = Mapping[str, PreparedImage | None]


def careers_site() -> CareersSite:
    """The site, as saved or as it comes (not saved until it is changed)."""
    return CareersSite.objects.filter(pk=1).first() or CareersSite(pk=1)


@transaction.atomic
def save_careers_site(*, site: CareersSite, pictures: Pictures) -> CareersSite:
    """The site with its fields as given (checked by its form) and its pictures
    replaced where `pictures` names them."""
    site.pk = 1
    _set_pictures(site, pictures)
    site.save()
    _forget_unshown_pictures()
    return site


@transaction.atomic
def save_careers_part(*, part: CareersPart, pictures: Pictures) -> CareersPart:
    """A section, department or place as given. A department or place renamed is
    renamed in the openings that name it, so that they stay on its page."""
    if isinstance(part, CareersFacet) and part.pk is not None:
        before = type(part).objects.select_for_update().get(pk=part.pk).name
        if before != part.name:
            field = part.opening_field
            Opening.objects.filter(**{field: before}).update(**{field: part.name})
    _set_pictures(part, pictures)
    part.save()
    _forget_unshown_pictures()
    return part


@transaction.atomic
def remove_careers_part(*, part: CareersPart) -> None:
    """The part off the site; openings keep the department or place they name."""
    part.delete()
    _forget_unshown_pictures()


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
    shown = set()
    for model, fields in SHOWN_BY.items():
        for row in model.objects.values_list(*fields):
            shown.update(row)
    CareersImage.objects.exclude(pk__in=shown - {None}).delete()


SHOWN_BY = {
    CareersSite: ("logo", "cover"),
    CareersSection: ("image",),
    Department: ("image",),
    Place: ("image",),
}
