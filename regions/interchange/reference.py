"""Importing the reference tables (everything but leads): read, check, compare, write.

These tables are small (one row per region, industry, link, cluster member, …), so each is
read whole into memory, checked against the others, compared with the stored rows and written
with one bulk upsert per table. An optional column left out of the file leaves the stored
values alone; a present but empty cell stores unknown (NULL) or blank text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

from regions import audit
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import CLUSTERS, Column, Table, targets
from regions.interchange.readers import TableSource
from regions.interchange.report import ImportReport, TableCounts
from regions.interchange.stored import Row, key_of, stored_by_key
from regions.interchange.validate import (
    DuplicateKeys,
    GroupAgreement,
    ParsedRow,
    RegionCodes,
    TableParser,
    check_distinct,
    check_refs,
    check_row_scope,
    check_table_scope,
    check_tree,
)
from regions.models import ClusterIndustry, ClusterTargetLink


@dataclass
class TablePlan:
    """A reference table as read from its file, and what writing it would change."""

    table: Table
    label: str
    present: frozenset[str]
    rows: list[ParsedRow]
    stored: dict[tuple[Any, ...], Row] = field(default_factory=dict)
    writes: list[ParsedRow] = field(default_factory=list)  # rows to create or update
    removed: list[tuple[Any, ...]] = field(default_factory=list)  # cluster members to drop

    def changed_region_codes(self) -> set[str]:
        """Regions whose clusters, anchors or endowments this plan changes."""
        codes = {row.values["region_code"] for row in self.writes}
        return codes | {key[0] for key in self.removed}


def read_reference(
    source: TableSource, book: CodeBook, report: ImportReport, allowed: RegionCodes = None
) -> TablePlan:
    """Parse a reference table and run the checks that need only this file. `allowed`: the
    region codes a regional admin may write (None: every region)."""
    table, label = source.table, source.label
    check_table_scope(table, label, allowed, report)
    parser = TableParser(source, report)
    duplicates = DuplicateKeys(table, label, report)
    agreement = GroupAgreement(table, label, report)
    rows = []
    for row in parser.rows():
        duplicates.check(row)
        agreement.check(row)
        check_distinct(table, label, row, report)
        check_row_scope(label, row, allowed, report)
        rows.append(row)
    _note_defined_codes(table, rows, book)
    return TablePlan(table, label, parser.present, rows, stored=stored_by_key(table))


def _note_defined_codes(table: Table, rows: list[ParsedRow], book: CodeBook) -> None:
    """Codes this import defines, so other files (and parents later in the file) may use them."""
    if table.name == "regions":
        book.new_regions.update(row.values["code"] for row in rows if row.values.get("code"))
    elif table.name == "industries":
        book.new_industries.update(row.values["code"] for row in rows if row.values.get("code"))
    elif table.name == "firms":
        book.new_firms.update(row.values["firm_id"] for row in rows if row.values.get("firm_id"))
    elif table.name == "endowments":
        book.new_factors.update(row.values["factor"] for row in rows if row.values.get("factor"))
    elif table.name == "clusters":
        book.new_clusters.update(
            (row.values["region_code"], row.values["cluster_code"])
            for row in rows
            if row.values.get("region_code") and row.values.get("cluster_code")
        )


def check_reference(plan: TablePlan, book: CodeBook, report: ImportReport) -> None:
    """The checks across files: codes must exist; parents must not loop."""
    for row in plan.rows:
        check_refs(plan.table, plan.label, row, book, report)
    if plan.table.tree:
        stored_parents = {row["code"]: row["parent_code"] for row in plan.stored.values()}
        check_tree(plan.label, plan.rows, stored_parents, report)


def check_target_links(plans: list[TablePlan], report: ImportReport) -> None:
    """A cluster's member is not a link to fill (the cluster editor's rule, regions.services):
    members are the stored ones, or the file's for a cluster clusters.csv lists."""
    by_name = {plan.table.name: plan for plan in plans}
    links = by_name.get("cluster_target_links")
    if links is None:
        return
    members = {key for key in stored_by_key(CLUSTERS) if key[:2] not in _groups(by_name)}
    clusters = by_name.get("clusters")
    if clusters is not None:
        members |= {key_of(CLUSTERS, row.values) for row in clusters.rows}
    for row in links.rows:
        if key_of(links.table, row.values) in members:
            report.error(
                links.label,
                row.number,
                "industry_code",
                str(row.values.get("industry_code")),
                "a member of the cluster is not a link to fill",
            )
            row.ok = False


