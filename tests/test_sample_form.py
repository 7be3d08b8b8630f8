"""The public site's sample form (issue 12, point 7): it says « MODÈLE — ne pas rendre » on every
page, names no one, and once printed at home, filled in and scanned, it is recognised as the
sample, with a sentence that says what to do, instead of "rescan it at 300 dpi"."""
from __future__ import annotations

import cv2
import pypdfium2 as pdfium

from cagettes.cli import main
from cagettes.forms.ids import sample_code
from cagettes.scan.identify import identify
from cagettes.simulate import corpus
from tests.conftest import MONTH

DPI = 200


def test_the_sample_says_it_is_one_on_every_page_and_names_no_one(printed):
    _, data, result = printed
    document = pdfium.PdfDocument(str(result.blank_form))
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert len(texts) > 1
    assert all("MODÈLE — ne pas rendre" in text for text in texts), texts[0][:300]
    names = {f.member.last_name for f in data.forms if f.member}
    assert not any(name in text for name in names for text in texts)


def test_a_scanned_sample_is_recognised_and_said_in_words(printed, station, tmp_path, capsys):
    _, data, result = printed
    image = corpus.render_page(result.blank_form, 0, DPI)
    assert identify(image, data.secret, data.month).reason == "sample_form"
    assert identify(image, data.secret, data.month).text == sample_code(MONTH)
    path = tmp_path / "modele.png"
    cv2.imwrite(str(path), image)
    capsys.readouterr()
    assert main(["-w", str(station.root), "scan", str(path), "--mois", MONTH]) == 0
    said = capsys.readouterr().out
    assert "modèle du site internet" in said and "bon à son nom ou un bon libre" in said, said
    assert "ppp" not in said, said  # never "rescan at 300 dpi", which cannot help
