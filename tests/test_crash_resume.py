"""Kill `cagettes scan` with SIGKILL mid-batch, run it again: same result as one clean run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from cagettes import db, months
from cagettes import workspace as ws
from cagettes.cli import main
from scan import corpus, pipeline
from scan.orders import order_rows


def scanned(root) -> int:
    engine = db.connect(f"sqlite:///{root / 'cagettes.db'}")
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(db.scanned_pages)).scalar()


def test_sigkill_mid_batch_then_rerun_counts_every_page_once(tmp_path):
    root = tmp_path / "asso"
    assert main(["init", str(root)]) == 0
    assert main(["-w", str(root), "month", "open", "2026-12"]) == 0
    assert main(["-w", str(root), "print", "forms", "--jobs", "1"]) == 0
    paths = corpus.generate(root / "output" / "2026-12" / "private" / "manifest.json", tmp_path / "c", pages=16, dpi=200)
    command = [sys.executable, "-m", "cagettes", "-w", str(root), "scan", "--jobs", "1", *map(str, paths)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while scanned(root) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    interrupted_at = scanned(root)
    assert 0 < interrupted_at < 16, interrupted_at
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert scanned(root) == 16
    workspace = ws.open_workspace(root)
    data = months.load_month(workspace.engine(), workspace.config, "2026-12")
    resumed = sorted(map(str, order_rows(workspace.engine(), data)))
    clean = tmp_path / "clean"
    clean.mkdir()
    engine = db.connect(f"sqlite:///{clean / 'cagettes.db'}")
    job = pipeline.Job(data.month, str(root / "output" / "2026-12" / "private" / "manifest.json"),
                       data.secret, str(clean / "pictures"))
    pipeline.scan(engine, job, paths, jobs=1)  # the same batch, never interrupted
    assert resumed == sorted(map(str, order_rows(engine, data)))
