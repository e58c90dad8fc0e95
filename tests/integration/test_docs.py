"""The docs say what the code is: docs/configuration.md's table of the app's settings
names every ATS_* setting, and no other."""

import re
from pathlib import Path

from ats.app_settings import DEFAULTS
from tests.helpers import ROOT

CONFIGURATION = ROOT / "docs" / "configuration.md"


def section(page: Path, heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    text = page.read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def test_the_settings_table_names_every_ats_setting_and_no_other():
    rows = section(CONFIGURATION, "The app's settings").splitlines()
    first_cells = [row.split("|")[1] for row in rows if row.startswith("| `ATS_")]
    named = {name for cell in first_cells for name in re.findall(r"`(ATS_\w+)`", cell)}
    settings = {f"ATS_{name}" for name in DEFAULTS}
    assert sorted(settings - named) == []
    assert sorted(named - settings) == []
