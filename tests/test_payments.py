"""Payments volunteers can trust (issue 12, point 2), through the command line on real
workspaces: a payment is recorded for a form named by its number or by its member's number,
the answer says whose form it went to, a form not yet back is recorded with a warning, payment
modes are taken as people write them, and every euro recorded is found again in the month's
documents (payments sheet, dashboard, next month's credit, the no-form list)."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pypdfium2 as pdfium

from cagettes import closing
from cagettes.cli import main
from cagettes.core.money import euros
from cagettes.core.paths import MonthPaths
from cagettes.services import months
from tests.backends import BOTH_BACKENDS

MONTH = "2027-01"


def run(capsys, root, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["-w", str(root), *args])
    said = capsys.readouterr()
    return code, said.out + said.err


def opened(workspace, capsys):
    assert run(capsys, workspace.root, "month", "open", MONTH, "--aujourdhui", "2026-12-20")[0] == 0
    return months.load_month(workspace, MONTH)


def pdf_text(path) -> str:
    document = pdfium.PdfDocument(str(path))
    return " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def plain(text: str) -> str:
    """Text as a reader sees it: PDF text extraction writes no-break spaces and line ends its own way."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_a_payment_by_member_number_names_the_member_and_the_form(workspace, capsys):
    data = opened(workspace, capsys)
    form = next(f for f in data.forms if f.member)
    short = form.member.number.lstrip("0")  # as a spreadsheet would have turned it: 41 for 0041
    code, said = run(capsys, workspace.root, "payment", "--membre", short, "--mois", MONTH, "--mode", "espèces",
                     "--montant", "5")
    assert code == 0, said
    assert f"bon n° {form.number}" in said and form.member.display_name in said and form.member.number in said, said
    assert euros(Decimal(5)) in said and "especes" in said, said
    assert "pas encore revenu" in said, said  # nothing was scanned: recorded, with a warning


def test_a_payment_must_say_which_form_and_wrong_ones_are_said_in_french(workspace, capsys):
    data = opened(workspace, capsys)
    root = workspace.root
    code, said = run(capsys, root, "payment", "--mois", MONTH, "--mode", "especes", "--montant", "5")
    assert code == 1 and "--bon" in said and "--membre" in said and "Traceback" not in said, said
    code, said = run(capsys, root, "payment", "--membre", "9999", "--mois", MONTH, "--mode", "especes", "--montant", "5")
    assert code == 1 and "9999" in said and "Aucun bon" in said, said
    code, said = run(capsys, root, "payment", "--bon", "99999", "--mois", MONTH, "--mode", "especes", "--montant", "5")
    assert code == 1 and "99999" in said and "Bon n°" in said, said
    form = data.forms[0].number
    code, said = run(capsys, root, "payment", "--bon", str(form), "--mois", MONTH, "--mode", "carte bleue",
                     "--montant", "5")
    assert code == 1 and "Mode de paiement inconnu" in said and "cheque_alimentaire" in said, said


def test_payment_modes_are_taken_as_people_write_them():
    assert closing.payment_method("espèces") == "especes"
    assert closing.payment_method(" Chèque ") == "cheque"
    assert closing.payment_method("chèque alimentaire") == "cheque_alimentaire"
    assert closing.payment_method("Chèque-Alimentaire") == "cheque_alimentaire"
    assert closing.payment_method("carte") == "carte"  # unknown: refused where it is checked


@BOTH_BACKENDS
def test_every_euro_recorded_is_found_again_in_the_documents(workspace, capsys):
    """Members pay when they hand in their form; these forms never came back by closing. The
    money is in the payments sheet, the dashboard's total, the member's next credit and the
    no-form list; a walk-in form's money, with no member to keep it for, in the first two."""
    data = opened(workspace, capsys)
    root = workspace.root
    named = [f for f in data.forms if f.member][:3]
    walkin = next(f for f in data.forms if not f.member)
    paid = {named[0].number: Decimal("5.00"), named[1].number: Decimal("12.50"), named[2].number: Decimal("3.20"),
            walkin.number: Decimal("7.00")}
    for form, amount in paid.items():
        code, said = run(capsys, root, "payment", "--bon", str(form), "--mois", MONTH, "--mode", "chèque",
                         "--montant", str(amount).replace(".", ","))
        assert code == 0, said
    assert "ne peut pas devenir un avoir" in said, said  # the walk-in form, last
    assert run(capsys, root, "payment", "--bon", str(named[2].number), "--mois", MONTH, "--mode", "especes",
               "--montant", "1,80", "--ajouter")[0] == 0
    paid[named[2].number] += Decimal("1.80")
    code, said = run(capsys, root, "month", "close", MONTH, "--force")
    assert code == 0, said

    code, said = run(capsys, root, "payment", "--bon", str(walkin.number), "--mois", MONTH, "--mode", "especes",
                     "--montant", "0,50", "--ajouter")
    assert code == 0 and f"cagettes documents {MONTH}" in said, said  # closed: the documents must be written again
    assert run(capsys, root, "documents", MONTH)[0] == 0
    paid[walkin.number] += Decimal("0.50")

    paths = MonthPaths(workspace.month_dir(MONTH))
    sheet = openpyxl.load_workbook(paths.distribution / f"distribution-{MONTH}.xlsx")["Paiements"]
    rows = list(sheet.iter_rows(values_only=True))
    found: dict[int, Decimal] = {}
    for row in rows[1:]:
        found[int(row[0])] = found.get(int(row[0]), Decimal(0)) + Decimal(str(row[6])).quantize(Decimal("0.01"))
    assert found == paid
    assert rows[0][-1] == "Bon revenu" and all(row[-1] != "oui" for row in rows[1:])

    dashboard = (paths.distribution / "tableau-de-bord.html").read_text(encoding="utf-8")
    assert euros(sum(paid.values(), Decimal(0))) in dashboard
    assert f"Bon libre n° {walkin.number}" in dashboard and euros(paid[walkin.number]) in dashboard

    credits = closing.month_accounts(workspace.engine(), data).credits()
    for form in named:
        previous = data.credits.get(form.member.number, Decimal(0))
        assert credits[form.member.number] == previous + paid[form.number]
    site = named[0].site
    absent = pdf_text(next(paths.distribution.glob(f"sans-bon-*{site}*.pdf")))
    assert f"A payé {plain(euros(paid[named[0].number]))}" in plain(absent)
    assert f"Bon n° {named[0].number}" in plain(absent)


def test_the_form_number_payments_take_is_on_every_page_of_a_named_form(printed):
    """`payment --bon N` takes the number printed after « Bon n° » at the top of every page."""
    import json

    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    forms = {f.number: f for f in data.forms}
    named = [p for p in manifest["pages"] if forms[p["form"]].member][:12]
    documents: dict[str, pdfium.PdfDocument] = {}
    for page in named:
        pdf = documents.setdefault(page["pdf"], pdfium.PdfDocument(str(result.out_dir / page["pdf"])))
        text = plain(pdf[page["pdf_page"]].get_textpage().get_text_range())
        assert f"Bon n° {page['form']} ·" in text, (page["id"], text[:200])
        assert forms[page["form"]].member.display_name in text
    assert len({p["form"] for p in named}) > 1 and any(p["page"] > 1 for p in named)
