"""The review page: a small Flask application over ``cagettes.services.review``.

Flask because it is small, well kept, and already built on Jinja2 (autoescaped templates) and
Werkzeug; its signed session cookie holds the volunteer's name. Everything is private: the
page answers only a browser that came with the key the command printed, every form carries a
token against cross-site posts, and the session cookie is never sent by another site.
Plain HTML forms do everything; ``review.js`` only adds the keyboard shortcuts.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from cagettes.core.dates import local_time, month_name
from cagettes.core.errors import CagettesError, ReviewError
from cagettes.core.month import MonthData
from cagettes.core.paths import FONT_FILES
from cagettes.core.records import HistoryEntry, ScannedPageRow
from cagettes.services import review as svc
from cagettes.services.incidents import record_incident
from cagettes.web.texts import box_meaning, doubt_in_words, t, why

COOKIE = "cagettes_review"
CARDS_SHOWN = 40  # boxes listed at once: the page reloads after each decision, so the next ones come up
# Scanned pages and decisions are numbered from 1; the databases' integers stop at 2^63 - 1,
# and a larger id in an address would reach them as an error, not as "not found".
LARGEST_ID = 2**63 - 1
# The page's own files only: no frame around it (clickjacking), no script or style from elsewhere
# or written into the page, forms posted back here only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Settings:
    review: svc.Review
    data: MonthData
    pictures_dir: Path
    token: str  # the key in the address the command opens
    lang: str = "fr"

    @property
    def session(self) -> svc.ReviewSession:
        return svc.ReviewSession(self.review, self.data, self.pictures_dir)


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_hex(32), SESSION_COOKIE_NAME=COOKIE,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=64_000)
    app.extensions["review"] = Pages(settings)
    app.url_map.converters["id"] = StoredId
    app.before_request(guard)
    app.after_request(secured)
    app.register_error_handler(Exception, said)
    app.context_processor(lambda: {"t": lambda key, **p: t(key, settings.lang, **p), "lang": settings.lang,
                                   "csrf": session.get("csrf", ""), "name": session.get("name", ""),
                                   "closed": pages().closed(), "month_key": settings.review.month})
    for rule, view, methods in ROUTES:
        app.add_url_rule(rule, view.__name__, view, methods=methods)
    return app


class StoredId(IntegerConverter):
    """An id in an address: one the database can hold, else the address leads nowhere (404)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=LARGEST_ID)


def stored_id(value: int | None) -> int:
    """An id posted in a form: 0 when absent (refused in words by the service), 404 when no
    database could hold it."""
    if value is not None and not 0 <= value <= LARGEST_ID:
        abort(404)
    return value or 0


