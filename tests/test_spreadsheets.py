"""Rows as files: what a spreadsheet would run as a formula is written as text, the note
comes first, and a CSV is made line by line."""

import csv
import io
import tempfile
from datetime import date

import openpyxl
import pytest
from django.db import DatabaseError

from ats.spreadsheets import csv_lines, neutralise, sheet_name, xlsx_file


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


def test_other_text_is_left_as_it_is():
    assert neutralise("Åsa Öberg") == "Åsa Öberg"
    assert neutralise("") == ""


def test_a_csv_is_made_one_line_at_a_time_note_first():
    def rows():
        yield ["=1+1", date(2026, 12, 4), None]
        raise AssertionError("read before it was asked for")

    lines = csv_lines(note="Personuppgifter", header=["Namn", "Dag", "Tom"], rows=rows())
    first_three = [next(lines) for _ in range(3)]

    table = list(csv.reader(io.StringIO("".join(first_three).lstrip("\ufeff"))))
    assert table == [["Personuppgifter"], ["Namn", "Dag", "Tom"], ["'=1+1", "2026-12-04", ""]]
    assert first_three[0].startswith("\ufeff")  # Excel reads it as UTF-8


def test_a_workbook_holds_the_note_the_header_and_text_never_a_formula():
    with xlsx_file(
        note="Personuppgifter", header=["Namn"], rows=[["=SUM(A1:A2)"]], sheet="Lager/chef"
    ) as workbook_file:
        sheet = openpyxl.load_workbook(workbook_file).active

    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Personuppgifter"],
        ["Namn"],
        ["'=SUM(A1:A2)"],
    ]
    assert sheet.cell(3, 1).data_type == "s"
    assert "Personuppgifter" in sheet.oddHeader.left.text


def test_a_sheet_is_named_as_excel_allows():
    assert sheet_name("Lager/chef [Göteborg]") == "Lager chef  Göteborg"
    assert sheet_name("'" * 3) == "Sheet1"
    assert len(sheet_name("x" * 40)) == 31


def test_a_workbook_that_fails_midway_leaves_no_row_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the files would stay

    def rows():
        yield ["Astrid Lindqvist", "astrid@example.se"]
        raise DatabaseError("the connection was lost")

    with pytest.raises(DatabaseError):
        xlsx_file(note="Personal data", header=["Name", "Email"], rows=rows(), sheet="Lager")

    assert list(tmp_path.rglob("*")) == []
