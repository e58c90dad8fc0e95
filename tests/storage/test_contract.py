"""The contract every CV storage strategy keeps (ats/storage/base.py), checked against
each of them: a private folder, and an S3 bucket on the local S3 server over HTTP."""

from django.core.files.base import ContentFile

from ats import storage


def test_files_are_listed_in_key_order_under_their_prefix_and_after_a_key(stored_files):
    for key in ("ledger/000000000002.json", "ledger/000000000001.json", "cv/a.pdf"):
        stored_files.put(key, b"x")

    assert [key for key, _ in storage.list_files("ledger/")] == [
        "ledger/000000000001.json",
        "ledger/000000000002.json",
    ]
    after = [key for key, _ in storage.list_files("ledger/", after="ledger/000000000001~")]
    assert after == ["ledger/000000000002.json"]
    assert list(storage.list_files("nothing-here/")) == []
    [(_, modified)] = storage.list_files("cv/")
    assert modified.tzinfo is not None


def test_an_exclusive_write_never_replaces_a_file(stored_files):
    assert storage.create_exclusively("ledger/000000000001.json", b"first")
    assert not storage.create_exclusively("ledger/000000000001.json", b"second")
    assert stored_files.read("ledger/000000000001.json") == b"first"


def test_deleting_many_deletes_them_and_a_missing_one_counts_as_deleted(stored_files):
    keys = [storage.save_cv(ContentFile(b"%PDF-1.7"), extension=".pdf") for _ in range(3)]

    assert storage.delete_cv_files([*keys, "cv/never-stored.pdf"]) == set()
    assert stored_files.remaining() == []
    assert storage.still_stored(keys) == set()


def test_what_is_still_stored_is_told_apart(stored_files):
    kept = storage.save_cv(ContentFile(b"%PDF-1.7"), extension=".pdf")
    assert storage.still_stored([kept, "cv/gone.pdf"]) == {kept}
    assert storage.read(kept) == b"%PDF-1.7"


def test_a_private_storage_exposes_nothing_and_says_where_it_keeps_files(stored_files):
    strategy = storage.files()
    assert strategy.public_exposures() == []
    assert not strategy.keeps_versions()
    assert {"kind", "name", "region"} <= set(strategy.describe())
