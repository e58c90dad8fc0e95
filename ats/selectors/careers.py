"""Reads for the careers site: the brand every candidate page wears, the front page's
story, and a department's or a place's page with its openings."""

import hashlib
from dataclasses import dataclass

from .. import page_cache
from ..app_settings import app_settings
from ..models import CareersSection, CareersSite, Department, Opening, Place
from ..models.careers import CareersFacet
from ..videos import Video, video
from .public import LISTED_FIELDS

DEFAULT_COLOURS = (
    CareersSite._meta.get_field("accent_colour").default,
    CareersSite._meta.get_field("banner_colour").default,
    CareersSite._meta.get_field("banner_text_colour").default,
)


@dataclass(frozen=True)
class Brand:
    name: str
    logo_url: str  # a path on this site, or the ATS_EMPLOYER_LOGO URL; "" for none
    url: str  # the employer's own site
    colours: tuple[str, str, str]  # accent, banner, banner text
    language: str  # of the site's own texts

    @property
    def stylesheet_version(self) -> str:
        """The colours' stylesheet's name for this set (none for the default set)."""
        if self.colours == DEFAULT_COLOURS:
            return ""
        return hashlib.sha256(",".join(self.colours).encode()).hexdigest()[:12]


def brand() -> Brand:
    """What the careers site shows of the employer: kept in the cache with the pages,
    so a candidate's page costs no query for it."""
    return page_cache.get_or_render("brand", render=_brand)


def _brand() -> Brand:
    site = CareersSite.objects.select_related("logo").defer("logo__data").one()
    return Brand(
        name=site.name or app_settings.employer_name,
        logo_url=site.logo.get_absolute_url() if site.logo else app_settings.EMPLOYER_LOGO,
        url=app_settings.EMPLOYER_URL,
        colours=(site.accent_colour, site.banner_colour, site.banner_text_colour),
        language=site.language,
    )


@dataclass(frozen=True)
class FrontPage:
    site: CareersSite
    video: Video | None
    sections: list[CareersSection]
    departments: list[Department]
    places: list[Place]


def front_page() -> FrontPage:
    """The careers page's story around its openings. Four queries."""
    site = CareersSite.objects.select_related("cover").filter(pk=1).first() or CareersSite()
    return FrontPage(
        site=site,
        video=video(site.video_url) if site.video_url else None,
        sections=list(CareersSection.objects.select_related("image").defer("image__data")),
        departments=list(Department.objects.only("name", "slug")),
        places=list(Place.objects.only("name", "slug")),
    )


@dataclass(frozen=True)
class FacetPage:
    facet: CareersFacet
    openings: list[Opening]


def facet_page(*, model: type[CareersFacet], slug: str) -> FacetPage | None:
    """A department's or place's page: its text and its published openings. Two queries."""
    facet = model.objects.select_related("image").defer("image__data").filter(slug=slug).first()
    if facet is None:
        return None
    openings = (
        Opening.objects.published()
        .filter(**{facet.opening_field: facet.name})
        .only(*LISTED_FIELDS)
        .order_by("application_deadline", "title")
    )
    return FacetPage(facet=facet, openings=list(openings))
