"""Lists as files a spreadsheet opens: CSV, streamed line by line, and Excel (.xlsx),
written by XlsxWriter in its constant-memory mode. Rows in, bytes out; nothing kept.

A cell that a spreadsheet would take for a formula (it starts with = + - @, a tab or a
carriage return) is written with a leading apostrophe, as OWASP's "CSV injection" page
says, in both kinds: a candidate's name is never run as a formula on a colleague's
machine."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import IO

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BYTE_ORDER_MARK = "\ufeff"  # so that Excel reads the file as UTF-8 (å, ä, ö)


def neutralise(value: str) -> str:
    """The text as a spreadsheet shows it, never as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def sheet_name(title: str) -> str:
    """A sheet's name Excel takes: none of []:*?/\\, no apostrophe at either end, not
    blank, at most 31 characters."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip("' ")
    return cleaned or "Sheet1"


class _Line:
    """What csv.writer writes to: hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(*, note: str, header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The note (a line of its own), the header, then one line per row, as they come:
    a list of 200,000 is never held whole. Dates as YYYY-MM-DD."""
    writer = csv.writer(_Line())
    yield CSV_BYTE_ORDER_MARK + writer.writerow([neutralise(note)])
    yield writer.writerow([neutralise(str(label)) for label in header])
    for row in rows:
        yield writer.writerow([_text(value) for value in row])


def xlsx_file(
    *, note: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str
) -> IO[bytes]:
    """A workbook of one sheet: the note in its first cell (and in the page header a
    printout carries), the header below it, then the rows; dates as dates. Written row
    by row to a temporary file, which is returned at its start and goes when closed.
    XlsxWriter's own files (the rows, on their way into the workbook) are in a folder of
    this workbook's, removed however the writing ends: it removes them only on success."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    try:
        with tempfile.TemporaryDirectory(prefix="ats-xlsx-") as workspace:
            _write_workbook(
                output, note=note, header=header, rows=rows, sheet=sheet, workspace=workspace
            )
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def _write_workbook(
    output: IO[bytes],
    *,
    note: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    sheet: str,
    workspace: str,
) -> None:
    workbook = xlsxwriter.Workbook(
        output,
        {
            "tmpdir": workspace,
            "constant_memory": True,  # each row leaves memory once the next begins
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet_name(sheet))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    worksheet.set_header(f"&L{note.replace('&', '&&')}"[:255])
    worksheet.set_column(0, len(header) - 1, 22)
    worksheet.write_string(0, 0, neutralise(note), bold)
    for column, label in enumerate(header):
        worksheet.write_string(1, column, neutralise(str(label)), bold)
    worksheet.freeze_panes(2, 0)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if isinstance(value, date):
                worksheet.write_datetime(number, column, value, day)
            elif value is not None and value != "":
                worksheet.write_string(number, column, neutralise(str(value)))
    workbook.close()
