"""The review page end to end: the real server on a free port, real headless Chromium driven by
Playwright, real scans read by the real pipeline; the order is checked in the database."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, sync_playwright

from cagettes.review import decisions as rv
from cagettes.scan.orders import order_rows
from cagettes.web.serve import make_server
from tests.review_scans import review_month

CHROMIUM = os.environ.get("CAGETTES_CHROMIUM", "/usr/bin/chromium")  # Debian's package (Makefile DEBS)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def month(printed, tmp_path):
    return review_month(printed, tmp_path)


@pytest.fixture
def url(month):
    """The review page served by waitress in a thread, as ``cagettes review`` serves it."""
    pictures = month.workspace.month_dir(month.data.month) / "private" / "scans"
    server, address = make_server(month.review, month.data, pictures, "fr", "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield address
    server.close()


def open_page(browser, url: str, name: str = "Samia", javascript: bool = True) -> Page:
    page = browser.new_context(java_script_enabled=javascript, viewport={"width": 1200, "height": 900}).new_page()
    page.goto(url)
    page.fill("#name", name)
    with page.expect_navigation():
        page.click("text=Commencer")
    return page


def orders(month, form: int) -> dict[str, dict]:
    return {r["ref"]: r for r in order_rows(month.engine, month.data) if r["formulaire"] == form}


def decisions(month) -> list[dict]:
    return list(reversed(rv.history(month.review)))


def act(page: Page, do) -> None:
    """A key or a click that posts a form: wait for the page it leads to. Its HTML, not its
    pictures: on a busy machine the crops of a long queue can take longer than the timeout, and
    the tests that look at pictures wait for them with ``loaded``."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        do()


def loaded(page: Page, selector: str) -> int:
    """Waits until the first picture matching ``selector`` has arrived; its width in pixels."""
    picture = page.locator(selector).first.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture)
    return picture.evaluate("img => img.naturalWidth")


def test_deciding_with_the_keyboard_and_the_mouse_then_undoing(browser, url, month):
    items = rv.queue(month.review)
    assert len(items) >= 2, "the scans gave fewer than 2 doubtful boxes: see tests/review_scans.py"
    for extra in items[3:]:  # the steps below walk through three cards at most: settle the others first
        rv.decide_box(month.review, extra.page, extra.box["id"], "empty", "Samia")
    items = items[:3]
    form = items[0].form
    page = open_page(browser, url)
    assert page.locator("[data-card]").count() == len(items)
    assert "C = cochée" in page.inner_text(".keys") and loaded(page, "img.crop") > 300

    act(page, lambda: page.keyboard.press("c"))  # the first card is the current one
    first = decisions(month)[-1]
    assert (first["box"], first["value"], first["reviewer"]) == (items[0].box["id"], "marked", "Samia")
    assert orders(month, form)[items[0].box["product"]]["quantite"] == str(items[0].box["value"])
    assert "Enregistré" in page.inner_text(".flash")

    page.keyboard.press("j")  # the next card, then "empty"
    act(page, lambda: page.keyboard.press("v"))
    emptied = items[2] if len(items) > 2 else items[1]  # "j" stops at the last card
    assert (decisions(month)[-1]["box"], decisions(month)[-1]["value"]) == (emptied.box["id"], "empty")
    assert emptied.box["product"] not in orders(month, form)  # an empty row orders nothing
    second = rv.queue(month.review)
    assert len(second) == len(items) - 2

    if second:  # the mouse, on what is left: "filled" alone is a doubt by the form's rules
        card = page.locator("[data-card]").first
        act(page, lambda: card.get_by_role("button", name="Remplie (annulée)").click())
        row = orders(month, form)[second[0].box["product"]]
        assert (row["statut"], row["raison"]) == ("douteux", "filled_alone")
        assert "Pages à finir (1)" in page.inner_text("main")
        act(page, lambda: page.keyboard.press("z"))  # undo with the keyboard: the box is doubtful again
        assert orders(month, form)[second[0].box["product"]]["raison"] == "box_doubtful"
        card = page.locator("[data-card]").first
        act(page, lambda: card.get_by_role("button", name="Vide").click())
    assert month.page("member")["outcome"] == "accepted"
    assert "Tout est vérifié" not in page.inner_text("main")  # the conflict still waits

    act(page, lambda: page.get_by_role("button", name="Défaire").first.click())  # undo with the mouse
    assert month.page("member")["outcome"] == "needs_review"
    assert page.locator("[data-card]").count() == 1
    assert decisions(month)[-1]["undone_by"] == "Samia"


