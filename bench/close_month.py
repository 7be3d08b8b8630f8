"""Close a synthetic month of N members and time each step of the closing documents.

    python bench/close_month.py --members 1000

The workspace is the sample association grown to N members (as in bench/print_month.py). The
returned forms are written straight into the database as the scanning stage would leave them
(one accepted page per form, each product ordered with probability 0.3, a quantity of 1 to its
maximum, "+1" ticked on a third of case products, a payment for most forms), so this measures
closing, not scanning. Printed: seconds for closing, for the allocation and accounts, for the
PDFs (on 2 processes), the spreadsheets and the dashboards, and the peak resident memory.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from print_month import make_workspace

from cagettes import closing as distribution
from cagettes.catalog import load_catalog
from cagettes.closing import dashboards, documents, spreadsheets
from cagettes.forms.templating import make_env
from cagettes.storage import db, months


def fake_returns(engine, data, share: float, seed: int) -> int:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    returned = 0
    with engine.begin() as conn:
        for form in data.forms:
            if rng.random() >= share:
                continue
            returned += 1
            page = conn.execute(db.scanned_pages.insert().values(
                month=data.month, sha256=f"{form.number:064d}", source="bench", scanned_at=now, outcome="accepted",
                reason="", detail="", page_id=f"bench-{form.number}", form=form.number, page=1, review_reasons=[]))
            conn.execute(db.page_lines.insert(), form_lines(page.inserted_primary_key[0], data, rng))
    return returned


def form_lines(page_id: int, data, rng: random.Random) -> list[dict]:
    lines = [{"scanned_page": page_id, "kind": "payment", "product": None, "value": "especes", "status": "confirmed",
              "reason": "", "boxes": []},
             {"scanned_page": page_id, "kind": "amount", "product": None, "value": f"{rng.uniform(5, 60):.2f}",
              "status": "confirmed", "reason": "", "boxes": []}]
    for product in data.products:
        if rng.random() < 0.3:
            lines.append({"scanned_page": page_id, "kind": "quantity", "product": product.ref,
                          "value": str(rng.randint(1, product.max_per_member)), "status": "confirmed", "reason": "",
                          "boxes": []})
            if product.case_size:
                lines.append({"scanned_page": page_id, "kind": "tolerance", "product": product.ref,
                              "value": str(rng.random() < 0.33), "status": "confirmed", "reason": "", "boxes": []})
    return lines


def timed(label: str, timings: dict, action):
    started = time.perf_counter()
    result = action()
    timings[label] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--returned", type=float, default=0.8, help="share of forms that come back")
    parser.add_argument("--month", default="2026-12")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cagettes-bench-") as tmp:
        workspace = make_workspace(Path(tmp) / "ws", args.members)
        engine = workspace.engine()
        data = months.open_month(engine, workspace.config, load_catalog(workspace.config.catalog_path), args.month)
        forms = fake_returns(engine, data, args.returned, seed=1)
        out, env, t = workspace.month_dir(data.month), make_env(workspace.templates_dir), {}
        timed("close (freeze the orders)", t, lambda: distribution.close_month(engine, data, "bench"))
        accounts = timed("allocation and accounts", t, lambda: distribution.month_accounts(engine, data))
        written = timed("PDF documents", t, lambda: documents.write_documents(accounts, out, env))
        timed("spreadsheets", t, lambda: spreadsheets.write_spreadsheets(accounts, out))
        timed("private dashboard", t, lambda: dashboards.write_private_dashboard(accounts, engine, out, env))
        timed("public charts", t, lambda: dashboards.write_charts(dashboards.public_stats(accounts), out / "charts"))
        report(args, forms, written, t)
    return 0


def report(args, forms: int, written, timings: dict) -> None:
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"members: {args.members}, forms back: {forms}, PDF files: {len(written.all)}")
    for label, seconds in timings.items():
        print(f"  {label:<28} {seconds:7.2f} s")
    print(f"  {'total':<28} {sum(timings.values()):7.2f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main {own:.0f} MB, largest PDF worker {workers:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
