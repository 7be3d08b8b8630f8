"""The wheel installs one import name, cagettes, with the folders mapped into it and the files
the package reads at run time (templates, the sample association, the migrations' template)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_holds_only_cagettes(tmp_path):
    shutil.rmtree(REPO / "build", ignore_errors=True)  # setuptools would add last build's stale files
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("cagettes-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shutil.rmtree(REPO / "build", ignore_errors=True)
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"cagettes"}
    for needed in ("cagettes/catalog/reader.py", "cagettes/forms/templates/form.html", "cagettes/scan/pipeline.py",
                   "cagettes/forms/templates/docs/receipts.html", "cagettes/sample/cagettes.toml",
                   "cagettes/storage/migrations/script.py.mako", "cagettes/web/static/review.js",
                   "cagettes/storage/migrations/versions/0001_baseline.py",
                   "cagettes/locale/fr/LC_MESSAGES/cagettes.po", "cagettes/locale/en/LC_MESSAGES/cagettes.po"):
        assert needed in names, needed
    assert not [n for n in names if n.endswith("faults.py")]  # test support stays in tests/
