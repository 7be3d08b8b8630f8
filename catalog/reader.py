"""Spreadsheet files → tables of text cells, each row numbered as the coordinator sees it.

Nothing is interpreted here: every cell stays text (pandas with ``dtype=str`` and no NA
guessing) so that ``0042`` keeps its zeros and ``2,50`` is parsed by us, with a useful message.
"""
from __future__ import annotations

import codecs
import csv
import io
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from cagettes.catalog.messages import MESSAGES
from cagettes.catalog.parsers import CellError, fold
from cagettes.core.errors import Problem
from cagettes.core.i18n import translate

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")  # the ones openpyxl reads; LibreOffice always saves results
# Bytes a text file holds only by accident (a tab, line feed or carriage return is text); a
# compressed file (an .xlsx renamed .csv) has about one in nine.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
BINARY_CONTROL_SHARE = 0.01  # of a file's bytes: above it, the file is not text
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Excel's "Unicode text" starts so


@dataclass(frozen=True)
class Row:
    number: int  # row number in the spreadsheet program: the header is usually row 1
    cells: tuple[str, ...]  # stripped text, aligned with Table.headers; longer if ragged
    formulas: Mapping[int, str] = field(default_factory=dict)  # cell index -> formula of an empty
    # cell whose result the workbook did not save (written by a program that does not calculate)

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    file: str  # file name as the coordinator knows it
    sheet: str  # sheet name as written in the workbook; "" for a CSV file
    source: str  # full path, for the record of what was read
    headers: tuple[str, ...] = ()  # as written, stripped; empty when the sheet is empty
    rows: tuple[Row, ...] = ()  # fully blank rows already left out


Tables = dict[str, Table]  # canonical sheet name -> table


class FileError(CellError):
    """A CSV file that cannot be read as a table; ``row`` is the record at fault, if one is."""

    def __init__(self, key: str, row: int | None = None, **params: object):
        super().__init__(key, **params)
        self.row = row


def read_tables(path: Path, names: Sequence[str], lang: str = "fr") -> tuple[Tables, list[Problem]]:
    """Read the sheets ``names`` from a workbook file or a folder of CSV files."""
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path, names, lang)
    if not path.exists():
        return {}, [Problem(file=str(path), message=translate(MESSAGES, "path_missing", lang))]
    if not _regular(path):
        return {}, [Problem(file=path.name, message=translate(MESSAGES, "not_a_file", lang))]
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, names, lang)
    message = translate(MESSAGES, "bad_suffix", lang, suffix=path.suffix or path.name)
    return {}, [Problem(file=path.name, message=message)]


def _read_workbook(path: Path, names: Sequence[str], lang: str) -> tuple[Tables, list[Problem]]:
    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
        formulas = _formulas(path) if path.suffix.lower() in EXCEL_SUFFIXES else {}
    except Exception as error:
        return {}, [_unreadable(path.name, error, lang)]
    by_name = {fold(sheet): sheet for sheet in frames}
    tables, problems = {}, []
    for name in names:
        sheet = by_name.get(fold(name))
        if sheet is None:
            expected = ", ".join(names)
            message = translate(MESSAGES, "sheet_missing", lang, sheet=name, expected=expected)
            problems.append(Problem(file=path.name, sheet=name, message=message))
        else:
            grid = frames[sheet].values.tolist()
            tables[name] = _table(grid, file=path.name, sheet=str(sheet), source=str(path),
                                  formulas=formulas.get(str(sheet), {}))
    return tables, problems


