"""An ad as schema.org JobPosting structured data, with the properties Google for Jobs
requires (title, description, datePosted, hiringOrganization, a location) and those it
recommends (validThrough, employmentType, baseSalary, directApply, identifier).

Written as a JSON data block (`<script type="application/ld+json">`), which no browser
runs: the site's Content-Security-Policy, which allows no inline script, still holds.
Without an employer's name there is none: Google refuses a posting whose
hiringOrganization has no name (`check --deploy` warns, ats.W009).
"""

import json
from datetime import timedelta

from .app_settings import app_settings
from .models import Opening
from .retention import end_of_day
from .rich_text import render_markdown

# Google's employmentType values for ours. Google has none for hourly work (PER_DIEM
# is paid by the day): OTHER, with the pay's unitText HOUR saying it.
EMPLOYMENT_TYPES = {
    Opening.EmploymentType.FIXED_TERM: "TEMPORARY",
    Opening.EmploymentType.TEMPORARY: "TEMPORARY",
    Opening.EmploymentType.INTERNSHIP: "INTERN",
    Opening.EmploymentType.HOURLY: "OTHER",
}
EXTENTS = {Opening.Extent.FULL_TIME: "FULL_TIME", Opening.Extent.PART_TIME: "PART_TIME"}
# In a <script> element the text ends at "</": escaped, the JSON means the same.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def job_posting(opening: Opening, *, url: str, employer: str, logo: str = "") -> dict | None:
    """The posting at `url`, by the `employer` (its name, as the careers site shows it)
    with its `logo` (an absolute URL), or None when the employer has no name."""
    if not employer:
        return None
    organisation = {"@type": "Organization", "name": employer}
    if app_settings.EMPLOYER_URL:
        organisation["sameAs"] = app_settings.EMPLOYER_URL
    if logo:
        organisation["logo"] = logo
    if opening.department:  # schema.org's Organization.department
        organisation["department"] = {"@type": "Organization", "name": opening.department}
    posting = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": opening.title,
        "description": str(render_markdown(opening.description)),
        "datePosted": (opening.published_at or opening.created_at).date().isoformat(),
        "hiringOrganization": organisation,
        "employmentType": [EXTENTS[opening.extent]]
        + (
            [EMPLOYMENT_TYPES[opening.employment_type]]
            if opening.employment_type in EMPLOYMENT_TYPES
            else []
        ),
        "directApply": True,
        "identifier": {
            "@type": "PropertyValue",
            "name": employer,
            "value": opening.slug,
        },
        "url": url,
        "totalJobOpenings": opening.positions,
    }
    if opening.application_deadline:
        last_second = end_of_day(opening.application_deadline) - timedelta(seconds=1)
        posting["validThrough"] = last_second.isoformat()
    if opening.location:
        posting["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": opening.location,
                "addressCountry": "SE",
            },
        }
    if opening.workplace_type == Opening.WorkplaceType.REMOTE:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "SE"}
    if opening.salary_min is not None or opening.salary_max is not None:
        amount = {"@type": "QuantitativeValue", "unitText": opening.salary_period.upper()}
        if opening.salary_min is not None:
            amount["minValue"] = opening.salary_min
        if opening.salary_max is not None:
            amount["maxValue"] = opening.salary_max
        posting["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": opening.salary_currency,
            "value": amount,
        }
    return posting


def as_script_text(data: dict) -> str:
    """The JSON, safe inside a <script> element."""
    return json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES)
