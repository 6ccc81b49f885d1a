"""`manage.py import_io_table PATH --format nbs|bea --concordance CSV`: links from an IO table.

Reads a national input-output table, maps its sectors onto the project's industries through a
concordance (table_code, industry_code, weight) and writes one IndustryLink per supplier ->
customer pair whose supplier or customer share reaches --min-share. The link weight is the
supplier share (share of the customer's intermediate inputs bought from the supplier, 0-1), its
customer weight the customer share (share of the supplier's intermediate sales going to the
customer, 0-1; the engine uses it for the downstream side), and the source names the table,
so table links sit next to hand-drawn chain links. By default a table never overwrites a link
whose source is not a table (--no-keep-hand-drawn lets it), and --industries limits an import
to one chain. `--write-concordance OUT` writes a draft concordance by code or name match
instead, for a person to correct. Details: docs/real-data.md.
"""

from __future__ import annotations

import argparse
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from regions.models import Industry, IndustryLink
from regions.statistics.concordance import (
    apply_concordance,
    draft_concordance,
    read_concordance,
)
from regions.statistics.iotables import (
    IOTable,
    industry_by_industry_flows,
    link_table,
    read_bea_make_use,
    read_nbs_table,
    strongest_partners,
)
from screening.invalidation import measures_changed

# Every link written from a table has a source starting with this; anything else (including a
# blank source) is a hand-drawn link.
TABLE_SOURCE_PREFIX = "IO table: "
SOURCE_MAX_LENGTH = 200
BATCH_SIZE = 1000


@dataclass(frozen=True)
class LinkWriteSummary:
    created: int
    updated: int
    kept_hand_drawn: list[tuple[str, str]]
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def is_table_source(source: str) -> bool:
    """Whether a link's source says it came from an input-output table import."""
    return source.startswith(TABLE_SOURCE_PREFIX)


def table_source(label: str, unit: str) -> str:
    """The source text stored on links from this table (<= 200 characters)."""
    # The text stays as before customer weights existed: a re-import finds its own links by it.
    text = f"{TABLE_SOURCE_PREFIX}{label} ({unit}); weight = supplier share"
    return text[:SOURCE_MAX_LENGTH]


def in_scope(code: str, patterns: list[str]) -> bool:
    """Whether an industry code matches one of the --industries patterns (none: all)."""
    return not patterns or any(fnmatch.fnmatchcase(code, p) for p in patterns)


Pair = tuple[int, int]


@dataclass
class _LinkPlan:
    new: list[IndustryLink]
    changed: list[IndustryLink]
    kept: list[tuple[str, str]]
    seen: set[Pair]


def _plan_links(
    links: pd.DataFrame,
    ids: dict[str, int],
    existing: dict[Pair, tuple[int, str]],
    *,
    source: str,
    keep_hand_drawn: bool,
) -> _LinkPlan:
    """Split the table's links into new ones, updates, and hand-drawn links left alone."""
    plan = _LinkPlan([], [], [], set())
    columns = ["supplier", "customer", "supplier_share", "customer_share"]
    for supplier, customer, weight, sales in links[columns].itertuples(index=False):
        pair = (ids[supplier], ids[customer])
        plan.seen.add(pair)
        values = {"weight": weight, "customer_weight": sales, "source": source}
        if pair not in existing:
            plan.new.append(IndustryLink(supplier_id=pair[0], customer_id=pair[1], **values))
        elif keep_hand_drawn and not is_table_source(existing[pair][1]):
            plan.kept.append((supplier, customer))
        else:
            plan.changed.append(IndustryLink(pk=existing[pair][0], **values))
    return plan


def write_table_links(
    *, links: pd.DataFrame, source: str, keep_hand_drawn: bool, patterns: list[str]
) -> LinkWriteSummary:
    """Upsert links (supplier, customer, supplier_share) by pair; call inside a transaction.

    Links in scope (either end matches `patterns`) that carry this same source but are no
    longer in the table are removed, so a re-import with a new --min-share is exact. Marks
    the shared measures stale when anything changed.
    """
    ids = dict(Industry.objects.values_list("code", "pk"))
    codes = {pk: code for code, pk in ids.items()}
    rows = IndustryLink.objects.values_list("pk", "supplier_id", "customer_id", "source")
    existing = {(s, c): (pk, src) for pk, s, c, src in rows}
    plan = _plan_links(links, ids, existing, source=source, keep_hand_drawn=keep_hand_drawn)
    stale = [
        pk
        for pair, (pk, src) in existing.items()
        if src == source
        and pair not in plan.seen
        and (in_scope(codes[pair[0]], patterns) or in_scope(codes[pair[1]], patterns))
    ]
    IndustryLink.objects.bulk_create(plan.new, batch_size=BATCH_SIZE)
    IndustryLink.objects.bulk_update(
        plan.changed, ["weight", "customer_weight", "source"], batch_size=BATCH_SIZE
    )
    for start in range(0, len(stale), BATCH_SIZE):
        IndustryLink.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    summary = LinkWriteSummary(len(plan.new), len(plan.changed), plan.kept, len(stale))
    if summary.changed:
        measures_changed()
    return summary


