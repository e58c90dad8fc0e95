"""Folding and the words of a search, the same on either database."""

from ats.text_search import FOLD_FROM, FOLD_TO, fold, terms


def test_folding_takes_case_and_accents_off():
    assert fold("Håkan Öberg, Åsa Ängström, Zoë Müller, Łukasz, Søren") == (
        "hakan oberg, asa angstrom, zoe muller, lukasz, soren"
    )


def test_the_fold_table_is_one_character_for_one_as_translate_needs():
    assert len(FOLD_FROM) == len(FOLD_TO) and len(set(FOLD_FROM)) == len(FOLD_FROM)
    assert "'" not in FOLD_FROM + FOLD_TO  # it is written into the migration's SQL


def test_terms_keep_what_addresses_and_numbers_hold_and_drop_query_syntax():
    assert terms("Sjuksköterska  KARLSTAD sjuksköterska") == ["sjukskoterska", "karlstad"]
    assert terms("anna@example.se '070-123' !(x) & | ") == ["anna@example.se", "070-123", "x"]
    assert terms("' \\ :* ") == []
    assert len(terms(" ".join(f"ord{n}" for n in range(20)))) == 8
