"""Print a whole month: variants, stamped forms, posters, one print-ready PDF per site.

Options (the same dict serves the API and ``cagettes print``):

=================  =======  ==============================================================
``jobs``           2        worker processes; WeasyPrint and pikepdf are single-threaded
``chunk_forms``    50       forms stamped per batch: bounds memory whatever the month's size
``template_dir``   None     the workspace's templates folder, searched before the defaults
``site_url``       ""       public site base URL, for the posters' QR codes
``what``           bundles  "bundles": cover + forms + walk-ins + poster per site;
                            "forms": the forms alone, one PDF per site in private/forms/
=================  =======  ==============================================================
"""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import pikepdf

from cagettes.core import dates, private
from cagettes.core.i18n import _
from cagettes.core.month import FormSlot, MonthData
from cagettes.core.paths import POSTER_SIZES, MonthPaths, inside, site_page_path, write_bytes
from cagettes.forms import layout, manifest, posters
from cagettes.forms.stamp import Assembler, StampedPage, plan_pages, render_overlays, sample_pdf
from cagettes.forms.templating import make_env, render_template, template_file
from cagettes.forms.variants import RenderedVariant, Variant, font_urls, render_variant


class PrintOptions(TypedDict, total=False):
    """The options of ``print_month`` and ``print_posters``, which ``cagettes print`` fills from
    its flags and the workspace (``cagettes.services.printing.options``)."""

    jobs: int  # worker processes
    chunk_forms: int  # forms stamped per batch: bounds the memory whatever the month's size
    template_dir: Path | None  # the workspace's own templates, ahead of the packaged ones
    site_url: str  # printed on the posters' QR code; "" for none
    what: str  # "bundles" (everything, by site) or "forms" (the forms alone)


COVER_PAGES = 1  # cover.html holds on one page; a blank verso follows it
DEFAULT_OPTIONS: PrintOptions = {"jobs": 2, "chunk_forms": 50, "template_dir": None, "site_url": "", "what": "bundles"}
Progress = Callable[[str, int], None]  # (stage, forms done since the last call)


@dataclass
class SiteBundle:
    site: str
    path: Path
    member_forms: int
    walkin_forms: int
    pages: int
    blank_pages: int = 0  # duplex versos left blank on purpose

    @property
    def sheets(self) -> int:
        return (self.pages + 1) // 2


@dataclass
class PrintResult:
    month: str
    out_dir: Path
    bundles: list[SiteBundle] = field(default_factory=list)
    posters: dict[str, Path] = field(default_factory=dict)
    blank_form: Path | None = None
    manifest_path: Path | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for bench/

    @property
    def pages(self) -> int:
        return sum(b.pages for b in self.bundles)


@dataclass
class Chunk:
    """Stamped pages of consecutive forms of one site; None marks a duplex blank page."""

    pdf: bytes
    pages: list[StampedPage | None]


def print_month(month: MonthData, out_dir: Path, options: PrintOptions | None = None,
                progress: Progress | None = None) -> PrintResult:
    opts: PrintOptions = {**DEFAULT_OPTIONS, **(options or {})}
    started = time.perf_counter()
    result = PrintResult(month.month, out_dir)
    private_dir(out_dir)  # owner-only before anything with a name is written in it
    for site in month.sites:  # a code that cannot name a file is said before the work, not after
        MonthPaths(out_dir).bundle(site.code, opts["what"])
    printed: list[manifest.PrintedPage] = []
    with ProcessPoolExecutor(max_workers=max(1, int(opts["jobs"]))) as pool:
        with timed(result, "variants"):
            variants = render_variants(month, opts, pool)
            result.blank_form = write_blank_form(month, variants, out_dir, opts["template_dir"])
        posters_pending = submit_posters(month, out_dir, opts, pool)  # they run between stamping batches
        with timed(result, "stamping"):
            chunks = stamp_all(month, variants, opts, pool, progress)
        with timed(result, "posters and covers"):
            result.posters = {key: write_bytes(path, future.result()) for key, (path, future) in posters_pending.items()}
            plans = [plan_bundle(month, site.code, chunks[site.code], result, opts) for site in month.sites]
            covers = [pool.submit(render_cover, month, plan.site, plan, opts) if opts["what"] == "bundles" else None
                      for plan in plans]
        with timed(result, "assembly"):
            for plan, cover in zip(plans, covers, strict=False):
                result.bundles.append(assemble_bundle(plan, cover.result() if cover else None, chunks[plan.site], result, printed))
    with timed(result, "manifest"):
        result.manifest_path = MonthPaths(out_dir).manifest
        manifest.write(manifest.build(month, printed), result.manifest_path)
    result.seconds = time.perf_counter() - started
    return result


@contextmanager
def timed(result: "PrintResult", stage: str):
    started = time.perf_counter()
    yield
    result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - started