def _groups(plans: dict[str, TablePlan]) -> set[tuple[Any, ...]]:
    """The clusters (region code, cluster code) whose members clusters.csv sets."""
    clusters = plans.get("clusters")
    if clusters is None:
        return set()
    return {key_of(CLUSTERS, row.values)[:2] for row in clusters.rows}


def classify(plan: TablePlan, counts: TableCounts) -> None:
    """Sort the rows into created, updated and unchanged by comparing with the stored rows.

    Only the columns present in the file are compared. For clusters, stored members of a
    cluster in the file that the file no longer lists are to be removed.
    """
    compared = sorted(plan.present - set(plan.table.key))
    if plan.table.unordered:
        _pairs_in_code_order(plan)
    for row in plan.rows:
        old = plan.stored.get(key_of(plan.table, row.values))
        if old is None:
            counts.created += 1
        elif any(row.values[name] != old[name] for name in compared):
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        plan.writes.append(row)
    if plan.table.group:
        plan.removed = _dropped_members(plan)
        counts.removed = len(plan.removed)


def _pairs_in_code_order(plan: TablePlan) -> None:
    """Swap the two codes of an unordered pair where the file gave them in reverse order.

    Done after every check, so problems are reported in the columns the file used.
    """
    first, second = plan.table.key
    for row in plan.rows:
        values = row.values
        if values[second] < values[first]:
            values[first], values[second] = values[second], values[first]


def _dropped_members(plan: TablePlan) -> list[tuple[Any, ...]]:
    listed = {key_of(plan.table, row.values) for row in plan.rows}
    groups = {key[:2] for key in listed}
    return sorted(key for key in plan.stored if key[:2] in groups and key not in listed)


def write_reference(plan: TablePlan, book: CodeBook) -> None:
    """Write the created and updated rows (and drop removed cluster members), and record them
    in the audit trail (dropped members through their deletes)."""
    if not plan.writes and not plan.removed:
        return
    written = Written()
    if plan.table.tree:
        _write_tree(plan, book, written)
    elif plan.table.name == "clusters":
        _write_clusters(plan, book, written)
    elif plan.table.name == "anchor_firms":
        extra = _cluster_ref(book)
        _upsert(plan, plan.writes, book, written, extra)
    elif plan.table.name == "cluster_target_links":
        _write_target_links(plan, book, written)
    elif plan.table.name == "plants":
        _upsert(plan, plan.writes, book, written, lambda v: {"firm_id": book.firms[v["firm_id"]]})
    else:
        _upsert(plan, plan.writes, book, written)
    if plan.table.name == "firms":
        book.refresh()  # plants may point at the firms just written
    written.record()


@dataclass
class Written:
    """Primary keys of the rows a table's writes created and updated, per model, for the
    audit trail (recorded once the table is written, parents included)."""

    rows: dict[type[Model], tuple[list[int], list[int]]] = field(default_factory=dict)

    def add(self, model: type[Model], objects: Sequence[Model], created: list[bool]) -> None:
        new, changed = self.rows.setdefault(model, ([], []))
        for obj, is_new in zip(objects, created, strict=True):
            (new if is_new else changed).append(obj.pk)

    def record(self) -> None:
        for model, (new, changed) in self.rows.items():
            audit.record_bulk(model, new, created=True)
            audit.record_bulk(model, changed, created=False)


def _cluster_ref(book: CodeBook) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda values: {"cluster_id": _cluster_id(book, values)}


def _targets(plan: TablePlan) -> list[Column]:
    return [
        column for column in plan.table.columns if column.target and column.name in plan.present
    ]


