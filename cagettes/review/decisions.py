"""Volunteers' decisions on the pages the scanner set aside, and what they do to the orders.

No web here: the review page (``cagettes.web``) calls these functions, and so do the tests.

The scanner's readings (``box_readings``) are never changed. A page's lines (``page_lines``)
are recomputed from them with the form's own rules (``scan.decide.apply_rules``), each box a
volunteer decided taking the volunteer's state; ``scan.orders.order_rows`` reads those lines,
so the order follows at once. A page's outcome follows too: accepted once no doubt is left or
when a volunteer accepts it as it is; rejected with the volunteer's reason; a second scan of a
printed page counts only once a volunteer chose it over the first. Every decision is logged
with who made it and when (``review_decisions``) and can be undone.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from cagettes.core.errors import ReviewError
from cagettes.core.i18n import N_, Messages, _, translate
from cagettes.core.members import member_number
from cagettes.core.records import (
    HistoryEntry,
    Manifest,
    ManifestBox,
    ManifestPage,
    ReviewDecisionRow,
    ScannedPageRow,
    WalkinForm,
)
from cagettes.forms.ids import written_month
from cagettes.forms.manifest import page_boxes
from cagettes.scan import pipeline
from cagettes.scan.crops import read_grey
from cagettes.scan.decide import CANCELLED, DOUBTFUL, EMPTY, MARKED, BoxDecision, apply_rules, choose_one, group_key
from cagettes.scan.identify import identify_typed
from cagettes.scan.inputs import PageImage
from cagettes.scan.orders import known_members, roster, snapshot_members
from cagettes.scan.pipeline import insert_lines, is_awaiting_identity
from cagettes.scan.recognise import ACCEPTED, REJECTED, REVIEW, doubt_reasons
from cagettes.storage import db

BOX, ACCEPT, REJECT, ASSIGN, KEEP, IDENTIFY = "box", "accept", "reject", "assign", "keep_scan", "identify"
DECIDABLE = (MARKED, EMPTY, CANCELLED)
NOT_KEPT = "conflict_not_kept"  # reason of a scan a volunteer did not keep
PAGE_FIELDS = ("outcome", "reason", "detail", "conflict_of", "review_reasons")
# What naming a page without a readable code changes besides PAGE_FIELDS, put back on undo.
IDENTITY_FIELDS = ("page_id", "form", "page", "fit_error_mm", "overlay", "comment", "kept_image")
NAME_MAX, REASON_MAX = 80, 200  # characters, as the columns hold them

MESSAGES: Messages = {
    "no_page": N_("La page scannée n° {page} n'existe pas dans ce mois."),
    "rejected": N_("La page scannée n° {page} est refusée : défaites d'abord ce refus pour la modifier."),
    "no_box": N_("La case « {box} » n'est pas sur la page scannée n° {page}."),
    "bad_state": N_("État de case inconnu « {state} » : choisissez cochée, vide ou remplie (annulée)."),
    "no_reason": N_("Écrivez pourquoi la page est refusée."),
    "no_name": N_("Écrivez votre prénom : chaque décision garde le nom de qui l'a prise."),
    "not_walkin": N_("Le bon n° {form} est nominatif : seul un bon libre peut être attribué à un membre."),
    "no_member": N_("Aucun membre n° « {member} » ce mois-ci : vérifiez le numéro sur la liste des membres."),
    "no_conflict": N_("La page scannée n° {page} n'a pas d'autre scan : il n'y a rien à choisir."),
    "no_decision": N_("La décision n° {decision} n'existe pas ou est déjà défaite."),
    "undo_counted_twice": N_("La décision n° {decision} ne peut pas être défaite : la page qu'elle remettrait en compte est déjà comptée par un autre scan, remis en compte depuis. Refusez d'abord cet autre scan, puis défaites cette décision."),
    "not_last": N_("Défaites d'abord la décision n° {later}, plus récente, sur la même page."),
    "not_awaiting": N_("La page scannée n° {page} n'attend pas d'identifiant : elle est déjà identifiée ou refusée."),
    "no_identity": N_("Recopiez l'identifiant imprimé en clair en bas de la page (il commence par EC1-), ou choisissez le bon et la page dans la liste."),
    "id_not_ours": N_("« {typed} » n'est pas un identifiant de bon : recopiez la ligne imprimée en clair en bas de la page, qui commence par EC1- (les tirets et les espaces ne comptent pas), ou choisissez le bon dans la liste."),
    "id_sample_form": N_("« {typed} » est le code du modèle du site internet, qui ne compte pas : refusez cette page, et faites recopier les choix sur un bon à son nom ou un bon libre."),
    "id_bad_signature": N_("L'identifiant « {typed} » ne correspond à aucun bon imprimé : un caractère est sans doute mal recopié. Vérifiez-le caractère par caractère, surtout la fin, ou choisissez le bon dans la liste."),
    "id_other_workspace": N_("L'identifiant « {typed} » est celui d'un bon d'une autre association : vérifiez-le ; si c'est bien le cas, refusez la page et rendez la feuille à l'association qui l'a imprimée."),
    "id_other_month": N_("L'identifiant « {typed} » est celui d'un bon du mois {found}, pas du mois {month} : refusez cette page ici et scannez la feuille avec « cagettes scan --mois {found} » si ce mois est encore ouvert."),
    "id_layout_version": N_("L'identifiant « {typed} » vient d'une autre version de cagettes : refusez la page et saisissez cette commande à la main."),
    "id_not_in_manifest": N_("L'identifiant « {typed} » n'a pas été imprimé ce mois-ci : vérifiez-le, ou choisissez le bon dans la liste."),
    "id_image_gone": N_("L'image de la page scannée n° {page} n'est plus dans le dossier des scans : rescannez la feuille."),
}


@dataclass(frozen=True)
class Review:
    """One month's review: its database and the manifest that says where each box is."""

    engine: sa.Engine
    month: str
    manifest: Manifest
    printed: dict[str, ManifestPage]  # the manifest's pages by identifier
    lang: str = "fr"
    manifest_path: str = ""  # where the manifest was read: reading a page again needs its bundles

    @classmethod
    def open(cls, engine: sa.Engine, manifest_path: str | Path, lang: str = "fr") -> "Review":
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
        return cls(engine, manifest["month"], manifest, {page["id"]: page for page in manifest["pages"]}, lang,
                   str(manifest_path))

    def printed_page(self, page_id: str) -> ManifestPage:
        return self.printed[page_id]

    def boxes(self, page_id: str) -> list[ManifestBox]:
        return page_boxes(self.manifest, self.printed_page(page_id))

    def boxes_of(self, row: ScannedPageRow) -> list[ManifestBox]:
        """The boxes of a scanned page; none when it was never identified."""
        return self.boxes(row["page_id"]) if row["page_id"] else []

    def error(self, key: str, **params) -> ReviewError:
        """A decision that cannot be taken as asked; the message says what to do instead."""
        return ReviewError(translate(MESSAGES, key, self.lang, **params), lang=self.lang)