class Command(BaseCommand):
    help = (
        "Write industry links (weight = supplier share, customer weight = customer share) from "
        "a national input-output table "
        "mapped onto the project's industries by a concordance CSV; or write a draft "
        "concordance with --write-concordance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="NBS table CSV, or the BEA Use table CSV")
        parser.add_argument("--format", required=True, choices=["nbs", "bea"])
        parser.add_argument("--make", help="BEA Make table CSV (required with --format bea)")
        parser.add_argument("--names", help="BEA industry code,name CSV (for name matching)")
        parser.add_argument("--concordance", help="CSV: table_code, industry_code, weight")
        parser.add_argument(
            "--write-concordance",
            metavar="OUT",
            help="write a draft concordance (code or name match) to OUT and stop",
        )
        parser.add_argument(
            "--min-share",
            type=float,
            default=0.01,
            help="keep a link when its supplier or customer share is >= this (default 0.01)",
        )
        parser.add_argument("--source", help="table label stored in the links' source")
        parser.add_argument(
            "--keep-hand-drawn",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="leave existing non-table links as they are (default); "
            "--no-keep-hand-drawn lets the table overwrite them",
        )
        parser.add_argument(
            "--industries",
            default="",
            help="comma-separated code patterns (e.g. 'LIB-*,NEV-*'): only links touching these",
        )
        parser.add_argument(
            "--within-sector",
            action="store_true",
            help="also split a sector's purchases from itself across its industries",
        )
        parser.add_argument("--top", type=int, default=3, help="partners printed per industry")
        parser.add_argument("--dry-run", action="store_true", help="print, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        table = self.read_table(options)
        if options["write_concordance"]:
            self.write_draft(table, Path(options["write_concordance"]))
            return
        if not options["concordance"]:
            raise CommandError("give --concordance CSV (or --write-concordance OUT for a draft)")
        mapped = self.map_table(table, options)
        patterns = [p.strip() for p in options["industries"].split(",") if p.strip()]
        links = link_table(mapped, min_share=options["min_share"])
        mask = [
            in_scope(s, patterns) or in_scope(c, patterns)
            for s, c in zip(links["supplier"], links["customer"], strict=True)
        ]
        links = links[mask]
        for note in mapped.notes:
            self.stderr.write(f"note: {note}")
        self.print_partners(links, mapped, options["top"])
        label = options["source"] or Path(options["path"]).stem
        source = table_source(label, mapped.unit)
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(links)} links would be written ({source}).")
            return
        with transaction.atomic():
            summary = write_table_links(
                links=links,
                source=source,
                keep_hand_drawn=options["keep_hand_drawn"],
                patterns=patterns,
            )
        self.report(summary, len(links), options["min_share"], source)

    def read_table(self, options: dict[str, Any]) -> IOTable:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            if options["format"] == "nbs":
                return read_nbs_table(path)
            if not options["make"]:
                raise CommandError("--format bea needs --make MAKE.csv (PATH is the Use table)")
            return industry_by_industry_flows(
                read_bea_make_use(options["make"], path, options["names"])
            )
        except (ValueError, KeyError, OSError) as error:
            raise CommandError(str(error)) from error

    def map_table(self, table: IOTable, options: dict[str, Any]) -> IOTable:
        industries = list(Industry.objects.order_by("code").values_list("code", "name"))
        try:
            concordance = read_concordance(options["concordance"])
            return apply_concordance(
                table,
                concordance,
                industry_codes=[code for code, _ in industries],
                within_sector=options["within_sector"],
                names=pd.Series(dict(industries)),
            )
        except (ValueError, OSError) as error:
            raise CommandError(f"{options['concordance']}: {error}") from error

    def write_draft(self, table: IOTable, out: Path) -> None:
        industries = pd.DataFrame(
            list(Industry.objects.order_by("code").values("code", "name", "name_en"))
        )
        if industries.empty:
            raise CommandError("no industries in the database to match against")
        draft = draft_concordance(table, industries)
        draft.to_csv(out, index=False)
        matched = draft["table_code"].nunique()
        self.stdout.write(
            f"Wrote {len(draft)} rows to {out}: {matched} of {len(table.codes)} table sectors "
            "matched by code or name. Check every row (weights split a sector; a sector's "
            "weights may sum to less than 1, never more) before importing."
        )

    def print_partners(self, links: pd.DataFrame, table: IOTable, top: int) -> None:
        if top <= 0:
            return
        for code in sorted(set(links["supplier"]) | set(links["customer"])):
            suppliers, customers = strongest_partners(links, code, top=top)
            up = ", ".join(
                f"{s} {v:.1%}"
                for s, v in suppliers[["supplier", "supplier_share"]].itertuples(index=False)
            )
            down = ", ".join(
                f"{c} {v:.1%}"
                for c, v in customers[["customer", "customer_share"]].itertuples(index=False)
            )
            name = table.names.get(code, "")
            self.stdout.write(f"{code} {name}: suppliers {up or '-'} | customers {down or '-'}")

    def report(
        self, summary: LinkWriteSummary, n_links: int, min_share: float, source: str
    ) -> None:
        self.stdout.write(
            f"{n_links} links with a share >= {min_share:g} from {source!r}: "
            f"{summary.created} created, {summary.updated} updated, "
            f"{len(summary.kept_hand_drawn)} hand-drawn kept, {summary.removed} stale removed."
        )
        if summary.kept_hand_drawn:
            pairs = ", ".join(f"{s}->{c}" for s, c in summary.kept_hand_drawn[:20])
            self.stdout.write(f"Hand-drawn links kept (--no-keep-hand-drawn to replace): {pairs}")
        if summary.changed:
            self.stdout.write("Shared measures marked for recompute.")
