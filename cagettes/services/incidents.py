"""The command line's last resort: a fault nobody foresaw is written to a file, never shown.

A Python traceback means nothing to a volunteer and may show a member's name on a shared
screen. The details go to ``<workspace>/incidents/`` (owner-only, like every file holding
personal data: a traceback can quote a name or an order), or to a private folder of the
system's temporary folder when no workspace can be found, and the command says where.
"""
from __future__ import annotations

import os
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from cagettes.core.private import private_dir, private_file
from cagettes.storage.workspace import find_root

INCIDENTS_DIR = "incidents"


def record_incident(error: BaseException, start: Path | None) -> Path:
    """Write ``error``'s traceback to a new owner-only file and return its path."""
    folder = incident_folder(start)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    path = folder / f"incident-{stamp}-{os.getpid()}.txt"
    path.write_text("".join(traceback.format_exception(error)), encoding="utf-8", errors="backslashreplace")
    return private_file(path)


def incident_folder(start: Path | None) -> Path:
    """The workspace's ``incidents/`` folder, else one in the temporary folder (the fault may
    be that the workspace cannot be found or written)."""
    try:
        return private_dir(find_root(start) / INCIDENTS_DIR)
    except Exception:  # any reason to fall back: a missing, unreadable or full workspace
        return private_dir(Path(tempfile.gettempdir()) / f"cagettes-incidents-{os.getuid()}")
