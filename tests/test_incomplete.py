"""Closing states what is incomplete (issue 12, point 6), at the command and on the dashboard:
a form with a page that never came back, a page rejected and not scanned again, a page never
reviewed, a walk-in form that names no member. On a real printed month, scanned for real."""
from __future__ import annotations

import json

import cv2
import numpy as np

from cagettes.cli import main
from cagettes.core.paths import MonthPaths
from cagettes.simulate import corpus
from tests.backends import BOTH_BACKENDS
from tests.conftest import MONTH
from tests.review_scans import DPI, tick


def render(result, page) -> np.ndarray:
    return corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI)


@BOTH_BACKENDS
def test_closing_says_what_is_incomplete(printed, station, tmp_path, capsys):
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    forms = {f.number: f for f in data.forms}
    named = [p for p in manifest["pages"] if forms[p["form"]].member]
    first, second = named[0], next(p for p in named if p["form"] != named[0]["form"] and p["page"] == 1)
    walkin = next(p for p in manifest["pages"] if not forms[p["form"]].member and p["page"] == 1)
    images = {"page1-only.png": render(result, first), "walkin.png": render(result, walkin)}
    doubtful = render(result, second)
    boxes = [b for b in manifest["layouts"][second["layout"]]["boxes"] if b["kind"] == "quantity"]
    for box in [b for b in boxes if b["product"] == boxes[0]["product"]][:2]:
        tick(doubtful, box)  # two quantities: to review, never settled
    images["doubtful.png"] = doubtful
    images["blank.png"] = np.full_like(doubtful, 250)
    for name, image in images.items():
        cv2.imwrite(str(tmp_path / name), image)
    capsys.readouterr()
    assert main(["-w", str(station.root), "scan", *(str(tmp_path / n) for n in images), "--mois", MONTH]) == 0
    assert main(["-w", str(station.root), "month", "close", MONTH, "--force"]) == 0
    said = capsys.readouterr().out
    assert "Ce qui reste incomplet" in said, said
    assert f"bon n° {first['form']} ({forms[first['form']].member.display_name}" in said and "page(s) 2" in said, said
    assert "1 page(s) refusée(s) et pas rescannée(s)" in said, said
    assert "1 page(s) jamais vérifiée(s)" in said, said
    assert f"bons libres sans membre : n° {walkin['form']}" in said, said
    dashboard = (MonthPaths(station.month_dir(MONTH)).distribution / "tableau-de-bord.html").read_text(encoding="utf-8")
    assert "Ce qui reste incomplet" in dashboard and f"Bon n° {first['form']} (" in dashboard
    assert f"Bons libres sans membre : n° {walkin['form']}" in dashboard
