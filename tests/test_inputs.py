"""scan.inputs: every kind of scan file becomes grey pages, and every bad one one clear problem.

All files are made here, in tmp_path, the way scanners, phones and our own printing write
them: JPEG pages wrapped in a PDF with pikepdf, fax-style TIFF and PDF with Pillow, vector
pages from a hand-written content stream.
"""
from __future__ import annotations

import io
import resource
import tracemalloc
import zlib
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from cagettes.core.i18n import check_complete
from cagettes.scan.input_messages import MESSAGES
from cagettes.scan.inputs import MAX_PIXELS, InputProblem, PageImage, count_pages, iter_pages
from tests.support import faults


def grey_page(height: int = 300, width: int = 240, seed: int = 0) -> np.ndarray:
    """A small page with a gradient, boxes and noise: every pixel value matters to the hash."""
    rng = np.random.default_rng(seed)
    page = np.linspace(150, 250, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    page += rng.normal(0, 4, page.shape)
    page = np.clip(page, 0, 255).astype(np.uint8)
    for y in range(20, height - 40, 50):
        cv2.rectangle(page, (30, y), (60, y + 30), 20, 3)
    cv2.rectangle(page, (0, 0), (25, 25), 0, -1)  # a black corner shows where the top left went
    return page


def jpeg_bytes(pixels: np.ndarray, **options) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def read(*paths: Path, **options) -> list[PageImage | InputProblem]:
    return list(iter_pages(paths, **options))


def only_page(path: Path) -> PageImage:
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], PageImage), items
    return items[0]


def only_problem(path: Path, **options) -> InputProblem:
    items = read(path, **options)
    assert len(items) == 1 and isinstance(items[0], InputProblem), items
    return items[0]


def image_xobject(pdf: pikepdf.Pdf, pixels: np.ndarray, encoding: str, data: bytes | None = None):
    """An image XObject of ``pixels``, JPEG- or Flate-encoded (or ``data``, already encoded)."""
    if data is None:
        data = jpeg_bytes(pixels) if encoding == "jpeg" else zlib.compress(pixels.tobytes())
    return pikepdf.Stream(
        pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
        Width=pixels.shape[1], Height=pixels.shape[0], BitsPerComponent=8,
        ColorSpace=pikepdf.Name.DeviceRGB if pixels.ndim == 3 else pikepdf.Name.DeviceGray,
        Filter=pikepdf.Name.DCTDecode if encoding == "jpeg" else pikepdf.Name.FlateDecode,
    )


