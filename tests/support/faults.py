"""Bad scans made on purpose, and the count of what became of each page.

``write_batch`` fills a folder with one batch as volunteers could really bring back: good
pages of a printed month between truncated and corrupt JPEG, PNG, TIFF and PDF files, a PDF
without pages, a password-protected PDF, 20,000 × 20,000 px decompression bombs (PNG, JPEG,
a page of a multi-page TIFF, PDF images over the whole page or a corner of it), a text file
named ``.jpg``, a blank page, images too small or narrow to be a page (1 × 1 and 3 × 70,000 px),
a form of another workspace and one of another month, a forged
identifier, the same file twice and a turned re-scan of a page already read. It returns what
must become of every page (:class:`Expected`).

``account`` reads the files again and finds each page (or each file that gave no page) in
``scanned_pages``: a page found nowhere is *lost*. ``tests/test_fault_injection.py`` and
``bench/fault_report.py`` both use them.

The good pages carry members' names, as printed: keep a batch made from a real month private.
"""
from __future__ import annotations

import json
import struct
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import segno
import sqlalchemy as sa

from cagettes.scan import inputs
from cagettes.simulate import corpus
from cagettes.storage import db

DPI = 200  # dpi of the pages written; enough for the scanner, quick to make and to read
BOMB_SIDE = 20_000  # px: a 20,000 × 20,000 image, 400 Mpx, far above inputs.MAX_PIXELS
PAPER_GREY = 242  # grey level of the blank sheet's paper
TURN_DEG = 183.0  # a re-scan fed upside down and a little askew


def clean_marks() -> corpus.FillPolicy:
    """Marks that leave no doubt (ballpoint ticks and crosses, one quantity per product at
    most): every good page of the batch must come out accepted."""
    return corpus.FillPolicy(
        scenarios={"nothing": 0.7, "one": 0.3}, mark_styles={"tick": 0.5, "cross": 0.5},
        page_pens={"ballpoint_blue": 0.5, "ballpoint_black": 0.5}, p_feedback=0.0, p_comment=0.0, stray_rate=0.0)


@dataclass(frozen=True)
class Expected:
    """What must become of one page (``index``) or of a whole file (``index`` None)."""

    file: str
    index: int | None
    outcome: str  # accepted | needs_review | rejected | duplicate
    reason: str = ""


@dataclass
class Accounting:
    files: int = 0  # files tried, counting a file given twice twice
    units: int = 0  # pages read, plus files (or pages) that gave no image
    outcomes: Counter = field(default_factory=Counter)  # (outcome, reason) -> pages
    lost: list[str] = field(default_factory=list)  # "file, page n": in no row of scanned_pages


# --- writing bad files -------------------------------------------------------------------------


def encode(image: np.ndarray, suffix: str) -> bytes:
    ok, data = cv2.imencode(suffix, image, [cv2.IMWRITE_JPEG_QUALITY, 90] if suffix == ".jpg" else [])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {suffix} image")
    return data.tobytes()


def cut(data: bytes, fraction: float = 0.5) -> bytes:
    """A copy interrupted part of the way."""
    return data[: int(len(data) * fraction)]


def corrupt_jpeg(data: bytes) -> bytes:
    """The start-of-image marker kept, the headers after it overwritten by garbage."""
    return data[:2] + np.random.default_rng(1).integers(0, 256, 4096, np.uint8).tobytes() + data[4098:]


def corrupt_png(data: bytes) -> bytes:
    """The compressed pixels overwritten in the middle: the header still reads, the pixels do not."""
    start = data.index(b"IDAT") + 4
    middle = start + (len(data) - start) // 2
    return data[:start + 2] + bytes(range(256)) * 4 + data[start + 2 + 1024:middle] + b"\xff" * 512 + data[middle + 512:]


