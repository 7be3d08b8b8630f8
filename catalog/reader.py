"""Spreadsheet files → tables of text cells, each row numbered as the coordinator sees it.

Nothing is interpreted here: every cell stays text (pandas with ``dtype=str`` and no NA
guessing) so that ``0042`` keeps its zeros and ``2,50`` is parsed by us, with a useful message.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cagettes.catalog.messages import MESSAGES
from cagettes.catalog.parsers import fold
from cagettes.core.errors import Problem
from cagettes.core.i18n import translate

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")


@dataclass(frozen=True)
class Row:
    number: int  # row number in the spreadsheet program: the header is usually row 1
    cells: tuple[str, ...]  # stripped text, aligned with Table.headers; longer if ragged

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


def read_tables(path: Path, names: Sequence[str], lang: str = "fr") -> tuple[Tables, list[Problem]]:
    """Read the sheets ``names`` from a workbook file or a folder of CSV files."""
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path, names, lang)
    if not path.exists():
        return {}, [Problem(file=str(path), message=translate(MESSAGES, "path_missing", lang))]
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, names, lang)
    message = translate(MESSAGES, "bad_suffix", lang, suffix=path.suffix or path.name)
    return {}, [Problem(file=path.name, message=message)]


def _read_workbook(path: Path, names: Sequence[str], lang: str) -> tuple[Tables, list[Problem]]:
    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
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
            tables[name] = _table(grid, file=path.name, sheet=str(sheet), source=str(path))
    return tables, problems


def _read_csv_folder(folder: Path, names: Sequence[str], lang: str) -> tuple[Tables, list[Problem]]:
    by_name = {fold(f.stem): f for f in folder.iterdir() if f.suffix.lower() == ".csv"}
    tables, problems = {}, []
    for name in names:
        file = by_name.get(fold(name))
        if file is None:
            message = translate(MESSAGES, "file_missing", lang, name=f"{name}.csv")
            problems.append(Problem(file=f"{name}.csv", message=message))
            continue
        try:
            tables[name] = _table(read_csv_grid(file), file=file.name, sheet="", source=str(file))
        except (OSError, ValueError) as error:
            problems.append(_unreadable(file.name, error, lang))
    return tables, problems


def read_csv_grid(file: Path) -> list[list[str]]:
    """All records of a CSV file as lists of text, blank lines kept so numbering stays true."""
    text = _decode(file.read_bytes())
    if not text.strip():
        return []
    separator = _separator(text)
    # Records may be ragged after hand editing: pandas needs the widest to accept them all,
    # and validation needs each one's true length to spot a separator typed inside a value.
    lengths = [len(record) for record in csv.reader(io.StringIO(text), delimiter=separator)]
    frame = pd.read_csv(io.StringIO(text), sep=separator, header=None, names=range(max(lengths)),
                        dtype=str, keep_default_na=False, skip_blank_lines=False)
    return [row[:length] for row, length in zip(frame.values.tolist(), lengths, strict=False)]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French Excel's plain "CSV" is Windows-1252; better read it than refuse it.
        return data.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    """French Excel writes ``;`` because ``,`` is its decimal mark; decide from the header."""
    header = next(line for line in text.splitlines() if line.strip())
    return ";" if header.count(";") > header.count(",") else ","


def _table(grid: Sequence[Sequence[object]], file: str, sheet: str, source: str) -> Table:
    numbered = [(index + 1, tuple(_clean(c) for c in row)) for index, row in enumerate(grid)]
    filled = [(number, cells) for number, cells in numbered if any(cells)]
    if not filled:
        return Table(file=file, sheet=sheet, source=source)
    (_, headers), *rows = filled
    return Table(file=file, sheet=sheet, source=source, headers=headers,
                 rows=tuple(Row(number, cells) for number, cells in rows))


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN from empty cells
        return ""
    return str(value).strip()


def _unreadable(file: str, error: Exception, lang: str) -> Problem:
    return Problem(file=file, message=translate(MESSAGES, "unreadable", lang, error=error))