def _upsert(
    plan: TablePlan,
    rows: list[ParsedRow],
    book: CodeBook,
    written: Written,
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """One bulk INSERT … ON CONFLICT (business key) DO UPDATE of the present columns (the
    databases Django supports for this set the primary keys of inserted and updated rows)."""
    table, model = plan.table, plan.table.model
    columns = _targets(plan)
    objects = [
        model(**book.model_values(columns, row.values), **(extra(row.values) if extra else {}))
        for row in rows
    ]
    update = targets(columns, besides=table.key)
    if update:
        model._default_manager.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=list(table.unique_fields),
            update_fields=update,
        )
    else:  # nothing but the key is in the file: every write is a new row
        model._default_manager.bulk_create(objects, batch_size=1000)
    stored_groups = {key[:2] for key in plan.stored} if plan.table.group else set()
    written.add(
        model,
        objects,
        [_is_new(plan, row.values, stored_groups) for row in rows],
    )


def _is_new(plan: TablePlan, values: dict[str, Any], stored_groups: set[tuple[Any, ...]]) -> bool:
    """Whether a row written creates its object (a cluster: whether any member was stored)."""
    key = key_of(plan.table, values)
    return key[:2] not in stored_groups if plan.table.group else key not in plan.stored


def _write_tree(plan: TablePlan, book: CodeBook, written: Written) -> None:
    """Upsert the rows, then set parents (a parent may be a row written in the same step)."""
    _upsert(plan, plan.writes, book, written)
    book.refresh()
    if "parent_code" not in plan.present:
        return
    ids = book.regions if plan.table.name == "regions" else book.industries
    model = plan.table.model
    parented = [
        model(pk=ids[row.values["code"]], parent_id=ids.get(row.values["parent_code"]))
        for row in plan.writes
    ]
    model._default_manager.bulk_update(parented, ["parent"], batch_size=1000)


def _cluster_id(book: CodeBook, values: dict[str, Any]) -> int:
    return book.clusters[(values["region_code"], values["cluster_code"])]


def _write_clusters(plan: TablePlan, book: CodeBook, written: Written) -> None:
    """Upsert each changed cluster once, then replace its member set with the file's rows."""
    first_of_group: dict[tuple[Any, ...], ParsedRow] = {}
    for row in plan.writes:
        first_of_group.setdefault(key_of(plan.table, row.values)[:2], row)
    _upsert(plan, list(first_of_group.values()), book, written)
    book.refresh()
    _drop_members(plan.removed, book)
    role = plan.table.by_name["role"]
    members = [
        ClusterIndustry(
            cluster_id=_cluster_id(book, row.values),
            industry_id=book.industries[row.values["industry_code"]],
            role=row.values[role.name],
        )
        for row in plan.writes
    ]
    ClusterIndustry.objects.bulk_create(
        members,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["cluster", "industry"],
        update_fields=["role"],
    )
    written.add(
        ClusterIndustry,
        members,
        [key_of(plan.table, row.values) not in plan.stored for row in plan.writes],
    )


def _write_target_links(plan: TablePlan, book: CodeBook, written: Written) -> None:
    """Replace the target links of each cluster in the file with the file's rows (links a
    cluster no longer has are deleted row by row, so the audit trail records each)."""
    book.refresh()  # clusters written by this import
    condition = Q()
    for region_code, cluster_code, industry_code in plan.removed:
        condition |= Q(
            cluster_id=book.clusters[(region_code, cluster_code)],
            industry_id=book.industries[industry_code],
        )
    if plan.removed:
        ClusterTargetLink.objects.filter(condition).delete()
    ClusterTargetLink.objects.bulk_create(
        [
            ClusterTargetLink(
                cluster_id=_cluster_id(book, row.values),
                industry_id=book.industries[row.values["industry_code"]],
            )
            for row in plan.writes
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    # Rows inserted with ignore_conflicts come back without ids: read the new links back.
    pairs = {
        (_cluster_id(book, row.values), book.industries[row.values["industry_code"]])
        for row in plan.writes
    }
    stored = ClusterTargetLink.objects.filter(cluster_id__in={c for c, _i in pairs})
    new = [link for link in stored if (link.cluster_id, link.industry_id) in pairs]
    written.add(ClusterTargetLink, new, [True] * len(new))


def _drop_members(removed: list[tuple[Any, ...]], book: CodeBook) -> None:
    if not removed:
        return
    condition = Q()
    for region_code, cluster_code, industry_code in removed:
        condition |= Q(
            cluster_id=book.clusters[(region_code, cluster_code)],
            industry_id=book.industries[industry_code],
        )
    ClusterIndustry.objects.filter(condition).delete()
