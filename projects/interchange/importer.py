"""`import_bundle`: the one entry point of imports (the command, the upload page, loaddemo).

All or nothing: every file is checked in full before anything is written, in one transaction;
if anything is wrong, nothing is written and the report lists every problem found. A dry run
checks and counts the same way and then rolls back.
"""

from __future__ import annotations

from django.db import transaction

from projects.interchange.lead_format import BUNDLE_TABLES
from projects.interchange.leads import LeadImport
from projects.interchange.timeline import TIMELINE_TABLES, TimelineImport
from regions import audit
from regions.interchange.codebook import CodeBook
from regions.interchange.readers import Bundle, Source, open_bundle
from regions.interchange.reference import (
    TablePlan,
    check_reference,
    check_target_links,
    classify,
    read_reference,
    write_reference,
)
from regions.interchange.report import ImportReport, Progress
from regions.interchange.validate import RegionCodes
from screening import invalidation

# Tables whose changes alter the shared measures (RCA, proximity, density) of every region;
# regions and industries too, as in screening.invalidation.MEASURE_MODELS (they shape the world).
_MEASURE_TABLES = {
    "regions",
    "industries",
    "region_industries",
    "industry_links",
    "industry_relatedness",
    "industry_reference",
}
# Tables of leads, read by projects.interchange rather than as reference tables.
_LEAD_TABLES = {"leads", *(table.name for table in TIMELINE_TABLES)}
# Tables whose changes alter the scores of leads in the regions they belong to.
_REGION_TABLES = {"clusters", "anchor_firms", "endowments"}
# The firm directory: no stored score depends on it; prospect lists re-read it.
_FIRM_TABLES = {"firms", "plants"}


def import_bundle(
    source: Source,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    regions: RegionCodes = None,
    batch: str = "",
) -> ImportReport:
    """Import a folder of CSVs, a .zip of CSVs, one .csv or an .xlsx (path or open file).

    Any subset of the tables may be present. Rows are matched on their business key (codes;
    region + cluster code; lead external_id): existing rows are updated, new ones created,
    nothing is deleted except cluster members a listed cluster no longer has. Empty cells are
    stored as unknown (NULL), never as zero. `progress(table, phase, rows_done)` is called
    per chunk of leads. The returned report says per table what was (or, with `dry_run`,
    would be) created, updated and unchanged, or lists every problem. `regions` limits a
    regional admin's upload to the rows of these region codes (None: every region); a row of
    another region, a lead now in another region, or a table of no region is a problem.

    Every row written is recorded in the audit trail as changed through an import, by the
    signed-in user of the request (if any), under the batch id `batch` (an upload's token; by
    default a new id), which the report carries.
    """
    report = ImportReport(dry_run=dry_run, batch=batch or audit.new_batch_id())
    with (
        open_bundle(source, report, BUNDLE_TABLES) as bundle,
        transaction.atomic(durable=True),
        audit.acting(via=audit.Via.IMPORT, batch=report.batch),
    ):
        _import(bundle, report, progress, regions)
        if not report.written:
            transaction.set_rollback(True)
    return report


def _import(
    bundle: Bundle, report: ImportReport, progress: Progress | None, regions: RegionCodes
) -> None:
    book = CodeBook.from_db()
    plans = _check_reference_tables(bundle, book, report, regions)
    source = bundle.sources.get("leads")
    leads = LeadImport(source, book, report, progress, regions) if source else None
    try:
        if leads is not None:
            leads.validate()
        timelines = _check_timelines(bundle, book, report, regions, leads)
        if report.written:
            _write(plans, leads, book)
            for timeline in timelines:
                timeline.write()
            _mark_stale(plans, report, book)
    finally:
        if leads is not None:
            leads.close()


def _check_reference_tables(
    bundle: Bundle, book: CodeBook, report: ImportReport, regions: RegionCodes
) -> list[TablePlan]:
    """Read and check every table but leads; if all is well, count what would change."""
    plans = [
        read_reference(source, book, report, regions)
        for source in bundle.in_import_order()
        if source.table.name not in _LEAD_TABLES
    ]
    for plan in plans:
        check_reference(plan, book, report)
    check_target_links(plans, report)
    if report.ok:  # rows with problems cannot be compared; the report lists the problems
        for plan in plans:
            classify(plan, report.table(plan.table.name))
    return plans


def _check_timelines(
    bundle: Bundle,
    book: CodeBook,
    report: ImportReport,
    regions: RegionCodes,
    leads: LeadImport | None,
) -> list[TimelineImport]:
    """Read and check the leads' activities and stage history (after leads.csv)."""
    file_leads = set(leads.external_ids) if leads is not None else set()
    timelines = [
        TimelineImport(bundle.sources[table.name], book, report, regions, file_leads)
        for table in TIMELINE_TABLES
        if table.name in bundle.sources
    ]
    for timeline in timelines:
        timeline.validate()
    return timelines


def _write(plans: list[TablePlan], leads: LeadImport | None, book: CodeBook) -> None:
    for plan in plans:
        write_reference(plan, book)
    if leads is not None:
        book.refresh()  # ids of the regions and industries just written
        leads.write()


def _mark_stale(plans: list[TablePlan], report: ImportReport, book: CodeBook) -> None:
    """Tell screening what the import made stale, in the import's transaction."""
    if any(report.table(name).changed for name in _MEASURE_TABLES if name in report.counts):
        invalidation.measures_changed()
    region_codes: set[str] = set()
    for plan in plans:
        if plan.table.name in _REGION_TABLES:
            region_codes |= plan.changed_region_codes()
    if region_codes:
        invalidation.regions_changed(book.regions[code] for code in region_codes)
    if any(report.table(name).changed for name in _FIRM_TABLES if name in report.counts):
        invalidation.firms_changed()
    leads = report.counts.get("leads")
    if leads is not None and leads.changed:
        invalidation.leads_imported()
