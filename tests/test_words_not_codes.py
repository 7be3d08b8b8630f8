"""Sentences, never codes (issue 12, point 7): after a scan and in `status`, every doubt and
rejection is said in words, with the product named, on a real scanned page."""
from __future__ import annotations

import json
import re

import cv2
import sqlalchemy as sa

from cagettes.cli import main
from cagettes.closing.summaries import short_labels
from cagettes.review import decisions as rv
from cagettes.scan.doubts import doubt_in_words
from cagettes.services.months import load_month
from cagettes.services.scanning import scan_job
from cagettes.simulate import corpus
from cagettes.storage import db
from tests.conftest import MONTH
from tests.review_scans import DPI, tick

CODE = re.compile(r"\b[a-z_]+:[A-Z0-9_]*:[a-z_]+\b|\b(?:box_doubtful|several_marked|not_ours|blank_page)\b")


def test_doubts_and_rejections_are_said_in_words_after_a_scan_and_in_status(printed, station, tmp_path, capsys):
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    page = next(p for p in manifest["pages"] if p["form"] == data.forms[0].number and p["page"] == 1)
    image = corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI)
    boxes = [b for b in manifest["layouts"][page["layout"]]["boxes"] if b["kind"] == "quantity"]
    first = boxes[0]
    twice = [b for b in boxes if b["product"] == first["product"]][:2]
    for box in twice:  # two quantities of one product: several_marked, to review
        tick(image, box)
    cv2.imwrite(str(tmp_path / "deux.png"), image)
    cv2.imwrite(str(tmp_path / "blanche.png"), image * 0 + 250)
    capsys.readouterr()
    assert main(["-w", str(station.root), "scan", str(tmp_path / "deux.png"), str(tmp_path / "blanche.png"),
                 "--mois", MONTH]) == 0
    said = capsys.readouterr().out
    name = short_labels(data.products)[first["product"]]  # with its unit: the sample has two "Œufs de plein air"
    assert "(" in name
    assert f"{name} : plusieurs quantités cochées pour ce produit" in said, said
    assert "page blanche" in said, said
    assert not CODE.search(said), CODE.search(said)
    assert main(["-w", str(station.root), "status", "--mois", MONTH]) == 0
    said = capsys.readouterr().out
    assert f"{name} : plusieurs quantités cochées pour ce produit" in said, said
    assert f"bon n° {page['form']}, page 1 — deux.png" in said, said  # the form number, where volunteers look
    assert not CODE.search(said), CODE.search(said)


def test_a_code_for_something_that_names_no_product_is_worded_too():
    assert doubt_in_words("member_number::box_doubtful", {}) == "Numéro de membre : une case douteuse"
    assert doubt_in_words("quantity:GONE:band", {}).endswith(": trait très léger ou très petit")
    assert doubt_in_words("sample_form", {}) == "modèle du site internet, qui ne compte pas"


def test_a_page_a_volunteer_rejected_says_its_file_page_and_reason(printed, station, tmp_path, capsys):
    """Not « Refusée par Samia » alone: which file, which page, and the words Samia typed."""
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    page = next(p for p in manifest["pages"] if p["form"] == data.forms[1].number and p["page"] == 1)
    cv2.imwrite(str(tmp_path / "a-refuser.png"), corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI))
    assert main(["-w", str(station.root), "scan", str(tmp_path / "a-refuser.png"), "--mois", MONTH]) == 0
    with station.engine().connect() as conn:
        row = conn.execute(sa.select(db.scanned_pages.c.id)).scalar_one()
    review = rv.Review.open(station.engine(), scan_job(station, load_month(station, MONTH)).manifest_path)
    rv.reject(review, row, "Bon taché, illisible", "Samia")
    capsys.readouterr()
    assert main(["-w", str(station.root), "status", "--mois", MONTH]) == 0
    said = capsys.readouterr().out
    assert "a-refuser.png" in said and page["id"] in said and "Samia" in said, said
    assert "« Bon taché, illisible »" in said, said