def private_dir(out_dir: Path, what: str | None = None) -> Path:
    """Names and member numbers live only here: created readable by the owner alone."""
    paths = MonthPaths(out_dir)
    return private.private_dir(paths.print_dir(what) if what else paths.private)


def render_variants(month: MonthData, opts: PrintOptions, pool: ProcessPoolExecutor) -> dict[str, RenderedVariant]:
    wanted = {Variant.of(form) for form in month.forms} | {Variant(walkin=True)}
    futures = {v.key: pool.submit(_render_variant_job, month, v, opts["template_dir"]) for v in wanted}
    return {key: future.result() for key, future in futures.items()}


def _render_variant_job(month: MonthData, variant: Variant, template_dir: Path | None) -> RenderedVariant:
    return render_variant(month, variant, make_env(template_dir))


def stamp_all(month, variants, opts, pool, progress) -> dict[str, list[Chunk]]:
    jobs = {site.code: [pool.submit(_stamp_job, month, batch, variants, opts["template_dir"])
                        for batch in batches(ordered_forms(month, site.code), opts["chunk_forms"])]
            for site in month.sites}
    chunks: dict[str, list[Chunk]] = {}
    for site, futures in jobs.items():
        chunks[site] = []
        for future in futures:
            chunks[site].append(future.result())
            if progress:
                progress("stamp", len({p.form.number for p in chunks[site][-1].pages if p is not None}))
    return chunks


def ordered_forms(month: MonthData, site: str) -> list[FormSlot]:
    """Members by name, then the walk-in forms: the order volunteers hand them out in."""
    forms = month.forms_of(site)
    members = sorted((f for f in forms if f.member), key=lambda f: f.member.sort_key if f.member else ("", ""))
    return members + [f for f in forms if f.member is None]


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(1, int(size)))]


def _stamp_job(month: MonthData, forms: list[FormSlot], variants: dict[str, RenderedVariant],
               template_dir: Path | None) -> Chunk:
    pages = plan_pages(month, forms, variants)
    overlay = render_overlays(month, pages, make_env(template_dir))
    sequence = with_duplex_blanks(pages)
    assembler = Assembler(variants)
    assembler.add_stamped(sequence, overlay)
    return Chunk(assembler.to_bytes(), sequence)


def with_duplex_blanks(pages: list[StampedPage]) -> list[StampedPage | None]:
    """Each form starts on a recto: an odd-length form is followed by a blank verso."""
    out: list[StampedPage | None] = []
    for page in pages:
        out.append(page)
        if page.index == page.count - 1 and page.count % 2:
            out.append(None)
    return out


def print_posters(month: MonthData, out_dir: Path, options: PrintOptions | None = None) -> dict[str, Path]:
    """Posters of every site and the blank form: the public downloads of the month."""
    opts: PrintOptions = {**DEFAULT_OPTIONS, **(options or {})}
    with ProcessPoolExecutor(max_workers=max(1, int(opts["jobs"]))) as pool:
        pending = submit_posters(month, out_dir, opts, pool)
        downloads = {key: write_bytes(path, future.result()) for key, (path, future) in pending.items()}
    blank = render_variant(month, Variant(walkin=True), make_env(opts["template_dir"]))
    downloads["blank-form"] = write_blank_form(month, {blank.variant.key: blank}, out_dir, opts["template_dir"])
    return downloads


def existing_downloads(month: MonthData, out_dir: Path) -> dict[str, Path] | None:
    """The public downloads already printed for this month, or None if any is missing."""
    found = {f"poster-{s.code}-{size}": MonthPaths(out_dir).poster(s.code, size)
             for s in month.sites for size in POSTER_SIZES}
    found["blank-form"] = MonthPaths(out_dir).blank_form
    return found if all(p.is_file() for p in found.values()) else None


def write_blank_form(month: MonthData, variants: dict[str, RenderedVariant], out_dir: Path, template_dir) -> Path:
    """The walk-in layout marked as a sample (no name, no signed code): for the public site, to
    read at home."""
    path = MonthPaths(out_dir).blank_form
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_pdf(variants[Variant(walkin=True).key], month.month, make_env(template_dir)))
    return path


def submit_posters(month: MonthData, out_dir: Path, opts: PrintOptions, pool) -> dict[str, tuple[Path, Future]]:
    """Each site's A4 and A3 posters, rendered by the pool: key -> (destination, future bytes)."""
    return {f"poster-{site.code}-{size}": (MonthPaths(out_dir).poster(site.code, size),
                                           pool.submit(_poster_job, month, site.code, size, opts))
            for site in month.sites for size in POSTER_SIZES}


def _poster_job(month: MonthData, site: str, size: str, opts: PrintOptions) -> bytes:
    url = site_page_url(opts["site_url"], month.month, site)
    return posters.render_poster(month, site, size, make_env(opts["template_dir"]), url)


def site_page_url(base: str, month: str, site: str) -> str:
    """Where the static site publishes a site's page: base URL + month folder + page."""
    path = site_page_path(site)
    return f"{base.rstrip('/')}/{month}/{path}" if base else path