# ---------------------------------------------------------------- decisions

def decide_box(review: Review, page: int, box: str, state: str, who: str) -> int:
    """A volunteer says what a box holds: marked, empty, or cancelled (filled in)."""
    if state not in DECIDABLE:
        raise review.error("bad_state", state=state)
    with review.engine.begin() as conn:
        row = open_page(review, conn, page)
        if box not in readings_of(conn, page):
            raise review.error("no_box", box=box, page=page)
        decision = log(review, conn, row, BOX, who, box=box, value=state)
        refresh(review, conn, row["id"])
    return decision


def accept(review: Review, page: int, who: str) -> int:
    """The page counts as it is; lines still in doubt stay ``douteux`` in the order."""
    with review.engine.begin() as conn:
        row = open_page(review, conn, page)
        decision = log(review, conn, row, ACCEPT, who)
        refresh(review, conn, page)
    return decision


def reject(review: Review, page: int, reason: str, who: str) -> int:
    reason = " ".join(reason.split())[:REASON_MAX]
    if not reason:
        raise review.error("no_reason")
    with review.engine.begin() as conn:
        row = open_page(review, conn, page, unnamed=True)
        decision = log(review, conn, row, REJECT, who, value=reason, before={"pages": snapshot(review, conn, [page])})
        set_fields(conn, page, outcome=REJECTED, reason=reason, detail=_("refusée par {who}", review.lang, who=clean_name(review, who)))
    return decision


def assign(review: Review, page: int, member: str, who: str) -> int:
    """A walk-in form becomes a member's: its order lines carry that member from now on."""
    member = member_number(member)  # "20" typed for member 0020
    with review.engine.begin() as conn:
        row = open_page(review, conn, page)
        form = walkin_form(review, conn, row)
        if member not in snapshot_members(conn, review.month):
            raise review.error("no_member", member=member)
        before = {"form": form, **assignment(conn, review.month, form)}
        decision = log(review, conn, row, ASSIGN, who, value=member, before=before)
        set_assignment(conn, review.month, form, member, decision)
        for other in form_pages(conn, review.month, form):
            refresh(review, conn, other)
    return decision


