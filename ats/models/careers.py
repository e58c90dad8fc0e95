"""The employer's careers site: its look and words (one CareersSite), the sections of
its front page, its departments and places (each with a page of its own), and the
pictures they show. None of it is about a candidate."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import colours
from ..validators import validate_one_line
from ..videos import validate_video_url

validate_colour = RegexValidator(
    colours.HEX, _("Write a colour as # and six hexadecimal digits, such as #1f5fa8.")
)


class CareersImage(models.Model):
    """A picture as served (ats/images.py made it): in the database, so that it is
    saved or not with what shows it, and served from this site under its CSP."""

    key = models.CharField(max_length=32, unique=True, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    data = models.BinaryField(editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("careers site picture")
        verbose_name_plural = _("careers site pictures")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("ats:careers-image", kwargs={"filename": self.filename})

    @property
    def filename(self) -> str:
        return f"{self.key}.{'png' if self.content_type == 'image/png' else 'jpg'}"


def picture(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        CareersImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


class CareersSiteQuerySet(models.QuerySet):
    def one(self) -> "CareersSite":
        """The site's one row, or the site as it comes while none is saved."""
        return self.filter(pk=1).first() or self.model(pk=1)


class CareersSite(models.Model):
    """The one careers site (pk 1): what /jobs/ and every ad show of the employer."""

    name = models.CharField(
        _("employer's name"),
        max_length=120,
        blank=True,
        validators=[validate_one_line],
        help_text=_("As candidates know you. Empty: the name in the site's settings."),
    )
    headline = models.CharField(
        _("headline"), max_length=120, blank=True, validators=[validate_one_line]
    )
    language = models.CharField(
        _("language of the texts"),
        max_length=2,
        choices=[("sv", "Svenska"), ("en", "English")],
        default="sv",
        help_text=_("So that screen readers and translators read them right."),
    )
    logo = picture(_("logo"))
    cover = picture(_("cover picture"))
    cover_alt = models.CharField(
        _("what the cover picture shows"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("For those who cannot see it. Empty: the picture is decoration only."),
    )
    accent_colour = models.CharField(
        _("colour of links and buttons"),
        max_length=7,
        default="#1f5fa8",
        validators=[validate_colour],
        help_text=_("Buttons show white text on it, links show it on white."),
    )
    banner_colour = models.CharField(
        _("colour of the top banner"), max_length=7, default="#ffffff", validators=[validate_colour]
    )
    banner_text_colour = models.CharField(
        _("colour of the banner's text"),
        max_length=7,
        default="#1d2330",
        validators=[validate_colour],
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown, shown under the headline.")
    )
    video_url = models.CharField(  # not a URLField: only what videos.py reads will do
        _("video"),
        max_length=200,
        blank=True,
        validators=[validate_video_url],
        help_text=_(
            "A YouTube or Vimeo address. Nothing loads from there until a visitor "
            "chooses to play it."
        ),
    )
    video_title = models.CharField(
        _("what the video is about"), max_length=120, blank=True, validators=[validate_one_line]
    )
    contact = models.TextField(
        _("contact"), blank=True, help_text=_("Markdown: whom candidates may ask, and how.")
    )
    privacy = models.TextField(
        _("how we handle applications"),
        blank=True,
        help_text=_("Markdown, shown with a link to the full privacy notice."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = CareersSiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("careers site")
        verbose_name_plural = _("careers site")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def clean(self):
        """Text stays readable in the employer's colours (WCAG 2.2 AA, 1.4.3)."""
        errors = {}
        if self._valid("accent_colour") and (
            colours.contrast(self.accent_colour, colours.WHITE) < colours.AA_TEXT
        ):
            errors["accent_colour"] = _(
                "White text on this colour, or this colour on white, is too faint to read "
                "(contrast %(ratio).1f:1; at least 4.5:1). Choose a darker colour."
            ) % {"ratio": colours.contrast(self.accent_colour, colours.WHITE)}
        if self._valid("banner_colour") and self._valid("banner_text_colour"):
            ratio = colours.contrast(self.banner_colour, self.banner_text_colour)
            if ratio < colours.AA_TEXT:
                errors["banner_text_colour"] = _(
                    "The banner's text is too faint on its colour (contrast %(ratio).1f:1; "
                    "at least 4.5:1). Make one of the two lighter or darker."
                ) % {"ratio": ratio}
        if errors:
            raise ValidationError(errors)

    def _valid(self, field: str) -> bool:
        return bool(colours.HEX.fullmatch(getattr(self, field) or ""))


class CareersPart(models.Model):
    """What a section, a department and a place each have: a name, a text in Markdown
    and a picture, in the order the employer chose."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    image = picture(_("picture"))
    image_alt = models.CharField(
        _("what the picture shows"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("For those who cannot see it. Empty: the picture is decoration only."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CareersSection(CareersPart):
    """A part of the careers page's story: "Why work with us", "Benefits"."""

    class Meta(CareersPart.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")


class CareersFacet(CareersPart):
    """A department or a place: a page of its own listing its openings. Openings name
    it in their `department` or `location` (text, as the API and the feed give it)."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)

    class Meta(CareersPart.Meta):
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(self.url_name, kwargs={"slug": self.slug})


class Department(CareersFacet):
    url_name = "ats:careers-department"
    opening_field = "department"

    class Meta(CareersFacet.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["name"], name="ats_one_department_name")]


class Place(CareersFacet):
    url_name = "ats:careers-place"
    opening_field = "location"

    class Meta(CareersFacet.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [models.UniqueConstraint(fields=["name"], name="ats_one_place_name")]