def plan_bundle(month: MonthData, site: str, chunks: list[Chunk], result: PrintResult, opts: PrintOptions) -> SiteBundle:
    """What goes into a site's PDF: a full bundle adds a cover, its blank verso and the poster."""
    forms = ordered_forms(month, site)
    full = opts["what"] == "bundles"
    private_dir(result.out_dir, opts["what"])
    # The cover, its blank verso and the poster, counted from the poster's own PDF: the cover
    # says how many pages and sheets the bundle holds, and a long poster takes two.
    around = COVER_PAGES + 1 + pdf_pages(result.posters[f"poster-{site}-A4"]) if full else 0
    return SiteBundle(site, MonthPaths(result.out_dir).bundle(site, opts["what"]),
                      sum(1 for f in forms if f.member), sum(1 for f in forms if not f.member),
                      pages=sum(len(c.pages) for c in chunks) + around,
                      blank_pages=sum(p is None for c in chunks for p in c.pages) + (1 if full else 0))


def pdf_pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def assemble_bundle(bundle: SiteBundle, cover: bytes | None, chunks: list[Chunk], result: PrintResult,
                    printed: list[manifest.PrintedPage]) -> SiteBundle:
    assembler = Assembler({})
    if cover:
        assembler.add_pdf(cover)
        assembler.add_blank()
    relative = bundle.path.relative_to(result.out_dir).as_posix()
    for chunk in chunks:
        start = assembler.page_count()
        printed.extend(manifest.PrintedPage(p, relative, start + i) for i, p in enumerate(chunk.pages) if p)
        assembler.add_pdf(chunk.pdf)
    if cover:
        assembler.add_pdf(result.posters[f"poster-{bundle.site}-A4"].read_bytes())
    private.private_dir(bundle.path.parent)
    assembler.save(bundle.path)
    private.private_file(bundle.path)
    return bundle


def render_cover(month: MonthData, site_code: str, bundle: SiteBundle, opts: PrintOptions) -> bytes:
    env = make_env(opts["template_dir"])
    site, delivery = month.site(site_code), month.deliveries[site_code]
    year, number = month.year_month
    html = render_template(env, "cover.html",
        site=site, association=month.association, month_label=dates.month_name(year, number),
        forms_date=dates.long_date(month.forms_date), deadline=dates.long_date(month.deadline),
        supplier_order=dates.long_date(month.supplier_order_date),
        delivery=dates.long_slot(delivery.date, delivery.opens, delivery.closes),
        counts={"member_forms": bundle.member_forms, "walkin_forms": bundle.walkin_forms,
                "posters": 1, "pages": bundle.pages, "sheets": bundle.sheets},
        fonts=font_urls(), stylesheet=template_file(env, "cover.css").as_uri())
    return layout.render(html, template_file(env, "cover.html").parent).write_pdf()


def summary_lines(result: PrintResult) -> list[str]:
    """The print summary across sites, as the CLI prints it and resume-impression.txt keeps it."""
    lines = [_("Impression de {month} : {pages} pages en {seconds:.1f} s", "fr", month=result.month,
               pages=result.pages, seconds=result.seconds)]
    for b in result.bundles:
        lines.append(_("  {site:<12} {members:>4} bons nominatifs, {walkins:>3} bons libres, {pages:>5} pages, "
                       "{sheets:>5} feuilles recto verso  →  {path}", "fr", site=b.site, members=b.member_forms,
                       walkins=b.walkin_forms, pages=b.pages, sheets=b.sheets, path=b.path))
    lines.append(_("  Total : {sheets} feuilles ; manifeste : {path}", "fr",
                   sheets=sum(b.sheets for b in result.bundles), path=result.manifest_path))
    return lines


def print_member_form(month: MonthData, form: FormSlot, out_dir: Path, options: PrintOptions | None = None) -> SiteBundle:
    """One member's form alone, in private/forms/membre-<number>.pdf, its pages added to the
    month's manifest: a member who joined after the bundles were printed."""
    opts: PrintOptions = {**DEFAULT_OPTIONS, **(options or {})}
    rendered = render_variant(month, Variant.of(form), make_env(opts["template_dir"]))
    chunk = _stamp_job(month, [form], {rendered.variant.key: rendered}, opts["template_dir"])
    number = form.member.number if form.member else str(form.number)
    path = inside(private_dir(out_dir, "forms"), f"membre-{number}.pdf", number)
    private.private_file(write_bytes(path, chunk.pdf))
    relative = path.relative_to(out_dir).as_posix()
    printed = [manifest.PrintedPage(p, relative, i) for i, p in enumerate(chunk.pages) if p]
    manifest.add_pages(month, printed, MonthPaths(out_dir).manifest)
    return SiteBundle(form.site, path, 1, 0, pages=len(chunk.pages), blank_pages=sum(p is None for p in chunk.pages))
