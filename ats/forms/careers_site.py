"""The careers site's editor: the site, and a section, department or place. A picture
is uploaded beside the model's fields and made safe (ats/images.py) while the form is
checked, so that a refused file is said at the field and nothing is stored."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..images import MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES, prepare_image, too_large
from ..models import CareersSection, CareersSite, Department, Place
from ..models.careers import CareersFacet

PICTURE_TYPES = ".png,.jpg,.jpeg,.webp,.gif"  # what application-form.js checks as chosen


# A colour is typed as #rrggbb: a text field every browser and screen reader handles
# the same (the Nu checker warns that <input type=color> is not one).
COLOUR_INPUT = forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}", "spellcheck": "false"})


class PicturesForm(forms.ModelForm):
    """A model form whose `picture_fields` are each uploaded (`<field>_file`) or removed
    (`<field>_remove`); `pictures()` says which changed, for the service."""

    picture_fields: dict[str, str] = {}  # field: its label

    def __init__(self, *args, picture_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.picture_too_large = picture_too_large  # dropped unread (views/body_limits.py)
        for field, label in self.picture_fields.items():
            self.fields[f"{field}_file"] = forms.FileField(
                label=label,
                required=False,
                help_text=_(
                    "PNG, JPEG, WebP or GIF, at most %(megabytes)s MB. What the camera "
                    "stored beside it is dropped."
                )
                % {"megabytes": MAX_UPLOAD_MEGABYTES},
                # Checked as it is chosen where scripts run (application-form.js).
                widget=forms.ClearableFileInput(
                    attrs={
                        "accept": PICTURE_TYPES,
                        "data-max-bytes": MAX_UPLOAD_BYTES,
                        "data-too-large": str(too_large().messages[0]),
                        "data-wrong-type": _("Upload a PNG, JPEG, WebP or GIF file."),
                    }
                ),
            )
            if getattr(self.instance, f"{field}_id", None):
                self.fields[f"{field}_remove"] = forms.BooleanField(
                    label=_("Show no %(picture)s") % {"picture": str(label).lower()},
                    required=False,
                )

    def clean(self):
        data = super().clean()
        if self.picture_too_large:
            self.add_error(None, too_large())
        for field in self.picture_fields:
            upload = data.get(f"{field}_file")
            if upload:
                try:
                    data[f"{field}_file"] = prepare_image(upload)
                except forms.ValidationError as error:
                    self.add_error(f"{field}_file", error)
        return data

    def pictures(self) -> dict:
        changed = {}
        for field in self.picture_fields:
            if self.cleaned_data.get(f"{field}_file"):
                changed[field] = self.cleaned_data[f"{field}_file"]
            elif self.cleaned_data.get(f"{field}_remove"):
                changed[field] = None
        return changed


class CareersSiteForm(PicturesForm):
    picture_fields = {"logo": _("Logo"), "cover": _("Cover picture")}

    class Meta:
        model = CareersSite
        fields = [
            "name", "language", "headline", "introduction", "cover_alt", "accent_colour",
            "banner_colour", "banner_text_colour", "video_url", "video_title", "contact",
            "privacy",
        ]  # fmt: skip
        widgets = {
            "accent_colour": COLOUR_INPUT,
            "banner_colour": COLOUR_INPUT,
            "banner_text_colour": COLOUR_INPUT,
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "contact": forms.Textarea(attrs={"rows": 3}),
            "privacy": forms.Textarea(attrs={"rows": 3}),
        }


class CareersPartForm(PicturesForm):
    picture_fields = {"image": _("Picture")}

    class Meta:
        fields = ["name", "text", "image_alt", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class SectionForm(CareersPartForm):
    class Meta(CareersPartForm.Meta):
        model = CareersSection
        labels = {"name": _("Heading")}


class FacetForm(CareersPartForm):
    """A department or a place; its address is made from its name when left empty."""

    class Meta(CareersPartForm.Meta):
        fields = ["name", "slug", *CareersPartForm.Meta.fields[1:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("In the page's address. Empty: made from the name.")

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))
        if not slug:  # a name of no Latin letters or digits makes none
            raise forms.ValidationError(
                _("Give the page an address: letters a to z, digits and hyphens."), code="required"
            )
        model: type[CareersFacet] = self._meta.model
        if model.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another page has this address."), code="taken")
        return slug


class DepartmentForm(FacetForm):
    class Meta(FacetForm.Meta):
        model = Department


class PlaceForm(FacetForm):
    class Meta(FacetForm.Meta):
        model = Place
