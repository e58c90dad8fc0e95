"""A folder keeps CVs for the app's own account: no other account on the machine reads
them, whatever its umask."""

import os

from django.core.files.base import ContentFile

from ats import storage


def test_cvs_and_the_ledger_in_a_folder_are_for_the_apps_account_alone(cv_files):
    previous = os.umask(0o022)  # a common default: files others may read
    try:
        # The ledger first: its write makes the folders, the storage's own too.
        assert storage.create_exclusively("ledger/outcomes/000000000001.json", b"{}")
        storage.save_cv(ContentFile(b"%PDF-1.7"), extension=".pdf")
    finally:
        os.umask(previous)

    stored = [cv_files.root, *cv_files.root.rglob("*")]
    assert {path.name: oct(path.stat().st_mode & 0o077) for path in stored} == {
        path.name: "0o0" for path in stored
    }
