"""Volunteers' decisions (scan/review.py) on real scans, without the web page: the order follows
each decision at once, and every decision can be undone."""
from __future__ import annotations

import cv2
import pytest

from cagettes.review import decisions as rv
from cagettes.scan.decide import DOUBTFUL
from cagettes.scan.orders import order_rows
from cagettes.scan.pipeline import registered_path
from tests.review_scans import TICKED_QUANTITY, review_month

WHO = "Samia"


@pytest.fixture
def month(printed, tmp_path):
    return review_month(printed, tmp_path)


def rows_of(month, form: int) -> dict[str, dict]:
    return {r["ref"]: r for r in order_rows(month.engine, month.data) if r["formulaire"] == form}


def refs(month) -> list[str]:
    return [p["ref"] for p in month.review.manifest["products"]]


def test_the_scans_give_pages_to_review(month):
    member, rescan, walkin = month.page("member"), month.page("rescan"), month.page("walkin")
    assert member["outcome"] == "needs_review", member["review_reasons"]
    assert (rescan["outcome"], rescan["conflict_of"]) == ("needs_review", member["id"])
    assert walkin["outcome"] == "accepted"
    pictures = month.workspace.month_dir(month.data.month) / "private" / "scans"
    kept = registered_path(pictures, member["sha256"])  # for the crops: pages to review only
    assert kept.is_file() and cv2.imread(str(kept), cv2.IMREAD_GRAYSCALE).shape == (2376, 1680)  # 8 px/mm A4
    assert not registered_path(pictures, walkin["sha256"]).exists()


def test_queue_holds_the_doubtful_boxes_lowest_confidence_first(month):
    items = rv.queue(month.review)
    assert items, "the dots made no doubtful box: see DOT_RADII_MM in tests/review_scans.py"
    assert {i.page for i in items} == {month.pages["member"]}  # the conflicting scan waits for its choice
    assert [i.confidence for i in items] == sorted(i.confidence for i in items)
    assert all(i.box["kind"] == "quantity" and i.box["id"] != TICKED_QUANTITY for i in items)
    assert all(i.state == DOUBTFUL for i in items)


def test_deciding_every_doubtful_box_accepts_the_page_and_changes_the_order(month):
    readings = month.readings("member")
    first, *others = rv.queue(month.review)
    rv.decide_box(month.review, first.page, first.box["id"], "marked", WHO)
    assert month.page("member")["outcome"] == ("needs_review" if others else "accepted")
    for item in others:
        rv.decide_box(month.review, item.page, item.box["id"], "empty", WHO)
    page = month.page("member")
    assert (page["outcome"], page["reason"], page["review_reasons"]) == ("accepted", "", [])
    rows = rows_of(month, page["form"])
    assert (rows[first.box["product"]]["quantite"], rows[first.box["product"]]["statut"]) == \
        (str(first.box["value"]), "confirmé")
    assert (rows[refs(month)[0]]["quantite"], rows[refs(month)[0]]["statut"]) == ("2", "confirmé")
    assert all(item.box["product"] not in rows for item in others)
    assert month.readings("member") == readings  # what the scanner read is kept
    assert rv.queue(month.review) == []


def test_undo_puts_lines_outcome_and_order_back(month):
    lines, page, rows = month.lines("member"), month.page("member"), rows_of(month, month.page("member")["form"])
    items = rv.queue(month.review)
    decisions = [rv.decide_box(month.review, i.page, i.box["id"], "cancelled", WHO) for i in items]
    assert month.lines("member") != lines
    for decision in reversed(decisions):
        rv.undo(month.review, decision, "Karim")
    assert month.lines("member") == lines
    assert month.page("member") == page
    assert rows_of(month, page["form"]) == rows
    with pytest.raises(rv.ReviewError, match="déjà défaite"):
        rv.undo(month.review, decisions[0], "Karim")


def test_undone_box_decisions_can_be_undone_in_any_order(month):
    items = rv.queue(month.review)
    first = rv.decide_box(month.review, items[0].page, items[0].box["id"], "marked", WHO)
    rv.decide_box(month.review, items[0].page, items[0].box["id"], "empty", WHO)  # changed her mind
    rv.undo(month.review, first, WHO)
    assert items[0].box["id"] not in {i.box["id"] for i in rv.queue(month.review)}
    lines = {l["product"]: l for l in month.lines("member") if l["kind"] == "quantity"}
    assert items[0].box["product"] not in lines  # the later "empty" stands: no order line


