"""Outputs against hostile input (issue 15): codes that try to leave their folder, spreadsheet
cells that look like formulas, shared folders whose mode is not ours, a close that crashed half
way, an output folder that is a file.

Codes reach the printing and closing stages from a month's frozen snapshot, so the month is
opened here from a catalog edited in memory: the catalog's own check (tests/test_catalog*.py)
would refuse these codes, and the outputs must stay safe even without it.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import shutil
import stat
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cagettes import closing as distribution
from cagettes.catalog import load_catalog
from cagettes.cli import main
from cagettes.closing import carry
from cagettes.closing.spreadsheets import write_spreadsheets
from cagettes.core import paths as core_paths
from cagettes.core.config import load_config
from cagettes.core.errors import CagettesError, ConfigError
from cagettes.scan import pipeline
from cagettes.services import closing as closing_service
from cagettes.services.scanning import scan_job
from cagettes.services.workspace import init_workspace
from cagettes.simulate import corpus
from cagettes.storage import months
from cagettes.storage import workspace as ws

MONTH = "2026-12"
FORMULAS = ('=HYPERLINK("http://example.org";"clic")', "+SUM(1;2)", "-2+3", "@SUM(A1)", "\t=1+1", "=1+1")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def run(*argv: str) -> tuple[int, str]:
    """The CLI in this process: exit code, and what it said (stdout and stderr). A traceback is
    an exception here, and fails the test."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(list(argv))
    return code, said.getvalue()


def tiny_catalog(workspace: ws.Workspace, site_code: str):
    """The sample catalog cut to its first site and two of its members, that site renamed."""
    catalog = load_catalog(workspace.config.catalog_path)
    site = catalog.sites[0]
    members = tuple(dataclasses.replace(m, site=site_code) for m in catalog.members_of(site.code)[:2])
    return dataclasses.replace(catalog, sites=(dataclasses.replace(site, code=site_code),), members=members)


def open_tiny_month(tmp_path: Path, site_code: str) -> ws.Workspace:
    workspace = init_workspace(tmp_path / "ws")
    config = dataclasses.replace(workspace.config, free_forms_per_site=0)
    months.open_month(workspace.engine(), config, tiny_catalog(workspace, site_code), MONTH)
    return workspace


def every_file(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# --- 3. a code is never a path -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "a\\b.pdf", "", ".", "..", "a\0b.pdf",
                                  "é" * 126 + ".pdf"])
def test_an_output_name_that_is_not_one_plain_file_name_is_refused(tmp_path, name):
    with pytest.raises(CagettesError, match="cagettes check"):
        core_paths.inside(tmp_path, name, code=name)


def test_an_output_name_that_a_link_takes_out_of_its_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "recus-X.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    with pytest.raises(CagettesError, match="lien"):
        core_paths.inside(tmp_path / "out", "recus-X.pdf")
    assert core_paths.inside(tmp_path / "out", "recus-Y.pdf") == tmp_path / "out" / "recus-Y.pdf"


def test_a_site_code_that_climbs_out_of_its_folder_writes_nothing_outside(tmp_path):
    workspace = open_tiny_month(tmp_path, "../../public/FUITE")
    code, said = run("-w", str(workspace.root), "print", "bundles", MONTH, "--jobs", "1")
    out = workspace.month_dir(MONTH)
    assert code == 1 and "../../public/FUITE" in said and "cagettes check" in said, said
    assert not (out / "public" / "FUITE.pdf").exists()
    assert all(out in p.parents for p in every_file(tmp_path) if p.suffix == ".pdf"), every_file(tmp_path)


def test_a_site_code_too_long_for_a_file_name_is_said_at_print(tmp_path):
    workspace = open_tiny_month(tmp_path, "é" * 240)
    code, said = run("-w", str(workspace.root), "print", "bundles", MONTH, "--jobs", "1")
    assert code == 1 and "é" * 240 in said and "cagettes check" in said and "Traceback" not in said, said