def keep_scan(review: Review, page: int, who: str) -> int:
    """Of several scans of one printed page, this one counts; the others are set aside."""
    with review.engine.begin() as conn:
        row = open_page(review, conn, page)
        others = [p for p in same_printed_page(conn, row) if p != page]
        if row["conflict_of"] is None and not others:
            raise review.error("no_conflict", page=page)
        decision = log(review, conn, row, KEEP, who, value=str(page),
                       before={"pages": snapshot(review, conn, [page, *others])})
        # The others stop counting before this one starts: the database allows one counted
        # scan per printed page (db.EFFECTIVE_SCAN), even inside a transaction.
        for other in others:
            set_fields(conn, other, conflict_of=page, outcome=REJECTED, reason=NOT_KEPT,
                       detail=_("scan n° {page} gardé par {who}", review.lang, page=page, who=clean_name(review, who)))
        set_fields(conn, page, conflict_of=None)
        refresh(review, conn, page)
    return decision


def identify(review: Review, job: pipeline.Job, page: int, typed: str, who: str) -> int:
    """A page whose codes could not be read is the printed page a volunteer names, by the
    identifier printed in clear (verified as a code is) or from the list of pages not back
    yet: it is then read as that page, and stored as the scanner stores an identified page."""
    clean_name(review, who)
    if not typed.strip():
        raise review.error("no_identity")
    named = identify_typed(typed, job.secret, review.month)
    shown = " ".join(typed.split())[:60]
    if named.page_id is None:
        raise review.error(f"id_{named.reason}", typed=shown, month=review.month,
                           found=written_month(named.text) or "?")
    if named.text not in review.printed:
        raise review.error("id_not_in_manifest", typed=shown)
    with review.engine.connect() as conn:
        row = awaiting(review, conn, page)
    image = read_grey(row["kept_image"]) if row["kept_image"] else None
    if image is None:
        raise review.error("id_image_gone", page=page)
    item = PageImage(Path(row["source"]), row["source_index"] or 0, image, None, row["sha256"], "kept")
    report = pipeline.read_as(job, item, named.text)  # seconds of work: outside the transaction
    with review.engine.begin() as conn:
        row = awaiting(review, conn, page)  # another volunteer may have named it meanwhile
        fields = dict(row)
        before = {"pages": snapshot(review, conn, [page]), "identity": {k: fields[k] for k in IDENTITY_FIELDS}}
        decision = log(review, conn, row, IDENTIFY, who, value=named.text, before=before)
        pipeline.store_identified(conn, review.month, page, report)
    return decision


def awaiting(review: Review, conn, page: int) -> ScannedPageRow:
    """A page of this month waiting for a volunteer to name it."""
    row = page_row(conn, page)
    if row is None or row["month"] != review.month:
        raise review.error("no_page", page=page)
    if not is_awaiting_identity(row):
        raise review.error("not_awaiting", page=page)
    return row


def undo(review: Review, decision: int, who: str) -> None:
    """Undo one decision: the pages and the order are as if it had never been taken."""
    try:
        with review.engine.begin() as conn:
            row = active_decision(review, conn, decision)
            later = later_blocking(conn, row)
            if later is not None:
                raise review.error("not_last", later=later)
            conn.execute(db.review_decisions.update().where(db.review_decisions.c.id == decision).values(
                undone_at=now(), undone_by=clean_name(review, who)))
            for page in restore(conn, review.month, row):
                refresh(review, conn, page)
    except sa.exc.IntegrityError:  # the page it would bring back is counted by another scan now
        raise review.error("undo_counted_twice", decision=decision) from None


# ---------------------------------------------------------------- recomputing a page

def refresh(review: Review, conn, page: int) -> None:
    """Lines from the readings and the volunteers' box decisions; then the outcome, unless rejected."""
    row = stored_page(review, conn, page)
    states = current_states(conn, page)
    lines = known_members(apply_rules(review.boxes_of(row), states), roster(conn, review.month))
    conn.execute(db.page_lines.delete().where(db.page_lines.c.scanned_page == page))
    insert_lines(conn, page, [asdict(line) for line in lines])
    if row["outcome"] == REJECTED or is_awaiting_identity(row):
        return
    if assigned_member(conn, review.month, row["form"]) is not None:  # the volunteer settled the number
        lines = [line for line in lines if line.kind != "member_number"]
    outcome, reasons = page_outcome(doubt_reasons(lines), row["conflict_of"] is not None, accepted(conn, page))
    set_fields(conn, page, outcome=outcome, reason=reasons[0] if outcome == REVIEW else "", review_reasons=reasons)


