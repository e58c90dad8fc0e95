"""The demo's careers site: an employer's brand as a real one looks (a logo, a cover,
its colours, its story, its departments and places, a department's ad template), its
pictures drawn here so that the repository holds no binary files."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from ..images import prepare_image
from ..models import AdTemplate, CareersSection, CareersSite, Department, Place
from .ad_templates import save_ad_template
from .careers_site import save_careers_part, save_careers_site
from .pipeline_stages import add_stage

NAVY, TEAL, SAND, WHITE = "#123b5c", "#0e6e6e", "#f4ede1", "#ffffff"
SITE = {
    "name": "Exempel AB",
    "language": "sv",
    "headline": "Jobba med oss på Exempel",
    "introduction": "Vi flyttar varor för halva Norden, från lager i Jönköping till "
    "plattformen som håller ordning på dem. **Här växer du med uppdraget**: kollektivavtal, "
    "friskvård och tid att lära nytt.",
    "cover_alt": "Solnedgång över gröna kullar, med en väg mot horisonten",
    "accent_colour": TEAL,
    "banner_colour": NAVY,
    "banner_text_colour": WHITE,
    "contact": "Frågor om ett jobb? Ring eller skriv till den som står i annonsen, "
    "eller till oss på [rekrytering@example.se](mailto:rekrytering@example.se).",
    "privacy": "Vi sparar din ansökan bara så länge dataskyddspolicyn säger, och "
    "raderar den sedan av oss själva.",
}
SECTIONS = [
    (
        "Därför Exempel",
        "- **Kollektivavtal** och tjänstepension från dag ett\n- 5 000 kr om året i "
        "friskvårdsbidrag\n- Sex veckors semester efter fem år",
    ),
    (
        "Så rekryterar vi",
        "1. Du söker med ditt CV, inget personligt brev krävs.\n2. Vi hör av oss inom två "
        "veckor.\n3. En intervju med chefen och en kollega, sedan besked.",
    ),
]
DEPARTMENTS = [
    ("Platform", "platform", "Teamet bakom systemen som håller ordning på varje pall."),
    ("HR", "hr", "Vi rekryterar, introducerar och tar hand om våra 400 kollegor."),
    ("Logistik", "logistik", "Lager och transporter, dygnet runt, i Jönköping."),
]
PLACES = [
    ("Göteborg", "goteborg", "Kontoret vid Lindholmen, fem minuter från färjan."),
    ("Stockholm", "stockholm", "Huvudkontoret på Södermalm."),
    ("Jönköping", "jonkoping", "Vårt största lager, vid E4:an."),
]

# A department's template: name, department, and the ad's fields.
# The stages a template's ads start with beyond the default's: (kind, name).
TEMPLATE_STAGES = {
    "Lagermedarbetare, dagtid": [("reviewing", "Arbetsprov"), ("interview", "Besök på lagret")]
}
TEMPLATES = [
    (
        "Lagermedarbetare, dagtid",
        "Logistik",
        {
            "title": "Lagermedarbetare",
            "language": "sv",
            "description": "Du plockar, packar och tar emot gods på vårt lager i Jönköping, "
            "dagtid måndag till fredag.\n\n**Krav:** truckkort A och B.\n\n"
            "**Vi erbjuder** kollektivavtal, friskvårdsbidrag och introduktion med en fadder.",
            "location": "Jönköping",
            "workplace_type": "on_site",
            "employment_type": "permanent",
            "extent": "full_time",
            "positions": 1,
            "salary_min": 27_000,
            "salary_max": 31_000,
            "salary_currency": "SEK",
            "salary_period": "month",
            "contact_name": "Maja Sjöberg",
            "contact_email": "rekrytering@example.se",
        },
    ),
]


def load_demo_brand() -> None:
    """Idempotent: the site and its parts are set as above, pictures drawn anew."""
    site = CareersSite.objects.filter(pk=1).first() or CareersSite(pk=1)
    for field, value in SITE.items():
        setattr(site, field, value)
    save_careers_site(
        site=site,
        pictures={"logo": _picture(_logo(), "logo.png"), "cover": _picture(_cover(), "cover.jpg")},
    )
    parts = [(CareersSection, name, None, text) for name, text in SECTIONS]
    parts += [(Department, *row) for row in DEPARTMENTS] + [(Place, *row) for row in PLACES]
    for position, (model, name, slug, text) in enumerate(parts):
        part = model.objects.filter(name=name).first() or model(name=name)
        part.text, part.position = text, position
        if slug:
            part.slug = slug
        save_careers_part(part=part, pictures={})
    for name, department, ad in TEMPLATES:
        existing = AdTemplate.objects.filter(name=name).first()
        template = save_ad_template(
            template=existing or AdTemplate(),
            name=name,
            department=Department.objects.get(name=department),
            ad=ad,
        )
        if existing is None:
            for kind, stage in TEMPLATE_STAGES[name]:
                add_stage(owner=template, kind=kind, name=stage)


def _picture(image: Image.Image, filename: str):
    out = io.BytesIO()
    image.save(out, "PNG")
    return prepare_image(SimpleUploadedFile(filename, out.getvalue(), "image/png"))


def _logo() -> Image.Image:
    """A mark and the name, white on the banner's navy (transparent around them)."""
    logo = Image.new("RGBA", (520, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((4, 4, 112, 112), radius=24, fill=TEAL)
    draw.polygon([(30, 84), (58, 28), (86, 84)], fill=SAND)
    draw.text((136, 60), "Exempel", font=ImageFont.load_default(size=64), fill=WHITE, anchor="lm")
    return logo


def _cover() -> Image.Image:
    """Dusk over hills and a road: the feel of a logistics employer's cover."""
    width, height = 1600, 600
    cover = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(cover)
    for y in range(height):  # sky: navy above, warm sand at the horizon
        share = y / height
        colour = tuple(int(a + (b - a) * share) for a, b in ((18, 244), (59, 190), (92, 140)))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse((1100, 250, 1300, 450), fill="#ffd27f")
    draw.polygon(
        [(0, 420), (400, 330), (900, 420), (1600, 350), (1600, 600), (0, 600)], fill="#2f6d4f"
    )
    draw.polygon([(0, 500), (700, 430), (1600, 520), (1600, 600), (0, 600)], fill="#1f4d38")
    draw.polygon([(760, 600), (800, 440), (815, 440), (1000, 600)], fill="#3b3b3b")
    return cover
