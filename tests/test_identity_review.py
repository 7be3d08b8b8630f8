"""A page whose codes cannot be read is not thrown away (issue 11, point 3): it waits on the review
page with its picture, a volunteer types the identifier printed in clear (or picks the page),
and the page is then read like any other. Real components throughout: the printed month, a
real page rendered from its bundle with both QR codes painted white, the real pipeline into a
real SQLite database, the real review server driven by headless Chromium."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from cagettes.cli import main
from cagettes.core.errors import ReviewError
from cagettes.forms.ids import PageId, canonical
from cagettes.review import decisions as rv
from cagettes.scan import notices, pipeline
from cagettes.scan.identify import identify_typed
from cagettes.scan.orders import order_rows
from cagettes.services import review as svc
from cagettes.storage import db
from cagettes.storage import workspace as ws
from cagettes.web.serve import make_server
from tests.review_scans import DPI, TICKED_QUANTITY, copied_month, marked_page
from tests.test_review_web import act, browser, open_page  # noqa: F401  (browser: the module's fixture)

NAME = "Samia"


@dataclass
class Month:
    root: Path
    workspace: ws.Workspace
    data: object
    job: pipeline.Job
    manifest: dict
    page: dict  # the printed page scanned without its codes
    scanned: int  # its row in scanned_pages
    summary: pipeline.BatchSummary
    session: svc.ReviewSession
    ids: dict[str, int]  # every scanned file's row, by file name

    @property
    def engine(self) -> sa.Engine:
        return self.session.review.engine

    def row(self, page: int | None = None) -> dict:
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(db.scanned_pages).where(
                db.scanned_pages.c.id == (page or self.scanned))).mappings().one())

    def readings(self, page: int | None = None) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r.box: r.state for r in conn.execute(sa.select(db.box_readings).where(
                db.box_readings.c.scanned_page == (page or self.scanned)))}

    def order(self) -> dict[str, dict]:
        return {r["ref"]: r for r in order_rows(self.engine, self.data) if r["formulaire"] == self.page["form"]}


def without_codes(image: np.ndarray, layout: dict) -> np.ndarray:
    """Both QR codes painted white (and a little around them): nothing left to decode."""
    image = image.copy()
    for rect in layout["qr"]:
        x, y, w, h = (round(v * DPI / 25.4) for v in rect)
        image[max(0, y - 4):y + h + 4, max(0, x - 4):x + w + 4] = 255
    return image


def shopping_list() -> np.ndarray:
    return cv2.putText(np.full((2339, 1654), 250, np.uint8), "Liste de courses", (200, 900),
                       cv2.FONT_HERSHEY_SIMPLEX, 4, 0, 12)


def scan_month(printed, tmp_path: Path, pictures: dict[str, np.ndarray] | None = None) -> Month:
    """A copy of the printed month; its first page, one quantity ticked, scanned without codes."""
    workspace, data, job, manifest = copied_month(printed, tmp_path)
    page = manifest["pages"][0]
    image = marked_page(workspace.month_dir(data.month), manifest, page, [TICKED_QUANTITY], [])
    pictures = {"nocode": without_codes(image, manifest["layouts"][page["layout"]]), **(pictures or {})}
    paths = []
    for name, picture in pictures.items():
        paths.append(tmp_path / f"{name}.png")
        cv2.imwrite(str(paths[-1]), picture)
    engine = workspace.engine()
    summary = pipeline.scan(engine, job, paths, jobs=1)
    with engine.connect() as conn:
        ids = {Path(r.source).stem: r.id for r in conn.execute(sa.select(db.scanned_pages))}
    session = svc.ReviewSession(rv.Review.open(engine, job.manifest_path), data, Path(job.pictures_dir))
    return Month(workspace.root, workspace, data, job, manifest, page, ids["nocode"], summary, session, ids)


@pytest.fixture
def month(printed, tmp_path) -> Month:
    return scan_month(printed, tmp_path)


@pytest.fixture
def url(month):
    server, address = make_server(month.session.review, month.data, month.session.pictures_dir, "fr", "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield address
    server.close()


# ---------------------------------------------------------------- the scanner keeps the page

def test_a_page_whose_codes_are_unreadable_is_kept_for_a_volunteer_not_rejected(month):
    """On the old code this page was rejected as ``unreadable_code``."""
    row = month.row()
    assert (row["outcome"], row["reason"], row["review_reasons"]) == ("needs_review", "needs_identity", ["needs_identity"])
    assert row["page_id"] is None and row["form"] is None and not month.readings()
    assert row["kept_image"] and cv2.imread(row["kept_image"], cv2.IMREAD_GRAYSCALE) is not None
    assert month.summary.counts["needs_review"] == 1 and month.summary.unidentified == 1
    said = notices.batch_notices(month.engine, month.data.month, 0)
    assert said["rejected"] == [] and "page de vérification" in said["needs_review"][0]
    assert [r["id"] for r in svc.awaiting_identity(month.session.review)] == [month.scanned]


def test_blank_pages_and_codes_of_another_month_are_still_rejected(printed, tmp_path):
    month = scan_month(printed, tmp_path, {"blank": np.full((2339, 1654), 250, np.uint8)})
    assert (month.row(month.ids["blank"])["outcome"], month.row(month.ids["blank"])["reason"]) == ("rejected", "blank_page")


def test_the_cli_says_how_many_pages_await_their_identity(printed, tmp_path, capsys):
    month = scan_month(printed, tmp_path)
    extra = tmp_path / "again.png"
    cv2.imwrite(str(extra), shopping_list())
    capsys.readouterr()
    assert main(["-w", str(month.root), "scan", str(extra)]) == 0
    out = capsys.readouterr().out
    assert "1 page(s) sans code lisible : à identifier sur la page de vérification" in out
    assert main(["-w", str(month.root), "status"]) == 0
    assert "2 page(s) sans code lisible : à identifier sur la page de vérification" in capsys.readouterr().out


# ---------------------------------------------------------------- the identifier typed

def test_the_typed_identifier_is_checked_as_a_code_is(month):
    text, secret = month.page["id"], month.data.secret
    sloppy = " ".join(text.replace("-", "").lower()[i:i + 4] for i in range(0, len(text), 4))
    assert canonical(sloppy) == text and identify_typed(sloppy, secret, month.data.month).text == text
    assert identify_typed(text[:-1] + ("A" if text[-1] != "A" else "B"), secret, month.data.month).reason == "bad_signature"
    assert identify_typed(PageId("2026-11", 1, 1).encode(secret), secret, month.data.month).reason == "other_month"
    assert identify_typed("bonjour", secret, month.data.month).reason == "not_ours"


def test_a_named_page_is_read_like_any_other_and_the_naming_can_be_undone(month):
    typed = month.page["id"].replace("-", " ").lower()
    decision = svc.identify_page(month.session, month.scanned, typed, NAME)
    row = month.row()
    assert (row["page_id"], row["form"], row["page"]) == (month.page["id"], month.page["form"], month.page["page"])
    assert row["outcome"] in ("accepted", "needs_review") and row["reason"] != "needs_identity"
    assert row["fit_error_mm"] is not None and row["fit_error_mm"] < 1.0 and row["overlay"]
    readings = month.readings()
    assert readings[TICKED_QUANTITY] == "marked"
    ref = month.manifest["products"][0]["ref"]
    assert month.order()[ref]["quantite"] == "2" and month.order()[ref]["statut"] == "confirmé"
    assert svc.page_view(month.session.review, month.scanned) is not None
    with pytest.raises(ReviewError, match="n'attend pas d'identifiant"):
        svc.identify_page(month.session, month.scanned, typed, NAME)
    svc.undo(month.session.review, decision, NAME)
    row = month.row()
    assert (row["outcome"], row["reason"], row["page_id"]) == ("needs_review", "needs_identity", None)
    assert not month.readings() and not month.order() and row["kept_image"]


def test_a_wrong_identifier_is_refused_in_french_and_the_page_still_waits(month):
    forged = month.page["id"][:-3] + ("AAA" if not month.page["id"].endswith("AAA") else "BBB")
    with pytest.raises(ReviewError, match="mal recopié"):
        svc.identify_page(month.session, month.scanned, forged, NAME)
    with pytest.raises(ReviewError, match="n'est pas un identifiant de bon"):
        svc.identify_page(month.session, month.scanned, "bon 12", NAME)
    assert month.row()["reason"] == "needs_identity" and not month.readings()


def test_a_sheet_that_is_no_form_stays_rejected_when_named(printed, tmp_path):
    """Named as a page it is not, a shopping list has no corner marks: registration_failed."""
    month = scan_month(printed, tmp_path, {"list": shopping_list()})
    page = month.ids["list"]
    assert month.row(page)["reason"] == "needs_identity"
    svc.identify_page(month.session, page, month.manifest["pages"][1]["id"], NAME)
    row = month.row(page)
    assert (row["outcome"], row["reason"]) == ("rejected", "registration_failed")
    assert "carrés noirs des coins" in notices.page_notice(row)


def test_a_page_awaiting_its_identity_can_be_rejected_and_the_rejection_undone(month):
    review = month.session.review
    decision = svc.reject(review, month.scanned, "Pas un bon", NAME)
    assert month.row()["outcome"] == "rejected" and not svc.awaiting_identity(review)
    svc.undo(review, decision, NAME)
    assert month.row()["reason"] == "needs_identity" and month.row()["outcome"] == "needs_review"


# ---------------------------------------------------------------- on the review page

def test_the_volunteer_types_the_identifier_on_the_review_page(month, url, browser):  # noqa: F811
    page = open_page(browser, url, NAME)
    assert "Pages sans code lisible (1)" in page.content()
    act(page, lambda: page.click("text=nocode.png"))
    assert "Page sans code lisible" in page.content()
    width = page.locator("img.page").first.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=width)
    page.fill("#identifier", "EC1-202612-XXXX-00001-1-AAAAAAAAAA")
    act(page, lambda: page.click("form.identify >> nth=0 >> button"))
    assert "autre association" in page.content()
    assert month.row()["reason"] == "needs_identity"
    page.fill("#identifier", " ".join(month.page["id"].lower().split("-")))
    act(page, lambda: page.click("form.identify >> nth=0 >> button"))
    assert "Enregistré." in page.content() and f"Bon n° {month.page['form']}" in page.content()
    row = month.row()
    assert row["page_id"] == month.page["id"] and row["outcome"] in ("accepted", "needs_review")
    assert month.readings()[TICKED_QUANTITY] == "marked"
    assert month.order()[month.manifest["products"][0]["ref"]]["quantite"] == "2"


def test_a_mistyped_identifier_gets_a_french_sentence_saying_what_to_do(month, url, browser):  # noqa: F811
    page = open_page(browser, url, NAME)
    page.goto(url.split("?")[0] + f"page/{month.scanned}")
    page.fill("#identifier", month.page["id"][:-1] + ("Q" if month.page["id"][-1] != "Q" else "R"))
    act(page, lambda: page.click("form.identify >> nth=0 >> button"))
    assert "un caractère est sans doute mal recopié" in page.content()
    assert month.row()["reason"] == "needs_identity" and not month.readings()


def test_the_volunteer_picks_the_page_from_the_list_of_pages_not_back(month, url, browser):  # noqa: F811
    page = open_page(browser, url, NAME)
    page.goto(url.split("?")[0] + f"page/{month.scanned}")
    options = page.locator("#printed option").all_inner_texts()
    assert len(options) == len(month.manifest["pages"]) + 1  # nothing back yet, and the empty choice
    page.select_option("#printed", month.page["id"])
    act(page, lambda: page.click("form.identify >> nth=1 >> button"))
    assert month.row()["page_id"] == month.page["id"] and month.readings()[TICKED_QUANTITY] == "marked"
