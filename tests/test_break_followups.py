"""What bench/break_test.py still broke after the issue-15 fixes: each case said in words, in a
few seconds, never a traceback or a command that waits forever."""
from __future__ import annotations

import os
import subprocess
import sys

from cagettes.catalog import load_catalog
from cagettes.services.workspace import init_workspace
from cagettes.storage import months
from tests.test_outputs_hostile import MONTH, run, set_output

WAIT_S = 60  # a command that has not answered by then is waiting forever


def test_a_pipe_in_place_of_a_catalog_sheet_is_said_not_waited_on(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for sheet in ("sites", "fournisseurs", "membres"):
        (folder / f"{sheet}.csv").write_text("code\n", encoding="utf-8")
    os.mkfifo(folder / "produits.csv")
    config = root / "cagettes.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"catalogue.xlsx"', f'"{folder}"'), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cagettes", "-w", str(root), "check"], capture_output=True,
                          text=True, timeout=WAIT_S)
    assert done.returncode == 1 and "produits.csv" in done.stdout + done.stderr, done
    assert "pas un fichier ordinaire" in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_a_config_nested_thousands_deep_is_said(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    config = root / "cagettes.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\nprofond = " + "[" * 5000 + "]" * 5000 + "\n",
                      encoding="utf-8")
    code, said = run("-w", str(root), "check")
    assert code == 1 and "imbrique trop" in said, said


def test_an_output_folder_the_system_will_not_write_in_is_said_at_print(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path), MONTH)
    set_output(root, "/proc")  # exists, so the config accepts it; nothing can be made inside
    code, said = run("-w", str(root), "print", "posters", MONTH)
    assert code == 1 and "/proc/" in said and "sortie.dossier" in said, said