# --- 4. no formula in any spreadsheet ------------------------------------------------------------

def hostile_catalog(catalog):
    """Product names, units, supplier and member names that a spreadsheet would run as formulas."""
    def formula(i: int) -> str:
        return f"{FORMULAS[i % len(FORMULAS)]} {i}"

    products = tuple(dataclasses.replace(p, name=formula(i), unit=formula(i + 1)) for i, p in enumerate(catalog.products))
    suppliers = tuple(dataclasses.replace(s, name=formula(i)) for i, s in enumerate(catalog.suppliers))
    members = tuple(dataclasses.replace(m, first_name=formula(i), last_name="+" + m.last_name)
                    for i, m in enumerate(catalog.members))
    return dataclasses.replace(catalog, products=products, suppliers=suppliers, members=members)


@pytest.fixture(scope="module")
def hostile_month(printed, tmp_path_factory):
    """The printed sample month opened again on a fresh database with hostile names (codes and
    numbers kept, so the printed forms still match), one form scanned, a payment typed, closed."""
    root = tmp_path_factory.mktemp("hostile-outputs") / "ws"
    shutil.copytree(printed[0].root, root, ignore=shutil.ignore_patterns("cagettes.db*", "scans", "site"))
    (root / "scans").mkdir()
    workspace = ws.open_workspace(root)
    engine = workspace.engine()
    months.open_month(engine, workspace.config, hostile_catalog(load_catalog(workspace.config.catalog_path)), MONTH)
    data = carry.load_month(engine, workspace.config, MONTH)
    manifest = workspace.paths(MONTH).manifest
    form = next(f for f in data.forms if f.member)
    page_ids = [p["id"] for p in json.loads(manifest.read_text(encoding="utf-8"))["pages"]
                if p["form"] == form.number and p["page"] == 1]  # one page is enough to order something
    scans = corpus.generate(manifest, root / "incoming", dpi=200, seed=3, policy=corpus.FillPolicy.careful(),
                            degradation=corpus.Degradation.off(), page_ids=page_ids)
    pipeline.scan(engine, scan_job(workspace, data), scans, jobs=1)
    distribution.record_payment(engine, data, form.number, distribution.Payment("cheque_alimentaire", Decimal("5"),
                                                                                "=HYPERLINK(\"http://x\")"), "=Samia")
    distribution.close_month(engine, data, "=Samia")
    return workspace, data


def formula_cells(path: Path) -> list[tuple[str, str, object]]:
    book = openpyxl.load_workbook(path)
    return [(sheet.title, cell.coordinate, cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(DANGEROUS_START))]


def test_no_cell_of_any_closing_workbook_is_a_formula(hostile_month):
    workspace, data = hostile_month
    written = write_spreadsheets(distribution.month_accounts(workspace.engine(), data), workspace.month_dir(MONTH))
    assert len(written) == 2
    for path in written:
        assert formula_cells(path) == [], path
    headers = [c.value for c in openpyxl.load_workbook(written[1]).worksheets[0][1]]
    assert any(isinstance(h, str) and h[:1] == "'" and h[1:2] in DANGEROUS_START for h in headers), headers  # shown


def test_no_cell_of_the_orders_export_is_a_formula(hostile_month):
    workspace, data = hostile_month
    count, path = closing_service.export_orders(workspace, data)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert count and len(rows) == count + 1
    assert [(i, v) for i, row in enumerate(rows) for v in row if v.startswith(DANGEROUS_START)] == []


# --- 5. a folder cagettes did not make keeps its mode --------------------------------------------

def test_exporting_into_a_shared_folder_leaves_its_mode(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path), MONTH)
    shared = tmp_path / "partage"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    code, said = run("-w", str(workspace.root), "export", "orders", "--mois", MONTH, "-o", str(shared / "x.csv"))
    assert code == 0, said
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "x.csv").stat().st_mode) == 0o600  # the file holds names: ours alone
    code, said = run("-w", str(workspace.root), "export", "orders", "--mois", MONTH, "-o", str(shared / "new" / "x.csv"))
    assert code == 0 and stat.S_IMODE((shared / "new").stat().st_mode) == 0o700, said


