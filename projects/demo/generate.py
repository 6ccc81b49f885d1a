"""Reproducible demo data: the region x industry table and incoming investment leads.

Pure Python and the standard library only (no Django), so the importer, the `loaddemo`
command and the import benchmark can all call it. Every function takes a seed and uses its
own `random.Random(seed)`: the same seed always gives the same rows.

Units (the interchange format's): capex in 10,000 units of `currency` (万元 for CNY), output in
10,000 CNY (万元), land in hectares, employment in persons. An empty cell means UNKNOWN.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from projects.demo.tables import (
    ARTICLE_CELLS,
    ARTICLE_PROJECT_CELLS,
    BASE_SHARE,
    BRAND_EN,
    BRAND_ZH,
    CITY_PROFILE,
    CITY_SCALE,
    DEFAULT_SECTOR,
    DOMESTIC_ORIGINS,
    FOREIGN_ORIGINS,
    INVESTOR_TYPE_WEIGHTS,
    MEDIAN_CAPEX_CNY,
    P_ABSENT_OTHER,
    P_ABSENT_SMALL,
    P_UNKNOWN,
    P_UNKNOWN_CELL,
    P_UNKNOWN_FIRMS,
    P_UNKNOWN_OUTPUT,
    PRESENT_ONLY_IN,
    PRODUCTIVITY_FIRM_SIZE,
    PRODUCTS,
    REASONS,
    SECTORS,
    STAGE_WEIGHTS,
    STATUS_WEIGHTS_BUILDING,
    STATUS_WEIGHTS_EARLY,
    STATUS_WEIGHTS_SIGNED,
    UNLISTED_MULTIPLIER,
    Sector,
    bilingual_place,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SEED = 20241
REGION_INDUSTRY_SEED = 2023
REGION_INDUSTRY_YEAR = 2023
# The vintage before the article's projects, and the one the demo scores against: a lead is
# judged against the region as it was when the decision was open (docs/data-format.md).
BASELINE_YEAR = 2015
BASELINE_NOTE = "demo: the region before the article's projects (baseline vintage 2015)"

LEAD_COLUMNS = (
    "external_id", "company", "industry_code", "region_code", "capex", "currency", "jobs",
    "land_ha", "needs", "input_codes", "stage", "status", "received_on", "products",
    "investor_origin", "investor_type", "status_reason", "source",
)  # fmt: skip
REGION_INDUSTRY_COLUMNS = (
    "region_code", "industry_code", "employment", "output", "firms", "year", "source",
)  # fmt: skip
STAGES = ("lead", "contact", "negotiation", "signed", "registered", "construction", "production")
STATUSES = ("active", "on_hold", "dormant", "lost", "withdrawn")
INVESTOR_TYPES = ("private", "soe", "foreign", "jv", "other")
# Fixed conversion used only to draw foreign-currency amounts; CNY per unit of the currency.
FX_CNY_PER_UNIT = {"CNY": 1.0, "USD": 7.1, "EUR": 7.8, "HKD": 0.91}
RECEIVED_FROM = dt.date(2024, 1, 1)
RECEIVED_TO = dt.date(2026, 10, 31)


def _by_code_or_prefix(table: Mapping[str, tuple[float, float]], code: str) -> tuple[float, float]:
    return table.get(code) or table.get(code.split("-")[0], (150, 100))


def _region_industry_row(
    rng: random.Random, city: str, industry: str, source: str, baseline: bool = False
) -> dict[str, str]:
    """One cell; draws the same number of random values whatever the branch (stable stream).

    `baseline`: the cell as it was before the article's projects (ARTICLE_PROJECT_CELLS are
    known absent; no article figures).
    """
    noise, prod_noise, firm_noise = (rng.lognormvariate(0, s) for s in (0.5, 0.25, 0.3))
    u_cell, u_output, u_firms = rng.random(), rng.random(), rng.random()
    year = BASELINE_YEAR if baseline else REGION_INDUSTRY_YEAR
    row = {"region_code": city, "industry_code": industry, "year": str(year)}
    present = PRESENT_ONLY_IN.get(industry)
    brought = baseline and industry in ARTICLE_PROJECT_CELLS.get(city, ())
    if brought or (present is not None and city not in present):
        return row | {"employment": "0", "output": "0", "firms": "0", "source": source}
    mult = CITY_PROFILE.get(city, {}).get(industry)
    base = BASE_SHARE.get(industry, 1.0)
    if mult is None and u_cell < P_UNKNOWN_CELL:
        return row | {"employment": "", "output": "", "firms": "", "source": source}
    p_absent = P_ABSENT_SMALL if base < 1 else P_ABSENT_OTHER
    if mult is None and u_cell < P_UNKNOWN_CELL + p_absent:
        return row | {"employment": "0", "output": "0", "firms": "0", "source": source}
    share = base / sum(BASE_SHARE.values())
    employment = max(
        5, round(CITY_SCALE.get(city, 300) * 1000 * share * (mult or UNLISTED_MULTIPLIER) * noise)
    )
    productivity, firm_size = _by_code_or_prefix(PRODUCTIVITY_FIRM_SIZE, industry)
    output = round(employment * productivity * prod_noise)
    firms = max(1, round(employment / firm_size * firm_noise))
    row |= {"employment": str(employment), "output": str(output), "firms": str(firms)}
    row["output"] = "" if u_output < P_UNKNOWN_OUTPUT else row["output"]
    row["firms"] = "" if u_firms < P_UNKNOWN_FIRMS else row["firms"]
    article = None if baseline else ARTICLE_CELLS.get((city, industry))
    if article is not None:
        column, value, article_source = article
        row[column] = str(value)
        source = f"{article_source}; {source}"
    return row | {"source": source}


def region_industry_rows(
    *,
    seed: int = REGION_INDUSTRY_SEED,
    cities: Sequence[str] | None = None,
    industries: Sequence[str] | None = None,
) -> list[dict[str, str]]:
    """Every city x leaf industry cell of the demo, in file order: the 2015 baseline vintage
    (before the article's projects), then the 2023 vintage.

    Employment in persons, output in 10,000 CNY (万元), firms a count. Employment
    "0" is a known absence: the industry is PRESENT_ONLY_IN other cities, or (drawn) a city
    without that specialisation lacks it, more often for niche industries. An empty cell is
    unknown: about 4% of the unspecialised cells, plus some outputs and firm counts.
    Defaults: the demo CSVs' cities and leaf industries.
    """
    _check_profiles()
    if cities is None or industries is None:
        world = load_demo_world()
        cities = world.regions if cities is None else cities
        industries = world.industries if industries is None else industries
    rows = []
    for baseline in (True, False):
        # The same seed for both vintages: every cell the projects did not touch is equal.
        rng = random.Random(seed)
        source = f"illustrative (generated, seed {seed})"
        if baseline:
            source = f"illustrative (generated, seed {seed}; before the article's projects)"
        rows += [
            _region_industry_row(rng, c, i, source, baseline) for c in cities for i in industries
        ]
    return rows


def _check_profiles() -> None:
    """A specialisation in a city where the industry is declared absent is a data error."""
    for city, profile in CITY_PROFILE.items():
        for industry in profile:
            present = PRESENT_ONLY_IN.get(industry)
            if present is not None and city not in present:
                raise ValueError(f"{city} specialises in {industry} but it is absent there")


def write_region_industries_csv(
    path: Path = DATA_DIR / "region_industries.csv", rows: Iterable[dict[str, str]] | None = None
) -> int:
    """Write region_industries.csv (default: the demo table); returns the number of rows."""
    return _write_csv(
        path, REGION_INDUSTRY_COLUMNS, region_industry_rows() if rows is None else rows
    )


# --- Demo world: codes read back from the CSVs ----------------------------------------------


def read_demo_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    """Rows of one demo CSV as dicts of strings (empty string = unknown)."""
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class DemoWorld:
    """What the lead generator needs: target cities, leaf industries, chain links, factors."""

    regions: tuple[str, ...]
    industries: tuple[str, ...]
    links: tuple[tuple[str, str, float], ...]
    factors: tuple[str, ...]
    industry_names: Mapping[str, tuple[str, str]]


def load_demo_world(data_dir: Path = DATA_DIR) -> DemoWorld:
    """Cities (level city), leaf industries, links and factor names from the demo CSVs."""
    industries = read_demo_csv("industries.csv", data_dir)
    parents = {row["parent_code"] for row in industries}
    factors = dict.fromkeys(row["factor"] for row in read_demo_csv("endowments.csv", data_dir))
    return DemoWorld(
        regions=tuple(
            r["code"] for r in read_demo_csv("regions.csv", data_dir) if r["level"] == "city"
        ),
        industries=tuple(r["code"] for r in industries if r["code"] not in parents),
        links=tuple(
            (r["supplier_code"], r["customer_code"], float(r["weight"]))
            for r in read_demo_csv("industry_links.csv", data_dir)
        ),
        factors=tuple(factors),
        industry_names={r["code"]: (r["name"], r["name_en"]) for r in industries},
    )


# --- Incoming leads -------------------------------------------------------------------------


def _round_sig(value: float, digits: int = 2) -> float:
    """Round to a few significant digits, as agencies quote round figures."""
    if value <= 0:
        return 0.0
    factor = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return round(value / factor) * factor


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class _LeadMaker:
    """Draws one lead at a time from a seeded stream; see generate_leads for the shape."""

    def __init__(self, rng: random.Random, world: DemoWorld, seed: int) -> None:
        self.rng = rng
        self.world = world
        self.source = f"generated (seed {seed})"
        self.industries = world.industries
        self.industry_cum = _cumulative(
            SECTORS.get(_prefix(c), DEFAULT_SECTOR).weight for c in world.industries
        )
        self.regions = world.regions
        self.region_cum = _cumulative(CITY_SCALE.get(c, 300) for c in world.regions)
        self.suppliers: dict[str, list[tuple[str, float]]] = {}
        for supplier, customer, weight in world.links:
            self.suppliers.setdefault(customer, []).append((supplier, weight))
        self.factors = world.factors
        self.days = (RECEIVED_TO - RECEIVED_FROM).days

    def make(self, number: int) -> dict[str, str]:
        rng = self.rng
        industry = rng.choices(self.industries, cum_weights=self.industry_cum)[0]
        sector = SECTORS.get(_prefix(industry), DEFAULT_SECTOR)
        investor_type = rng.choices(INVESTOR_TYPES, weights=INVESTOR_TYPE_WEIGHTS)[0]
        company, origin, currency = self._investor(investor_type, sector)
        stage_index = rng.choices(range(len(STAGES)), weights=STAGE_WEIGHTS)[0]
        status = rng.choices(STATUSES, weights=_status_weights(stage_index))[0]
        row = {
            "external_id": f"G{number + 1:06d}",
            "company": company,
            "industry_code": industry,
            "region_code": rng.choices(self.regions, cum_weights=self.region_cum)[0],
            "currency": currency,
            **self._amounts(sector, currency),
            "needs": ";".join(self._needs(sector)),
            "input_codes": ";".join(self._inputs(industry)),
            "stage": STAGES[stage_index],
            "status": status,
            "received_on": self._received_on(stage_index),
            "products": self._products(industry),
            "investor_origin": origin,
            "investor_type": investor_type,
            "status_reason": rng.choice(REASONS[status]) if status in REASONS else "",
            "source": self.source,
        }
        for column, probability in P_UNKNOWN.items():
            if rng.random() < probability:
                row[column] = ""
        return {column: row[column] for column in LEAD_COLUMNS}

    def _investor(self, investor_type: str, sector: Sector) -> tuple[str, str, str]:
        """(company, investor_origin, currency); names are invented and clearly fictional."""
        rng = self.rng
        brand = "".join(rng.sample(BRAND_ZH, 2))
        word = rng.choice(sector.words)
        if investor_type == "foreign":
            country, currency, suffixes = rng.choice(FOREIGN_ORIGINS)
            name = f"{rng.choice(BRAND_EN)} {sector.word_en} {rng.choice(suffixes)}"
            return name, bilingual_place(country), currency
        if investor_type == "jv":
            country, _, _ = rng.choice(FOREIGN_ORIGINS)
            jv_currency = rng.choice(("CNY", "USD"))
            return f"{brand}{word}（山东）有限公司", bilingual_place(country), jv_currency
        city, origin_en = rng.choice(DOMESTIC_ORIGINS)
        origin = bilingual_place(origin_en)
        if investor_type == "soe":
            return f"{city}{brand}{word}集团有限公司", origin, "CNY"
        if investor_type == "other":
            return f"{city}{brand}{word}产业投资基金合伙企业（有限合伙）", origin, "CNY"
        suffix = rng.choice(("有限公司", "股份有限公司", "科技有限公司"))
        if "技" in word:  # no "…科技科技有限公司"
            suffix = suffix.replace("科技", "")
        return f"{city}{brand}{word}{suffix}", origin, "CNY"

    def _amounts(self, sector: Sector, currency: str) -> dict[str, str]:
        """Capex in 10,000 units of `currency`; jobs and land follow from the CNY capex."""
        rng = self.rng
        capex_cny = MEDIAN_CAPEX_CNY * sector.capex_scale * rng.lognormvariate(0, 1.0)
        capex_cny = min(max(capex_cny, 200.0), 3_000_000.0)
        jobs = capex_cny / sector.capex_per_job * rng.lognormvariate(0, 0.4)
        land = capex_cny / sector.capex_per_ha * rng.lognormvariate(0, 0.4)
        return {
            "capex": _fmt(_round_sig(capex_cny / FX_CNY_PER_UNIT[currency])),
            "jobs": str(max(5, int(_round_sig(jobs)))),
            "land_ha": _fmt(max(0.2, _round_sig(land))),
        }

    def _needs(self, sector: Sector) -> list[str]:
        """1-4 factor names, mostly those the sector asks about; only factors that exist."""
        rng = self.rng
        preferred = [f for f in sector.needs if f in self.factors] or list(self.factors)
        wanted = rng.choices((1, 2, 3, 4), weights=(25, 35, 28, 12))[0]
        drawn = [
            rng.choice(preferred) if rng.random() < 0.8 else rng.choice(self.factors)
            for _ in range(wanted)
        ]
        return list(dict.fromkeys(drawn))

    def _inputs(self, industry: str) -> list[str]:
        """For about half the leads, 1-3 supplier industries of the lead's industry."""
        rng = self.rng
        candidates = list(self.suppliers.get(industry, ()))
        if rng.random() >= 0.5 or not candidates:
            return []
        picked: list[str] = []
        for _ in range(rng.randint(1, min(3, len(candidates)))):
            code, _ = candidates.pop(
                rng.choices(range(len(candidates)), weights=[w for _, w in candidates])[0]
            )
            picked.append(code)
        return picked

    def _received_on(self, stage_index: int) -> str:
        """Leads further down the pipeline were, on the whole, received earlier."""
        latest = self.days * (1 - 0.1 * stage_index)
        return (RECEIVED_FROM + dt.timedelta(days=int(self.rng.random() * latest))).isoformat()

    def _products(self, industry: str) -> str:
        if industry in PRODUCTS:
            return PRODUCTS[industry]
        name, name_en = self.world.industry_names.get(industry, (industry, industry))
        return f"{name} / {name_en or industry}"


def _prefix(code: str) -> str:
    return code.split("-")[0]


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _status_weights(stage_index: int) -> tuple[int, ...]:
    if stage_index >= STAGES.index("construction"):
        return STATUS_WEIGHTS_BUILDING
    if stage_index >= STAGES.index("signed"):
        return STATUS_WEIGHTS_SIGNED
    return STATUS_WEIGHTS_EARLY


def generate_leads(
    *,
    seed: int = DEFAULT_SEED,
    count: int = 300,
    regions: Sequence[str] | None = None,
    industries: Sequence[str] | None = None,
    links: Iterable[tuple[str, str, float]] | None = None,
    factors: Sequence[str] | None = None,
) -> Iterator[dict[str, str]]:
    """Yield `count` plausible incoming leads as leads.csv rows (dicts of strings).

    Same seed and inputs -> identical rows. Omitted inputs come from the demo CSVs: target
    regions = the 16 cities, industries = leaf industries, links = (supplier, customer, weight),
    factors = endowment factor names. Capex is in 10,000 units of the row's currency (foreign
    amounts converted at the fixed FX_CNY_PER_UNIT); about 8% of capex, 15% of jobs and 20%
    of land figures are empty (unknown). external_id is "G000001"…; source "generated (seed N)".
    """
    demo = load_demo_world()  # also supplies industry names for the products column
    world = DemoWorld(
        regions=tuple(demo.regions if regions is None else regions),
        industries=tuple(demo.industries if industries is None else industries),
        links=tuple(demo.links if links is None else links),
        factors=tuple(demo.factors if factors is None else factors),
        industry_names=demo.industry_names,
    )
    maker = _LeadMaker(random.Random(seed), world, seed)
    for number in range(count):
        yield maker.make(number)


def generate_leads_fast(
    seed: int = DEFAULT_SEED, count: int = 1_000_000, *, pool_size: int = 4096
) -> Iterator[dict[str, str]]:
    """Stream `count` leads quickly (a few µs each) for import benchmarks.

    Recombines a pool of `pool_size` rows from generate_leads(seed) with a fresh external_id
    ("F<seed>-0000001"…), a random target city and a random received_on; holds only the pool in
    memory. Deterministic for a seed; stage and date are not kept consistent here.
    """
    world = load_demo_world()
    pool = list(generate_leads(seed=seed, count=pool_size))
    days = (RECEIVED_TO - RECEIVED_FROM).days + 1
    dates = [(RECEIVED_FROM + dt.timedelta(days=d)).isoformat() for d in range(days)]
    regions, n_regions = world.regions, len(world.regions)
    source = f"generated (seed {seed}, fast)"
    getrandbits = random.Random(seed).getrandbits
    for number in range(count):
        bits = getrandbits(48)
        row = pool[bits % pool_size].copy()
        row["external_id"] = f"F{seed}-{number + 1:07d}"
        row["region_code"] = regions[(bits >> 16) % n_regions]
        row["received_on"] = dates[(bits >> 24) % days]
        row["source"] = source
        yield row


def write_leads_csv(path: Path | str, rows: Iterable[Mapping[str, str]]) -> int:
    """Stream rows to a leads.csv (UTF-8, header, RFC 4180 quoting); returns rows written."""
    return _write_csv(Path(path), LEAD_COLUMNS, rows)


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> int:
    pick = itemgetter(*columns)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(pick(row))
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m projects.demo.generate leads|region-industries [--seed N --count N --out P]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("leads", "region-industries"))
    parser.add_argument("--seed", type=int)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--fast", action="store_true", help="stream with generate_leads_fast")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.what == "region-industries":
        seed = REGION_INDUSTRY_SEED if args.seed is None else args.seed
        out = args.out or DATA_DIR / "region_industries.csv"
        written = write_region_industries_csv(out, region_industry_rows(seed=seed))
    else:
        seed = DEFAULT_SEED if args.seed is None else args.seed
        make = generate_leads_fast if args.fast else _leads
        written = write_leads_csv(args.out or Path("generated_leads.csv"), make(seed, args.count))
    print(f"{written} rows")


def _leads(seed: int, count: int) -> Iterator[dict[str, str]]:
    return generate_leads(seed=seed, count=count)


if __name__ == "__main__":
    main()
