"""The app as an integrator gets it: its wheel, installed in a fresh virtual environment
with nothing else of this repository (no S3 libraries, no admin, no LocaleMiddleware),
in a project made by `django-admin startproject`, mounted under a URL prefix."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*command, cwd=None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_wheel_works_in_a_new_project_under_a_prefix(tmp_path):
    # The wheel from the sdist, as PyPI users get it: built in a temporary directory,
    # never from a stale build/ in the source tree.
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
    project = tmp_path / "project"
    project.mkdir()
    run(venv / "bin" / "django-admin", "startproject", "mysite", project)
    shutil.copy(Path(__file__).parent / "walk_site.py", project)

    report = json.loads(run(venv / "bin" / "python", "walk_site.py", cwd=project))

    assert report["problems"] == []
    seen = report["seen"]
    assert len(seen) == 24  # every candidate and recruiter page, the emailed link, two POSTs
    assert "POST /karriar/jobs/lagerchef/ 302" in seen  # applied: to the receipt page
    assert seen.count("GET /karriar/recruit/ 302") == 1  # anonymous: to the login
    assert sum(line.endswith(" 200") for line in seen) == 21  # the rest, the erasure too
    assert report["applications_left"] == 0  # erased by the candidate, purged
    assert report["tombstones"] == ["erasure_requested"]
    assert report["cv_files_left"] == []
    assert report["emails"] == ["We received your application for Lagerchef"]  # the receipt
