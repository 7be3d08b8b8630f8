"""Registration on hard pages: salt noise, a feeder streak through the marks, nonsense codes,
marks touching the sheet's edge on a black lid."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from cagettes.scan.identify import Code, identify
from cagettes.scan.register import RegistrationError, project, rect_corners, register
from cagettes.simulate import corpus

DPI = 200


def first_page(printed):
    manifest = json.loads(printed[2].manifest_path.read_text(encoding="utf-8"))
    page = manifest["pages"][0]
    image = corpus.render_page(printed[2].out_dir / page["pdf"], page["pdf_page"], DPI)
    return image, manifest["layouts"][page["layout"]]


def test_salt_noise_and_a_streak_through_the_marks(printed):
    image, layout = first_page(printed)
    rng = np.random.default_rng(3)
    salt = rng.random(image.shape) < 0.02
    image[salt] = rng.choice([0, 255], size=int(salt.sum())).astype(np.uint8)
    x = round((layout["marks"]["tr"][0] + 2) * DPI / 25.4)
    image[:, x:x + 3] = 90  # a dusty feeder: a grey line down the whole scan
    ident = identify(image, printed[1].secret, printed[1].month)
    registration = register(image, layout, ident.codes)
    assert registration.marks_found == 4 and registration.error_mm < 0.5


def test_a_nonsense_code_position_is_refused_quickly(printed):
    image, layout = first_page(printed)
    flat = np.array([[0, 0], [1, 0], [2, 0.001], [3, 0]], dtype=np.float64)  # collinear "corners"
    with pytest.raises(RegistrationError):
        register(image, layout, [Code("x", flat)])


def zoomed_on_a_black_lid(printed, zoom: float):
    """The first page copied at ``zoom`` onto its A4 sheet, scanned on a black lid: at 105.6 %
    the corner marks end 0.13 mm from the sheet's edges, at 106 % the edges cut 0.4 mm off
    the top and bottom ones. (image, layout, truth matrix: clean-page px -> scan px)."""
    image, layout = first_page(printed)
    damage = corpus.Degradation.only("scale", "dark_border", scale=(zoom, zoom), dark_grey=(10, 11), margin_mm=(3.0, 4.0))
    scan, params = corpus.degrade(image, DPI, np.random.default_rng(0), damage)
    return scan, layout, np.array(params["matrix"])


def test_marks_touching_the_sheet_edge_on_a_black_lid_are_found_where_printed(printed):
    scan, layout, matrix = zoomed_on_a_black_lid(printed, 1.056)
    registration = register(scan, layout, identify(scan, printed[1].secret, printed[1].month).codes)
    assert registration.marks_found == 4 and registration.error_mm < 0.3
    px = DPI / 25.4
    for name, found in registration.marks.items():
        # pixel centres are at integer coordinates: a page edge at x mm is pixel x * px - 0.5
        truth = cv2.perspectiveTransform((rect_corners(layout["marks"][name]) * px - 0.5).reshape(-1, 1, 2), matrix)
        assert np.max(np.linalg.norm(found - truth.reshape(-1, 2), axis=1)) / px < 0.3, name
    qr = rect_corners(layout["qr"][0])
    truth = cv2.perspectiveTransform((qr * px - 0.5).reshape(-1, 1, 2), matrix).reshape(-1, 2)
    assert np.max(np.linalg.norm(project(registration.homography, qr) - truth, axis=1)) / px < 0.3


def test_marks_cut_by_the_sheet_edge_are_refused_not_guessed(printed):
    """0.4 mm of each mark lost: its corners would be guessed, and the map with them."""
    scan, layout, _ = zoomed_on_a_black_lid(printed, 1.06)
    with pytest.raises(RegistrationError):
        register(scan, layout, identify(scan, printed[1].secret, printed[1].month).codes)
