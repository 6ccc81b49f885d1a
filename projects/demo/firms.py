"""The demo's firm directory (firms.csv, plants.csv): a few real companies, many generated ones.

Real companies appear by name and industry only, each with the public source that says what
it makes (its annual report as a listed company, or the source article); their employees and
revenue are left empty (unknown), never guessed. Their industry code is our mapping onto the
demo taxonomy. The plants of real companies are the article's projects in Shandong, and one
head office a listed company's annual report names.

Everything else is generated from `random.Random(seed)` and says so in its `source` cell
(`generated (seed N)`): invented names (any match with a real firm is a coincidence),
countries, sizes, revenues and plants. Pure Python and the standard library (no Django).
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from projects.demo.generate import DATA_DIR, _write_csv, load_demo_world, read_demo_csv
from projects.demo.tables import (
    BRAND_EN,
    BRAND_ZH,
    DEFAULT_SECTOR,
    DOMESTIC_ORIGINS,
    FOREIGN_ORIGINS,
    SECTORS,
    bilingual_place,
)

FIRM_SEED = 2026
FIRM_COUNT = 600
FIRM_COLUMNS = (
    "firm_id", "name", "name_en", "industry_code", "hq_region", "country", "employees",
    "revenue", "listed", "source",
)  # fmt: skip
PLANT_COLUMNS = ("firm_id", "region_code", "industry_code", "employees", "source")

_NO_FIGURES = "industry code ours; no figures"
_ARTICLE = "article ({what}); " + _NO_FIGURES
_REPORT = "public: annual report, {listing} ({what}); " + _NO_FIGURES

# firm_id, name, name_en, industry_code, hq_region, country, listed, source.
# Names of the article's companies are those of their leads, so the directory and the leads
# refer to one investor (the cross-city conflict rule matches them).
REAL_FIRMS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("R-BYD", "比亚迪（BYD）", "BYD", "NEV-ASM", "Shenzhen, Guangdong", "CN", "1",
     _ARTICLE.format(what="BYD's NEV base in Jinan")),
    ("R-SUNWODA", "欣旺达（Sunwoda）", "Sunwoda", "LIB-CELL", "Shenzhen, Guangdong", "CN", "1",
     _ARTICLE.format(what="Sunwoda's lithium-battery base in Zaozhuang")),
    ("R-HP", "惠普（HP）", "HP Inc.", "PRN-ASM", "Palo Alto, California", "US", "1",
     _ARTICLE.format(what="HP's printer base in Weihai")),
    ("R-CATL", "宁德时代（CATL）", "CATL", "LIB-PWR", "Ningde, Fujian", "CN", "1",
     _REPORT.format(listing="SZSE 300750", what="power and energy-storage batteries")),
    ("R-AZ", "阿斯利康（AstraZeneca）", "AstraZeneca", "BIO-DRUG", "Cambridge", "GB", "1",
     _ARTICLE.format(what="AstraZeneca's pharmaceutical base in Qingdao")),
    ("R-EVE", "亿纬锂能", "EVE Energy", "LIB-CELL", "Huizhou, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 300014", what="lithium battery cells")),
    ("R-GOTION", "国轩高科", "Gotion High-Tech", "LIB-PWR", "Hefei, Anhui", "CN", "1",
     _REPORT.format(listing="SZSE 002074", what="power batteries")),
    ("R-SEMCORP", "恩捷股份", "Yunnan Energy New Material", "LIB-SEP", "Yunnan", "CN", "1",
     _REPORT.format(listing="SZSE 002812", what="lithium-battery separators")),
    ("R-SENIOR", "星源材质", "Senior Technology Material", "LIB-SEP", "Shenzhen, Guangdong",
     "CN", "1", _REPORT.format(listing="SZSE 300568", what="lithium-battery separators")),
    ("R-RONBAY", "容百科技", "Ronbay New Energy", "LIB-CATH", "Ningbo, Zhejiang", "CN", "1",
     _REPORT.format(listing="SSE 688005", what="cathode materials")),
    ("R-BTR", "贝特瑞", "BTR New Material", "LIB-ANOD", "Shenzhen, Guangdong", "CN", "1",
     _REPORT.format(listing="BSE 835185", what="anode materials")),
    ("R-PUTAILAI", "璞泰来", "Putailai", "LIB-ANOD", "Shanghai", "CN", "1",
     _REPORT.format(listing="SSE 603659", what="anode materials")),
    ("R-TINCI", "天赐材料", "Tinci Materials", "LIB-ELYT", "Guangzhou, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 002709", what="electrolytes")),
    ("R-CAPCHEM", "新宙邦", "Capchem", "LIB-ELYT", "Shenzhen, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 300037", what="electrolytes")),
    ("R-GANFENG", "赣锋锂业", "Ganfeng Lithium", "LIB-LICH", "Xinyu, Jiangxi", "CN", "1",
     _REPORT.format(listing="SZSE 002460", what="lithium compounds")),
    ("R-TIANQI", "天齐锂业", "Tianqi Lithium", "LIB-LICH", "Sichuan", "CN", "1",
     _REPORT.format(listing="SZSE 002466", what="lithium compounds")),
    ("R-GEM", "格林美", "GEM Co.", "LIB-RCY", "Shenzhen, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 002340", what="battery recycling")),
    ("R-CANON", "佳能", "Canon", "PRN-ASM", "Tokyo", "JP", "1",
     _REPORT.format(listing="TSE 7751", what="printers and imaging")),
    ("R-EPSON", "爱普生", "Seiko Epson", "PRN-ASM", "Nagano", "JP", "1",
     _REPORT.format(listing="TSE 6724", what="printers")),
    ("R-BROTHER", "兄弟工业", "Brother Industries", "PRN-ASM", "Nagoya", "JP", "1",
     _REPORT.format(listing="TSE 6448", what="printers")),
    ("R-NINESTAR", "纳思达", "Ninestar", "PRN-CONS", "Zhuhai, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 002180", what="printers and printing consumables")),
    ("R-LONGI", "隆基绿能", "LONGi Green Energy", "PV-MOD", "Xi'an, Shaanxi", "CN", "1",
     _REPORT.format(listing="SSE 601012", what="silicon wafers and PV modules")),
    ("R-JINKO", "晶科能源", "JinkoSolar", "PV-MOD", "Shangrao, Jiangxi", "CN", "1",
     _REPORT.format(listing="SSE 688223", what="PV modules")),
    ("R-TRINA", "天合光能", "Trina Solar", "PV-MOD", "Changzhou, Jiangsu", "CN", "1",
     _REPORT.format(listing="SSE 688599", what="PV modules")),
    ("R-SUNGROW", "阳光电源", "Sungrow Power Supply", "PV-INV", "Hefei, Anhui", "CN", "1",
     _REPORT.format(listing="SZSE 300274", what="PV inverters and energy storage")),
    ("R-ZHONGHUAN", "TCL中环", "TCL Zhonghuan", "PV-WAF", "Tianjin", "CN", "1",
     _REPORT.format(listing="SZSE 002129", what="silicon wafers")),
    ("R-TONGWEI", "通威股份", "Tongwei", "PV-CELL", "Chengdu, Sichuan", "CN", "1",
     _REPORT.format(listing="SSE 600438", what="polysilicon and PV cells")),
    ("R-GOLDWIND", "金风科技", "Goldwind", "NE-WIND", "Beijing", "CN", "1",
     _REPORT.format(listing="SZSE 002202", what="wind turbines")),
    ("R-MINGYANG", "明阳智能", "Mingyang Smart Energy", "NE-WIND", "Zhongshan, Guangdong",
     "CN", "1", _REPORT.format(listing="SSE 601615", what="wind turbines")),
    ("R-GEELY", "吉利汽车", "Geely Automobile", "NEV-ASM", "Hangzhou, Zhejiang", "CN", "1",
     _REPORT.format(listing="HKEX 0175", what="passenger vehicles incl. NEVs")),
    ("R-GWM", "长城汽车", "Great Wall Motor", "NEV-ASM", "Baoding, Hebei", "CN", "1",
     _REPORT.format(listing="SSE 601633", what="passenger vehicles incl. NEVs")),
    ("R-INOVANCE", "汇川技术", "Inovance Technology", "NEV-EDRV", "Shenzhen, Guangdong", "CN",
     "1", _REPORT.format(listing="SZSE 300124", what="industrial automation and EV drives")),
    ("R-HENGRUI", "恒瑞医药", "Jiangsu Hengrui Pharmaceuticals", "BIO-DRUG",
     "Lianyungang, Jiangsu", "CN", "1",
     _REPORT.format(listing="SSE 600276", what="pharmaceuticals")),
    ("R-MINDRAY", "迈瑞医疗", "Mindray", "BIO-DEV", "Shenzhen, Guangdong", "CN", "1",
     _REPORT.format(listing="SZSE 300760", what="medical devices")),
    ("R-JLMAG", "金力永磁", "JL Mag Rare-Earth", "NMAT-MAG", "Ganzhou, Jiangxi", "CN", "1",
     _REPORT.format(listing="SZSE 300748", what="rare-earth permanent magnets")),
    ("R-SANHUAN", "中科三环", "Zhong Ke San Huan", "NMAT-MAG", "Beijing", "CN", "1",
     _REPORT.format(listing="SZSE 000970", what="rare-earth permanent magnets")),
    ("R-SHENYING", "中复神鹰", "Zhongfu Shenying Carbon Fiber", "NMAT-CF",
     "Lianyungang, Jiangsu", "CN", "1", _REPORT.format(listing="SSE 688295", what="carbon fibre")),
    ("R-GUANGWEI", "光威复材", "Weihai Guangwei Composites", "NMAT-CF", "Weihai, Shandong", "CN",
     "1", _REPORT.format(listing="SZSE 300699", what="carbon fibre and composites")),
)  # fmt: skip

# firm_id, region_code, industry_code, source: where real companies already operate here.
REAL_PLANTS: tuple[tuple[str, str, str, str], ...] = (
    ("R-BYD", "SD-JN", "NEV-ASM", "article (BYD in Jinan); no figures"),
    ("R-SUNWODA", "SD-ZZ", "LIB-CELL", "article (Sunwoda in Zaozhuang); no figures"),
    ("R-HP", "SD-WH", "PRN-ASM", "article (HP in Weihai); no figures"),
    ("R-CATL", "SD-JNG", "PV-PLANT", "article (CATL's fishery-PV plant in Jining); no figures"),
    ("R-AZ", "SD-QD", "BIO-DRUG", "article (AstraZeneca in Qingdao); no figures"),
    ("R-GUANGWEI", "SD-WH", "NMAT-CF",
     "public: annual report, SZSE 300699 (head office in Weihai); no figures"),
)  # fmt: skip

# ISO 3166 codes of the generator's foreign origins.
COUNTRY_CODES = {
    "Germany": "DE", "France": "FR", "Italy": "IT", "Netherlands": "NL", "United States": "US",
    "Japan": "JP", "Korea": "KR", "Singapore": "SG", "Hong Kong SAR": "HK",
}  # fmt: skip
P_FOREIGN = 0.15
P_LISTED = 0.15
P_EMPLOYEES_UNKNOWN = 0.08
P_REVENUE_UNKNOWN = 0.15
P_PLANT = 0.25  # a generated firm with a plant somewhere in Shandong
MEDIAN_EMPLOYEES = 900
REVENUE_PER_EMPLOYEE = 150  # 万元 CNY per employee, median


def real_firm_rows() -> Iterator[dict[str, str]]:
    for firm_id, name, name_en, industry, hq, country, listed, source in REAL_FIRMS:
        yield {
            "firm_id": firm_id,
            "name": name,
            "name_en": name_en,
            "industry_code": industry,
            "hq_region": bilingual_place(hq),
            "country": country,
            "employees": "",
            "revenue": "",
            "listed": listed,
            "source": source,
        }


def _round_sig(value: float, digits: int = 2) -> int:
    """A whole number rounded to `digits` significant digits (at least 1), as firms report."""
    if value < 1:
        return 1
    magnitude = 10 ** max(0, math.floor(math.log10(value)) - digits + 1)
    return max(1, round(value / magnitude) * magnitude)


def _employment_by_industry(cities: Sequence[str]) -> dict[str, list[float]]:
    """Industry -> employment in each city (0 when absent or unknown), from the demo table."""
    found: dict[str, list[float]] = {}
    for row in read_demo_csv("region_industries.csv"):
        if row["region_code"] in cities and row["employment"]:
            weights = found.setdefault(row["industry_code"], [0.0] * len(cities))
            weights[cities.index(row["region_code"])] = float(row["employment"])
    return {code: weights for code, weights in found.items() if sum(weights) > 0}


class _FirmMaker:
    """Draws generated firms (and their plants) from one seeded stream."""

    def __init__(self, seed: int) -> None:
        world = load_demo_world()
        self.rng = random.Random(seed)
        self.source = f"generated (seed {seed})"
        self.industries = world.industries
        self.weights = [
            SECTORS.get(c.split("-")[0], DEFAULT_SECTOR).weight for c in self.industries
        ]
        self.cities = world.regions
        self.employment = _employment_by_industry(self.cities)

    def firm(self, number: int) -> tuple[dict[str, str], list[dict[str, str]]]:
        rng = self.rng
        industry = rng.choices(self.industries, weights=self.weights)[0]
        sector = SECTORS.get(industry.split("-")[0], DEFAULT_SECTOR)
        foreign = rng.random() < P_FOREIGN
        brand, word = "".join(rng.sample(BRAND_ZH, 2)), rng.choice(sector.words)
        if foreign:
            origin, _currency, suffixes = rng.choice(FOREIGN_ORIGINS)
            name_en = f"{rng.choice(BRAND_EN)} {sector.word_en} {rng.choice(suffixes)}"
            name, hq, country = name_en, bilingual_place(origin), COUNTRY_CODES[origin]
        else:
            city, hq_en = rng.choice(DOMESTIC_ORIGINS)
            hq = bilingual_place(hq_en)
            name, name_en, country = f"{city}{brand}{word}股份有限公司", "", "CN"
        employees = _round_sig(MEDIAN_EMPLOYEES * rng.lognormvariate(0, 1.1))
        revenue = _round_sig(employees * REVENUE_PER_EMPLOYEE * rng.lognormvariate(0, 0.5))
        row = {
            "firm_id": f"G-F{number + 1:05d}",
            "name": name,
            "name_en": name_en,
            "industry_code": industry,
            "hq_region": hq,
            "country": country,
            "employees": "" if rng.random() < P_EMPLOYEES_UNKNOWN else str(employees),
            "revenue": "" if rng.random() < P_REVENUE_UNKNOWN else str(revenue),
            "listed": "1" if rng.random() < P_LISTED else "0",
            "source": self.source,
        }
        return row, self._plants(row, employees)

    def _plants(self, firm: dict[str, str], employees: int) -> list[dict[str, str]]:
        rng = self.rng
        if rng.random() >= P_PLANT:
            return []
        # A plant stands for employment the region table counts: only where the industry
        # has some, weighted by how much.
        weights = self.employment.get(firm["industry_code"])
        if not weights:
            return []
        city = rng.choices(self.cities, weights=weights)[0]
        share = rng.uniform(0.05, 0.4)
        return [
            {
                "firm_id": firm["firm_id"],
                "region_code": city,
                "industry_code": firm["industry_code"],
                "employees": str(_round_sig(employees * share)) if firm["employees"] else "",
                "source": self.source,
            }
        ]


def firm_directory(
    seed: int = FIRM_SEED, count: int = FIRM_COUNT
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(firms rows, plants rows): the real companies, then `count` generated firms."""
    maker = _FirmMaker(seed)
    firms = list(real_firm_rows())
    plants = [
        dict(zip(PLANT_COLUMNS, (firm_id, region, industry, "", source), strict=True))
        for firm_id, region, industry, source in REAL_PLANTS
    ]
    for number in range(count):
        firm, its_plants = maker.firm(number)
        firms.append(firm)
        plants.extend(its_plants)
    return firms, plants


def write_firm_directory(
    folder: Path = DATA_DIR, seed: int = FIRM_SEED, count: int = FIRM_COUNT
) -> tuple[int, int]:
    """Write firms.csv and plants.csv into `folder`; returns the row counts."""
    firms, plants = firm_directory(seed, count)
    return (
        _write_csv(folder / "firms.csv", FIRM_COLUMNS, firms),
        _write_csv(folder / "plants.csv", PLANT_COLUMNS, plants),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m projects.demo.firms [--seed N --count N --out FOLDER]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=FIRM_SEED)
    parser.add_argument("--count", type=int, default=FIRM_COUNT)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    firms, plants = write_firm_directory(args.out, args.seed, args.count)
    print(f"{firms} firms, {plants} plants")


if __name__ == "__main__":
    main()
