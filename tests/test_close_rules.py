"""The rules of closing: refuse while pages wait for review, force on purpose, keep late pages
apart, reopen only with a recorded reason."""
from __future__ import annotations

import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cagettes import closing as distribution
from cagettes.cli import main
from cagettes.closing import carry
from cagettes.closing.accounts import parse_amount, typed_payments
from cagettes.closing.state import closing_history
from cagettes.core.errors import MonthError
from cagettes.scan import pipeline
from cagettes.simulate import corpus
from tests.backends import BOTH_BACKENDS

MONTH = "2026-12"


def scan_pages(workspace, data, manifest_path, page_ids, out, policy):
    paths = corpus.generate(manifest_path, out, dpi=200, seed=4, policy=policy,
                            degradation=corpus.Degradation.off(), page_ids=page_ids)
    from cagettes.services.scanning import scan_job

    return pipeline.scan(workspace.engine(), scan_job(workspace, data), paths, jobs=1)


@pytest.fixture
def month(station):
    """The printed month on a fresh database (tests/conftest.py `station`), SQLite or PostgreSQL."""
    data = carry.load_month(station.engine(), station.config, MONTH)
    manifest_path = station.month_dir(MONTH) / "private" / "manifest.json"
    pages = json.loads(manifest_path.read_text(encoding="utf-8"))["pages"]
    return station, data, manifest_path, {n: [p["id"] for p in pages if p["form"] == n] for n in (1, 2, 3)}


@BOTH_BACKENDS
def test_closing_refuses_pending_pages_then_forced_close_keeps_late_pages_apart(month, tmp_path):
    workspace, data, manifest_path, forms = month
    engine = workspace.engine()
    scan_pages(workspace, data, manifest_path, forms[1], tmp_path / "a", corpus.FillPolicy.careful())
    doubtful = corpus.FillPolicy(scenarios={"two_marked": 1.0})
    scan_pages(workspace, data, manifest_path, forms[2][:1], tmp_path / "b", doubtful)
    pending = distribution.pending_review(engine, MONTH)
    assert pending and forms[2][0] in pending[0]

    with pytest.raises(MonthError, match="vérification") as refused:
        distribution.close_month(engine, data, "Samia")
    assert forms[2][0] in str(refused.value)
    assert distribution.current_closing(engine, MONTH) is None

    assert main(["-w", str(workspace.root), "month", "close", MONTH, "--force", "--par", "Samia"]) == 0
    closing = distribution.current_closing(engine, MONTH)
    assert closing.forced and closing.closed_by == "Samia" and {f.form for f in closing.forms} == {1, 2}
    with pytest.raises(MonthError, match="déjà clos"):
        distribution.close_month(engine, data, "Samia", force=True)

    scan_pages(workspace, data, manifest_path, forms[3], tmp_path / "c", corpus.FillPolicy.careful())
    late = distribution.late_pages(engine, closing)
    assert {p["form"] for p in late} == {3}
    accounts = distribution.month_accounts(engine, data)
    assert 3 not in accounts.returned_forms  # kept, reported, never silently added


@BOTH_BACKENDS
def test_reopening_is_explicit_and_recorded(month, tmp_path):
    workspace, data, manifest_path, forms = month
    engine = workspace.engine()
    scan_pages(workspace, data, manifest_path, forms[1], tmp_path / "a", corpus.FillPolicy.careful())
    distribution.close_month(engine, data, "Samia")
    scan_pages(workspace, data, manifest_path, forms[3], tmp_path / "c", corpus.FillPolicy.careful())

    with pytest.raises(MonthError, match="pourquoi"):
        distribution.reopen_month(engine, MONTH, "Samia", "  ")
    assert main(["-w", str(workspace.root), "month", "reopen", MONTH, "--raison", "bon de Mme X arrivé en retard",
                 "--par", "Karim"]) == 0
    history = closing_history(engine, MONTH)
    assert history[0]["reopened_by"] == "Karim" and "retard" in history[0]["reopen_reason"]
    assert carry.load_month(engine, workspace.config, MONTH) and distribution.current_closing(engine, MONTH) is None
    with pytest.raises(MonthError, match="pas clos"):
        distribution.reopen_month(engine, MONTH, "Karim", "encore")

    distribution.close_month(engine, data, "Karim")
    assert {f.form for f in distribution.current_closing(engine, MONTH).forms} == {1, 3}
    assert len(closing_history(engine, MONTH)) == 2


@BOTH_BACKENDS
def test_typed_payments_keep_their_cents_and_replace_the_scanned_one(month):
    workspace, data, _, _ = month
    engine = workspace.engine()
    distribution.record_payment(engine, data, 1, distribution.Payment("especes", Decimal("0.10")), "Samia")
    distribution.record_payment(engine, data, 1, distribution.Payment("cheque", Decimal("12.35")), "Samia")
    distribution.record_payment(engine, data, 1, distribution.Payment("especes", Decimal("0.20")), "Karim", add=True)
    assert typed_payments(engine, MONTH) == {1: (distribution.Payment("cheque", Decimal("12.35"), "", "saisie"),
                                                 distribution.Payment("especes", Decimal("0.20"), "", "saisie"))}


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "12,505", "douze"])
def test_an_amount_that_is_not_euros_and_cents_is_refused_in_french(typed):
    with pytest.raises(MonthError, match=f"Montant illisible : « {typed} »"):
        parse_amount(typed)
    assert parse_amount("12,50 €") == parse_amount("12.5") == Decimal("12.50")


def test_status_says_when_the_month_was_closed_in_local_time(month, capsys, monkeypatch):
    """Stored in UTC; a coordinator in Lille reads the clock of the wall."""
    import time

    workspace, data, _, _ = month
    closing = distribution.close_month(workspace.engine(), data, "Samia")
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        capsys.readouterr()
        assert main(["-w", str(workspace.root), "status", "--mois", MONTH]) == 0
        said = capsys.readouterr().out
    finally:
        monkeypatch.undo()
        time.tzset()
    paris = closing.closed_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M")
    assert f"Mois clos le {paris} par Samia." in said
