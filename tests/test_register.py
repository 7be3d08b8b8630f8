"""Registration on hard pages: salt noise, a feeder streak through the marks, nonsense codes."""
from __future__ import annotations

import json

import numpy as np
import pytest

from scan import corpus
from scan.identify import Code, identify
from scan.register import RegistrationError, register

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