def page_outcome(doubts: list[str], conflict: bool, accepted_by_volunteer: bool) -> tuple[str, list[str]]:
    """A conflict always waits for a volunteer; doubts wait unless a volunteer accepted the page."""
    reasons = (["conflict"] if conflict else []) + doubts
    if conflict or (doubts and not accepted_by_volunteer):
        return REVIEW, reasons
    return ACCEPTED, reasons


def current_states(conn, page: int) -> dict[str, BoxDecision]:
    """Each box as the scanner read it, or as a volunteer decided it (the latest decision wins)."""
    decided = decided_boxes(conn, page)
    states = {}
    for box, reading in readings_of(conn, page).items():
        if box in decided:
            states[box] = BoxDecision(box, decided[box], 1.0, reading["score"], "volunteer")
        else:
            states[box] = BoxDecision(box, reading["state"], reading["confidence"], reading["score"], reading["reason"])
    return states


# ---------------------------------------------------------------- what is left to decide

@dataclass(frozen=True)
class BoxItem:
    """One box a volunteer should look at, and where it is."""

    page: int  # scanned page
    page_id: str
    form: int
    page_number: int
    box: ManifestBox
    state: str  # as read now
    confidence: float
    reason: str  # why the box is in doubt (band, beside...), or else its group (several_marked...)


def queue(review: Review) -> list[BoxItem]:
    """Boxes to decide on pages waiting for review, lowest confidence first."""
    items = []
    with review.engine.connect() as conn:
        for row in pages_to_review(conn, review.month):
            items.extend(page_items(review, conn, row))
    return sorted(items, key=lambda i: (i.confidence, i.form, i.page_number, i.box["rect"][1], i.box["rect"][0]))


def page_items(review: Review, conn, row: ScannedPageRow) -> list[BoxItem]:
    page_id, form, number = row["page_id"], row["form"], row["page"]
    if page_id is None or form is None or number is None:  # never identified: no box to decide
        return []
    states = current_states(conn, row["id"])
    decided = decided_boxes(conn, row["id"])
    groups: dict[tuple, list[ManifestBox]] = defaultdict(list)
    for box in review.boxes(page_id):
        groups[group_key(box)].append(box)
    items: list[BoxItem] = []
    for boxes in groups.values():
        _, status, reason = choose_one([(b["id"], states[b["id"]]) for b in boxes])
        if status == "doubtful":
            items.extend(BoxItem(row["id"], page_id, form, number, b, states[b["id"]].state,
                                 states[b["id"]].confidence, states[b["id"]].reason or reason)
                         for b in candidates(boxes, states, decided))
    return items


def candidates(boxes: list[ManifestBox], states: dict[str, BoxDecision], decided: dict[str, str]) -> list[ManifestBox]:
    """The doubtful boxes of a group; without any, its marks a volunteer has not confirmed yet."""
    doubtful = [b for b in boxes if states[b["id"]].state == DOUBTFUL]
    return doubtful or [b for b in boxes if states[b["id"]].state in (MARKED, CANCELLED) and b["id"] not in decided]


def pages_to_review(conn, month: str, conflicts: bool = False) -> list[ScannedPageRow]:
    """Pages waiting for a volunteer: conflicts apart (a scan must be chosen before its boxes)."""
    t = db.scanned_pages.c
    pending = t.conflict_of.isnot(None) if conflicts else t.conflict_of.is_(None)
    query = sa.select(db.scanned_pages).where(t.month == month, t.outcome == REVIEW, pending)
    return [cast(ScannedPageRow, dict(r)) for r in conn.execute(query.order_by(t.form, t.page, t.id)).mappings()]


def same_printed_page(conn, row: ScannedPageRow) -> list[int]:
    """Every scan of this printed page still in play (not rejected)."""
    t = db.scanned_pages.c
    query = sa.select(t.id).where(t.month == row["month"], t.page_id == row["page_id"], t.outcome != REJECTED)
    return list(conn.execute(query.order_by(t.id)).scalars())


