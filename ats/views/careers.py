"""The careers site's pages for anyone: the careers page, a department's or a place's
page, their pictures and the employer's colours. What a visitor without a session
sees is kept in the cache (ats/page_cache.py) until the site or an opening changes."""

from dataclasses import replace

from django.http import Http404, HttpResponse
from django.views import View
from django.views.generic import TemplateView

from .. import page_cache, selectors
from ..models import CareersImage, Department, Opening, Place
from ..models.careers import CareersFacet
from ..qr_codes import qr_code_svg
from .public import canonical_url, employer_context, has_control_characters

A_YEAR = 365 * 24 * 3600


class KeptPageMixin:
    """A GET without query or session is answered from the cache."""

    def get(self, request, *args, **kwargs):
        if request.GET or not page_cache.for_anyone(request):  # filtered, or someone's own
            return super().get(request, *args, **kwargs)
        rendered = super().get
        return HttpResponse(
            page_cache.get_or_render(
                *self.kept_as(),
                canonical_url(request),  # the page names its host
                render=lambda: rendered(request, *args, **kwargs).render().content,
            )
        )


class OpeningListView(KeptPageMixin, TemplateView):
    """The careers page; its filters are a GET form that needs no script."""

    template_name = "ats/public/opening_list.html"

    def kept_as(self) -> tuple[str, ...]:
        return ("careers",)

    def get_context_data(self, **kwargs):
        query = self.request.GET
        chosen = {
            "place": query.get("place", "")[:120],
            "employment_type": query.get("type", "")
            if query.get("type") in Opening.EmploymentType.values
            else "",
            "department": query.get("department", "")[:120],
        }
        if any(map(has_control_characters, chosen.values())):
            # No place or department holds one (and PostgreSQL refuses a NUL in a
            # query): the filters on offer, and nothing that matches.
            page = replace(selectors.public.careers_page(), openings=[])
        else:
            page = selectors.public.careers_page(**chosen)
        return super().get_context_data(
            page=page,
            front=selectors.careers.front_page(),
            chosen=chosen,
            filtered=any(chosen.values()),
            employment_types=Opening.EmploymentType.choices,
            remote=Opening.WorkplaceType.REMOTE,
            canonical_url=canonical_url(self.request),
            **employer_context(),
            **kwargs,
        )


class FacetView(KeptPageMixin, TemplateView):
    """A department's or a place's page: its story and its openings."""

    template_name = "ats/public/facet.html"
    model: type[CareersFacet]

    def kept_as(self) -> tuple[str, ...]:
        return (self.model._meta.model_name, self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        page = selectors.careers.facet_page(model=self.model, slug=self.kwargs["slug"])
        if page is None:
            raise Http404("No such page on the careers site.")
        return super().get_context_data(
            page=page,
            feed_filter="department" if self.model is Department else "place",
            canonical_url=canonical_url(self.request),
            **employer_context(),
            **kwargs,
        )


class DepartmentView(FacetView):
    model = Department


class PlaceView(FacetView):
    model = Place


class OpeningQrCodeView(View):
    """A published ad's QR code, as an SVG to print; 404 for any other."""

    def get(self, request, *, slug: str):
        opening = selectors.public.published_opening(slug=slug)
        if opening is None:
            raise Http404("No published opening here.")
        url = request.build_absolute_uri(opening.get_absolute_url()) + "?source=qr"
        response = HttpResponse(qr_code_svg(url, title=opening.title), content_type="image/svg+xml")
        response["Content-Disposition"] = f'inline; filename="{opening.slug}-qr.svg"'
        response["Cache-Control"] = "public, max-age=3600"  # the same while the ad is up
        return response


class CareersImageView(View):
    """A picture of the careers site. Its name is its content's digest: kept a year."""

    def get(self, request, *, filename: str):
        image = CareersImage.objects.filter(key=filename.partition(".")[0]).first()
        if image is None or image.filename != filename:
            raise Http404("No such picture.")
        response = HttpResponse(bytes(image.data), content_type=image.content_type)
        response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class BrandStylesheetView(View):
    """The employer's colours as CSS custom properties, which ats.css reads; its URL
    names the set of colours, so it is kept a year."""

    def get(self, request, *, version: str):
        brand = selectors.careers.brand()
        if brand.stylesheet_version != version:
            raise Http404("These are not the site's colours.")
        accent, banner, banner_text = brand.colours
        response = HttpResponse(
            f":root {{ --accent: {accent}; --banner: {banner}; --banner-ink: {banner_text}; }}\n",
            content_type="text/css; charset=utf-8",
        )
        response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
        return response
