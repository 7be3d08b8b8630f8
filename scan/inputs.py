"""Files and folders of scans in, grey page images out, one bad file never stopping the rest.

Volunteers scan returned forms with whatever is at hand: an office scanner writing PDF or TIFF,
a multifunction printer's feeder, a phone. :func:`iter_pages` takes files and folders and
yields, in order, one :class:`PageImage` per page read or one :class:`InputProblem` per file or
page that could not be: nothing raises out of it for bad input.

- Formats are recognised by their content (magic bytes), never by the file name's suffix.
- Scanner PDFs (one raster image covering each page) have that image extracted rather than
  rendered: 30 instead of 107 ms for a 300-dpi A4 page, and the pixels are the scanner's own.
  Other PDFs (vector, several images, images placed rotated or cropped, stencil masks) are
  rendered at :data:`RENDER_DPI`. A PDF that PDFium cannot open is repaired by qpdf first.
- Images larger than ``max_pixels`` are refused from their header, before any decoding.
- ``PageImage.sha256`` depends on the grey pixels only, so the same scan fed twice (renamed,
  or wrapped in a PDF) is recognised downstream.
- Only regular files are read: a link is followed to read its file, a FIFO or a device is
  refused without waiting on it.
- A file name need not be UTF-8 (Latin-1 names from Windows shares, USB keys):
  :func:`stored_name` is its lossless text for the database, :func:`shown_name` its text for a
  reader.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import itertools
import os
import re
import stat
import struct
import sys
import warnings
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, TiffImagePlugin, UnidentifiedImageError

from cagettes.core.i18n import DEFAULT_LANG, translate
from cagettes.scan.input_messages import MESSAGES

# Pixels (width × height) of one page, or of the images of one PDF page together, checked from
# the headers before any decoding. A3 at 600 dpi is 7016 × 9921 = 70 Mpx; the margin admits
# oversized scan beds and phone photos while refusing decompression bombs: a 20,000 × 20,000
# image fits in a 50 kB file and would take 400 MB decoded in grey (1.2 GB in colour).
MAX_PIXELS = 120_000_000
# An image smaller or narrower than this is no page (a thumbnail, a strip), whatever it shows:
# refused from its header, before the scanner meets sizes it was never meant for.
MIN_SIDE_PX = 100  # px: 5 cm of paper at 50 dpi, the lowest density the scanner reads (a form is 21 cm wide)
MAX_ASPECT_RATIO = 8  # long side / short side; A4 is 1.41, and at 8 every side stays under 65,535 px
RENDER_DPI = 300  # enough for the boxes and QR codes of our forms (see MEASURED.md)
# A whole PNG ends with its IEND chunk (its CRC included); some writers pad the file after it.
PNG_END = b"IEND\xaeB`\x82"
PNG_TAIL_BYTES = 65_536  # how far from the end IEND is looked for

# For file pickers and documentation only: reading goes by content, so a PDF named
# "scan.jpg" is read as a PDF, and a text file named "scan.jpg" is refused as not an image.
SUPPORTED_SUFFIXES = (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".heic", ".heif")

# System files that file managers hide without a leading dot.
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})

# What decoders raise on damaged data: Pillow raises SyntaxError for a bad header, and
# TypeError, KeyError or IndexError for a TIFF directory cut short. Anything else is a bug in
# this module and must surface.
_BROKEN = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, TypeError, KeyError, IndexError,
    cv2.error, pdfium.PdfiumError,
)


@dataclass(frozen=True)
class PageImage:
    """One page as a grey uint8 C-contiguous array (read-only: ``sha256`` describes it)."""

    source: Path
    index: int  # 0-based page within the file
    image: np.ndarray
    dpi: float | None  # from the file when it says; None for a JPEG or PNG without density
    sha256: str  # of b"<height>x<width>\n" + the pixels: a scan hashes alike in any wrapping
    method: str  # "embedded-jpeg", "embedded-bitmap", "rendered", "tiff", "jpeg", "png", "heic"


@dataclass(frozen=True)
class InputProblem:
    """A file, folder or page that gave no image, with the reason as a stable code."""

    source: Path
    index: int | None  # 0-based page, or None when the whole file is concerned
    reason: str  # unreadable, broken_link, not_a_file, not_an_image, truncated, encrypted, empty_pdf,
    # too_large, odd_size, unsupported, crashed
    params: tuple[tuple[str, object], ...] = ()  # fills the message: content, cause, width…
    variant: str = ""  # a message other than the file/page default ("folder", "cut_short")

    def message(self, lang: str = DEFAULT_LANG) -> str:
        params = dict(self.params)
        for word in ("cause", "content"):  # codes in params, translated like the sentence
            if word in params:
                params[word] = translate(MESSAGES, f"{word}.{params[word]}", lang)
        where = self.variant or ("file" if self.index is None else "page")
        page = None if self.index is None else self.index + 1
        return translate(MESSAGES, f"{self.reason}.{where}", lang, file=shown_name(self.source), page=page, **params)

    @property
    def message_fr(self) -> str:
        return self.message("fr")

    def __str__(self) -> str:
        return self.message_fr


class _Refused(Exception):
    """Raised deep in a reader; the loop that knows the file and page makes the InputProblem."""

    def __init__(self, reason: str, **params: object):
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def problem(self, source: Path, index: int | None) -> InputProblem:
        return InputProblem(source, index, self.reason, tuple(self.params.items()))


# --- file names -------------------------------------------------------------------------------

_ESCAPED_BYTE = re.compile(rb"\\x([0-9a-f]{2})")


def stored_name(path: Path | str) -> str:
    """``path`` as text any database keeps: its bytes read as UTF-8, each byte that is not UTF-8
    and each backslash written ``\\xNN``, so that :func:`stored_path` gives the same file back.
    A UTF-8 name without backslash is stored as it is."""
    return os.fsencode(path).replace(b"\\", b"\\x5c").decode("utf-8", "backslashreplace")


def stored_path(name: str) -> Path:
    """The path :func:`stored_name` wrote as ``name``."""
    return Path(os.fsdecode(_ESCAPED_BYTE.sub(lambda byte: bytes([int(byte[1], 16)]), name.encode("utf-8"))))


def shown_name(path: Path | str) -> str:
    """``path`` for a reader, a terminal or a UTF-8 file: a byte that is not UTF-8 shows as �."""
    return os.fsencode(path).decode("utf-8", "replace")


# --- files and folders ------------------------------------------------------------------------


def iter_pages(
    paths: Iterable[Path | str], *, max_pixels: int = MAX_PIXELS, pages: Collection[int] | None = None
) -> Iterator[PageImage | InputProblem]:
    """Every page of ``paths`` (files, or folders walked recursively), in order.

    ``pages`` keeps only those 0-based page indices of each file, without decoding the others:
    it lets several processes share one long PDF from a sheet feeder.
    """
    if isinstance(paths, (str, os.PathLike)):  # one path given bare: don't iterate its letters
        paths = [paths]
    for item in iter_files(paths):
        if isinstance(item, InputProblem):
            yield item
        else:
            yield from _read_file(item, max_pixels, pages)


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path | InputProblem]:
    """Files named, and files inside folders named, in the order ``iter_pages`` reads them."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path  # a missing file becomes an "unreadable" problem when read


