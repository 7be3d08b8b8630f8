"""A fault nobody foresaw is said in one French sentence and filed, never shown as a traceback."""
from __future__ import annotations

import stat

from cagettes.cli import INCIDENT_EXIT, commands, main


def explode(*args, **kwargs):
    raise KeyError("Aïcha Benali, 3 × pois chiches")  # a bug, quoting a member's order


def test_an_unforeseen_fault_is_filed_in_the_workspace_not_shown(tmp_path, capsys, monkeypatch):
    assert main(["init", str(tmp_path / "ws")]) == 0
    monkeypatch.setattr(commands, "load_catalog", explode)
    capsys.readouterr()
    assert main(["-w", str(tmp_path / "ws"), "check"]) == INCIDENT_EXIT
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err and "Aïcha" not in said.out + said.err
    assert "Erreur inattendue de cagettes (KeyError)" in said.err
    [filed] = (tmp_path / "ws" / "incidents").iterdir()
    assert str(filed) in said.err
    assert "Traceback" in filed.read_text() and "Aïcha Benali" in filed.read_text()
    assert stat.S_IMODE(filed.stat().st_mode) == 0o600
    assert stat.S_IMODE(filed.parent.stat().st_mode) == 0o700


def test_without_a_workspace_the_fault_goes_to_a_private_temporary_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no cagettes.toml here nor above, wherever the tests are run from
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(commands, "init_workspace", explode)
    assert main(["--lang", "en", "init", str(tmp_path / "elsewhere")]) == INCIDENT_EXIT
    said = capsys.readouterr().err
    assert "Traceback" not in said and "Unexpected" in said
    [folder] = (tmp_path / "tmp").iterdir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and len(list(folder.iterdir())) == 1