# --- 8. a close that crashed half way is finished by the command it advertises ---------------------

def test_a_close_that_crashed_before_its_last_document_is_finished_by_documents(station):
    root = str(station.root)
    broken = station.templates_dir / "docs" / "dashboard_private.html"  # written last, after every PDF
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{% if %}", encoding="utf-8")
    code, said = run("-w", root, "month", "close", MONTH, "--force")  # before its deadline: on purpose
    assert code == 1 and "dashboard_private.html" in said, said
    assert list(station.paths(MONTH).distribution.glob("*.pdf"))  # half done: some documents, not all

    code, said = run("-w", root, "status", "--mois", MONTH)
    assert code == 0 and f"cagettes documents {MONTH}" in said, said
    code, said = run("-w", root, "month", "close", MONTH)
    assert code == 1 and "déjà clos" not in said and "dashboard_private.html" in said, said  # tried again

    broken.unlink()
    code, said = run("-w", root, "documents", MONTH)
    assert code == 0, said
    assert (station.paths(MONTH).distribution / "tableau-de-bord.html").is_file()
    code, said = run("-w", root, "status", "--mois", MONTH)
    assert code == 0 and "cagettes documents" not in said, said
    code, said = run("-w", root, "month", "close", MONTH)
    assert code == 1 and "déjà clos" in said, said


def test_a_close_that_crashed_is_finished_by_closing_again(station):
    root = str(station.root)
    broken = station.templates_dir / "docs" / "receipts.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{{ nothing_here.at_all }}", encoding="utf-8")
    code, said = run("-w", root, "month", "close", MONTH, "--force")  # before its deadline: on purpose
    assert code == 1 and "receipts.html" in said, said
    broken.unlink()
    code, said = run("-w", root, "month", "close", MONTH)
    assert code == 0 and "déjà clos" not in said, said
    data = carry.load_month(station.engine(), station.config, MONTH)
    assert closing_service.missing_documents(station, data) == []


# --- 10. an output folder that is a file, or cannot be made --------------------------------------

def set_output(root: Path, value: str) -> None:
    path = root / "cagettes.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('dossier = "output"', f'dossier = "{value}"'), encoding="utf-8")


@pytest.mark.parametrize("value", ["cagettes.toml", "catalogue.xlsx/sortie", "x" * 300])
def test_an_output_folder_that_cannot_be_one_is_said_with_its_key(tmp_path, value):
    root = tmp_path / "ws"
    init_workspace(root)
    set_output(root, value)
    with pytest.raises(ConfigError) as error:
        load_config(root / "cagettes.toml")
    assert [p.key for p in error.value.problems] == ["sortie.dossier"], error.value.problems
    code, said = run("-w", str(root), "print")
    assert code == 1 and "sortie.dossier" in said, said


def test_an_output_folder_the_system_refuses_to_make_is_said_not_a_traceback(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path), MONTH)
    set_output(root, "/proc/cagettes-sortie")  # /proc takes no new folder, not even from root
    code, said = run("-w", str(root), "export", "orders", "--mois", MONTH)
    assert code == 1 and "/proc/cagettes-sortie" in said, said


def test_month_paths_go_through_the_one_guard(tmp_path):
    paths = core_paths.MonthPaths(tmp_path)
    with pytest.raises(CagettesError, match="cagettes check"):
        paths.poster("x" * 250, "A4")
    with pytest.raises(CagettesError, match="cagettes check"):
        paths.bundle("../../public/FUITE", "bundles")
    assert paths.bundle("FIVES", "forms") == tmp_path / "private" / "forms" / "FIVES.pdf"
