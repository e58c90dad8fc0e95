"""The app as an integrator gets it: its wheel, installed in a fresh virtual environment
with nothing else of this repository (no S3 libraries, no LocaleMiddleware), in a project
made by `django-admin startproject`, mounted under a URL prefix: in a site with Django's
own login views, one with django-allauth's, and one with only the admin's."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.integration.walk_site import HOSTS

# Slow: a wheel built and installed in a fresh virtual environment.
pytestmark = pytest.mark.slow


def run(*command, cwd=None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed, as PyPI users get it."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    # Built from the sdist in a temporary directory, never from a stale build/ in the
    # source tree.
    run(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", ROOT)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    assert "PASSED" in run(sys.executable, "-m", "twine", "check", wheel)
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"ats"}
    listed = zipfile.ZipFile(wheel).namelist()
    assert "ats/templates/ats/base.html" in listed
    assert "ats/locale/sv/LC_MESSAGES/django.mo" in listed

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    installed = run(venv / "bin" / "python", "-m", "pip", "list", "--format=freeze").lower()
    assert "boto3" not in installed and "django-storages" not in installed  # the [s3] extra
    assert "django-allauth" not in installed  # the demo site's, not the app's
    return venv


# allauth last: it is installed into the shared environment for its host alone.
@pytest.mark.parametrize("host", ["auth", "admin", "allauth"])
def test_the_wheel_works_in_a_new_project_under_a_prefix(venv, tmp_path, host):
    if host == "allauth":
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "django-allauth")
    project = tmp_path / "project"
    project.mkdir()
    run(venv / "bin" / "django-admin", "startproject", "mysite", project)
    shutil.copy(Path(__file__).parent / "walk_site.py", project)

    report = json.loads(run(venv / "bin" / "python", "walk_site.py", host, cwd=project))

    assert report["problems"] == []
    seen = report["seen"]
    # Every candidate and recruiter page (the CV inside the page and one of its images:
    # drawn by the installed app's own child process), the emailed link, two POSTs, the
    # log-out.
    assert len(seen) == 28
    assert "POST /karriar/jobs/lagerchef/ 302" in seen  # applied: to the receipt page
    assert any(line.endswith("/cv/view/pages/2.png 200") for line in seen)
    assert seen.count("GET /karriar/recruit/ 302") == 2  # anonymous, then logged out: to the login
    assert sum(line.endswith(" 200") for line in seen) == 23  # the rest, the erasure too
    assert f"POST {HOSTS[host]['log_out']} 302" in seen  # logged out by the pages' button
    assert report["applications_left"] == 0  # erased by the candidate, purged
    assert report["tombstones"] == ["erasure_requested"]
    assert report["cv_files_left"] == []
    assert report["emails"] == ["We received your application for Lagerchef"]  # the receipt
