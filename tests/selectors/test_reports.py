"""What a report hides so that no count tells of a person (selectors/reports.py)."""

import pytest

from ats.selectors.reports import NOT_SHOWN, protected


def shown(counts: dict) -> dict:
    return {label: cell.shown for label, cell in protected(counts).items()}


def test_a_small_part_of_a_whole_takes_the_smallest_shown_with_it():
    assert shown({"hired": 1, "rejected": 11, "withdrawn": 0, "erased": 7}) == {
        "hired": "fewer than 5",
        "rejected": "11",
        "withdrawn": "0",  # nobody: nothing to tell
        "erased": NOT_SHOWN,
    }


def test_small_parts_that_add_up_to_less_than_the_threshold_take_one_more():
    # 12 less 10 would say that the two hidden are one each.
    assert shown({"a": 1, "b": 1, "c": 10, "d": 30}) == {
        "a": "fewer than 5",
        "b": "fewer than 5",
        "c": NOT_SHOWN,
        "d": "30",
    }
    assert shown({"a": 2, "b": 3, "c": 10}) == {  # 5 hidden in two: no one of them told
        "a": "fewer than 5",
        "b": "fewer than 5",
        "c": "10",
    }


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 6, "b": 9}, {"a": "6", "b": "9"}),  # nothing small: all shown
        ({"a": 3}, {"a": "fewer than 5"}),  # nothing beside it to hide
        ({}, {}),
    ],
)
def test_without_a_small_part_or_another_to_hide_nothing_more_is_hidden(counts, expected):
    assert shown(counts) == expected