def test_accepting_keeps_what_is_still_in_doubt_doubtful_in_the_order(month):
    items = rv.queue(month.review)
    rv.accept(month.review, month.pages["member"], WHO)
    page = month.page("member")
    assert page["outcome"] == "accepted" and page["review_reasons"]
    rows = rows_of(month, page["form"])
    assert {rows[i.box["product"]]["statut"] for i in items} == {"douteux"}
    assert rv.queue(month.review) == []


def test_a_rejected_page_leaves_the_order_and_undo_brings_it_back(month):
    form = month.page("member")["form"]
    rows = rows_of(month, form)
    with pytest.raises(rv.ReviewError, match="Écrivez pourquoi"):
        rv.reject(month.review, month.pages["member"], "   ", WHO)
    decision = rv.reject(month.review, month.pages["member"], "  Bon   d'une autre association ", WHO)
    page = month.page("member")
    assert (page["outcome"], page["reason"]) == ("rejected", "Bon d'une autre association")
    assert rows_of(month, form) == {}
    with pytest.raises(rv.ReviewError, match="refusée"):
        rv.decide_box(month.review, page["id"], TICKED_QUANTITY, "marked", WHO)
    rv.undo(month.review, decision, WHO)
    assert month.page("member")["outcome"] == "needs_review" and rows_of(month, form) == rows


def test_keeping_the_second_scan_sets_the_first_aside_until_undone(month):
    member, rescan = month.pages["member"], month.pages["rescan"]
    form = month.page("member")["form"]
    before = (month.page("member"), month.page("rescan"))
    decision = rv.keep_scan(month.review, rescan, WHO)
    assert (month.page("member")["outcome"], month.page("member")["reason"]) == ("rejected", rv.NOT_KEPT)
    assert month.page("rescan")["conflict_of"] is None
    assert {i.page for i in rv.queue(month.review)} == {rescan}  # its own doubts now count
    assert rows_of(month, form)[refs(month)[0]]["quantite"] == "2"  # the order comes from the rescan, once
    later = rv.reject(month.review, rescan, "Illisible", WHO)
    with pytest.raises(rv.ReviewError, match=f"n° {later}"):
        rv.undo(month.review, decision, WHO)
    rv.undo(month.review, later, WHO)
    rv.undo(month.review, decision, WHO)
    assert (month.page("member"), month.page("rescan")) == before
    assert {i.page for i in rv.queue(month.review)} == {member}


def test_keeping_the_first_scan_rejects_the_second(month):
    rv.keep_scan(month.review, month.pages["member"], WHO)
    assert (month.page("rescan")["outcome"], month.page("rescan")["reason"]) == ("rejected", rv.NOT_KEPT)
    assert month.page("member")["outcome"] == "needs_review"  # its doubts are still there
    with pytest.raises(rv.ReviewError, match="rien à choisir"):
        rv.keep_scan(month.review, month.pages["member"], WHO)


def test_a_walkin_form_given_to_a_member_orders_for_that_member(month):
    walkin = month.page("walkin")
    member = next(f.member for f in month.data.forms if f.member)
    assert rows_of(month, walkin["form"])[refs(month)[0]]["membre"] == ""
    with pytest.raises(rv.ReviewError, match="Aucun membre n° « 9999 »"):
        rv.assign(month.review, walkin["id"], "9999", WHO)
    with pytest.raises(rv.ReviewError, match="nominatif"):
        rv.assign(month.review, month.pages["member"], member.number, WHO)
    decision = rv.assign(month.review, walkin["id"], f" {member.number} ", WHO)
    row = rows_of(month, walkin["form"])[refs(month)[0]]
    assert (row["membre"], row["nom"], row["quantite"]) == (member.number, member.display_name, "1")
    rv.undo(month.review, decision, WHO)
    assert rows_of(month, walkin["form"])[refs(month)[0]]["membre"] == ""


