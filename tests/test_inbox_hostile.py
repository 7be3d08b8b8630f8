"""A hostile inbox (issue 15): odd file names, links, a folder that cannot be written, a FIFO,
odd images, a scan killed hard. Each batch runs to its end, says its summary, and every page
ends accepted, set aside or rejected with its sentence.

All through the real ``cagettes scan`` (in this process, or as a subprocess when it could hang
or is killed), on real files made here.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image

from cagettes.cli import main
from cagettes.scan import inputs
from cagettes.storage import db
from tests.backends import BOTH_BACKENDS
from tests.support import faults

MONTH = "2026-12"
SUBPROCESS_TIMEOUT_S = 120  # a hang is a failure, not a stuck suite
WORKERS_GONE_S = 5  # after the parent's kill -9, its workers must be gone this soon


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def scan_inbox(station) -> str:
    code, out = run_cli("-w", str(station.root), "scan")
    assert code == 0, out
    assert "Traceback" not in out and "Erreur inattendue" not in out, out
    out.encode("utf-8")  # what a terminal can show: no lone surrogate of an undecodable name
    return out


def rows_of(station) -> list[dict]:
    with station.engine().connect() as conn:
        query = sa.select(db.scanned_pages).order_by(db.scanned_pages.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def today_archive(station) -> Path:
    return station.inbox / "archive" / dt.date.today().isoformat()


@pytest.fixture(scope="module")
def pages(printed):
    """Three good pages of the printed month, as images."""
    manifest = printed[0].month_dir(MONTH) / "private" / "manifest.json"
    return [image for _, image in faults.good_pages(manifest, 3)]


# --- 2: names that are not UTF-8 --------------------------------------------------------------


@BOTH_BACKENDS
def test_a_file_name_not_in_utf8_is_read_stored_losslessly_and_said(station, pages):
    inbox = station.inbox
    good = os.fsdecode(b"bon-caf\xe9.jpg")  # Latin-1 from a Windows share
    text = os.fsdecode(b"notes-\xff\\x41.jpg")  # an undecodable byte, and a backslash
    (inbox / good).write_bytes(faults.encode(pages[0], ".jpg"))
    (inbox / text).write_bytes(b"pas une image\n")
    (inbox / "z-bon.jpg").write_bytes(faults.encode(pages[1], ".jpg"))
    out = scan_inbox(station)
    assert "3 pages lues : 2 acceptées, 0 à vérifier, 1 refusées" in out, out
    assert "notes-\ufffd\\x41.jpg » n'est pas une image" in out, out
    rows = rows_of(station)
    assert {inputs.stored_path(row["source"]) for row in rows} == {
        today_archive(station) / name for name in (good, text, "z-bon.jpg")}
    assert all(inputs.stored_path(row["source"]).is_file() for row in rows)
    assert not list(inbox.glob("*.jpg"))
    (inbox / text).write_bytes(b"pas une image\n")  # brought back: known again, by its name
    assert "1 pages lues : 0 acceptées, 0 à vérifier, 0 refusées, 1 déjà traitées" in scan_inbox(station)


# --- 6: links -----------------------------------------------------------------------------------


def test_links_are_read_never_changed_through_and_a_broken_one_is_said(station, pages, tmp_path):
    outside = tmp_path / "ailleurs" / "bon.jpg"
    outside.parent.mkdir()
    outside.write_bytes(faults.encode(pages[0], ".jpg"))
    outside.chmod(0o644)
    inbox = station.inbox
    (inbox / "1-lien-bon.jpg").symlink_to(outside)
    (inbox / "2-lien-casse.jpg").symlink_to(tmp_path / "disparu.jpg")
    (inbox / "3-lien-boucle.jpg").symlink_to(inbox / "3-lien-boucle.jpg")
    out = scan_inbox(station)
    assert "3 pages lues : 1 acceptées, 0 à vérifier, 2 refusées" in out, out
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644 and outside.stat().st_nlink == 1
    reasons = {inputs.stored_path(row["source"]).name: row["reason"] for row in rows_of(station)}
    assert reasons == {"1-lien-bon.jpg": "", "2-lien-casse.jpg": "broken_link", "3-lien-boucle.jpg": "broken_link"}
    for name in ("2-lien-casse.jpg", "3-lien-boucle.jpg"):
        assert f"{name} » est un lien vers un fichier introuvable" in out, out
    assert not list(inbox.glob("*.jpg"))  # the links themselves are archived, nothing is read twice
    assert (today_archive(station) / "1-lien-bon.jpg").is_symlink()


# --- 7 and 15: archiving ------------------------------------------------------------------------


def test_an_archive_failure_is_a_warning_after_the_whole_summary(station, pages):
    inbox = station.inbox
    (inbox / "bon.jpg").write_bytes(faults.encode(pages[0], ".jpg"))
    (inbox / "notes.jpg").write_bytes(b"pas une image\n")
    today_archive(station).parent.mkdir()
    today_archive(station).write_bytes(b"")  # where the archive folder should go: it cannot be made
    out = scan_inbox(station)
    summary = out.index("2 pages lues : 1 acceptées, 0 à vérifier, 1 refusées")
    notice = out.index("notes.jpg » n'est pas une image")
    warning = out.index(f"« {inbox / 'bon.jpg'} » n'a pas pu être rangé")
    assert summary < notice < warning, out
    assert (inbox / "bon.jpg").is_file() and (inbox / "notes.jpg").is_file()
    assert "2 pages lues : 0 acceptées, 0 à vérifier, 0 refusées, 2 déjà traitées" in scan_inbox(station)


def test_notices_name_where_the_files_were_archived(station):
    inbox = station.inbox
    today_archive(station).mkdir(parents=True)
    (today_archive(station) / "notes.jpg").write_bytes(b"un autre, deja range\n")
    (inbox / "notes.jpg").write_bytes(b"pas une image\n")
    out = scan_inbox(station)
    archived = today_archive(station) / "notes-1.jpg"
    assert f"« {archived} » n'est pas une image" in out, out
    assert f"« {inbox / 'notes.jpg'} »" not in out
    code, said = run_cli("-w", str(station.root), "status")
    assert code == 0 and f"« {archived} » n'est pas une image" in said, said


# --- 14: odd images and files -------------------------------------------------------------------


def transparent_paper(page: np.ndarray) -> np.ndarray:
    """The page as a PNG with the paper transparent (black behind it) and the ink opaque."""
    alpha = 255 - page
    return np.dstack([np.zeros_like(page)] * 3 + [alpha])


def test_odd_images_are_refused_in_words_or_read(station, pages, tmp_path):
    folder = tmp_path / "lot"
    folder.mkdir()
    cv2.imwrite(str(folder / "1-point.jpg"), np.full((1, 1), 128, np.uint8))
    cv2.imwrite(str(folder / "2-bande.png"), np.full((70000, 3), 255, np.uint8))
    cv2.imwrite(str(folder / "3-bande.png"), np.full((3, 70000), 0, np.uint8))
    cv2.imwrite(str(folder / "4-transparente.png"), transparent_paper(pages[2]))
    code, out = run_cli("-w", str(station.root), "scan", str(folder))
    assert code == 0, out
    reasons = {Path(row["source"]).name: (row["outcome"], row["reason"]) for row in rows_of(station)}
    assert reasons == {"1-point.jpg": ("rejected", "odd_size"), "2-bande.png": ("rejected", "odd_size"),
                       "3-bande.png": ("rejected", "odd_size"), "4-transparente.png": ("accepted", "")}, out
    assert "1-point.jpg » mesure 1 × 1 pixels : trop petite" in out and "rescannez" in out, out
    assert "cv2" not in out and "error" not in out.lower(), out


def test_transparent_paper_reads_as_white_in_every_file_that_holds_alpha(tmp_path):
    page = np.tile(np.linspace(0, 255, 300, dtype=np.uint8), (200, 1))
    ink = 255 - page  # black ink as opaque as the page is dark: on white, the page again
    black = np.zeros_like(page)
    Image.fromarray(np.dstack([black, ink]), "LA").save(tmp_path / "gris.png")
    Image.fromarray(np.dstack([black, black, black, ink]), "RGBA").save(tmp_path / "couleur.tif")
    cv2.imwrite(str(tmp_path / "16-bits.png"), np.dstack([black] * 3 + [ink]).astype(np.uint16) * 257)
    for path in (tmp_path / "gris.png", tmp_path / "couleur.tif", tmp_path / "16-bits.png"):
        [read] = inputs.iter_pages([path])
        assert np.abs(read.image.astype(int) - page).max() <= 1, path


FIFO_READER = """
import sys
from cagettes.scan.inputs import count_pages, iter_pages
print(count_pages(sys.argv[1]), [item.reason for item in iter_pages(sys.argv[1:])])
"""


def test_a_fifo_in_the_inbox_is_refused_without_waiting(station, tmp_path):
    os.mkfifo(station.inbox / "tube.jpg")
    (station.inbox / "notes.jpg").write_bytes(b"pas une image\n")
    reader = subprocess.run([sys.executable, "-c", FIFO_READER, str(station.inbox / "tube.jpg")],
                            capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S, check=True)
    assert reader.stdout.strip() == "None ['not_a_file']", reader
    result = subprocess.run([sys.executable, "-m", "cagettes", "-w", str(station.root), "scan"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 pages lues : 0 acceptées, 0 à vérifier, 2 refusées" in result.stdout, result.stdout
    assert "tube.jpg » n'est pas un fichier ordinaire" in result.stdout, result.stdout


# --- 13: workers die with their parent ----------------------------------------------------------


def children(pid: int) -> set[int]:
    """Living processes whose parent is ``pid``, from /proc (field 4 of stat; a zombie is dead)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_workers_die_with_a_scan_killed_hard(station, pages, tmp_path):
    folder = tmp_path / "lot"
    folder.mkdir()
    for k in range(12):  # enough work for both workers to be busy when the parent dies
        (folder / f"{k:02d}.jpg").write_bytes(faults.encode(pages[k % 3], ".jpg"))
    scan = subprocess.Popen([sys.executable, "-m", "cagettes", "-w", str(station.root), "scan", "--jobs", "2",
                             str(folder)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        assert wait_for(lambda: len(children(scan.pid)) >= 2, SUBPROCESS_TIMEOUT_S), "no worker started"
        workers = children(scan.pid)
        scan.send_signal(signal.SIGKILL)
        scan.wait(SUBPROCESS_TIMEOUT_S)
        assert wait_for(lambda: not any(map(alive, workers)), WORKERS_GONE_S), [p for p in workers if alive(p)]
    finally:
        for pid in workers:  # ours: a failed test leaves no stray process behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if scan.poll() is None:
            scan.kill()


def test_a_damaged_png_is_refused_without_libpng_writing_on_the_screen(tmp_path, capfd):
    """libpng wrote "PNG input buffer is incomplete" and "IDAT: invalid stored block lengths"
    to the process's standard error, in English, between the lines of the scan's summary."""
    page = np.full((400, 300), 240, np.uint8)
    page[100:300, 50:250] = 20
    whole = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 0])[1].tobytes()
    cut = tmp_path / "coupe.png"
    cut.write_bytes(whole[: len(whole) // 2])
    spoiled = bytearray(whole)
    spoiled[200:260] = bytes(60)  # inside the image data; the end of the file is intact
    broken = tmp_path / "abime.png"
    broken.write_bytes(bytes(spoiled))
    capfd.readouterr()
    outcomes = [(getattr(r, "reason", None), getattr(r, "source", None)) for r in inputs.iter_pages([cut, broken])]
    said = capfd.readouterr()
    assert "libpng" not in said.err + said.out, said.err
    assert outcomes[0][0] == "truncated", outcomes
