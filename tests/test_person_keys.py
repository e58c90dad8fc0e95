"""A person's key names their address without showing it, and opens nothing forged."""

from ats.person_keys import email_of, person_key


def test_the_same_address_in_any_case_gives_the_same_key_and_shows_nothing_of_it():
    key = person_key(" Astrid.Lindqvist@Example.se ")

    assert key == person_key("astrid.lindqvist@example.se")
    assert email_of(key) == "astrid.lindqvist@example.se"
    assert "astrid" not in key.lower() and "example" not in key.lower()
    assert key != person_key("astrid.lindqvist@example.com")


def test_a_changed_or_made_up_key_opens_nothing():
    key = person_key("astrid@example.se")
    changed = key[:-2] + ("A" if key[-2] != "A" else "B") + key[-1]

    assert email_of(changed) is None
    assert all(email_of(key[:-1] + last) is None for last in "AQgw" if key[:-1] + last != key)
    assert email_of("nonsense") is None
    assert email_of("") is None
    assert email_of("a" * 500) is None


def test_a_key_made_under_another_secret_opens_nothing(settings):
    key = person_key("astrid@example.se")

    settings.SECRET_KEY = "another secret key, for another site, of fifty characters"

    assert email_of(key) is None
