"""Every reason a scanned page is not simply accepted, and every reason a box or line is in doubt:
the one list of them. Each says what happened, for whoever reads the code; the sentence a
volunteer reads is in the words tables, and ``tests/test_reasons.py`` checks that each reason
here has its sentence in French and English there, and that the scanner gives no other.

    input   the file or page gave no image            sentence: cagettes.scan.input_messages
    page    the page was read, and refused            sentence: cagettes.scan.notices
    review  the page is set aside for a volunteer     sentence: cagettes.scan.notices
    doubt   a box or line the scanner is unsure of    words: cagettes.web.texts ("why_<code>")
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    kind: str  # input | page | review | doubt
    means: str


REASONS: tuple[Reason, ...] = (
    Reason("unreadable", "input", "the file, folder or page could not be opened (missing, no permission)"),
    Reason("broken_link", "input", "a link whose file is gone, or a link to itself"),
    Reason("not_a_file", "input", "not a regular file: a FIFO, socket or device, refused unread (a FIFO would wait forever)"),
    Reason("not_an_image", "input", "the file is no image or PDF (text, web page, office document)"),
    Reason("unsupported", "input", "an image format or PDF content the reader does not handle"),
    Reason("truncated", "input", "the file is cut short (an interrupted copy or transfer)"),
    Reason("encrypted", "input", "a PDF locked with a password"),
    Reason("empty_pdf", "input", "a PDF without any page"),
    Reason("too_large", "input", "an image too large to open safely (a decompression bomb)"),
    Reason("odd_size", "input", "an image too small or too narrow to be a page (a thumbnail, a strip)"),
    Reason("crashed", "input", "the reader's process died on this file, twice"),
    Reason("blank_page", "page", "nothing printed on the page: a verso, or the sheet upside down"),
    Reason("unreadable_code", "page", "no QR code could be decoded"),
    Reason("conflicting_codes", "page", "two different identifiers on one image"),
    Reason("not_ours", "page", "a QR code that is not a cagettes page identifier"),
    Reason("sample_form", "page", "the public site's sample form (MODÈLE), printed and filled in: it names no one"),
    Reason("layout_version", "page", "printed by another version of the form layout"),
    Reason("other_workspace", "page", "signed by another workspace's secret"),
    Reason("other_month", "page", "a page of another month"),
    Reason("bad_signature", "page", "the identifier's signature is wrong: forged or copied by hand"),
    Reason("not_in_manifest", "page", "a well-signed identifier that this month never printed"),
    Reason("registration_failed", "page", "the page could not be fitted to its printed layout"),
    Reason("photo_blurred", "page", "a phone photo too blurred for its marks to be trusted (shaken or out of focus)"),
    Reason("photo_too_small", "page", "a phone photo in which the sheet is too small (under 120 px per inch of paper)"),
    Reason("photo_no_sheet", "page", "a phone photo in which no sheet's outline was found, nor any code read"),
    Reason("internal_error", "page", "a bug while reading the page: kept, with its trace, for the developers"),
    Reason("needs_identity", "review", "no QR code could be read on a page with ink: a volunteer types the "
           "identifier printed in clear, then the page is read as that one"),
    Reason("conflict", "review", "a second scan of a page already counted: a volunteer keeps one"),
    Reason("band", "doubt", "a mark between empty and marked (very light or very small)"),
    Reason("filled_band", "doubt", "a box between marked and filled (cancelled?)"),
    Reason("beside", "doubt", "ink touching the box's edge: a stroke from beside it?"),
    Reason("trace", "doubt", "a few dots left in the box: a mark the scanner erased?"),
    Reason("unseen", "doubt", "the box is not in the image (outside the frame, a lost corner or edge): look at the paper"),
    Reason("too_dark", "doubt", "the box lies in a shadow too dark to tell a light mark from the paper"),
    Reason("several_marked", "doubt", "several quantities marked for one product"),
    Reason("filled_alone", "doubt", "a filled box with nothing else marked: cancelled or chosen?"),
    Reason("box_doubtful", "doubt", "a line holding a doubtful box"),
    Reason("digit_missing", "doubt", "a number (member, amount) with a digit missing"),
    Reason("unknown_member", "doubt", "a member number ticked on a walk-in form that is no member's this month"),
)

BY_CODE = {reason.code: reason for reason in REASONS}


def of_kind(kind: str) -> tuple[str, ...]:
    return tuple(r.code for r in REASONS if r.kind == kind)