def corrupt_tiff(data: bytes) -> bytes:
    """The first page's directory pointed beyond the end of the file."""
    return data[:4] + struct.pack("<I", len(data) + 10_000) + data[8:]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def deflated_rows(side: int, bits: int = 1, png: bool = False) -> bytes:
    """``side`` rows of ``side`` black pixels of ``bits`` bits, deflated without ever being held
    whole: 50 kB for 400 Mpx at 1 bit. PNG puts a filter byte before each row; PDF and TIFF do not."""
    stream = zlib.compressobj(9)
    row = bytes(int(png) + side * bits // 8)
    return b"".join(stream.compress(row * 100) for _ in range(side // 100)) + stream.flush()


def bomb_png(side: int = BOMB_SIDE) -> bytes:
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grey, no interlace
    chunks = [png_chunk(b"IHDR", header), png_chunk(b"IDAT", deflated_rows(side, png=True)), png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def bomb_jpeg(side: int = BOMB_SIDE) -> bytes:
    """A small JPEG whose frame header says ``side`` × ``side``: a decoder would allocate it all."""
    data = bytearray(encode(np.full((16, 16), 200, np.uint8), ".jpg"))
    frame = data.index(b"\xff\xc0")  # baseline start of frame: length, precision, height, width
    data[frame + 5:frame + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def image_xobject(pdf: pikepdf.Pdf, width: int, height: int, data: bytes, *, bits: int = 8,
                  colour: bool = False, jpeg: bool = True) -> pikepdf.Stream:
    """An image XObject whose ``data`` is already encoded (JPEG or deflated rows)."""
    return pikepdf.Stream(
        pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width, Height=height,
        BitsPerComponent=bits, ColorSpace=pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray,
        Filter=pikepdf.Name.DCTDecode if jpeg else pikepdf.Name.FlateDecode)


def add_image_page(pdf: pikepdf.Pdf, image: pikepdf.Stream, size_pt: tuple[float, float],
                   placement: tuple[float, float, float, float] | None = None, over: bytes = b"") -> pikepdf.Page:
    """A page showing ``image`` over all of it (as scanners write) or at ``placement`` (x, y, w, h
    in points); ``over`` is drawn above it (an OCR text layer, a stamp)."""
    width, height = size_pt
    x, y, w, h = placement or (0, 0, width, height)
    pdf.add_blank_page(page_size=(width, height))
    page = pdf.pages[-1]
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=font))
    page.Contents = pikepdf.Stream(pdf, f"q {w:.4f} 0 0 {h:.4f} {x:.4f} {y:.4f} cm /Im0 Do Q\n".encode() + over)
    return page


def add_scan_page(pdf: pikepdf.Pdf, pixels: np.ndarray, dpi: int = DPI) -> pikepdf.Page:
    image = image_xobject(pdf, pixels.shape[1], pixels.shape[0], encode(pixels, ".jpg"), colour=pixels.ndim == 3)
    return add_image_page(pdf, image, (pixels.shape[1] * 72 / dpi, pixels.shape[0] * 72 / dpi))


def add_bomb_pages(pdf: pikepdf.Pdf, side: int = BOMB_SIDE) -> None:
    """Two A4 pages showing one ``side`` × ``side`` grey image (400 MB once decoded, from a
    400 kB stream): over the whole page (a scan, extracted) and on a 7 cm square (rendered)."""
    image = image_xobject(pdf, side, side, deflated_rows(side, bits=8), jpeg=False)
    add_image_page(pdf, image, (595, 842))
    add_image_page(pdf, image, (595, 842), (100, 300, 200, 200))


def scanner_pdf(pages: Iterable[np.ndarray], dpi: int = DPI) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for pixels in pages:
        add_scan_page(pdf, pixels, dpi)
    return pdf


def tiff(pages: list[np.ndarray | int]) -> bytes:
    """A multi-page little-endian TIFF, each page one deflated strip: a grey array, or an int
    ``side`` for a ``side`` × ``side`` black-and-white bomb written without holding it whole."""
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    link = 4  # where the offset of the next directory goes
    for page in pages:
        if isinstance(page, int):
            width = height = page
            bits, strip = 1, deflated_rows(page)
        else:
            height, width = page.shape
            bits, strip = 8, zlib.compress(np.ascontiguousarray(page).tobytes(), 6)
        offset = len(out)
        out += strip + b"\x00" * (len(strip) % 2)
        directory = len(out)
        out[link:link + 4] = struct.pack("<I", directory)
        tags = [(256, 4, width), (257, 4, height), (258, 3, bits), (259, 3, 8), (262, 3, 1), (273, 4, offset),
                (277, 3, 1), (278, 4, height), (279, 4, len(strip))]  # deflate, black is zero, one strip
        out += struct.pack("<H", len(tags))
        for tag, kind, value in tags:  # kind 3: a SHORT, left-justified in the 4-byte value field
            field_value = struct.pack("<I", value) if kind == 4 else struct.pack("<HH", value, 0)
            out += struct.pack("<HHI", tag, kind, 1) + field_value
        link = len(out)
        out += b"\x00\x00\x00\x00"
    return bytes(out)


def paint_code(image: np.ndarray, rect_mm: list[float], text: str, dpi: int = DPI) -> None:
    """Replace a printed QR code by another text, at the same place and size."""
    matrix = np.array(segno.make(text, error="m", micro=False).matrix, dtype=np.uint8)
    x, y, w, h = (round(v * dpi / 25.4) for v in rect_mm)
    image[y:y + h, x:x + w] = cv2.resize(255 - matrix * 255, (w, h), interpolation=cv2.INTER_NEAREST)


def forge(image: np.ndarray, page_id: str, qr_rects: list[list[float]], dpi: int = DPI) -> np.ndarray:
    """The page's identifier with another form number and the original signature: the format
    is valid, the signature is not."""
    head, form, rest = page_id[:16], page_id[16:21], page_id[21:]
    forged = head + f"{(int(form) % 99_999) + 1:05d}" + rest
    image = image.copy()
    for rect in qr_rects:
        paint_code(image, rect, forged, dpi)
    return image


def turned(image: np.ndarray, degrees: float = TURN_DEG) -> np.ndarray:
    """The sheet on the glass again, turned: the whole page kept, white around it."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2)
    matrix[:, 2] += (size[0] / 2 - w / 2, size[1] / 2 - h / 2)
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)


def blank_sheet(shape: tuple[int, int], seed: int = 3) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, 3, shape)
    return np.clip(PAPER_GREY + noise, 0, 255).astype(np.uint8)


# --- the batch ---------------------------------------------------------------------------------


def good_pages(manifest_path: Path, count: int, seed: int = 5) -> list[tuple[dict, np.ndarray]]:
    """``count`` pages of member forms of the usual length (the most common among them), filled
    with clean marks, slightly askew."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    members = [p for p in manifest["pages"] if not p["walkin"]]
    usual = Counter(p["pages"] for p in members).most_common(1)[0][0]
    chosen = [p["id"] for p in members if p["pages"] == usual][:count]
    skew = corpus.Degradation.only("skew", skew_sd_deg=0.8)
    samples = corpus.iter_samples(manifest_path, dpi=DPI, seed=seed, policy=clean_marks(), degradation=skew,
                                  page_ids=chosen)
    pages = {p["id"]: p for p in manifest["pages"]}
    return [(pages[truth["page_id"]], image) for image, truth in samples]


OK, BAD = "accepted", "rejected"


@dataclass
class Batch:
    """The folder being filled, and what must become of each page written to it so far."""

    folder: Path
    expected: list[Expected] = field(default_factory=list)

    def put(self, name: str, data: bytes | pikepdf.Pdf, *outcomes: tuple[int | None, str, str], **options) -> bytes:
        """Writes file ``name``; each outcome is (page index or None for the file, outcome, reason)."""
        if isinstance(data, pikepdf.Pdf):
            data.save(self.folder / name, **options)
        else:
            (self.folder / name).write_bytes(data)
        self.expected.extend(Expected(name, index, outcome, reason) for index, outcome, reason in outcomes)
        return (self.folder / name).read_bytes()


def write_batch(folder: Path, manifest_path: Path, foreign: np.ndarray, last_month: np.ndarray) -> list[Expected]:
    """The batch in ``folder`` (created), files named so that a folder walk reads them in order.

    ``foreign`` and ``last_month``: a printed page of another workspace and of another month of
    this workspace, as images. Each good page is a different printed page, except the copy and
    the re-scan of the first one."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    pages = good_pages(manifest_path, 15)
    good = [image for _, image in pages]
    batch = Batch(folder)
    put_images(batch, good)
    put_pdfs(batch, good)
    batch.put("17-liste-membres.jpg", "Liste des membres\nDupont;Jeanne\n".encode(), (None, BAD, "not_an_image"))
    batch.put("18-blanche.png", encode(blank_sheet(good[0].shape), ".png"), (0, BAD, "blank_page"))
    batch.put("18b-point.jpg", encode(np.full((1, 1), PAPER_GREY, np.uint8), ".jpg"), (None, BAD, "odd_size"))
    batch.put("18c-bande.png", encode(np.full((3, 70_000), PAPER_GREY, np.uint8), ".png"), (None, BAD, "odd_size"))
    batch.put("19-autre-asso.jpg", encode(foreign, ".jpg"), (0, BAD, "other_workspace"))
    batch.put("20-mois-dernier.jpg", encode(last_month, ".jpg"), (0, BAD, "other_month"))
    qr = manifest["layouts"][pages[13][0]["layout"]]["qr"]
    batch.put("21-falsifie.png", encode(forge(good[13], pages[13][0]["id"], qr), ".png"), (0, BAD, "bad_signature"))
    batch.put("22-bon-copie.jpg", (folder / "01-bon.jpg").read_bytes(), (0, "duplicate", ""))
    batch.put("23-bon-rescanne.jpg", encode(turned(good[0]), ".jpg"), (0, "needs_review", "conflict"))
    batch.put("24-dernier.png", encode(good[14], ".png"), (0, OK, ""))
    return batch.expected


def put_images(batch: Batch, good: list[np.ndarray]) -> None:
    """Files 01 to 09: good, truncated and corrupt JPEG, PNG and TIFF, and a TIFF holding a bomb."""
    put = batch.put
    put("01-bon.jpg", encode(good[0], ".jpg"), (0, OK, ""))
    put("02-coupe.jpg", cut(encode(good[1], ".jpg")), (None, BAD, "truncated"))
    put("03-abime.jpg", corrupt_jpeg(encode(good[1], ".jpg")), (None, BAD, "truncated"))
    put("04-bon.png", encode(good[1], ".png"), (0, OK, ""))
    put("05-coupe.png", cut(encode(good[2], ".png")), (None, BAD, "truncated"))
    put("06-abime.png", corrupt_png(encode(good[2], ".png")), (None, BAD, "truncated"))
    put("07-coupe.tif", cut(tiff([good[2], good[3]]), 0.75), (0, OK, ""), (None, BAD, "truncated"))
    put("08-abime.tif", corrupt_tiff(tiff([good[3]])), (None, BAD, "truncated"))
    put("09-lot-avec-bombe.tif", tiff([good[3], BOMB_SIDE, good[4]]), (0, OK, ""), (1, BAD, "too_large"), (2, OK, ""))


def put_pdfs(batch: Batch, good: list[np.ndarray]) -> None:
    """Files 10 to 16: truncated, damaged, empty and protected PDFs, and bombs in images and in a PDF."""
    put = batch.put
    whole = put("10-coupe.pdf", scanner_pdf(good[5:8]))
    # Cut inside the header of what follows the first image: page 1 is whole; pages 2 and 3
    # are found (the page list comes first) without their content.
    stop = whole.index(b"endobj", whole.index(b"/DCTDecode")) + len(b"endobj\n") + 20
    put("10-coupe.pdf", whole[:stop], (0, OK, ""), (1, BAD, "truncated"), (2, BAD, "truncated"), (None, BAD, "truncated"))
    damaged = scanner_pdf(good[8:11])
    stream = damaged.pages[1].Resources.XObject.Im0
    stream.write(stream.read_raw_bytes()[:2000], filter=pikepdf.Name.DCTDecode)  # a JPEG cut short
    put("11-page-abimee.pdf", damaged, (0, OK, ""), (1, BAD, "truncated"), (2, OK, ""))
    put("12-vide.pdf", pikepdf.new(), (None, BAD, "empty_pdf"))
    put("13-protege.pdf", scanner_pdf(good[11:12]), (None, BAD, "encrypted"),
        encryption=pikepdf.Encryption(owner="responsable", user="secret"))
    put("14-bombe.png", bomb_png(), (None, BAD, "too_large"))
    put("15-bombe.jpg", bomb_jpeg(), (None, BAD, "too_large"))
    bombs = pikepdf.new()
    add_bomb_pages(bombs)
    add_scan_page(bombs, good[12])
    put("16-bombes.pdf", bombs, (0, BAD, "too_large"), (1, BAD, "too_large"), (2, OK, ""))


def stranger_pages(workspace, month: str, elsewhere: Path) -> tuple[np.ndarray, np.ndarray]:
    """A page of ``month`` printed by a new workspace made in ``elsewhere`` (another secret),
    and a page of the month before, printed by ``workspace``: real printing, one form each."""
    from cagettes.catalog import load_catalog
    from cagettes.services.workspace import init_workspace
    from cagettes.storage import months

    other = init_workspace(elsewhere)
    foreign = months.open_month(other.engine(), other.config, load_catalog(other.config.catalog_path), month)
    year, number = map(int, month.split("-"))
    before = f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"
    last = months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path), before)
    return (first_page_image(one_form_printed(foreign, other.month_dir(month))),
            first_page_image(one_form_printed(last, workspace.month_dir(before))))


def one_form_printed(month, out_dir: Path) -> Path:
    """The month's first form alone, printed for real (the manifest's path): enough to hold a
    page of another workspace or month without printing them whole."""
    from cagettes.forms import bundles

    result = bundles.print_month(replace(month, forms=month.forms[:1]), out_dir, {"jobs": 1, "what": "forms"})
    return result.manifest_path


def first_page_image(manifest_path: Path, dpi: int = DPI) -> np.ndarray:
    page = json.loads(Path(manifest_path).read_text(encoding="utf-8"))["pages"][0]
    return corpus.render_page(Path(manifest_path).parent.parent / page["pdf"], page["pdf_page"], dpi)


# --- accounting --------------------------------------------------------------------------------


def account(engine: sa.Engine, paths: Iterable[Path | str]) -> Accounting:
    """Every page of ``paths`` (read again, in the order ``cagettes scan`` reads them) found in
    ``scanned_pages``: by its own row, or as a duplicate of a row with the same pixels."""
    from cagettes.scan.pipeline import problem_report

    result, claimed = Accounting(), set()
    with engine.connect() as conn:
        for path in inputs.iter_files(paths):
            result.files += 1
            for item in inputs.iter_pages([path]) if isinstance(path, Path) else [path]:
                result.units += 1
                key = item.sha256 if isinstance(item, inputs.PageImage) else problem_report(item).sha256
                row = conn.execute(sa.select(db.scanned_pages).where(db.scanned_pages.c.sha256 == key)).mappings().first()
                if row is None:
                    result.lost.append(f"{item.source}, page {'-' if item.index is None else item.index + 1}")
                elif row["id"] in claimed or (row["source"], row["source_index"]) != (inputs.stored_name(item.source), item.index):
                    result.outcomes["duplicate", ""] += 1
                else:
                    claimed.add(row["id"])
                    result.outcomes[row["outcome"], row["reason"]] += 1
    return result