def _formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Every formula of an Excel workbook, by sheet and (row, column) counted from 0.

    pandas reads the results the file saved; a formula never calculated (the workbook was
    written by a program, not a spreadsheet) has none and would pass for an empty cell.
    """
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {sheet.title: {(cell.row - 1, cell.column - 1): str(getattr(cell.value, "text", cell.value))
                              for row in sheet.iter_rows() for cell in row if cell.data_type == "f"}
                for sheet in book.worksheets}
    finally:
        book.close()


def _read_csv_folder(folder: Path, names: Sequence[str], lang: str) -> tuple[Tables, list[Problem]]:
    by_name = {fold(f.stem): f for f in folder.iterdir() if f.suffix.lower() == ".csv"}
    tables, problems = {}, []
    for name in names:
        file = by_name.get(fold(name))
        if file is None:
            message = translate(MESSAGES, "file_missing", lang, name=f"{name}.csv")
            problems.append(Problem(file=f"{name}.csv", message=message))
            continue
        if not _regular(file):
            problems.append(Problem(file=file.name, message=translate(MESSAGES, "not_a_file", lang)))
            continue
        try:
            tables[name] = _table(read_csv_grid(file), file=file.name, sheet="", source=str(file))
        except FileError as error:
            message = translate(MESSAGES, error.key, lang, **error.params)
            problems.append(Problem(file=file.name, row=error.row, message=message))
        except (OSError, ValueError) as error:
            problems.append(_unreadable(file.name, error, lang))
    return tables, problems


def read_csv_grid(file: Path) -> list[list[str]]:
    """All records of a CSV file as lists of text, blank lines kept so numbering stays true.

    Raises ``FileError`` for a file that is not text or a field beyond the csv module's limit.
    """
    text = _newlines(_decode(file.read_bytes()))
    if not text.strip():
        return []
    separator = _separator(text)
    # Records may be ragged after hand editing: pandas needs the widest to accept them all,
    # and validation needs each one's true length to spot a separator typed inside a value.
    lengths = _record_lengths(text, separator)
    frame = pd.read_csv(io.StringIO(text), sep=separator, header=None, names=range(max(lengths)),
                        dtype=str, keep_default_na=False, skip_blank_lines=False)
    return [row[:length] for row, length in zip(frame.values.tolist(), lengths, strict=False)]


def _record_lengths(text: str, separator: str) -> list[int]:
    lengths: list[int] = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=separator):
            lengths.append(len(record))
    except csv.Error:
        # With newlines made plain, the csv module's one complaint left is a field over its
        # size limit: in a catalog, a quote opened and never closed that swallowed the lines after.
        limit_kib = csv.field_size_limit() // 1024
        raise FileError("csv_field_too_big", row=len(lengths) + 1, limit=limit_kib) from None
    return lengths


def _decode(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    if len(data) - len(data.translate(None, _CONTROL_BYTES)) > BINARY_CONTROL_SHARE * len(data):
        raise FileError("not_text_csv")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French Excel's plain "CSV" is Windows-1252; better read it than refuse it.
        return data.decode("cp1252", errors="replace")


def _newlines(text: str) -> str:
    """Every record ends with a line feed alone, whatever the program that saved the file.

    Excel for Mac's "CSV" ends lines with a carriage return alone; in a file whose lines end with
    a line feed, a carriage return alone is a stray in a cell, where it is white space.
    """
    if "\n" not in text:
        return text.replace("\r", "\n")
    return text.replace("\r\n", "\n").replace("\r", " ")


def _separator(text: str) -> str:
    """French Excel writes ``;`` because ``,`` is its decimal mark, and its "Unicode text" a tab;
    decide from the header (``,`` on a tie)."""
    header = next(line for line in text.splitlines() if line.strip())
    return max((",", ";", "\t"), key=header.count)


def _table(grid: Sequence[Sequence[object]], file: str, sheet: str, source: str,
           formulas: Mapping[tuple[int, int], str] | None = None) -> Table:
    grid = _cover(grid, formulas) if formulas else grid
    numbered = {index + 1: tuple(_clean(c) for c in row) for index, row in enumerate(grid)}
    unsaved = _unsaved(numbered, formulas or {})
    filled = [(number, cells) for number, cells in numbered.items() if any(cells) or number in unsaved]
    if not filled:
        return Table(file=file, sheet=sheet, source=source)
    (_, headers), *rows = filled
    return Table(file=file, sheet=sheet, source=source, headers=headers,
                 rows=tuple(Row(number, cells, unsaved.get(number, {})) for number, cells in rows))


def _cover(grid: Sequence[Sequence[object]],
           formulas: Mapping[tuple[int, int], str]) -> list[list[object]]:
    """The grid widened to every formula: pandas leaves out trailing cells it read as empty."""
    height = max([len(grid)] + [r + 1 for r, _ in formulas])
    width = max([len(row) for row in grid] + [c + 1 for _, c in formulas] + [0])
    rows = [list(row) for row in grid] + [[] for _ in range(height - len(grid))]
    return [row + [None] * (width - len(row)) for row in rows]


def _unsaved(numbered: Mapping[int, tuple[str, ...]],
             formulas: Mapping[tuple[int, int], str]) -> dict[int, dict[int, str]]:
    """The formulas whose cell reads empty, by row number then cell index: no saved result."""
    found: dict[int, dict[int, str]] = {}
    for (row, column), formula in formulas.items():
        if not numbered[row + 1][column]:
            found.setdefault(row + 1, {})[column] = formula
    return found


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN from empty cells
        return ""
    return str(value).strip()


def _regular(path: Path) -> bool:
    """A file with content of its own: reading a pipe put in its place would wait forever."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # missing or unreadable: the reader says which, with the system's reason


def _unreadable(file: str, error: Exception, lang: str) -> Problem:
    return Problem(file=file, message=translate(MESSAGES, "unreadable", lang, error=error))
