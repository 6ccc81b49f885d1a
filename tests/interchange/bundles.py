"""A small valid bundle with the awkward cases in it, and helpers to write and edit bundles."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from projects.models import Lead
from regions.models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    Endowment,
    Firm,
    Industry,
    IndustryLink,
    IndustryProximity,
    IndustryReference,
    Plant,
    Region,
    RegionIndustry,
)

Table = list[list[str]]  # header row, then data rows

# Parents come after their children in the files on purpose (allowed).
BASE: dict[str, Table] = {
    "regions": [
        ["code", "name", "name_en", "level", "parent_code"],
        ["SD-JN", "济南市", "Jinan", "city", "SD"],
        ["SD-QD", "青岛市", "Qingdao", "city", "SD"],
        ["SD", "山东省", "Shandong", "province", ""],
    ],
    "industries": [
        ["code", "name", "name_en", "parent_code"],
        ["NEV-ASM", "整车", "Vehicle assembly", "NEV"],
        ["NEV-BAT", "动力电池", "Traction batteries", "NEV"],
        ["NEV", "新能源汽车", "New-energy vehicles", ""],
    ],
    "region_industries": [
        ["region_code", "industry_code", "employment", "output", "firms", "year", "source"],
        ["SD-JN", "NEV-ASM", "12000", "3500000.5", "12", "2023", "stats"],
        ["SD-QD", "NEV-BAT", "0", "", "", "2023", ""],  # zero employment, unknown output
    ],
    "industry_reference": [
        ["industry_code", "employment", "source"],
        ["NEV-ASM", "2500000", "national census (test)"],
        ["NEV-BAT", "1200000.5", ""],
    ],
    "industry_links": [
        ["supplier_code", "customer_code", "weight", "source", "customer_weight"],
        ["NEV-BAT", "NEV-ASM", "0.8", "chain map", "0.25"],
    ],
    # The pair given in reverse code order on purpose: it is stored and exported in code order.
    "industry_relatedness": [
        ["industry_1", "industry_2", "proximity", "source"],
        ["NEV-BAT", "NEV-ASM", "0.35", "test space"],
    ],
    "clusters": [
        [
            "region_code",
            "cluster_code",
            "name",
            "industry_code",
            "role",
            "name_en",
            "priority",
            "source",
        ],
        ["SD-JN", "JN-NEV", "济南新能源汽车集群", "NEV-ASM", "core", "Jinan NEV", "1", "article"],
        [
            "SD-JN",
            "JN-NEV",
            "济南新能源汽车集群",
            "NEV-BAT",
            "support",
            "Jinan NEV",
            "1",
            "article",
        ],
    ],
    "anchor_firms": [
        ["region_code", "cluster_code", "name", "name_en", "source"],
        ["SD-JN", "JN-NEV", "比亚迪", "BYD", "article"],
    ],
    "endowments": [
        ["region_code", "factor", "value", "source"],
        ["SD-QD", "port", "1", ""],
        ["SD-JN", "port", "0", ""],
        ["SD-JN", "industrial_land_ha", "", "survey pending"],  # unknown, not zero
    ],
    "firms": [
        [
            "firm_id",
            "name",
            "name_en",
            "industry_code",
            "hq_region",
            "country",
            "employees",
            "revenue",
            "listed",
            "source",
        ],
        [
            "F1",
            "+示例电池",
            "Example Battery",
            "NEV-BAT",
            "SD-QD",
            "CN",
            "1200",
            "35000.5",
            "1",
            "x",
        ],
        ["F2", "Kestrel GmbH", "", "NEV-ASM", "Stuttgart", "DE", "", "", "0", ""],  # size unknown
    ],
    "plants": [
        ["firm_id", "region_code", "industry_code", "employees", "source"],
        ["F1", "SD-QD", "NEV-BAT", "300", "annual report"],
    ],
    "leads": [
        [
            "external_id",
            "company",
            "industry_code",
            "region_code",
            "capex",
            "currency",
            "jobs",
            "land_ha",
            "needs",
            "input_codes",
            "stage",
            "status",
            "received_on",
            "products",
            "investor_origin",
            "investor_type",
            "status_reason",
            "source",
        ],
        [
            "L1",
            '=HYPERLINK("http://x")',
            "NEV-ASM",
            "SD-JN",
            "12.50",
            "CNY",
            "120",
            "3.25",
            "port;industrial_land_ha",
            "NEV-BAT",
            "lead",
            "active",
            "2026-01-15",
            "电池包 / battery packs",
            "Shenzhen, Guangdong",
            "private",
            "",
            "fair",
        ],
        [
            "L2",
            "-abc 科技",
            "NEV-BAT",
            "SD-QD",
            "",
            "CNY",
            "",
            "",
            "",
            "",
            "contact",
            "on_hold",
            "",
            "",
            "",
            "",
            "waiting for land",
            "",
        ],
        [
            "L3",
            "@home +1",
            "NEV-ASM",
            "SD-QD",
            "0",
            "USD",
            "0",
            "0",
            "port",
            "NEV-ASM;NEV-BAT",
            "negotiation",
            "active",
            "2025-12-31",
            "line 1\nline 2",
            "",
            "foreign",
            "",
            "",
        ],
    ],
}

MODELS = [
    Region,
    Industry,
    RegionIndustry,
    IndustryLink,
    IndustryProximity,
    IndustryReference,
    Cluster,
    ClusterIndustry,
    AnchorFirm,
    Endowment,
    Firm,
    Plant,
    Lead,
]


def copy_tables(tables: dict[str, Table] | None = None) -> dict[str, Table]:
    return {name: [list(row) for row in rows] for name, rows in (tables or BASE).items()}


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_bundle(
    folder: Path, tables: dict[str, Table] | None = None, only: Sequence[str] | None = None
) -> Path:
    """Write tables (default: BASE) as CSV files into folder; `only` picks some of them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or BASE).items():
        if only is None or name in only:
            write_csv(folder / f"{name}.csv", rows)
    return folder


def write_workbook(path: Path, tables: dict[str, Table]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def counts() -> dict[str, int]:
    """Rows per model, to show a failed import wrote nothing."""
    return {model.__name__: model._default_manager.count() for model in MODELS}


def empty_database() -> None:
    """Delete every imported row (parents are detached first: they are protected)."""
    Lead.all_objects.all().delete()  # archived leads too
    for model in (
        Plant,
        Firm,
        AnchorFirm,
        ClusterIndustry,
        Cluster,
        Endowment,
        RegionIndustry,
        IndustryLink,
        IndustryProximity,
        IndustryReference,
    ):
        model.objects.all().delete()
    Region.objects.update(parent=None)
    Region.objects.all().delete()
    Industry.objects.update(parent=None)
    Industry.objects.all().delete()


def workbook_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()
