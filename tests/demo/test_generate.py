"""The demo dataset and its lead generator: pure checks on the files, no database."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from projects.demo import generate
from projects.demo.generate import (
    DATA_DIR,
    generate_leads,
    generate_leads_fast,
    load_demo_world,
    region_industry_rows,
    write_leads_csv,
    write_region_industries_csv,
)
from projects.demo.tables import ARTICLE_PROJECT_CELLS

HEADERS = {
    "regions.csv": "code,name,name_en,level,parent_code",
    "industries.csv": "code,name,name_en,parent_code",
    "region_industries.csv": "region_code,industry_code,employment,output,firms,year,source",
    "industry_links.csv": "supplier_code,customer_code,weight,source",
    "industry_relatedness.csv": "industry_1,industry_2,proximity,source",
    "clusters.csv": "region_code,cluster_code,name,name_en,industry_code,role,priority,source",
    "anchor_firms.csv": "region_code,cluster_code,name,name_en,source",
    "endowments.csv": "region_code,factor,value,source",
    "leads.csv": (
        "external_id,company,industry_code,region_code,capex,currency,jobs,land_ha,needs,"
        "input_codes,stage,status,received_on,products,investor_origin,investor_type,"
        "status_reason,source"
    ),
    "firms.csv": (
        "firm_id,name,name_en,industry_code,hq_region,country,employees,revenue,listed,source"
    ),
    "plants.csv": "firm_id,region_code,industry_code,employees,source",
}
STAGES = {"lead", "contact", "negotiation", "signed", "registered", "construction", "production"}
STATUSES = {"active", "on_hold", "dormant", "lost", "withdrawn"}
INVESTOR_TYPES = {"private", "soe", "foreign", "jv", "other"}
LEVELS = {"province", "city", "county", "zone"}


@functools.cache
def read_cached(name: str) -> tuple[dict[str, str], ...]:
    return tuple(read(name))


def read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_codes() -> set[str]:
    return {row["code"] for row in read_cached("regions.csv")}


def industry_codes() -> set[str]:
    return {row["code"] for row in read_cached("industries.csv")}


def leaf_codes() -> set[str]:
    rows = read_cached("industries.csv")
    return {r["code"] for r in rows} - {r["parent_code"] for r in rows}


def factor_names() -> set[str]:
    return {row["factor"] for row in read_cached("endowments.csv")}


def split(cell: str) -> list[str]:
    return [part for part in cell.split(";") if part]


def test_it_ships_exactly_the_interchange_files_with_their_headers() -> None:
    assert {path.name for path in DATA_DIR.glob("*.csv")} == set(HEADERS)
    for name, header in HEADERS.items():
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == header.split(","), name


def test_it_gives_every_row_as_many_cells_as_its_header() -> None:
    for name in HEADERS:
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        width = len(rows[0])
        assert all(len(row) == width for row in rows), name
        assert len(rows) > 1, name


def test_it_fills_every_source_cell() -> None:
    for name, header in HEADERS.items():
        if "source" in header.split(","):
            assert all(row["source"].strip() for row in read(name)), name


def test_it_names_shandong_and_its_sixteen_cities_bilingually() -> None:
    regions = {row["code"]: row for row in read("regions.csv")}
    cities = [code for code, row in regions.items() if row["level"] == "city"]
    assert regions["SD"]["name"] == "山东省" and regions["SD"]["parent_code"] == ""
    assert len(cities) == 16
    assert {regions[c]["parent_code"] for c in cities} == {"SD"}
    for row in regions.values():
        assert row["name"] and row["name_en"] and row["level"] in LEVELS
        assert row["parent_code"] == "" or row["parent_code"] in regions


def test_it_keeps_the_taxonomy_at_two_levels() -> None:
    rows = {row["code"]: row for row in read("industries.csv")}
    assert len(rows) == len(read("industries.csv"))  # codes unique
    for row in rows.values():
        assert row["name"] and row["name_en"]
        parent = row["parent_code"]
        assert parent == "" or rows[parent]["parent_code"] == "", row["code"]
    assert 60 <= len(leaf_codes()) <= 90
    for chain in ("LIB-CATH", "LIB-ANOD", "LIB-SEP", "LIB-ELYT", "LIB-ESS", "LIB-RCY"):
        assert chain in rows


def test_it_links_distinct_leaf_industries_with_weights_in_unit_interval() -> None:
    links = read("industry_links.csv")
    pairs = [(row["supplier_code"], row["customer_code"]) for row in links]
    assert len(pairs) == len(set(pairs))
    for row in links:
        assert row["supplier_code"] != row["customer_code"]
        assert {row["supplier_code"], row["customer_code"]} <= leaf_codes()
        assert 0 < float(row["weight"]) <= 1


def test_it_references_only_known_regions_and_industries() -> None:
    regions, industries = region_codes(), industry_codes()
    for name in ("region_industries.csv", "clusters.csv", "anchor_firms.csv", "endowments.csv"):
        for row in read(name):
            assert row["region_code"] in regions, (name, row)
            if "industry_code" in row:
                assert row["industry_code"] in industries, (name, row)
    for row in read("leads.csv"):
        assert row["region_code"] in regions and row["industry_code"] in industries
        assert set(split(row["input_codes"])) <= industries
        assert set(split(row["needs"])) <= factor_names()


def test_it_gives_each_city_two_to_five_clusters_with_consistent_columns() -> None:
    rows = read("clusters.csv")
    by_city: dict[str, set[str]] = {}
    for (region, code), group in itertools.groupby(
        sorted(rows, key=lambda r: (r["region_code"], r["cluster_code"])),
        key=lambda r: (r["region_code"], r["cluster_code"]),
    ):
        members = list(group)
        cluster_level = {(m["name"], m["name_en"], m["priority"], m["source"]) for m in members}
        assert len(cluster_level) == 1, code
        assert {m["role"] for m in members} <= {"core", "support"}
        assert any(m["role"] == "core" for m in members), code
        by_city.setdefault(region, set()).add(code)
    assert {row["priority"] for row in rows} == {"0", "1"}
    assert set(by_city) == {r["code"] for r in read("regions.csv") if r["level"] == "city"}
    assert all(2 <= len(codes) <= 5 for codes in by_city.values())


def test_it_anchors_firms_to_existing_clusters_with_the_articles_anchors() -> None:
    clusters = {(row["region_code"], row["cluster_code"]) for row in read("clusters.csv")}
    anchors = read("anchor_firms.csv")
    assert all((row["region_code"], row["cluster_code"]) in clusters for row in anchors)
    from_article = {
        (row["region_code"], row["name_en"]) for row in anchors if row["source"] == "article"
    }
    assert from_article == {
        ("SD-JN", "BYD"),
        ("SD-QD", "Chery Automobile"),
        ("SD-ZZ", "Sunwoda"),
        ("SD-WH", "HP"),
        ("SD-JNG", "CATL"),
        ("SD-QD", "AstraZeneca"),
    }


def test_it_keeps_cluster_members_present_in_their_city() -> None:
    employment = {
        (row["region_code"], row["industry_code"]): row["employment"]
        for row in read("region_industries.csv")
    }
    for row in read("clusters.csv"):
        value = employment[(row["region_code"], row["industry_code"])]
        assert value and float(value) > 0, row


def test_it_covers_every_city_and_leaf_once_per_vintage_leaving_some_cells_unknown() -> None:
    rows = read("region_industries.csv")
    cities = {r["code"] for r in read("regions.csv") if r["level"] == "city"}
    cells = [(row["region_code"], row["industry_code"], row["year"]) for row in rows]
    assert {row["year"] for row in rows} == {"2015", "2023"}
    assert len(cells) == len(set(cells)) == 2 * len(cities) * len(leaf_codes())
    assert any(row["employment"] == "" for row in rows)  # unknown
    assert any(row["employment"] == "0" for row in rows)  # known absent
    for row in rows:
        for column in ("employment", "output", "firms"):
            assert row[column] == "" or float(row[column]) >= 0


def test_the_baseline_vintage_holds_none_of_the_articles_projects() -> None:
    """A landmark lead is judged against its host city as it was before it: in the 2015
    vintage the project cells are known absent, and every other cell equals 2023."""
    rows = read("region_industries.csv")
    by_year = {
        year: {(r["region_code"], r["industry_code"]): r for r in rows if r["year"] == year}
        for year in ("2015", "2023")
    }
    project_cells = {(city, i) for city, codes in ARTICLE_PROJECT_CELLS.items() for i in codes}
    for city, industry in project_cells:
        before, after = by_year["2015"][city, industry], by_year["2023"][city, industry]
        assert before["employment"] == "0" and float(after["employment"]) > 0, (city, industry)
    changed = {
        cell
        for cell, row in by_year["2015"].items()
        if (row["employment"], row["output"])
        != (
            by_year["2023"][cell]["employment"],
            by_year["2023"][cell]["output"],
        )
    }
    assert changed == project_cells
    for lead in read("leads.csv"):
        if lead["external_id"].startswith("ART-"):
            assert (lead["region_code"], lead["industry_code"]) in project_cells, lead["company"]


def test_it_regenerates_the_region_industry_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "region_industries.csv"
    write_region_industries_csv(out)
    assert out.read_bytes() == (DATA_DIR / "region_industries.csv").read_bytes()


def test_it_gives_coastal_cities_a_port_and_each_city_each_factor_once() -> None:
    rows = read("endowments.csv")
    ports = {row["region_code"] for row in rows if row["factor"] == "port" and row["value"] == "1"}
    assert ports == {"SD-QD", "SD-YT", "SD-WH", "SD-RZ", "SD-DY", "SD-BZ", "SD-WF"}
    keys = [(row["region_code"], row["factor"]) for row in rows]
    assert len(keys) == len(set(keys))
    assert len(factor_names()) <= 20
    assert all(row["value"] == "" or float(row["value"]) >= 0 for row in rows)


def test_it_records_the_articles_landed_projects_as_producing() -> None:
    leads = {row["external_id"]: row for row in read("leads.csv")}
    assert all(row["stage"] == "production" and row["status"] == "active" for row in leads.values())
    assert all(row["source"].startswith("article") for row in leads.values())
    by_company = {row["company"]: row for row in leads.values()}
    assert by_company["奇瑞汽车（Chery）"]["capex"] == "2300000"  # 23 bn yuan in 万元
    assert by_company["欣旺达（Sunwoda）"]["capex"] == "2000000"
    astrazeneca = by_company["阿斯利康（AstraZeneca）"]
    assert (astrazeneca["capex"], astrazeneca["currency"]) == ("70000", "USD")  # 700 m USD


def assert_valid_lead(row: dict[str, str]) -> None:
    assert tuple(row) == generate.LEAD_COLUMNS
    assert row["region_code"] in region_codes() and row["industry_code"] in leaf_codes()
    assert set(split(row["input_codes"])) <= leaf_codes()
    assert row["industry_code"] not in split(row["input_codes"])
    assert set(split(row["needs"])) <= factor_names()
    assert row["stage"] in STAGES and row["status"] in STATUSES
    assert row["investor_type"] in INVESTOR_TYPES
    assert row["currency"] in {"CNY", "USD", "EUR", "HKD"}
    assert dt.date(2024, 1, 1) <= dt.date.fromisoformat(row["received_on"]) <= dt.date(2026, 12, 31)
    for column in ("capex", "jobs", "land_ha"):
        assert row[column] == "" or float(row[column]) > 0
    assert row["company"] and row["products"] and row["source"].startswith("generated (seed")


def test_it_generates_valid_leads() -> None:
    rows = list(generate_leads(seed=7, count=400))
    assert len(rows) == 400 and len({row["external_id"] for row in rows}) == 400
    for row in rows:
        assert_valid_lead(row)


def test_it_spreads_generated_leads_over_stages_statuses_and_unknowns() -> None:
    rows = list(generate_leads(count=300))
    assert {row["stage"] for row in rows} == STAGES
    assert {row["status"] for row in rows} == STATUSES
    assert {row["investor_type"] for row in rows} == INVESTOR_TYPES
    assert {"USD", "EUR"} <= {row["currency"] for row in rows}
    assert all(row["status_reason"] for row in rows if row["status"] in {"lost", "on_hold"})
    assert all(not row["status_reason"] for row in rows if row["status"] == "active")
    with_inputs = sum(bool(row["input_codes"]) for row in rows)
    assert 0.3 * len(rows) < with_inputs < 0.7 * len(rows)
    for column in ("capex", "jobs", "land_ha"):
        assert any(row[column] == "" for row in rows), column
    assert {row["source"] for row in rows} == {"generated (seed 20241)"}


def test_it_repeats_rows_for_the_same_seed_and_not_for_another() -> None:
    assert list(generate_leads(seed=11, count=50)) == list(generate_leads(seed=11, count=50))
    assert list(generate_leads(seed=11, count=50)) != list(generate_leads(seed=12, count=50))


def test_it_uses_only_the_inputs_it_is_given() -> None:
    rows = list(
        generate_leads(
            seed=3,
            count=100,
            regions=["SD-ZZ"],
            industries=["LIB-CELL"],
            links=[("LIB-CATH", "LIB-CELL", 1.0)],
            factors=["port"],
        )
    )
    assert {row["region_code"] for row in rows} == {"SD-ZZ"}
    assert {row["industry_code"] for row in rows} == {"LIB-CELL"}
    assert {row["input_codes"] for row in rows} == {"", "LIB-CATH"}
    assert {row["needs"] for row in rows} == {"port"}


def test_it_streams_fast_leads_reproducibly() -> None:
    def first(seed: int) -> list[dict[str, str]]:
        return list(itertools.islice(generate_leads_fast(seed, 2000), 2000))

    rows = first(5)
    assert rows == first(5) and rows != first(6)
    assert len({row["external_id"] for row in rows}) == 2000
    for row in rows[:300]:
        assert_valid_lead(row)
    assert isinstance(generate_leads_fast(5, 10), Iterator)


def test_it_writes_leads_that_read_back_identically(tmp_path: Path) -> None:
    rows = list(generate_leads(seed=9, count=120))
    path = tmp_path / "leads.csv"
    assert write_leads_csv(path, rows) == 120
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == rows
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADERS["leads.csv"]


def test_the_fast_generator_writes_every_lead_it_is_asked_for(tmp_path: Path) -> None:
    """Its speed is measured by bench/bench_demo_leads.py (1,000,000 leads), not here."""
    path = tmp_path / "big.csv"
    written = write_leads_csv(path, generate_leads_fast(1, 20_000))
    assert written == 20_000
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20_000 and len({row["external_id"] for row in rows}) == 20_000


def test_it_loads_the_cities_and_leaf_industries_as_the_world() -> None:
    world = load_demo_world()
    assert len(world.regions) == 16 and set(world.industries) == leaf_codes()
    assert set(world.factors) == factor_names()
    assert region_industry_rows() == read("region_industries.csv")


def test_the_reference_space_covers_every_leaf_industry_once_per_pair_and_names_its_source() -> (
    None
):
    industries = read("industries.csv")
    leaves = {row["code"] for row in industries if row["parent_code"]}
    pairs = read("industry_relatedness.csv")
    seen = {(row["industry_1"], row["industry_2"]) for row in pairs}
    assert len(seen) == len(pairs)
    assert all(a < b for a, b in seen)
    assert {a for a, _ in seen} | {b for _, b in seen} == leaves
    assert all(0 < float(row["proximity"]) <= 1 for row in pairs)
    assert {row["source"] for row in pairs} == {
        "US CBP 2019, 933 metro/micro areas, co-location (RCA>=1) via concordance NAICS-2017 -> "
        "demo (bench/real_data/naics2017_to_demo.csv; approximations marked there)"
    }


# "中文 / English": a Chinese half, " / ", an English half (the `own_language` filter's form).
BOTH_LANGUAGES = re.compile(r"^[^/]*[\u4e00-\u9fff][^/]* / [^\u4e00-\u9fff/]+$")


def test_investor_origins_and_head_offices_are_written_in_both_languages() -> None:
    """Issue 15: origins read "Suzhou, Jiangsu" on Chinese pages; each page shows its half."""
    article = [row["investor_origin"] for row in read_cached("leads.csv")]
    generated = [row["investor_origin"] for row in generate_leads(seed=20241, count=500)]
    offices = [row["hq_region"] for row in read_cached("firms.csv")]
    assert all(article) and len(offices) == 638 and all(offices)
    given = [origin for origin in generated if origin]
    assert len(given) > 400  # about 4% are left unknown on purpose
    for origin in [*article, *given, *offices]:
        assert BOTH_LANGUAGES.match(origin), origin
    assert "广东深圳 / Shenzhen, Guangdong" in article
