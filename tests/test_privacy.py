"""Personal data stays private, and hostile catalog text stays text.

- Everything public of the sample month (posters, blank form, the whole static site) is
  searched, file by file, for every member's first name, last name, number and phone.
- Private outputs (bundles, manifest, print summary, scans, rejected pages, export, the scan
  inbox and its archive) and the database are readable by their owner only.
- A catalog whose association, site and product names hold ``<script>``, ``&`` and ``"`` is
  printed, published, scanned and exported through the real CLI: the HTML escapes it, the PDFs
  show it literally, and the spreadsheet export neutralises a member named like a formula.
"""
from __future__ import annotations

import contextlib
import csv
import filecmp
import html
import io
import json
import re
import shutil
import stat
from pathlib import Path
from types import SimpleNamespace

import fontpkg_atkinson_hyperlegible as atkinson
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from cagettes.cli import main
from cagettes.closing import carry
from cagettes.forms import pictos
from cagettes.services.workspace import copy_sample_csv
from cagettes.simulate import corpus
from cagettes.storage import workspace as ws

MONTH = "2026-12"
HOSTILE = '<script>alert(1)</script> & "quote"'
FORMULA_NAME = "=HYPERLINK(\"http://example.org\";\"clic\")"


def run_cli(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    assert code == 0, (argv, out.getvalue())
    return out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pdf_text(path: Path) -> str:
    """The text of every page, and the document's metadata (info dictionary and XMP)."""
    document = pdfium.PdfDocument(path)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    with pikepdf.open(path) as pdf:
        info = [str(value) for value in pdf.docinfo.values()]
        xmp = str(pdf.Root.Metadata.read_bytes(), "utf-8", "replace") if "/Metadata" in pdf.Root else ""
    return "\n".join(pages + info + [xmp])


def image_metadata(path: Path) -> str:
    with Image.open(path) as image:
        return " ".join(f"{key}={value}" for key, value in {**image.info, **dict(image.getexif())}.items())


# --- the sample month's public output -----------------------------------------------------------


@pytest.fixture(scope="module")
def public(printed, tmp_path_factory):
    """Every public file of the sample month, as `cagettes site` leaves them beside the print."""
    root = Path(shutil.copytree(printed[0].root, tmp_path_factory.mktemp("public") / "ws"))
    run_cli("-w", str(root), "site")
    out = root / "output" / MONTH
    files = sorted(p for folder in ("public", "site") for p in (out / folder).rglob("*") if p.is_file())
    return SimpleNamespace(month=printed[1], files=files, out=out)


def readable_text(path: Path) -> str | None:
    """What a reader of the file sees or can extract; None for the packaged fonts, checked to
    be byte-for-byte the package's own files (they contain no data of ours)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix in (".png", ".jpg", ".jpeg", ".gif", ".webp"):
        return image_metadata(path)
    if suffix in (".ttf", ".otf", ".woff", ".woff2"):
        assert filecmp.cmp(path, atkinson.ROOT / "files" / path.name, shallow=False), path
        return None
    text = path.read_text(encoding="utf-8")  # HTML, CSS, SVG: any other kind is a surprise
    return text + "\n" + html.unescape(text)


def public_strings(month) -> list[str]:
    """Names the month publishes on purpose (a site's contact person, the association's
    contact): removed before searching, so that a member sharing a first name with a site's
    contact is not a false alarm."""
    return [s.contact for s in month.sites if s.contact] + [month.association.contact]


def whole(token: str) -> re.Pattern:
    """``token`` alone: "0001" must not match inside "20001" or "0.0001"."""
    return re.compile(rf"(?<![\w.,]){re.escape(token)}(?![\w.,])")


def test_no_member_data_in_any_public_file(public):
    members = [form.member for form in public.month.forms if form.member]
    assert len(members) == 40  # every member of the sample has a form
    patterns = {}
    for member in members:
        for token in (member.first_name, member.last_name, member.number, member.phone):
            if token:
                patterns[token] = whole(token)
                patterns[token.upper()] = whole(token.upper())
    kinds = {path.suffix.lower() for path in public.files}
    assert {".html", ".css", ".svg", ".pdf", ".ttf"} <= kinds, kinds
    for path in public.files:
        text = readable_text(path)
        if text is None:
            continue
        for allowed in public_strings(public.month):
            text = text.replace(allowed, " ")
        text += "\n" + str(path.relative_to(public.out))
        leaks = [token for token, pattern in patterns.items() if pattern.search(text)]
        assert not leaks, (path, leaks)


def test_the_search_does_find_a_member_where_there_is_one(public, tmp_path):
    """The same search on a private bundle finds names, numbers as whole tokens and all."""
    bundle = next((public.out / "private" / "bundles").glob("*.pdf"))
    text = pdf_text(bundle)
    found = [m for m in (f.member for f in public.month.forms if f.member and f.site == bundle.stem)
             if whole(m.last_name).search(text) and whole(m.number).search(text)]
    assert found
    assert not whole("0001").search("bon 20001, 0.0001 mm") and whole("0001").search("n° 0001 :")


def test_pictograms_are_the_packaged_files(public):
    for path in (p for p in public.files if p.parent.name == "pictos"):
        assert filecmp.cmp(path, pictos.svg_dir() / path.name, shallow=False), path


def test_printed_private_files_are_readable_by_their_owner_only(printed):
    private = printed[2].out_dir / "private"
    folders = [private, *(p for p in private.rglob("*") if p.is_dir())]
    files = [p for p in private.rglob("*") if p.is_file()]
    assert {p.name for p in folders} >= {"private", "bundles"} and any(p.name == "manifest.json" for p in files)
    assert {mode(p) for p in folders} == {0o700} and {mode(p) for p in files} == {0o600}
    assert mode(printed[0].root / "cagettes.db") == 0o600


# --- a hostile catalog, through the whole CLI -----------------------------------------------------


def hostile_catalog(folder: Path) -> None:
    """The sample catalog, cut to three members (one named like a formula), with script
    tags, ampersands and quotes in a site's name and a product's name."""
    copy_sample_csv(folder)
    edit_csv(folder / "sites.csv", lambda rows: rows[0].update(nom=f"Centre social {HOSTILE}"))
    edit_csv(folder / "produits.csv", lambda rows: rows[0].update(nom=f"Œufs {HOSTILE}"))
    members = folder / "membres.csv"
    with members.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = [rows[0], rows[1], rows[16]]
    rows[0].update(prenom=FORMULA_NAME, nom="+Dupont", gros_caracteres="non")
    write_csv(members, rows)


def edit_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    write_csv(path, rows)


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "ws"
    run_cli("init", str(root), "--nom", f"Association {HOSTILE}")
    hostile_catalog(root / "catalogue")
    config = (root / "cagettes.toml").read_text(encoding="utf-8")
    config = config.replace('chemin = "catalogue.xlsx"', 'chemin = "catalogue"')
    config = re.sub(r"bons_libres_par_site = \d+", "bons_libres_par_site = 1", config)
    (root / "cagettes.toml").write_text(config, encoding="utf-8")
    run_cli("-w", str(root), "check")
    run_cli("-w", str(root), "month", "open", MONTH, "--force")  # --force: whatever today is
    run_cli("-w", str(root), "print")
    run_cli("-w", str(root), "site")
    workspace = ws.open_workspace(root)
    month = carry.load_month(workspace.engine(), workspace.config, MONTH)
    form = next(f for f in month.forms if f.member and f.member.first_name == FORMULA_NAME)
    manifest = workspace.month_dir(MONTH) / "private" / "manifest.json"
    page_id = next(p["id"] for p in json.loads(manifest.read_text(encoding="utf-8"))["pages"]
                   if p["form"] == form.number and p["page"] == 1)
    policy = corpus.FillPolicy(scenarios={"one": 1.0}, mark_styles={"cross": 1.0}, page_pens={"ballpoint_black": 1.0},
                               p_feedback=0.0, p_comment=0.0, stray_rate=0.0)
    corpus.generate(manifest, root / "scans", dpi=200, seed=2, policy=policy,
                    degradation=corpus.Degradation.off(), page_ids=[page_id])
    (root / "scans" / "truth.jsonl").unlink()  # the corpus's answer sheet is not a scan
    scanned = run_cli("-w", str(root), "scan")
    run_cli("-w", str(root), "export", "orders")
    return SimpleNamespace(root=root, out=workspace.month_dir(MONTH), month=month, form=form, scanned=scanned)


def test_site_pages_escape_catalog_text(hostile):
    escaped = html.escape(HOSTILE, quote=False)  # &lt;script&gt;… &amp; "quote"
    pages = {p.name: p.read_text(encoding="utf-8") for p in (hostile.out / "site").rglob("*.html")}
    assert pages
    for name, text in pages.items():
        assert "<script" not in text, name
        assert escaped in text.replace("&#34;", '"').replace("&quot;", '"'), name  # the association's name
    assert f"Œufs {escaped}" in pages["catalogue.html"].replace("&#34;", '"')
    assert any(f"Centre social {escaped}" in text.replace("&#34;", '"') for text in pages.values())


def test_pdfs_show_catalog_text_literally(hostile):
    private = hostile.out / "private"
    site = next(s for s in hostile.month.sites if HOSTILE in s.name)
    poster = pdf_text(hostile.out / "public" / f"affiche-{site.code}-A4.pdf")
    bundle = pdf_text(private / "bundles" / f"{site.code}.pdf")
    for text, where in ((poster, "poster"), (bundle, "bundle")):
        for words in (f"Association {HOSTILE}", f"Œufs {HOSTILE}", f"Centre social {HOSTILE}"):
            assert squeezed(words) in squeezed(text), (where, words)


def squeezed(text: str) -> str:
    """Without spaces: a long name wraps anywhere, "</" at the end of a line, "script>" on the next."""
    return re.sub(r"\s+", "", text)


def test_a_member_named_like_a_formula_is_exported_as_text(hostile):
    assert "1 acceptées" in hostile.scanned, hostile.scanned
    with (hostile.out / "private" / "commandes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    mine = [row for row in rows if row["formulaire"] == str(hostile.form.number)]
    assert mine and {row["nom"] for row in mine} == {"'" + hostile.form.member.display_name}
    for row in rows:
        for column, value in row.items():
            assert value[:1] not in ("=", "+", "-", "@"), (column, value)


def test_hostile_workspace_private_files_are_owner_only(hostile):
    root = hostile.root
    private = hostile.out / "private"
    archive = root / "scans" / "archive"
    folders = [private, *(p for p in private.rglob("*") if p.is_dir()), root / "scans", archive,
               *(p for p in archive.rglob("*") if p.is_dir())]
    files = [p for p in [*private.rglob("*"), *archive.rglob("*")] if p.is_file()]
    names = {p.name for p in files}
    assert {"manifest.json", "resume-impression.txt", "commandes.csv"} <= names and any(
        p.parent.parent == archive for p in files)  # the scan itself, moved to the archive
    assert {mode(p) for p in folders} == {0o700}, [(p, oct(mode(p))) for p in folders if mode(p) != 0o700]
    assert {mode(p) for p in files} == {0o600}, [(p, oct(mode(p))) for p in files if mode(p) != 0o600]
    assert {mode(root / name) for name in ("cagettes.db", "cagettes.toml", "catalogue.xlsx")} == {0o600}