def _walk(folder: Path) -> Iterator[Path | InputProblem]:
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: _natural_key(entry.name))
    except OSError as error:
        yield InputProblem(folder, None, "unreadable", (("cause", cause_code(error)),), "folder")
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.casefold() in _IGNORED_NAMES:
            continue
        # Symlinked folders are not followed: a link to a parent would loop forever.
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry)
        else:
            yield entry


def _natural_key(name: str) -> list[str | int]:
    """"scan2.jpg" before "scan10.jpg", as volunteers expect from a file manager."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def _unreadable(path: Path, error: OSError | None) -> InputProblem:
    if _broken_link(path, error):
        return InputProblem(path, None, "broken_link", (("target", _link_target(path)),))
    return InputProblem(path, None, "unreadable", (("cause", cause_code(error)),))


def _broken_link(path: Path, error: OSError | None) -> bool:
    """Whether ``error`` came from ``path`` being a link to nothing: its target gone, or links
    that lead back to themselves (ELOOP)."""
    if error is None or not os.path.islink(path):
        return False
    return isinstance(error, (FileNotFoundError, NotADirectoryError)) or error.errno == errno.ELOOP


def _link_target(path: Path) -> str:
    try:
        return shown_name(os.readlink(path))
    except OSError:
        return "?"


def cause_code(error: OSError | None) -> str:
    """Why a file or folder could not be reached, as the code of its words (``cause.*``)."""
    if isinstance(error, FileNotFoundError):
        return "missing"
    if isinstance(error, PermissionError):
        return "permission"
    return "folder" if isinstance(error, IsADirectoryError) else "other"


def _read_file(path: Path, max_pixels: int, pages: Collection[int] | None = None) -> Iterator[PageImage | InputProblem]:
    try:
        with _open_regular(path) as file:
            head = file.read(1024)
    except OSError as error:
        yield _unreadable(path, error)
        return
    except _Refused as refusal:
        yield refusal.problem(path, None)
        return
    kind = sniff(head)
    if kind in _READERS:
        yield from _READERS[kind](path, max_pixels, pages)
    elif kind in _UNSUPPORTED_NAMES:
        yield InputProblem(path, None, "unsupported", (("format", _UNSUPPORTED_NAMES[kind]),))
    else:
        yield InputProblem(path, None, "not_an_image", (("content", kind),))


def _open_regular(path: Path) -> io.BufferedReader:
    """``path`` opened for reading, through links; refused unless it is a regular file: opening a
    FIFO would wait for a writer forever, and a device never ends. Non-blocking, so that the
    open itself never waits."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket, or a device without its driver
            raise _Refused("not_a_file") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _Refused("not_a_file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


# --- recognising the content ------------------------------------------------------------------

# (offset, bytes, kind): formats read, formats named in the "unsupported" message, and
# contents named in the "not_an_image" one.
_MAGIC = (
    (0, b"\xff\xd8\xff", "jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"II*\x00", "tiff"),
    (0, b"MM\x00*", "tiff"),
    (0, b"II+\x00", "tiff"),  # BigTIFF, written by some scanners for very large pages
    (0, b"MM\x00+", "tiff"),
    (0, b"GIF8", "gif"),
    (8, b"WEBP", "webp"),
    (0, b"\x00\x00\x00\x0cjP  ", "jpeg2000"),
    (0, b"\xff\x4f\xff\x51", "jpeg2000"),
    (0, b"AT&TFORM", "djvu"),
    (0, b"%!PS", "postscript"),
    (0, b"PK\x03\x04", "zip"),
    (0, b"\xd0\xcf\x11\xe0", "office"),
)
_UNSUPPORTED_NAMES = {
    "gif": "GIF", "bmp": "BMP", "webp": "WebP", "heic": "HEIC", "avif": "AVIF",
    "jpeg2000": "JPEG 2000", "djvu": "DjVu", "postscript": "PostScript",
}
# ISO media brands of phone photos (bytes 8–12, after "ftyp"); other brands are videos.
_PHOTO_BRANDS = {brand: "heic" for brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")}
_PHOTO_BRANDS[b"avif"] = "avif"


def sniff(head: bytes) -> str:
    """What the first bytes of a file are: a readable kind, an unsupported format, or a content."""
    if b"%PDF-" in head[:1024]:  # PDF allows junk before the header
        return "pdf"
    for offset, magic, kind in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return kind
    if head[:2] == b"BM" and head[6:10] == bytes(4):  # "BM" alone could start a text
        return "bmp"
    if head[4:8] == b"ftyp" and head[8:12] in _PHOTO_BRANDS:
        return _PHOTO_BRANDS[head[8:12]]
    if not head:
        return "empty"
    return _text_kind(head)


def _text_kind(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace")
    printable = sum(char.isprintable() or char.isspace() for char in text)
    if "\x00" in text or text.count("\ufffd") > 3 or printable < 0.95 * len(text):
        return "unknown"
    return "html" if re.match(r"\s*<(!doctype html|html)", text, re.IGNORECASE) else "text"


def count_pages(path: Path | str) -> int | None:
    """Pages in a file, cheaply (for progress bars); None when it cannot be read.

    For a folder: the number of items ``iter_pages`` will yield for it, an unreadable file
    counting as its one problem.
    """
    path = Path(path)
    if path.is_dir():
        items = iter_files([path])
        return sum(1 if isinstance(item, InputProblem) else (count_pages(item) or 1) for item in items)
    try:
        with _open_regular(path) as file:
            kind = sniff(file.read(1024))
            if kind == "tiff":
                file.seek(0)
                with _strict_pillow():
                    return TiffImagePlugin.TiffImageFile(file).n_frames
        if kind == "pdf":
            return _pdf_page_count(path)
        return 1 if kind in ("jpeg", "png", "heic") else None
    except (_Refused, *_BROKEN):
        return None


def _pdf_page_count(path: Path) -> int:
    document, _ = _open_pdf(path, complete=True)
    try:
        return len(document)
    finally:
        document.close()


# --- JPEG and PNG files -----------------------------------------------------------------------

# Header readers used directly, not through Image.open: they read the size without decoding,
# and skip Pillow's global bomb limit, which ``max_pixels`` replaces.
_HEADERS = {"jpeg": JpegImagePlugin.JpegImageFile, "png": PngImagePlugin.PngImageFile}


def _read_single(path: Path, kind: str, max_pixels: int) -> Iterator[PageImage | InputProblem]:
    try:
        data = path.read_bytes()
    except OSError as error:
        yield _unreadable(path, error)
        return
    try:
        with _HEADERS[kind](io.BytesIO(data)) as header:
            size, dpi = header.size, _dpi(header.info)
        _check_size(size, max_pixels)
        pixels = _decode_jpeg(data, exif=True) if kind == "jpeg" else _decode_png(data)
    except _Refused as refusal:
        yield refusal.problem(path, None)
        return
    except _BROKEN:
        yield InputProblem(path, None, "truncated")
        return
    yield _page_image(path, 0, pixels, dpi, kind)


def _decode_jpeg(data: bytes, *, exif: bool) -> np.ndarray:
    """libjpeg's own grey output: faster than decoding colour, and the same for a JPEG file and
    the same bytes inside a PDF. EXIF orientation is a file's business: PDF viewers ignore it."""
    flags = cv2.IMREAD_GRAYSCALE | (0 if exif else cv2.IMREAD_IGNORE_ORIENTATION)
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if pixels is None:  # OpenCV refuses a JPEG cut short instead of padding it with grey
        raise _Refused("truncated")
    return pixels


def _decode_png(data: bytes) -> np.ndarray:
    if PNG_END not in data[-PNG_TAIL_BYTES:]:  # cut short: said in words, before libpng says it in English
        raise _Refused("truncated")
    with _libraries_silent():
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise _Refused("truncated")
    if pixels.ndim == 3 and pixels.shape[2] == 4:  # OpenCV gives grey, palette and colour with alpha as BGRA
        return _on_white(_eight_bits(pixels))
    return _to_grey(pixels)


@contextlib.contextmanager
def _libraries_silent() -> Iterator[None]:
    """C libraries' own complaints ("libpng error: IDAT: invalid stored block lengths") go to
    the process's standard error, past Python, onto the volunteer's screen: the page's reason
    says it in words instead."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _eight_bits(pixels: np.ndarray) -> np.ndarray:
    """16-bit samples (PNG, TIFF) to 8, the high byte kept."""
    return (pixels >> 8).astype(np.uint8) if pixels.dtype == np.uint16 else pixels


def _to_grey(pixels: np.ndarray) -> np.ndarray:
    """BGR(A) or 16-bit to grey uint8 with one formula, so colour pixels hash alike whether
    they came from a PNG file or from a PDF (PDFium's bitmaps are BGR too)."""
    pixels = _eight_bits(pixels)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim == 3:
        code = cv2.COLOR_BGR2GRAY if pixels.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        pixels = cv2.cvtColor(pixels, code)
    return pixels


def _on_white(bgra: np.ndarray) -> np.ndarray:
    """Grey of a BGRA image (8 bits) laid on white paper: a transparent sheet is white, not the
    black (or any colour) its transparent pixels hold; an opaque one is as ``_to_grey`` makes it.
    Files only: PDFium's BGRx bitmaps leave their fourth byte undefined."""
    grey = cv2.cvtColor(bgra, cv2.COLOR_BGRA2GRAY)
    alpha = np.ascontiguousarray(bgra[:, :, 3])
    if alpha.min() == 255:
        return grey
    # grey × α/255 + 255 × (1 − α/255), in uint8: never more than 255, no large temporaries
    return cv2.add(cv2.multiply(grey, alpha, scale=1 / 255), cv2.bitwise_not(alpha))


def _dpi(info: dict) -> float | None:
    """Density from JFIF, pHYs or TIFF tags; 0 or 1 are placeholders some writers put."""
    dpi = info.get("dpi")
    if not dpi or float(dpi[0]) <= 1:
        return None
    return round(float(dpi[0]), 1)


def _check_size(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise _Refused("too_large", width=width, height=height, limit=f"{max_pixels / 1e6:g}")
    if min(size) < MIN_SIDE_PX or max(size) > MAX_ASPECT_RATIO * min(size):
        raise _Refused("odd_size", width=width, height=height)


def _page_image(source: Path, index: int, pixels: np.ndarray, dpi: float | None, method: str) -> PageImage:
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    digest = hashlib.sha256(f"{pixels.shape[0]}x{pixels.shape[1]}\n".encode())
    digest.update(pixels.data)
    pixels.flags.writeable = False  # the hash describes these pixels: keep them so
    return PageImage(source, index, pixels, dpi, digest.hexdigest(), method)


# --- HEIC ------------------------------------------------------------------------------------


def _read_heic(path: Path, max_pixels: int, pages: Collection[int] | None = None) -> Iterator[PageImage | InputProblem]:
    """iPhones' photos. pillow-heif is imported and registered with Pillow on the first HEIC
    only: every scan would otherwise pay for loading libheif. A file it cannot open at all (a
    codec this build lacks) is "unsupported", as before; one it opens but cannot decode is cut short."""
    if pages is not None and 0 not in pages:
        return
    try:
        import pillow_heif
    except ImportError:
        yield InputProblem(path, None, "unsupported", (("format", "HEIC"),))
        return
    pillow_heif.register_heif_opener()
    try:
        with _strict_pillow(), Image.open(path, formats=["HEIF"]) as image:
            _check_size(image.size, max_pixels)
            image.load()
            pixels = _pillow_to_grey(image)
    except _Refused as refusal:
        yield refusal.problem(path, None)
    except UnidentifiedImageError:
        yield InputProblem(path, None, "unsupported", (("format", "HEIC"),))
    except (*_BROKEN, RuntimeError):  # pillow-heif raises RuntimeError for a damaged stream
        yield InputProblem(path, None, "truncated")
    else:
        yield _page_image(path, 0, pixels, None, "heic")


# --- TIFF -------------------------------------------------------------------------------------


def _read_tiff(path: Path, max_pixels: int, pages: Collection[int] | None = None) -> Iterator[PageImage | InputProblem]:
    try:
        file = open(path, "rb")
    except OSError as error:
        yield _unreadable(path, error)
        return
    with file:
        try:
            with _strict_pillow():
                tiff = TiffImagePlugin.TiffImageFile(file)  # lazy: reads the first page's tags only
        except _BROKEN:
            yield InputProblem(path, None, "truncated")
            return
        yield from _tiff_pages(path, tiff, max_pixels, pages)


def _tiff_pages(
    path: Path, tiff: TiffImagePlugin.TiffImageFile, max_pixels: int, pages: Collection[int] | None = None
) -> Iterator[PageImage | InputProblem]:
    for index in itertools.count():
        if pages is not None and index > max(pages, default=-1):
            return
        try:
            with _strict_pillow():
                tiff.seek(index)
        except EOFError:  # past the last page
            return
        except _BROKEN:  # the chain of pages is broken: the next ones cannot be reached
            yield _cut_short(path, index)
            return
        if pages is None or index in pages:
            yield _tiff_page(path, tiff, index, max_pixels)


@contextlib.contextmanager
def _strict_pillow():
    """WeasyPrint, once imported, sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process; a
    truncated scan must still be refused, so the flag is forced off while a page decodes.
    Pillow's warnings about damaged tags are silenced: the damage becomes a problem, in words,
    instead of a library's English on the volunteer's screen."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _tiff_page(
    path: Path, tiff: TiffImagePlugin.TiffImageFile, index: int, max_pixels: int
) -> PageImage | InputProblem:
    try:
        _check_size(tiff.size, max_pixels)
        with _strict_pillow():
            tiff.load()
        pixels = _pillow_to_grey(tiff)
    except _Refused as refusal:
        return refusal.problem(path, index)
    except _BROKEN:
        return InputProblem(path, index, "truncated")
    return _page_image(path, index, pixels, _dpi(tiff.info), "tiff")


def _pillow_to_grey(image: Image.Image) -> np.ndarray:
    if image.mode == "L":
        return np.asarray(image)
    if image.mode == "1":  # fax-style black and white: 0/255
        return np.asarray(image.convert("L"))
    if image.mode.startswith("I;16"):
        return (np.asarray(image) >> 8).astype(np.uint8)
    if "A" in image.getbands() or "transparency" in image.info:  # laid on white, as a PNG is
        return _on_white(cv2.cvtColor(np.asarray(image.convert("RGBA")), cv2.COLOR_RGBA2BGRA))
    try:
        rgb = image.convert("RGB")
    except ValueError:
        raise _Refused("unsupported", format=f"TIFF {image.mode}") from None
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)


# --- PDF --------------------------------------------------------------------------------------

# Colour spaces whose JPEG bytes OpenCV decodes as a viewer would show them; CMYK and spot
# colours may carry inverted values (/Decode), which PDFium applies and OpenCV would not.
_JPEG_COLORSPACES = {
    pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB, pdfium_c.FPDF_COLORSPACE_CALGRAY,
    pdfium_c.FPDF_COLORSPACE_CALRGB, pdfium_c.FPDF_COLORSPACE_ICCBASED,
}
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
_EDGE_TOLERANCE = 0.03  # of the page's size: an image this close to each edge covers the page


def _read_pdf(path: Path, max_pixels: int, pages: Collection[int] | None = None) -> Iterator[PageImage | InputProblem]:
    try:
        complete = _pdf_is_complete(path)
        document, repaired = _open_pdf(path, complete)
    except OSError as error:
        yield _unreadable(path, error)
        return
    except _Refused as refusal:
        yield refusal.problem(path, None)
        return
    try:
        for index in range(len(document)):
            if pages is None or index in pages:
                yield _pdf_page(document, path, index, max_pixels, repaired)
        if not complete and (pages is None or max(pages, default=-1) >= len(document) - 1):  # the pages found are read, but say that some may be missing
            yield _cut_short(path, len(document))
    finally:
        document.close()


def _open_pdf(path: Path, complete: bool) -> tuple[pdfium.PdfDocument, bool]:
    """The document, and whether it had to be repaired."""
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        # PDFium's error code cannot be trusted: a PDF without pages leaves the code of the
        # last failure (even one from before a fork), so an empty PDF read after a locked one
        # was called locked. qpdf tells locked, empty and damaged apart, and repairs.
        return _repaired(path, complete), True
    if len(document):
        return document, False
    document.close()
    raise _Refused("empty_pdf" if complete else "truncated")


def _repaired(path: Path, complete: bool) -> pdfium.PdfDocument:
    """PDFium gives up on a PDF cut short (and on one without pages); qpdf, through pikepdf,
    rebuilds the pages it can find, and PDFium reads its repaired copy."""
    try:
        with pikepdf.open(path) as pdf:
            if not pdf.pages:
                raise _Refused("empty_pdf" if complete else "truncated")
            repaired = io.BytesIO()
            pdf.save(repaired)
    except pikepdf.PasswordError:
        raise _Refused("encrypted") from None
    except pikepdf.PdfError:
        raise _Refused("truncated") from None
    return pdfium.PdfDocument(repaired.getvalue())


def _cut_short(path: Path, count: int) -> InputProblem:
    return InputProblem(path, None, "truncated", (("count", count),), "cut_short")


def _pdf_is_complete(path: Path) -> bool:
    """A PDF ends with %%EOF; without it the copy stopped short, and PDFium's repair may have
    silently dropped the last pages."""
    with open(path, "rb") as file:
        file.seek(max(0, file.seek(0, os.SEEK_END) - 2048))
        return b"%%EOF" in file.read()


def _pdf_page(
    document: pdfium.PdfDocument, path: Path, index: int, max_pixels: int, repaired: bool
) -> PageImage | InputProblem:
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return InputProblem(path, index, "unreadable")
    try:
        if repaired and next(page.get_objects(), None) is None:
            raise _Refused("truncated")  # the repair kept the page but lost what was on it
        scan = _page_scan(page)
        extracted = _extract(page, scan, max_pixels) if scan is not None else None
        pixels, dpi, method = extracted or (_render(page, max_pixels), float(RENDER_DPI), "rendered")
    except _Refused as refusal:
        return refusal.problem(path, index)
    except _BROKEN:
        return InputProblem(path, index, "truncated")
    finally:
        page.close()
    return _page_image(path, index, pixels, dpi, method)


def _page_scan(page: pdfium.PdfPage) -> pdfium.PdfImage | None:
    """The page's only visible content when it is one upright image covering the page, as
    scanners write; invisible text (an OCR layer) may lie over it. Else None: render."""
    images = []
    # Top level only: inside a form XObject, positions are in the form's space, not the page's.
    for obj in page.get_objects(max_depth=0):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                return None
        else:
            return None  # a path, shading or form is drawn too: extraction would lose it
        if len(images) > 1:
            return None
    return images[0] if images and _covers_page(page, images[0]) else None


def _covers_page(page: pdfium.PdfPage, image: pdfium.PdfImage) -> bool:
    a, b, c, d, _, _ = image.get_matrix().get()
    if b or c or a <= 0 or d <= 0:  # rotated or mirrored placement: rendering gets it right
        return False
    left, bottom, right, top = page.get_cropbox()
    tolerance = _EDGE_TOLERANCE * max(right - left, top - bottom)
    bounds = image.get_bounds()
    return all(abs(edge - box) <= tolerance for edge, box in zip(bounds, (left, bottom, right, top), strict=False))


def _extract(
    page: pdfium.PdfPage, image: pdfium.PdfImage, max_pixels: int
) -> tuple[np.ndarray, float, str] | None:
    """The image's own pixels, turned as the page is; None for a stencil mask (no colour
    space: its bits select where the fill colour is painted), which only rendering shows right."""
    _check_size(image.get_px_size(), max_pixels)  # from the image's dictionary: nothing decoded yet
    metadata = image.get_metadata()
    if metadata.colorspace == pdfium_c.FPDF_COLORSPACE_UNKNOWN:
        return None
    jpeg = image.get_filters() == ["DCTDecode"] and metadata.colorspace in _JPEG_COLORSPACES
    if jpeg and metadata.bits_per_pixel in (8, 24):
        pixels = _decode_jpeg(bytes(image.get_data()), exif=False)
    else:  # Flate, CCITT fax, JBIG2, JPEG 2000, CMYK…: PDFium decodes them all
        pixels = _bitmap_to_grey(image.get_bitmap())
    rotation = page.get_rotation()
    if rotation in _ROTATIONS:  # /Rotate turns the page clockwise for display
        pixels = cv2.rotate(pixels, _ROTATIONS[rotation])
    return pixels, round(metadata.horizontal_dpi, 1), "embedded-jpeg" if jpeg else "embedded-bitmap"


def _render(page: pdfium.PdfPage, max_pixels: int) -> np.ndarray:
    scale = RENDER_DPI / 72
    width, height = page.get_size()  # in points, /Rotate applied
    _check_size((round(width * scale), round(height * scale)), max_pixels)
    _check_images(page, max_pixels)
    return _bitmap_to_grey(page.render(scale=scale, grayscale=True))


def _check_images(page: pdfium.PdfPage, max_pixels: int) -> None:
    """PDFium decodes each image it draws at its full size, however small it is drawn: a
    20,000 × 20,000 image on a quarter of an A4 page takes 400 MB to render. Their sizes come
    from the images' dictionaries, inside forms too, before anything is decoded."""
    total = 0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        width, height = image.get_px_size()
        total += width * height
        if total > max_pixels:  # many images each under the limit add up as well
            raise _Refused("too_large", width=width, height=height, limit=f"{max_pixels / 1e6:g}")


def _bitmap_to_grey(bitmap: pdfium.PdfBitmap) -> np.ndarray:
    """A copy: the bitmap's buffer belongs to PDFium and is freed with it."""
    try:
        pixels = bitmap.to_numpy()
        grey = _to_grey(pixels)
        return grey.copy() if np.may_share_memory(grey, pixels) else grey
    finally:
        bitmap.warn_on_close = False  # PDFium's buffer is freed here, and nothing refers to it
        bitmap.close()


_READERS = {
    "pdf": _read_pdf,
    "tiff": _read_tiff,
    "jpeg": lambda path, max_pixels, pages: _read_single(path, "jpeg", max_pixels) if pages is None or 0 in pages else iter(()),
    "png": lambda path, max_pixels, pages: _read_single(path, "png", max_pixels) if pages is None or 0 in pages else iter(()),
    "heic": _read_heic,
}