def history(review: Review, limit: int = 30) -> list[HistoryEntry]:
    """The latest decisions, newest first, each saying whether it can be undone now."""
    t = db.review_decisions.c
    with review.engine.connect() as conn:
        rows = [decision_row(r) for r in conn.execute(sa.select(db.review_decisions).where(t.month == review.month)
                                                      .order_by(t.id.desc()).limit(limit)).mappings()]
        return [HistoryEntry(**row, undoable=row["undone_at"] is None and later_blocking(conn, row) is None)
                for row in rows]


def decision_row(row) -> ReviewDecisionRow:
    return cast(ReviewDecisionRow, dict(row))


def walkin_forms(review: Review) -> list[WalkinForm]:
    """Walk-in forms back this month: the member a volunteer gave each to, or the number read on it."""
    walkin = [p["id"] for p in review.manifest["pages"] if p["walkin"]]
    t = db.scanned_pages.c
    forms: dict[int, WalkinForm] = {}
    with review.engine.connect() as conn:
        rows = conn.execute(sa.select(t.id, t.form).where(
            t.month == review.month, t.outcome != REJECTED, t.conflict_of.is_(None), t.page_id.in_(walkin))
            .order_by(t.form, t.page)).all()
        for page, form in rows:
            entry = forms.setdefault(form, {"form": form, "page": page, "read": None,
                                            "assigned": assigned_member(conn, review.month, form)})
            entry["read"] = entry["read"] or member_number_read(conn, page)
    return list(forms.values())


def member_number_read(conn, page: int) -> str | None:
    t = db.page_lines.c
    return conn.execute(sa.select(t.value).where(t.scanned_page == page, t.kind == "member_number",
                                                 t.status == "confirmed")).scalar()


# ---------------------------------------------------------------- storage helpers

def page_row(conn, page: int) -> ScannedPageRow | None:
    row = conn.execute(sa.select(db.scanned_pages).where(db.scanned_pages.c.id == page)).mappings().first()
    return cast(ScannedPageRow, dict(row)) if row else None


def stored_page(review: Review, conn, page: int) -> ScannedPageRow:
    """The row of a page the caller already found (another station may have removed it since)."""
    row = page_row(conn, page)
    if row is None:
        raise review.error("no_page", page=page)
    return row


def open_page(review: Review, conn, page: int, unnamed: bool = False) -> ScannedPageRow:
    """A page of this month that a volunteer may still change; ``unnamed``: a page waiting for
    its identity too (it can only be named, or rejected)."""
    row = page_row(conn, page)
    if row is not None and unnamed and row["month"] == review.month and is_awaiting_identity(row):
        return row
    if row is None or row["month"] != review.month or not row["page_id"] or row["page_id"] not in review.printed:
        raise review.error("no_page", page=page)
    if row["outcome"] == REJECTED:
        raise review.error("rejected", page=page)
    return row


def readings_of(conn, page: int) -> dict[str, dict]:
    query = sa.select(db.box_readings).where(db.box_readings.c.scanned_page == page)
    return {r["box"]: dict(r) for r in conn.execute(query).mappings()}


def active(conn, page: int, action: str) -> list[ReviewDecisionRow]:
    t = db.review_decisions.c
    query = sa.select(db.review_decisions).where(t.scanned_page == page, t.action == action, t.undone_at.is_(None))
    return [decision_row(r) for r in conn.execute(query.order_by(t.id)).mappings()]


def decided_boxes(conn, page: int) -> dict[str, str]:
    # In id order: the latest wins. A box decision always names its box and the state chosen.
    return {row["box"]: row["value"] for row in active(conn, page, BOX) if row["box"] and row["value"]}


def accepted(conn, page: int) -> bool:
    return bool(active(conn, page, ACCEPT))


def clean_name(review: Review, who: str) -> str:
    name = " ".join((who or "").split())[:NAME_MAX]
    if not name:
        raise review.error("no_name")
    return name


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def log(review: Review, conn, row: ScannedPageRow, action: str, who: str, box: str | None = None,
        value: str | None = None, before: dict | None = None) -> int:
    result = conn.execute(db.review_decisions.insert().values(
        month=review.month, scanned_page=row["id"], action=action, box=box, value=value, before=before or {},
        reviewer=clean_name(review, who), decided_at=now()))
    return int(result.inserted_primary_key[0])