def secured(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def said(error: Exception) -> ResponseReturnValue:
    """An error in words on the page, never a traceback (in the browser or the terminal that
    serves it): a known problem, such as a damaged or busy database, as the command line says
    it; anything else filed in the workspace's incidents/ folder first."""
    if isinstance(error, HTTPException):
        return error
    s = pages().settings
    if isinstance(error, CagettesError):
        return plain_page(error.in_lang(s.lang), 503, s.lang)
    return plain_page(t("fault", s.lang, path=record_incident(error, s.pictures_dir)), 500, s.lang)


def plain_page(message: str, status: int, lang: str) -> Response:
    """Without the templates' context, which reads the database: it may be what failed."""
    style = url_for("static", filename="review.css")
    return Response(f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8"><title>cagettes</title>'
                    f'<link rel="stylesheet" href="{style}"></head><body><main><p class="flash error">'
                    f'{escape(message)}</p></main></body></html>', status)


def pages() -> "Pages":
    return current_app.extensions["review"]


def guard() -> ResponseReturnValue | None:
    """Only the browser that opened the printed address; posts only from the page's own forms."""
    s = pages().settings
    if request.endpoint in ("static", "font"):
        return None
    if request.args.get("cle") and secrets.compare_digest(request.args["cle"], s.token):
        session.update(ok=True, csrf=session.get("csrf") or secrets.token_urlsafe(24))
        return redirect(request.path)
    if not session.get("ok"):
        return Response(render_template("denied.html", message=t("denied", s.lang)), 403)
    if request.method == "POST" and not secrets.compare_digest(request.form.get("csrf", ""), session.get("csrf", "")):
        return Response(render_template("denied.html", message=t("expired", s.lang)), 400)
    return None


class Pages:
    """What the views show, in words and addresses, from the review service; no request in here."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.picture = lru_cache(maxsize=8)(svc.read_grey)  # a volunteer goes through one page's boxes in a row
        self.products = {p["ref"]: p for p in settings.review.manifest["products"]}
        self.names = {ref: p["name"] for ref, p in self.products.items()}
        self.forms = {f.number: f for f in settings.data.forms}

    @property
    def review(self) -> svc.Review:
        return self.settings.review

    def closed(self) -> str:
        """When the month was closed, or "": decisions after that no longer reach the closing's
        documents until the month is reopened."""
        moment = svc.closed_since(self.review)
        return local_time(moment) if moment else ""

    def who(self, form: int) -> str:
        slot = self.forms.get(form)
        if slot is None or slot.member is None:
            return f"{t('walkin_form', self.settings.lang)} n° {form}"
        return f"{slot.member.display_name} ({slot.member.number})"

    def label(self, page_id: str | None) -> str:
        if not page_id:
            return ""
        page = self.review.printed_page(page_id)
        where = t("form_label", self.settings.lang, form=page["form"], page=page["page"], pages=page["pages"])
        return f"{where} · {self.who(page['form'])}"

    def card(self, item: svc.BoxItem) -> dict:
        lang = self.settings.lang
        return {"page": item.page, "box": item.box["id"], "label": self.label(item.page_id),
                "meaning": box_meaning(item.box, self.products, lang), "why": why(item.reason, lang),
                "read_as": t("read_as", lang, state=t(item.state, lang)),
                "crop": url_for("crop", page=item.page, box=item.box["id"]), "url": url_for("page", page=item.page)}

    def scan(self, row: ScannedPageRow) -> dict:
        lang = self.settings.lang
        return {"id": row["id"], "outcome": row["outcome"], "image": url_for("scan_image", page=row["id"]),
                "text": t("scan_of", lang, id=row["id"], source=Path(row["source"]).name, when=when(row["scanned_at"]))}

    def conflicts(self) -> list[dict]:
        return [{"label": self.label(scans[0]["page_id"]), "page": scans[0]["id"],
                 "scans": [self.scan(s) for s in scans]} for scans in svc.conflicts(self.review) if scans]

    def to_finish(self, busy: set[int]) -> list[dict]:
        """Pages still in doubt with no box left to decide (``busy``: pages that have some)."""
        return [{"url": url_for("page", page=r["id"]), "label": self.label(r["page_id"]),
                 "why": " ; ".join(doubt_in_words(c, self.names, self.settings.lang) for c in r["review_reasons"])}
                for r in svc.pages_to_finish(self.review, busy)]

    def unnamed(self) -> list[dict]:
        """Pages on which no code could be read: a volunteer names each from its picture."""
        return [{"url": url_for("page", page=r["id"]), "text": self.scan(r)["text"]}
                for r in svc.awaiting_identity(self.review)]

    def choices(self, view: svc.IdentityView) -> list[tuple[str, str]]:
        """(identifier, words) of each printed page the scan may be."""
        return [(page["id"], self.label(page["id"])) for page in view.choices]

    def walkins(self) -> list[dict]:
        lang, out = self.settings.lang, []
        for form in svc.walkin_forms(self.review):
            if form["assigned"]:
                state = t("walkin_assigned", lang, who=self.member_label(form["assigned"]))
            elif form["read"]:
                state = t("walkin_read", lang, number=form["read"])
            else:
                state = t("walkin_unknown", lang)
            out.append({"form": form["form"], "url": url_for("page", page=form["page"]), "state": state})
        return out

    def member_label(self, number: str) -> str:
        member = svc.member(self.review, number)
        return f"{member.display_name} ({number})" if member else number

    def history(self, page: int | None = None) -> list[dict]:
        lang, out = self.settings.lang, []
        for row in svc.history(self.review, limit=200 if page else 30):
            if page is not None and row["scanned_page"] != page and str(page) not in row["before"].get("pages", {}):
                continue
            out.append({"id": row["id"], "who": row["reviewer"], "when": when(row["decided_at"]),
                        "what": self.did(row), "undoable": row["undoable"], "url": url_for("page", page=row["scanned_page"]),
                        "undone": row["undone_at"] and t("undone", lang, who=row["undone_by"], when=when(row["undone_at"]))})
        first = next((h for h in out if h["undoable"]), None)
        if first:
            first["key"] = True  # Z undoes the latest decision that can be undone
        return out

    def did(self, row: HistoryEntry) -> str:
        lang = self.settings.lang
        if row["action"] == svc.BOX and row["box"] and row["value"]:  # a box decision names both
            box = svc.box_of(self.review, svc.month_page(self.review, row["scanned_page"]), row["box"])
            meaning = box_meaning(box, self.products, lang) if box else row["box"]
            return t("did_box", lang, box=meaning, state=t(row["value"], lang))
        return t(f"did_{row['action']}", lang, value=row["value"])

    def order(self, form: int | None) -> list[dict]:
        return [{**r, "unit": self.products[r["ref"]]["unit"] if r["ref"] in self.products else ""}
                for r in svc.form_order(self.settings.session, form)]

    def members(self) -> list[tuple[str, str]]:
        return [(m.number, m.display_name) for m in svc.members(self.review)]

    def page_picture(self, row: ScannedPageRow):
        """The registered grey page; the overlay (same grid, boxes coloured) when it was not kept."""
        for path in svc.picture_paths(self.settings.session, row):
            picture = self.picture(str(path))
            if picture is not None:
                return picture
        return None


def when(moment: dt.datetime | None) -> str:
    return "" if moment is None else local_time(moment, with_year=False)


# ---------------------------------------------------------------- views

def index():
    p = pages()
    items = svc.queue(p.review)
    busy = {item.page for item in items}
    return render_template("index.html", cards=[p.card(item) for item in items[:CARDS_SHOWN]], total=len(items),
                           conflicts=p.conflicts(), finish=p.to_finish(busy), walkins=p.walkins(), unnamed=p.unnamed(),
                           history=p.history(), title=title(p))


def page(page: int):
    p = pages()
    view = svc.page_view(p.review, page)
    if view is None:
        return unnamed_page(page)
    walkin = view.printed["walkin"]
    scans = [p.scan(s) for s in view.scans]
    return render_template("page.html", row=view.row, label=p.label(view.row["page_id"]),
                           cards=[p.card(i) for i in view.items], order=p.order(view.row["form"]),
                           history=p.history(page), scans=scans if len(scans) > 1 else [], walkin=walkin,
                           members=p.members() if walkin else [], reasons=t("reasons", p.settings.lang).split("|"),
                           image=url_for("scan_image", page=page), title=title(p))


def unnamed_page(page: int):
    """A page that names no printed page of the month: its picture, and a way to name it."""
    p = pages()
    view = svc.identity_view(p.review, page)
    if view is None:
        abort(404)
    return render_template("identify.html", row=view.row, awaiting=view.awaiting, choices=p.choices(view),
                           scan=p.scan(view.row), history=p.history(page), reasons=t("reasons", p.settings.lang).split("|"),
                           image=url_for("scan_image", page=page), title=title(p))


def title(p: Pages) -> str:
    year, month = p.settings.data.year_month
    return f"{t('title', p.settings.lang)} — {month_name(year, month, p.settings.lang)}"


def set_name():
    session["name"] = " ".join(request.form.get("name", "").split())[:svc.NAME_MAX]
    return redirect(back())


def forget_name():
    session.pop("name", None)
    return redirect(url_for("index"))


def back() -> str:
    """Where to go after a post: a path of this page only, never another site."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("index")


def decided(action):
    """Run a decision; a refused one is said in words on the page it came from."""
    try:
        action(session.get("name", ""))
    except ReviewError as error:
        flash(error.message, "error")
    else:
        flash(t("saved", pages().settings.lang), "ok")
    return redirect(back())


def decide():
    form = request.form
    page = stored_id(form.get("page", type=int))
    return decided(lambda who: svc.decide_box(pages().review, page, form.get("box", ""), form.get("state", ""), who))


def accept(page: int):
    return decided(lambda who: svc.accept(pages().review, page, who))


def reject(page: int):
    reason = request.form.get("other", "").strip() or request.form.get("reason", "")
    return decided(lambda who: svc.reject(pages().review, page, reason, who))


def assign(page: int):
    member = request.form.get("member", "").split(" ", 1)[0]  # "0007 Camille Dupont" from the list
    return decided(lambda who: svc.assign(pages().review, page, member, who))


def name_page(page: int):
    typed = request.form.get("identifier", "").strip() or request.form.get("printed", "")
    return decided(lambda who: svc.identify_page(pages().settings.session, page, typed, who))


def keep(page: int):
    return decided(lambda who: svc.keep_scan(pages().review, page, who))


def undo(decision: int):
    return decided(lambda who: svc.undo(pages().review, decision, who))


def crop(page: int, box: str):
    p = pages()
    row = svc.month_page(p.review, page)
    found = svc.box_of(p.review, row, box)
    picture = p.page_picture(row) if row is not None else None
    if found is None or picture is None:
        abort(404)
    return Response(svc.box_jpeg(picture, found["rect"]), mimetype="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


def scan_image(page: int):
    p = pages()
    row = svc.month_page(p.review, page)
    picture = svc.scan_picture(p.settings.session, row) if row is not None else None
    if picture is None:
        abort(404)
    return send_file(picture, max_age=0)


def font(name: str):
    if name not in FONT_FILES:
        abort(404)
    return send_file(atkinson.ROOT / "files" / name, mimetype="font/ttf", max_age=86400)


ROUTES = (
    ("/", index, ["GET"]),
    ("/page/<id:page>", page, ["GET"]),
    ("/nom", set_name, ["POST"]),
    ("/nom/oublier", forget_name, ["POST"]),
    ("/case", decide, ["POST"]),
    ("/page/<id:page>/accepter", accept, ["POST"]),
    ("/page/<id:page>/refuser", reject, ["POST"]),
    ("/page/<id:page>/attribuer", assign, ["POST"]),
    ("/page/<id:page>/garder", keep, ["POST"]),
    ("/page/<id:page>/identifier", name_page, ["POST"]),
    ("/defaire/<id:decision>", undo, ["POST"]),
    ("/case/<id:page>/<box>.jpg", crop, ["GET"]),
    ("/scan/<id:page>.jpg", scan_image, ["GET"]),
    ("/police/<name>", font, ["GET"]),
)