def test_the_whole_page_a_conflict_a_walkin_form_and_a_rejection(browser, url, month):
    page = open_page(browser, url, "Karim")
    act(page, lambda: page.keyboard.press("e"))  # the whole page of the current card
    assert page.url.endswith(f"/page/{month.pages['member']}")
    assert loaded(page, "img.page") > 1000 and loaded(page, "img.crop") > 300
    assert "Page à vérifier" in page.inner_text("main")

    figure = page.locator(".scans figure", has_text=f"Scan n° {month.pages['rescan']}")
    act(page, lambda: figure.get_by_role("button", name="Garder ce scan").click())
    assert (month.page("member")["outcome"], month.page("rescan")["conflict_of"]) == ("rejected", None)

    member = next(f.member for f in month.data.forms if f.member)
    walkin_form = month.page("walkin")["form"]
    page.goto(url.split("?")[0])
    act(page, lambda: page.click(f"text=bon libre n° {walkin_form}"))
    page.fill("#member", f"{member.number} {member.display_name}")
    act(page, lambda: page.get_by_role("button", name="Attribuer").click())
    row = next(iter(orders(month, walkin_form).values()))
    assert (row["membre"], row["nom"]) == (member.number, member.display_name)
    assert member.display_name in page.inner_text("table.order")

    page.goto(url.split("?")[0] + f"page/{month.pages['rescan']}")
    page.check("text=Illisible")
    act(page, lambda: page.get_by_role("button", name="Refuser la page").click())
    assert (month.page("rescan")["outcome"], month.page("rescan")["reason"]) == ("rejected", "Illisible")
    assert orders(month, month.page("rescan")["form"]) == {}
    assert "Page refusée : Illisible" in page.inner_text("main")


def test_plain_html_forms_work_without_javascript(browser, url, month):
    item = rv.queue(month.review)[0]
    page = open_page(browser, url, "Lou", javascript=False)
    act(page, lambda: page.locator("[data-card]").first.get_by_role("button", name="Cochée").click())
    assert (decisions(month)[-1]["box"], decisions(month)[-1]["reviewer"]) == (item.box["id"], "Lou")


def test_the_page_is_private_and_escapes_what_it_shows(browser, url, month):
    base = url.split("?")[0]
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(base)
    assert denied.value.code == 403 and "cagettes review" in denied.value.read().decode()
    page = open_page(browser, url, "<b>Zoé</b>")
    assert "Bonjour <b>Zoé</b>" in page.inner_text("header")
    item = rv.queue(month.review)[0]
    forged = page.request.post(base + "case", form={"page": str(item.page), "box": item.box["id"], "state": "marked"})
    assert forged.status == 400 and decisions(month) == []  # no token: refused


def test_the_command_serves_the_page_on_this_computer(month):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "cagettes", "-w", str(month.workspace.root), "review",
                                "--no-browser", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("Page de vérification : http://127.0.0.1:"), line
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())  # the key is kept in a cookie
        with opener.open(line.split(" : ", 1)[1].strip()) as answer:
            assert "Quel est votre prénom" in answer.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_after_closing_the_page_says_decisions_no_longer_reach_the_documents(browser, url, month):
    from cagettes import closing as distribution

    page = open_page(browser, url)
    assert "Ce mois est clos" not in page.inner_text("main")
    distribution.close_month(month.engine, month.data, "Samia", force=True)  # pages still in review
    page.reload()
    note = page.inner_text(".flash.closed")
    assert "Ce mois est clos depuis le" in note and "cagettes month reopen" in note


def test_a_busy_port_or_an_unknown_host_is_said_in_french_without_a_traceback(printed, capsys):
    from cagettes.cli import main

    workspace = printed[0]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["-w", str(workspace.root), "review", "--no-browser", "--port", str(port)])
    said = capsys.readouterr().err
    assert code == 1 and f"Le port {port} de 127.0.0.1 est déjà pris" in said and "Traceback" not in said
    code = main(["-w", str(workspace.root), "review", "--no-browser", "--host", "nulle-part.invalid"])
    said = capsys.readouterr().err
    assert code == 1 and "Impossible d'ouvrir la page de vérification sur « nulle-part.invalid »" in said
