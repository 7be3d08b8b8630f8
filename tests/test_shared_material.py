"""The real-scan tests without ../shared/: a failure in CI, "not run" (with why) elsewhere."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_real_scan_tests(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CAGETTES_SHARED": str(tmp_path / "absent"), "CI": ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "-p", "no:xdist", str(REPO / "tests" / "test_real_scans.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci", ["true", ""])
def test_missing_real_scans(tmp_path, ci):
    result = run_real_scan_tests(tmp_path, ci)
    if ci:
        assert result.returncode == 1, result.stdout
        assert "CI must run the real-scan tests" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "NOT RUN: real scans absent" in result.stdout and "../shared/README.md" in result.stdout
