"""One registry of reasons (cagettes/core/reasons.py): each has its sentence in French and
English, and the scanner gives no reason the registry does not hold."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cagettes.core.i18n import _
from cagettes.core.reasons import BY_CODE, REASONS, of_kind
from cagettes.scan.doubts import WORDS as REVIEW_WORDS
from cagettes.scan.input_messages import MESSAGES as INPUT_MESSAGES
from cagettes.scan.notices import MESSAGES as PAGE_MESSAGES

REPO = Path(__file__).resolve().parent.parent
# Where reasons are given: these modules' string constants in a "reason" position.
GIVERS = [REPO / "scan" / name for name in ("inputs.py", "identify.py", "recognise.py", "decide.py", "pipeline.py")]
GIVERS += [REPO / "forms" / "ids.py"]


def sentences(code: str) -> list[str]:
    kind = BY_CODE[code].kind
    if kind == "input":
        return [v for k, v in INPUT_MESSAGES.items() if k.split(".")[0] == code]
    if kind in ("page", "review"):
        return [PAGE_MESSAGES[code]] if code in PAGE_MESSAGES else []
    return [REVIEW_WORDS[f"why_{code}"]] if f"why_{code}" in REVIEW_WORDS else []


@pytest.mark.parametrize("code", [r.code for r in REASONS])
def test_each_reason_has_its_sentence_in_french_and_english(code):
    found = sentences(code)
    assert found, f"no sentence for {code}"
    assert all(_(s, "fr") and _(s, "en") != s for s in found), code


def reasons_given(path: Path) -> set[str]:
    """String constants given as a reason: reason="x", Identification(..., reason="x"),
    InputProblem(path, index, "x"), PageResult(REJECTED, "x"), Line(..., "x", ...) status codes."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "reason" and isinstance(node.value, ast.Constant):
            found.add(node.value.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = node.args
            if node.func.id in ("InputProblem", "BadInput") and len(args) >= 3 and isinstance(args[2], ast.Constant):
                found.add(args[2].value)
            if node.func.id == "PageResult" and len(args) >= 2 and isinstance(args[1], ast.Constant):
                found.add(args[1].value)
    return {code for code in found if isinstance(code, str) and code}


def test_the_scanner_gives_only_registered_reasons():
    given = set().union(*(reasons_given(path) for path in GIVERS))
    assert given, "the search found no reason at all: it is broken"
    assert given - set(BY_CODE) == set()


def test_kinds_are_the_documented_ones():
    assert {r.kind for r in REASONS} == {"input", "page", "review", "doubt"}
    assert "registration_failed" in of_kind("page") and "band" in of_kind("doubt")


def test_every_sentence_table_reason_is_registered():
    """The other way round: a reason worded somewhere but missing from the registry fails."""
    pages = {k for k in PAGE_MESSAGES if not k.startswith("where.") and k not in ("review", "unknown", "by_volunteer")}
    inputs = {k.split(".")[0] for k in INPUT_MESSAGES if k.split(".")[0] not in ("cause", "content")}
    doubts = {k[len("why_"):] for k in REVIEW_WORDS if k.startswith("why_")} - {"name", "other"}
    labels = {k[len("page_"):] for k in REVIEW_WORDS if k.startswith("page_")}
    assert (pages | inputs | doubts | labels) - set(BY_CODE) == set()


@pytest.mark.parametrize("code", [r.code for r in REASONS if r.kind != "doubt"])
def test_each_page_reason_has_its_words_in_the_counts_after_a_scan(code):
    assert f"page_{code}" in REVIEW_WORDS or code == "conflict", code
