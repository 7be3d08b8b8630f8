"""Kill `cagettes scan` with SIGKILL mid-batch, run it again: same result as one clean run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from cagettes import storage
from cagettes.closing import carry
from cagettes.scan import pipeline
from cagettes.scan.orders import order_rows
from cagettes.simulate import corpus
from cagettes.storage import db
from tests.backends import BOTH_BACKENDS


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(db.scanned_pages)).scalar()


@BOTH_BACKENDS
def test_sigkill_mid_batch_then_rerun_counts_every_page_once(station, tmp_path):
    root, engine = station.root, station.engine()
    paths = corpus.generate(root / "output" / "2026-12" / "private" / "manifest.json", tmp_path / "c", pages=16, dpi=200)
    command = [sys.executable, "-m", "cagettes", "-w", str(root), "scan", "--jobs", "1", *map(str, paths)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while count(engine) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    interrupted_at = count(engine)
    assert 0 < interrupted_at < 16, interrupted_at
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert count(engine) == 16
    data = carry.load_month(engine, station.config, "2026-12")
    resumed = sorted(map(str, order_rows(engine, data)))
    clean = tmp_path / "clean"
    clean.mkdir()
    clean_engine = storage.connect(f"sqlite:///{clean / 'cagettes.db'}")
    job = pipeline.Job(data.month, str(root / "output" / "2026-12" / "private" / "manifest.json"),
                       data.secret, str(clean / "pictures"))
    pipeline.scan(clean_engine, job, paths, jobs=1)  # the same batch, never interrupted
    assert resumed == sorted(map(str, order_rows(clean_engine, data)))