def test_every_decision_says_who_and_when_and_what_can_be_undone(month):
    item = rv.queue(month.review)[0]
    with pytest.raises(rv.ReviewError, match="prénom"):
        rv.decide_box(month.review, item.page, item.box["id"], "marked", "  ")
    with pytest.raises(rv.ReviewError, match="État de case inconnu"):
        rv.decide_box(month.review, item.page, item.box["id"], "maybe", WHO)
    with pytest.raises(rv.ReviewError, match="n'est pas sur la page"):
        rv.decide_box(month.review, item.page, "q-99-1", "marked", WHO)
    box = rv.decide_box(month.review, item.page, item.box["id"], "marked", WHO)
    keep = rv.keep_scan(month.review, month.pages["member"], "Karim")
    reject = rv.reject(month.review, month.pages["member"], "Tache", "Karim")
    rv.undo(month.review, box, "Lou")
    history = {h["id"]: h for h in rv.history(month.review)}
    assert (history[box]["reviewer"], history[box]["undone_by"]) == (WHO, "Lou")
    assert history[box]["decided_at"] is not None and history[box]["undone_at"] is not None
    assert (history[keep]["undoable"], history[reject]["undoable"]) == (False, True)


@pytest.mark.parametrize("doubts, conflict, accepted, outcome", [
    ([], False, False, "accepted"),
    (["quantity:X:box_doubtful"], False, False, "needs_review"),
    (["quantity:X:box_doubtful"], False, True, "accepted"),
    ([], True, True, "needs_review"),
])
def test_page_outcome(doubts, conflict, accepted, outcome):
    assert rv.page_outcome(doubts, conflict, accepted)[0] == outcome


def test_messages_are_complete_and_boxes_are_said_in_words():
    from cagettes.core.i18n import check_complete
    from cagettes.web import texts

    assert check_complete(rv.MESSAGES) == [] and check_complete(texts.MESSAGES) == []
    products = {"OEUF6": {"name": "Œufs", "unit": "la boîte de 6", "price": "2.40"}}
    said = [texts.box_meaning(box, products) for box in (
        {"kind": "quantity", "product": "OEUF6", "value": 2}, {"kind": "tolerance", "product": "OEUF6"},
        {"kind": "payment", "value": "cheque_alimentaire"}, {"kind": "amount_digit", "column": 1, "value": 7},
        {"kind": "member_digit", "column": 0, "value": 4}, {"kind": "feedback", "product": "OEUF6", "value": "like"})]
    assert said == ["Œufs (la boîte de 6) : quantité 2 = 4,80\u202f€", "Œufs : +1 si le carton n'est pas complet",
                    "Paiement : Chèque alimentaire", "Montant payé, colonne « ×1 » : chiffre 7",
                    "Numéro de membre, chiffre n° 1 : 4", "Œufs : j'ai aimé"]
    assert texts.box_meaning({"kind": "quantity", "product": "OEUF6", "value": 2}, products, "en") == \
        "Œufs (la boîte de 6): quantity 2 = €4.80"
    assert [texts.doubt_in_words(code, {"OEUF6": "Œufs"}) for code in ("quantity:OEUF6:several_marked", "amount::digit_missing",
                                                              "conflict")] == \
        ["Œufs : plusieurs quantités cochées pour ce produit", "Montant payé : il manque un chiffre",
         "page scannée deux fois"]


def test_undoing_a_rejection_that_would_count_a_page_twice_is_refused_in_words(month):
    """Found by bench/break_test.py: a scan rejected, the other scan of the page kept then
    rejected, both rejections undone: the second undo brought back a page the first scan counted
    for again (a database error, a 500 on the review page)."""
    member, rescan = month.pages["member"], month.pages["rescan"]
    first = rv.reject(month.review, member, "Illisible", WHO)
    rv.keep_scan(month.review, rescan, WHO)
    second = rv.reject(month.review, rescan, "Illisible", WHO)
    rv.undo(month.review, first, WHO)
    with pytest.raises(rv.ReviewError, match="déjà comptée par un autre scan"):
        rv.undo(month.review, second, WHO)
    assert month.page("rescan")["outcome"] == "rejected" and month.page("member")["outcome"] != "rejected"