def snapshot(review: Review, conn, pages: list[int]) -> dict[str, dict]:
    """What a page-wide decision may change on each page, to put it back on undo."""
    rows = {page: dict(stored_page(review, conn, page)) for page in pages}
    return {str(page): {k: row[k] for k in PAGE_FIELDS} for page, row in rows.items()}


def set_fields(conn, page: int, **values) -> None:
    conn.execute(db.scanned_pages.update().where(db.scanned_pages.c.id == page).values(**values))


def walkin_form(review: Review, conn, row: ScannedPageRow) -> int:
    form = row["form"]
    member = conn.execute(sa.select(db.forms.c.member).where(
        db.forms.c.month == review.month, db.forms.c.number == form)).first()
    if form is None or member is None or member[0] is not None:
        raise review.error("not_walkin", form=form)
    return form


def assigned_member(conn, month: str, form: int | None) -> str | None:
    return assignment(conn, month, form)["member"]


def assignment(conn, month: str, form: int | None) -> dict:
    t = db.walkin_members.c
    row = conn.execute(sa.select(t.member, t.decision).where(t.month == month, t.form == form)).mappings().first()
    return dict(row) if row else {"member": None, "decision": None}


def set_assignment(conn, month: str, form: int, member: str | None, decision: int | None) -> None:
    t = db.walkin_members.c
    conn.execute(db.walkin_members.delete().where(t.month == month, t.form == form))
    if member is not None:
        conn.execute(db.walkin_members.insert().values(month=month, form=form, member=member, decision=decision))


def form_pages(conn, month: str, form: int) -> list[int]:
    t = db.scanned_pages.c
    return list(conn.execute(sa.select(t.id).where(t.month == month, t.form == form, t.outcome != REJECTED)).scalars())


def active_decision(review: Review, conn, decision: int) -> ReviewDecisionRow:
    t = db.review_decisions.c
    row = conn.execute(sa.select(db.review_decisions).where(
        t.id == decision, t.month == review.month, t.undone_at.is_(None))).mappings().first()
    if row is None:
        raise review.error("no_decision", decision=decision)
    return decision_row(row)


def touched(row: ReviewDecisionRow) -> set[str]:
    """What a decision changed besides lines: its pages, or its walk-in form."""
    keys = {f"page:{p}" for p in row["before"].get("pages", {})}
    if row["action"] == ASSIGN:
        keys.add(f"form:{row['before']['form']}")
    return keys


def later_blocking(conn, row: ReviewDecisionRow) -> int | None:
    """A later active decision that changed the same things: it must be undone first.

    Box decisions and acceptances are recomputed, so they never block; a rejection, a chosen
    scan or an assignment puts back what it saw, which is only right if nothing later changed it.
    """
    t = db.review_decisions.c
    if row["action"] == IDENTIFY:  # every later decision on the page was taken on the page it was named
        later_here = conn.execute(sa.select(t.id).where(t.scanned_page == row["scanned_page"], t.id > row["id"],
                                                        t.undone_at.is_(None)).order_by(t.id.desc())).scalar()
        if later_here is not None:
            return int(later_here)
    keys = touched(row)
    if not keys:
        return None
    later = conn.execute(sa.select(db.review_decisions).where(
        t.month == row["month"], t.id > row["id"], t.undone_at.is_(None), t.action.in_((REJECT, KEEP, ASSIGN)))
        .order_by(t.id.desc())).mappings()
    return next((r["id"] for r in later if touched(decision_row(r)) & keys), None)


def counts(values: dict) -> bool:
    """Whether a page with these fields is the scan that counts for its printed page."""
    return values.get("outcome") != REJECTED and values.get("conflict_of") is None


def restore(conn, month: str, row: ReviewDecisionRow) -> list[int]:
    """Put back what the decision changed; the pages to recompute."""
    before = row["before"]
    # Pages that stop counting first, then those that count again: one counted scan per page.
    for page, values in sorted(before.get("pages", {}).items(), key=lambda item: counts(item[1])):
        set_fields(conn, int(page), **values)
    if row["action"] == ASSIGN:
        set_assignment(conn, month, before["form"], before["member"], before["decision"])
        return form_pages(conn, month, before["form"])
    if row["action"] == IDENTIFY:  # the page waits for its identity again, without readings
        pipeline.remove_details(conn, row["scanned_page"])
        conn.execute(db.scanned_pages.update().where(db.scanned_pages.c.id == row["scanned_page"])
                     .values(before["identity"]))  # a dict: its "page" is a column, not set_fields' page
    return [row["scanned_page"], *(int(p) for p in before.get("pages", {}))]