def scanner_pdf(path: Path, pages: list[np.ndarray], encoding="jpeg", rotate=0, over=b"") -> Path:
    """A PDF as scanners write it: on each 300-dpi page, one image drawn over the whole page.
    ``over`` is drawn above the image (an OCR text layer, a stamp)."""
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    for pixels in pages:
        width, height = pixels.shape[1] * 72 / 300, pixels.shape[0] * 72 / 300
        pdf.add_blank_page(page_size=(width, height))
        page = pdf.pages[-1]
        images = pikepdf.Dictionary(Im0=image_xobject(pdf, pixels, encoding))
        page.Resources = pikepdf.Dictionary(XObject=images, Font=pikepdf.Dictionary(F1=font))
        page.Contents = pikepdf.Stream(pdf, f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q\n".encode() + over)
        if rotate:
            page.Rotate = rotate
    pdf.save(path)
    return path


def vector_pdf(path: Path, rotate: int = 0) -> Path:
    """A 2 × 1 inch page drawn like our printed forms: vector shapes, no image."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(144, 72))
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b"0 0 0 rg 36 18 36 36 re f")  # a 0.5-inch black square
    if rotate:
        pdf.pages[0].Rotate = rotate
    pdf.save(path)
    return path


# --- each format reads back the right pixels ---------------------------------------------------


def test_grey_png_keeps_its_pixels_and_phys_density(tmp_path):
    pixels = grey_page()
    Image.fromarray(pixels).save(tmp_path / "page.png", dpi=(300, 300))
    page = only_page(tmp_path / "page.png")
    assert np.array_equal(page.image, pixels)
    assert page.image.dtype == np.uint8 and page.image.flags.c_contiguous
    assert (page.index, page.dpi, page.method, page.source) == (0, 300.0, "png", tmp_path / "page.png")


def test_colour_jpeg_becomes_grey_with_its_jfif_density(tmp_path):
    grey = grey_page()
    (tmp_path / "photo.jpg").write_bytes(jpeg_bytes(np.dstack([grey, grey, grey]), dpi=(200, 200)))
    (tmp_path / "plain.jpg").write_bytes(jpeg_bytes(grey))
    page = only_page(tmp_path / "photo.jpg")
    assert page.image.shape == grey.shape and page.image.ndim == 2
    assert np.abs(page.image.astype(int) - grey).mean() < 3  # JPEG is lossy, grey stays grey
    assert (page.dpi, page.method) == (200.0, "jpeg")
    assert only_page(tmp_path / "plain.jpg").dpi is None  # no density written: unknown, not 72


def test_a_phone_photo_is_turned_as_its_exif_orientation_says(tmp_path):
    photo = Image.fromarray(grey_page())
    exif = photo.getexif()
    exif[0x0112] = 6  # "turn 90° clockwise to show": how phones store portrait photos
    photo.save(tmp_path / "phone.jpg", exif=exif)
    page = only_page(tmp_path / "phone.jpg")
    assert page.image.shape == (240, 300) and page.image[:25, -25:].max() < 60  # black corner top right


def test_bilevel_tiff_is_expanded_to_0_and_255(tmp_path):
    ink = grey_page() < 100
    Image.fromarray(~ink).convert("1").save(tmp_path / "fax.tif", compression="group4", dpi=(300, 300))
    page = only_page(tmp_path / "fax.tif")
    assert set(np.unique(page.image)) == {0, 255}
    assert np.array_equal(page.image == 0, ink)
    assert (page.dpi, page.method) == (300.0, "tiff")


def test_every_page_of_a_multipage_tiff_is_read(tmp_path):
    grey, colour = grey_page(seed=1), np.dstack([grey_page(seed=2)] * 3)
    bilevel = Image.fromarray(grey_page(200, 160)).convert("1")
    frames = [Image.fromarray(grey), Image.fromarray(colour), bilevel]
    frames[0].save(tmp_path / "feeder.tiff", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    pages = read(tmp_path / "feeder.tiff")
    assert [page.index for page in pages] == [0, 1, 2]
    assert np.array_equal(pages[0].image, grey) and np.array_equal(pages[1].image, colour[:, :, 0])
    assert pages[2].image.shape == (200, 160) and set(np.unique(pages[2].image)) <= {0, 255}
    assert count_pages(tmp_path / "feeder.tiff") == 3


def test_scanner_pdf_pages_are_extracted_not_rendered(tmp_path):
    sheets = [grey_page(seed=1), grey_page(seed=2)]
    path = scanner_pdf(tmp_path / "scan.pdf", sheets)
    pages = read(path)
    assert [(page.index, page.method, page.dpi) for page in pages] == [(i, "embedded-jpeg", 300.0) for i in (0, 1)]
    for page, sheet in zip(pages, sheets, strict=False):  # exactly the JPEG's own pixels
        decoded = cv2.imdecode(np.frombuffer(jpeg_bytes(sheet), np.uint8), cv2.IMREAD_GRAYSCALE)
        assert np.array_equal(page.image, decoded)
    assert count_pages(path) == 2


def test_colour_and_flate_scanner_pdfs_are_extracted_too(tmp_path):
    grey = grey_page()
    colour = read(scanner_pdf(tmp_path / "colour.pdf", [np.dstack([grey] * 3)]))[0]
    lossless = read(scanner_pdf(tmp_path / "flate.pdf", [grey], encoding="flate"))[0]
    assert colour.method == "embedded-jpeg" and np.abs(colour.image.astype(int) - grey).mean() < 3
    assert lossless.method == "embedded-bitmap" and np.array_equal(lossless.image, grey)


def test_bilevel_pdf_from_a_fax_scanner_is_extracted(tmp_path):
    ink = grey_page() < 100
    Image.fromarray(~ink).convert("1").save(tmp_path / "fax.pdf", resolution=200)  # CCITT G4 inside
    page = only_page(tmp_path / "fax.pdf")
    assert page.method == "embedded-bitmap" and page.dpi == 200.0
    assert np.array_equal(page.image == 0, ink)


def test_a_stencil_mask_page_is_rendered_not_extracted(tmp_path):
    """An /ImageMask image's bits say where to paint the fill colour: extracted as is, the page
    would come out inverted."""
    ink = grey_page() < 100
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(57.6, 72))
    bits = zlib.compress(np.packbits(~ink, axis=1).tobytes())  # 0 paints
    mask = pikepdf.Stream(pdf, bits, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=240,
                          Height=300, ImageMask=True, Filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(M=mask))
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b"q 0 g 57.6 0 0 72 0 0 cm /M Do Q")
    pdf.save(tmp_path / "mask.pdf")
    page = only_page(tmp_path / "mask.pdf")
    assert page.method == "rendered" and (page.image < 128).mean() == pytest.approx(ink.mean(), abs=0.02)


def test_invisible_ocr_text_keeps_extraction_but_a_visible_stamp_is_rendered(tmp_path):
    ocr = b"BT 3 Tr /F1 12 Tf 10 10 Td (bon de commande) Tj ET"
    stamp = b"BT /F1 12 Tf 10 10 Td (RECU) Tj ET"
    assert only_page(scanner_pdf(tmp_path / "ocr.pdf", [grey_page()], over=ocr)).method == "embedded-jpeg"
    page = only_page(scanner_pdf(tmp_path / "stamp.pdf", [grey_page()], over=stamp))
    assert page.method == "rendered" and page.image.shape == grey_page().shape  # 300 dpi either way


def test_vector_pdf_is_rendered_at_300_dpi(tmp_path):
    page = only_page(vector_pdf(tmp_path / "form.pdf"))
    assert (page.method, page.dpi, page.image.shape) == ("rendered", 300.0, (300, 600))
    assert page.image[80:220, 155:295].max() < 30  # the square, 18 pt from the top, 36 from the left
    assert page.image[:, 320:].min() > 225 and page.image[:60].min() > 225


def test_rotate_90_is_applied_to_extracted_and_rendered_pages(tmp_path):
    sheet = grey_page()
    upright = only_page(scanner_pdf(tmp_path / "upright.pdf", [sheet]))
    turned = only_page(scanner_pdf(tmp_path / "turned.pdf", [sheet], rotate=90))
    assert turned.method == "embedded-jpeg" and turned.image.flags.c_contiguous
    assert np.array_equal(turned.image, np.rot90(upright.image, k=-1))  # clockwise, as viewers show it
    assert turned.image[:25, -25:].max() < 60  # the black top-left corner went top right
    assert only_page(vector_pdf(tmp_path / "form.pdf", rotate=90)).image.shape == (600, 300)


def test_same_pixels_hash_alike_whatever_the_file(tmp_path):
    pixels = grey_page()
    Image.fromarray(pixels).save(tmp_path / "a.png")
    scanner_pdf(tmp_path / "b.pdf", [pixels], encoding="flate")
    (tmp_path / "c.jpg").write_bytes(jpeg_bytes(pixels))
    pdf = pikepdf.new()  # the very same JPEG bytes, wrapped in a PDF by another tool, at 200 dpi
    pdf.add_blank_page(page_size=(86.4, 108))
    image = image_xobject(pdf, pixels, "jpeg", data=(tmp_path / "c.jpg").read_bytes())
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=image))
    pdf.pages[0].Contents = pikepdf.Stream(pdf, b"q 86.4 0 0 108 0 0 cm /Scan Do Q")
    pdf.save(tmp_path / "d.pdf")
    a, b, c, d = (only_page(tmp_path / name) for name in ("a.png", "b.pdf", "c.jpg", "d.pdf"))
    assert a.sha256 == b.sha256 and c.sha256 == d.sha256
    assert (b.method, d.method, d.dpi) == ("embedded-bitmap", "embedded-jpeg", 200.0)
    assert a.sha256 != c.sha256  # JPEG changed the pixels: another scan as far as the hash goes
    with pytest.raises(ValueError):
        a.image[0, 0] = 1  # the hash describes the pixels: they are read-only


def test_content_decides_the_format_not_the_suffix(tmp_path):
    scanner_pdf(tmp_path / "scan.jpg", [grey_page()])
    Image.fromarray(grey_page()).save(tmp_path / "scan.txt", "PNG")
    assert only_page(tmp_path / "scan.jpg").method == "embedded-jpeg"
    assert only_page(tmp_path / "scan.txt").method == "png"


# --- every bad file: exactly one problem, in French, naming the file --------------------------


def truncated_jpeg(path: Path) -> None:
    data = jpeg_bytes(grey_page())
    path.write_bytes(data[: len(data) // 2])


def truncated_png(path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(grey_page()).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


def truncated_tiff(path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(grey_page()).save(buffer, "TIFF")  # strips first, then the page's tags
    path.write_bytes(buffer.getvalue()[:4096] + buffer.getvalue()[-512:])  # the middle lost


def garbage_jpg(path: Path) -> None:
    path.write_text("Liste des membres\nDupont;Jeanne\n", encoding="utf-8")


def zero_page_pdf(path: Path) -> None:
    pikepdf.new().save(path)


def encrypted_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="u"))


def heic_photo(path: Path) -> None:
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100))


@pytest.mark.parametrize(
    "name, make, reason, words",
    [
        ("cut.jpg", truncated_jpeg, "truncated", "incomplet"),
        ("cut.png", truncated_png, "truncated", "incomplet"),
        ("cut.tif", truncated_tiff, "truncated", "incomplète"),
        ("garbage.jpg", garbage_jpg, "not_an_image", "n'est pas une image (contenu : texte)"),
        ("empty.pdf", zero_page_pdf, "empty_pdf", "sans aucune page"),
        ("locked.pdf", encrypted_pdf, "encrypted", "mot de passe"),
        ("IMG_0001.HEIC.jpg", heic_photo, "unsupported", "HEIC"),
    ],
)
def test_a_bad_file_gives_one_problem_naming_it(tmp_path, name, make, reason, words):
    make(tmp_path / name)
    problem = only_problem(tmp_path / name)
    assert problem.reason == reason and problem.source == tmp_path / name
    assert f"« {tmp_path / name} »" in problem.message_fr and words in problem.message_fr
    assert str(tmp_path / name) in problem.message("en") and problem.message("en") != problem.message_fr


def test_one_damaged_page_of_a_pdf_spoils_only_that_page(tmp_path):
    sheets = [grey_page(seed=seed) for seed in range(3)]
    pdf = pikepdf.open(scanner_pdf(tmp_path / "whole.pdf", sheets))
    image = pdf.pages[1].Resources.XObject.Im0
    image.write(image.read_raw_bytes()[:2000], filter=pikepdf.Name.DCTDecode)  # a JPEG cut short
    pdf.save(tmp_path / "scan.pdf")
    items = read(tmp_path / "scan.pdf")
    assert [type(item) for item in items] == [PageImage, InputProblem, PageImage]
    assert (items[1].index, items[1].reason) == (1, "truncated") and "la page 2 du fichier" in items[1].message_fr


def test_a_pdf_cut_short_gives_its_readable_pages_then_problems(tmp_path):
    data = scanner_pdf(tmp_path / "whole.pdf", [grey_page(seed=seed) for seed in range(3)]).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: int(len(data) * 0.8)])
    items = read(tmp_path / "cut.pdf")
    pages = [item for item in items if isinstance(item, PageImage)]
    assert pages and all(page.method == "embedded-jpeg" for page in pages)
    assert isinstance(items[-1], InputProblem) and items[-1].variant == "cut_short"
    assert all(item.reason == "truncated" for item in items if isinstance(item, InputProblem))
    assert "copie interrompue" in items[-1].message_fr


def test_a_20000_pixel_square_png_is_refused_before_decoding(tmp_path):
    (tmp_path / "bomb.png").write_bytes(faults.bomb_png(20_000))  # a ~50 kB file
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        problem = only_problem(tmp_path / "bomb.png")
        traced_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem.reason == "too_large" and "20000 × 20000" in problem.message_fr
    assert traced_peak < 20_000_000  # decoding would have made a 400 MB array
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200_000


def test_max_pixels_is_checked_in_every_format(tmp_path):
    pixels = grey_page()
    Image.fromarray(pixels).save(tmp_path / "a.png")
    (tmp_path / "b.jpg").write_bytes(jpeg_bytes(pixels))
    Image.fromarray(pixels).save(tmp_path / "c.tif")
    scanner_pdf(tmp_path / "d.pdf", [pixels])
    vector_pdf(tmp_path / "e.pdf")
    problems = read(tmp_path, max_pixels=50_000)
    expected = [(name, "too_large") for name in ("a.png", "b.jpg", "c.tif", "d.pdf", "e.pdf")]
    assert [(problem.source.name, problem.reason) for problem in problems] == expected
    assert MAX_PIXELS >= 7016 * 9921  # A3 at 600 dpi still passes by default


def test_a_huge_image_drawn_small_on_a_pdf_page_is_refused_before_rendering(tmp_path):
    """PDFium would decode the whole image to draw it on 7 cm: 518 MB peak, measured before
    the images' sizes were checked."""
    pdf = pikepdf.new()
    faults.add_bomb_pages(pdf)
    pdf.save(tmp_path / "bombs.pdf")
    problems = read(tmp_path / "bombs.pdf")
    assert [(p.index, p.reason) for p in problems] == [(0, "too_large"), (1, "too_large")]
    assert "la page 2 du fichier" in problems[1].message_fr and "20000 × 20000" in problems[1].message_fr


def test_images_of_a_pdf_page_count_together(tmp_path):
    pdf = pikepdf.new()
    small = faults.image_xobject(pdf, 300, 300, zlib.compress(bytes(300 * 300)), jpeg=False)  # 90,000 px
    page = faults.add_image_page(pdf, small, (72, 36), (0, 0, 36, 36))  # rendered: 300 × 150 px at 300 dpi
    page.Resources.XObject.Im1 = small
    page.Contents = pikepdf.Stream(pdf, page.Contents.read_bytes() + b"q 36 0 0 36 36 0 cm /Im1 Do Q")
    pdf.save(tmp_path / "two.pdf")
    assert [p.reason for p in read(tmp_path / "two.pdf", max_pixels=150_000)] == ["too_large"]
    assert [type(p) for p in read(tmp_path / "two.pdf", max_pixels=200_000)] == [PageImage]


def test_an_empty_pdf_read_after_a_locked_one_is_still_called_empty(tmp_path):
    """PDFium leaves the locked file's error code for the empty one."""
    encrypted_pdf(tmp_path / "1-locked.pdf")
    zero_page_pdf(tmp_path / "2-empty.pdf")
    assert [p.reason for p in read(tmp_path)] == ["encrypted", "empty_pdf"]


# --- batches ------------------------------------------------------------------------------------


def test_a_bad_file_does_not_stop_the_batch(tmp_path):
    Image.fromarray(grey_page(seed=1)).save(tmp_path / "good1.png")
    garbage_jpg(tmp_path / "bad.jpg")
    Image.fromarray(grey_page(seed=2)).save(tmp_path / "good2.png")
    items = read(tmp_path / "good1.png", tmp_path / "bad.jpg", tmp_path / "good2.png")
    assert [type(item) for item in items] == [PageImage, InputProblem, PageImage]
    assert [item.source.name for item in items] == ["good1.png", "bad.jpg", "good2.png"]


def test_folders_are_walked_in_natural_order_skipping_hidden_files(tmp_path):
    for name in ("scan10.png", "scan2.png", "sub/scan1.png", ".hidden/x.png"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        Image.fromarray(grey_page()).save(tmp_path / name)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    items = read(tmp_path, tmp_path / "missing.pdf")
    names = [item.source.relative_to(tmp_path).as_posix() for item in items]
    assert names == ["scan2.png", "scan10.png", "sub/scan1.png", "missing.pdf"]
    assert items[-1].reason == "unreadable" and "introuvable" in items[-1].message_fr
    assert count_pages(tmp_path) == 3 and count_pages(tmp_path / "missing.pdf") is None


def test_every_message_has_french_and_english_and_formats(tmp_path):
    assert check_complete(MESSAGES) == []
    path = tmp_path / "x.pdf"
    problems = [
        InputProblem(path, None, "unreadable", (("cause", "permission"),)),
        InputProblem(tmp_path, None, "unreadable", (("cause", "other"),), "folder"),
        InputProblem(path, 2, "unreadable"),
        InputProblem(path, None, "not_an_image", (("content", "zip"),)),
        InputProblem(path, None, "unsupported", (("format", "GIF"),)),
        InputProblem(path, 0, "unsupported", (("format", "TIFF LAB"),)),
        InputProblem(path, None, "truncated"),
        InputProblem(path, 4, "truncated"),
        InputProblem(path, None, "truncated", (("count", 3),), "cut_short"),
        InputProblem(path, None, "encrypted"),
        InputProblem(path, None, "empty_pdf"),
        InputProblem(path, None, "too_large", (("width", 1), ("height", 2), ("limit", "120"))),
        InputProblem(path, 1, "too_large", (("width", 1), ("height", 2), ("limit", "120"))),
    ]
    for problem in problems:
        for lang in ("fr", "en"):
            text = problem.message(lang)
            assert str(problem.source) in text and "{" not in text
    assert "la page 5 du fichier" in problems[7].message_fr and "page 5 of file" in problems[7].message("en")


def test_truncated_tiff_is_refused_even_after_weasyprint_is_imported(tmp_path):
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process."""
    import weasyprint  # noqa: F401
    from PIL import Image, ImageFile

    path = tmp_path / "cut.tif"
    Image.fromarray(np.full((400, 300), 128, np.uint8)).save(path, compression="raw")
    path.write_bytes(path.read_bytes()[:20000])
    assert ImageFile.LOAD_TRUNCATED_IMAGES
    results = list(iter_pages([path]))
    assert len(results) == 1 and isinstance(results[0], InputProblem)
