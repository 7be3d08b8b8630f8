"""`cagettes scan`, `status` and `export orders`, as a volunteer runs them."""
from __future__ import annotations

import csv

import pytest

from cagettes.cli import main
from cagettes.simulate import corpus
from tests.backends import BOTH_BACKENDS


def test_scan_the_inbox_then_status_and_export(tmp_path, capsys):
    root = tmp_path / "asso"
    assert main(["init", str(root)]) == 0
    assert main(["-w", str(root), "month", "open", "2026-12", "--force"]) == 0
    assert main(["-w", str(root), "print", "forms", "--jobs", "1"]) == 0
    scan_inbox_then_status_and_export(root, capsys)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_scan_status_and_export_on_a_postgresql_server(station, capsys):
    scan_inbox_then_status_and_export(station.root, capsys)


def scan_inbox_then_status_and_export(root, capsys) -> None:
    manifest = root / "output" / "2026-12" / "private" / "manifest.json"
    corpus.generate(manifest, root / "scans", pages=3, dpi=200, seed=5)
    (root / "scans" / "truth.jsonl").unlink()  # the inbox holds only what a scanner wrote
    (root / "scans" / "notes.txt").write_text("pas une image", encoding="utf-8")
    capsys.readouterr()
    assert main(["-w", str(root), "scan"]) == 0
    out = capsys.readouterr().out
    assert "4 pages lues" in out and "1 refusées" in out and "pas une image" in out and "not_an_image" not in out
    assert not list((root / "scans").glob("*.jpg")) and list((root / "scans" / "archive").rglob("*.jpg"))
    assert main(["-w", str(root), "status"]) == 0
    out = capsys.readouterr().out
    assert "bons nominatifs revenus" in out and "pas encore revenu" in out and "Pages refusées : 1" in out
    assert "notes.txt » n'est pas une image (contenu : texte) : rescannez la page ou retirez ce fichier" in out
    assert main(["-w", str(root), "export", "orders"]) == 0
    path = root / "output" / "2026-12" / "private" / "commandes.csv"
    with path.open(encoding="utf-8-sig") as handle:
        table = list(csv.DictReader(handle, delimiter=";"))
    assert table and set(table[0]) >= {"membre", "produit", "quantite", "statut"}
    assert {r["statut"] for r in table} <= {"confirmé", "douteux"}


@BOTH_BACKENDS
def test_scanning_the_inbox_again_counts_nothing_twice(station, tmp_path, capsys):
    root = station.root
    paths = corpus.generate(root / "output" / "2026-12" / "private" / "manifest.json", tmp_path / "c", pages=2, dpi=200)
    capsys.readouterr()
    assert main(["-w", str(root), "scan", *map(str, paths)]) == 0
    assert main(["-w", str(root), "scan", *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert "2 déjà traitées" in out


def test_a_damaged_manifest_is_said_in_french_with_what_to_do(station, capsys):
    manifest = station.month_dir("2026-12") / "private" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:5000])  # cut short, as by a full disk while printing
    (station.root / "scans" / "page.png").write_bytes(b"")
    for command in (["status"], ["scan"], ["review", "--no-browser"]):
        assert main(["-w", str(station.root), *command]) == 1, command
        said = capsys.readouterr().err
        assert f"Le manifeste {manifest} est illisible" in said and "cagettes print bundles 2026-12" in said, said
        assert "Traceback" not in said
