"""Hand-made tables behind the demo: city profiles, sector traits, names and reasons.

All figures here are illustrative (plausible, not measured) except ARTICLE_CELLS, which carry
figures from the source article. `generate.py` turns these tables into rows.
"""

from __future__ import annotations

from typing import NamedTuple


def _table(text: str) -> dict[str, float]:
    """Parse 'CODE value CODE value …' (any whitespace) into a dict."""
    words = text.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}


def _profile(text: str) -> dict[str, float]:
    """Parse 'CODE:mult CODE:mult …' into a dict."""
    return {code: float(mult) for code, mult in (word.split(":") for word in text.split())}


# --- Region x industry: an illustrative, hand-shaped profile plus seeded noise --------------

# Thousand workers in the covered industries (a rough size of each city's economy).
CITY_SCALE = {
    "SD-JN": 1000, "SD-QD": 1300, "SD-ZB": 600, "SD-ZZ": 300, "SD-DY": 400, "SD-YT": 900,
    "SD-WF": 950, "SD-JNG": 650, "SD-TA": 380, "SD-WH": 360, "SD-RZ": 260, "SD-LY": 750,
    "SD-DZ": 450, "SD-LC": 420, "SD-BZ": 480, "SD-HZ": 520,
}  # fmt: skip

# Relative size of each industry in the province (share weights, not people).
BASE_SHARE = _table("""
    IT-IC 1.5 IT-ELEC 5 IT-COMP 1.5 IT-SW 4
    EQP-CNC 2 EQP-ROB 1 EQP-RAIL 1 EQP-ENG 2.5 EQP-CONAG 3 EQP-SHIP 1.2 EQP-OFF 0.8
    MACH-GEN 6 MACH-ELEC 4
    PV-WAF 0.3 PV-CELL 0.5 PV-MOD 0.8 PV-INV 0.5 PV-PLANT 0.6 NE-WIND 0.8 NE-H2 0.4
    LIB-LICH 0.3 LIB-CATH 0.6 LIB-ANOD 0.4 LIB-SEP 0.3 LIB-ELYT 0.3 LIB-CELL 0.8 LIB-PACK 0.6
    LIB-PWR 0.6 LIB-ESS 0.5 LIB-RCY 0.3
    NMAT-CF 0.6 NMAT-POLY 2.5 NMAT-MAG 0.4 NMAT-CER 1
    BIO-API 2 BIO-DRUG 2 BIO-BIOL 0.8 BIO-TCM 1.2 BIO-DEV 1.5 BIO-PKG 0.5
    ENV-EQP 1.5 ENV-WASTE 1.5 SAFE-RESC 0.8 SAFE-MON 0.8 NEV-ASM 1.5 NEV-EDRV 0.8 NEV-PART 5
    AERO-RKT 0.1 AERO-SAT 0.15 AERO-LNCH 0.1 LAE-UAV 0.4 LAE-EVTOL 0.15
    PRN-ASM 0.3 PRN-PART 0.5 PRN-CONS 0.5
    CHEM-REF 2 CHEM-PETRO 2.5 CHEM-FINE 5 CHEM-SALT 1.5 CHEM-RUB 4 MET-STEEL 4 MET-ALU 2.5
    MET-NF 2.5 APPL-WHITE 3 APPL-AV 2 TEX-SPIN 6 TEX-APP 6 FOOD-AGRI 8 FOOD-MEAT 4 FOOD-SEA 2
    FOOD-BEV 3 LIGHT-PAPER 2.5 LIGHT-WOOD 4 ENGY-COAL 3 ENGY-OIL 1.5 ENGY-PWR 2
    LOG-PORT 2 LOG-WH 4 LOG-TRADE 5
""")

# Industries that exist only in the listed cities; elsewhere employment is a known zero.
PRESENT_ONLY_IN = {
    code: frozenset(cities.split())
    for code, cities in {
        "EQP-RAIL": "SD-QD SD-JN SD-ZB",
        "EQP-SHIP": "SD-QD SD-YT SD-WH SD-WF SD-RZ SD-DY",
        "EQP-OFF": "SD-QD SD-YT SD-DY SD-WH",
        "AERO-RKT": "SD-YT",
        "AERO-LNCH": "SD-YT",
        "AERO-SAT": "SD-YT SD-JN SD-QD",
        "LAE-EVTOL": "SD-JN SD-QD SD-YT SD-WF",
        "PRN-ASM": "SD-WH SD-QD SD-JN",
        "PRN-PART": "SD-WH SD-QD SD-JN SD-YT SD-ZB",
        "PRN-CONS": "SD-WH SD-QD SD-ZB SD-JN",
        "CHEM-REF": "SD-DY SD-BZ SD-ZB SD-YT SD-QD SD-RZ SD-WF SD-HZ",
        "ENGY-COAL": "SD-JNG SD-ZZ SD-TA SD-HZ SD-JN SD-ZB SD-LY",
        "ENGY-OIL": "SD-DY SD-BZ",
        "LOG-PORT": "SD-QD SD-YT SD-WH SD-RZ SD-DY SD-BZ SD-WF",
        "FOOD-SEA": "SD-QD SD-YT SD-WH SD-RZ SD-DY SD-BZ SD-WF SD-JNG",
        "LIB-LICH": "SD-ZZ SD-ZB SD-JNG",
        "PV-WAF": "SD-DZ SD-JNG SD-ZZ",
        "NEV-ASM": "SD-JN SD-QD SD-YT SD-LC SD-WF",
        "NMAT-MAG": "SD-JNG SD-YT SD-ZB SD-JN",
        "MET-STEEL": "SD-JN SD-RZ SD-LY SD-ZB SD-QD SD-LC SD-TA SD-BZ SD-WF SD-JNG SD-DZ SD-YT",
    }.items()
}

# Specialisation multipliers per city (1 = provincial average); unlisted industries get 0.5.
CITY_PROFILE = {
    city: _profile(text)
    for city, text in {
        "SD-JN": (
            "IT-SW:5 IT-COMP:6 IT-IC:3 IT-ELEC:1.5 NEV-ASM:4 NEV-PART:2 NEV-EDRV:3 "
            "LIB-PWR:2 LIB-PACK:2 BIO-DRUG:3 BIO-BIOL:3 BIO-API:1.5 BIO-DEV:1.5 "
            "MET-STEEL:2.5 MACH-GEN:1.5 EQP-CNC:2 EQP-ROB:2 AERO-SAT:2 LAE-EVTOL:2 "
            "LAE-UAV:2 SAFE-MON:2.5 LOG-WH:1.5 ENGY-COAL:0.8"
        ),
        "SD-QD": (
            "APPL-WHITE:6 APPL-AV:6 EQP-RAIL:8 EQP-SHIP:4 EQP-OFF:3 NEV-ASM:4 NEV-PART:2.5 "
            "NEV-EDRV:1.5 LIB-PACK:1.5 BIO-DRUG:3 BIO-BIOL:3 BIO-DEV:2 BIO-PKG:1.5 "
            "IT-ELEC:2 IT-SW:2 MACH-ELEC:2 MET-ALU:1.5 CHEM-RUB:2.5 FOOD-BEV:4 FOOD-SEA:3 "
            "LOG-PORT:5 LOG-WH:2 TEX-APP:2 LAE-UAV:1.5 LAE-EVTOL:1.5 AERO-SAT:1.5 EQP-ROB:2 "
            "CHEM-REF:1 PRN-CONS:0.5"
        ),
        "SD-ZB": (
            "CHEM-FINE:5 CHEM-PETRO:4 CHEM-REF:2.5 NMAT-POLY:4 NMAT-CER:6 BIO-API:4 "
            "BIO-PKG:6 BIO-DRUG:2 MET-STEEL:1 MACH-GEN:2 ENV-EQP:2 TEX-SPIN:1.5 LIB-LICH:2 "
            "LIB-CATH:2 ENGY-COAL:0.8"
        ),
        "SD-ZZ": (
            "LIB-CELL:8 LIB-PWR:6 LIB-ESS:6 LIB-CATH:5 LIB-ANOD:5 LIB-SEP:6 LIB-ELYT:5 "
            "LIB-PACK:5 LIB-RCY:5 LIB-LICH:3 EQP-CNC:6 MACH-GEN:2 ENGY-COAL:4 CHEM-FINE:1.5 "
            "FOOD-AGRI:1"
        ),
        "SD-DY": (
            "CHEM-REF:10 CHEM-PETRO:6 CHEM-FINE:2.5 CHEM-RUB:6 CHEM-SALT:3 ENGY-OIL:10 "
            "EQP-OFF:3 MACH-GEN:2 NE-WIND:2 LOG-PORT:1.2 NMAT-POLY:1.5 LIB-ELYT:2 MET-NF:2"
        ),
        "SD-YT": (
            "AERO-RKT:10 AERO-LNCH:10 AERO-SAT:4 EQP-OFF:6 EQP-SHIP:3 NMAT-POLY:5 "
            "NMAT-CF:1.5 CHEM-PETRO:3 CHEM-FINE:2 CHEM-RUB:2 MET-NF:4 FOOD-BEV:3 "
            "FOOD-AGRI:1.5 FOOD-SEA:2 NEV-PART:2 NEV-ASM:1.5 IT-ELEC:2.5 BIO-DRUG:2 "
            "NE-WIND:3 LOG-PORT:3 NE-H2:1.5 LAE-EVTOL:1.5"
        ),
        "SD-WF": (
            "EQP-ENG:8 EQP-CONAG:4 IT-ELEC:5 IT-IC:2 CHEM-SALT:6 CHEM-FINE:2 FOOD-AGRI:4 "
            "FOOD-MEAT:3 LIGHT-PAPER:4 TEX-SPIN:1.5 NE-H2:3 MACH-GEN:2 NEV-ASM:1 NEV-PART:2 "
            "LOG-PORT:0.8 LAE-UAV:2"
        ),
        "SD-JNG": (
            "LIB-CELL:5 LIB-ESS:5 LIB-PACK:3 LIB-PWR:2 PV-PLANT:6 PV-MOD:3 PV-CELL:2 "
            "ENGY-COAL:8 ENGY-PWR:4 EQP-CONAG:6 EQP-ENG:1.5 MET-STEEL:1.5 NMAT-MAG:4 "
            "BIO-API:2 TEX-SPIN:2 SAFE-MON:2 SAFE-RESC:2 FOOD-AGRI:1.5 LIGHT-PAPER:2"
        ),
        "SD-TA": (
            "MACH-ELEC:5 NMAT-CF:4 NMAT-POLY:1.5 NE-WIND:3 ENGY-COAL:3 ENGY-PWR:2 "
            "TEX-SPIN:2 SAFE-RESC:3 SAFE-MON:1.5 FOOD-AGRI:1.5 EQP-CONAG:1.5 "
            "LIGHT-PAPER:1.5"
        ),
        "SD-WH": (
            "PRN-ASM:12 PRN-PART:10 PRN-CONS:8 BIO-DEV:7 NMAT-CF:6 EQP-SHIP:4 FOOD-SEA:6 "
            "IT-ELEC:2.5 NEV-PART:2 CHEM-RUB:2 TEX-APP:2 LOG-PORT:1.5 LOG-WH:1.5 "
            "NMAT-POLY:1.5 LAE-UAV:1.5"
        ),
        "SD-RZ": (
            "MET-STEEL:7 LOG-PORT:7 LOG-WH:2 LIGHT-PAPER:5 NEV-PART:3 FOOD-SEA:2 "
            "CHEM-REF:1.5 FOOD-AGRI:2 ENGY-PWR:1.5 TEX-SPIN:1"
        ),
        "SD-LY": (
            "LOG-TRADE:8 LOG-WH:5 LIGHT-WOOD:10 FOOD-MEAT:5 FOOD-AGRI:1.5 EQP-CONAG:4 "
            "MET-STEEL:2.5 BIO-TCM:2 BIO-DRUG:2 CHEM-FINE:1.5 MET-NF:1 TEX-APP:2 "
            "MACH-ELEC:1.5"
        ),
        "SD-DZ": (
            "PV-MOD:4 PV-PLANT:4 PV-CELL:2 PV-WAF:3 NE-WIND:2 FOOD-AGRI:4 BIO-API:3 "
            "TEX-SPIN:2 MACH-GEN:2 EQP-CONAG:1.5 CHEM-FINE:1.5 NEV-PART:1.5"
        ),
        "SD-LC": (
            "MET-NF:7 MET-ALU:4 MACH-GEN:4 NEV-ASM:2.5 NEV-PART:2 TEX-SPIN:2 FOOD-AGRI:2 "
            "LIGHT-PAPER:2 CHEM-FINE:1.5 ENGY-PWR:2"
        ),
        "SD-BZ": (
            "MET-ALU:10 TEX-SPIN:6 TEX-APP:3 CHEM-REF:4 CHEM-SALT:3 CHEM-PETRO:2 ENGY-PWR:4 "
            "ENGY-OIL:2 NEV-PART:2 FOOD-AGRI:2 LOG-PORT:0.6 LIGHT-PAPER:1.5"
        ),
        "SD-HZ": (
            "BIO-API:4 BIO-TCM:5 BIO-DRUG:2 CHEM-FINE:3 FOOD-AGRI:3 LIGHT-WOOD:4 TEX-APP:2 "
            "ENGY-COAL:2 MACH-GEN:1.5"
        ),
    }.items()
}
UNLISTED_MULTIPLIER = 0.5

# (output in 万元 per worker, workers per firm); looked up by code first, then by code prefix.
PRODUCTIVITY_FIRM_SIZE = {
    "IT": (180, 120), "IT-SW": (60, 30), "EQP": (150, 200), "MACH": (120, 60), "PV": (300, 300),
    "NE": (200, 200), "LIB": (300, 400), "NMAT": (250, 150), "BIO": (200, 180), "ENV": (120, 50),
    "NEV": (250, 300), "NEV-ASM": (350, 2500), "SAFE": (120, 60), "AERO": (150, 300),
    "LAE": (120, 60), "PRN": (180, 150), "CHEM": (400, 150), "CHEM-REF": (900, 800),
    "MET": (350, 400), "APPL": (200, 300), "TEX": (70, 80), "FOOD": (150, 60),
    "LIGHT": (120, 50), "ENGY": (150, 600), "ENGY-PWR": (500, 300), "LOG": (90, 25),
}  # fmt: skip

# Cells that carry a figure from the source article (the rest of the row stays illustrative).
_HAIYANG = (
    "article (Haiyang 10-bn-level commercial aerospace; split of ~1,000,000 万元 illustrative)"
)
_WEIHAI = "article (Weihai printer cluster of 120+ firms; split illustrative)"
ARTICLE_CELLS: dict[tuple[str, str], tuple[str, int, str]] = {
    ("SD-YT", "AERO-RKT"): ("output", 550_000, _HAIYANG),
    ("SD-YT", "AERO-SAT"): ("output", 250_000, _HAIYANG),
    ("SD-YT", "AERO-LNCH"): ("output", 200_000, _HAIYANG),
    ("SD-WH", "PRN-ASM"): ("firms", 6, _WEIHAI),
    ("SD-WH", "PRN-PART"): ("firms", 72, _WEIHAI),
    ("SD-WH", "PRN-CONS"): ("firms", 48, _WEIHAI),
}
# What the article's projects brought to their host cities (city -> industries). The demo's
# baseline vintage (BASELINE_YEAR in generate.py) is the region as it was before them: these
# cells are known absent (0) there, as if the project and what the article says came with it
# were not there yet. (A first version drew them at an unspecialised city's level instead;
# the random draw then left Zaozhuang batteries at RCA 1.5, i.e. a plant's worth, which is
# what the baseline must not contain.) What each entry stands for:
# BYD (Jinan) and Chery (Jimo, Qingdao) vehicle plants; Sunwoda (Zaozhuang) cells, power and
# storage batteries and packs, with the cathode, anode, separator and electrolyte firms the
# article says followed it; HP (Weihai) printer assembly; CATL (Jining) fishery-PV plant;
# AstraZeneca (Qingdao) drug plant; Haiyang (Yantai) rockets, satellites and launch services.
ARTICLE_PROJECT_CELLS: dict[str, tuple[str, ...]] = {
    "SD-JN": ("NEV-ASM",),
    "SD-QD": ("NEV-ASM", "BIO-DRUG"),
    "SD-ZZ": (
        "LIB-CELL", "LIB-PWR", "LIB-ESS", "LIB-PACK", "LIB-CATH", "LIB-ANOD", "LIB-SEP",
        "LIB-ELYT",
    ),
    "SD-WH": ("PRN-ASM",),
    "SD-JNG": ("PV-PLANT",),
    "SD-YT": ("AERO-RKT", "AERO-SAT", "AERO-LNCH"),
}  # fmt: skip
# Cells where the city has no specialisation: share left unknown, share known absent (zero).
P_UNKNOWN_CELL = 0.04
P_ABSENT_SMALL = 0.55  # industries with a provincial base share below 1 (young or niche ones)
P_ABSENT_OTHER = 0.08
P_UNKNOWN_OUTPUT = 0.06
P_UNKNOWN_FIRMS = 0.08


# --- Incoming leads ------------------------------------------------------------------------


class Sector(NamedTuple):
    """How leads of one industry family look (weights are relative draw frequencies)."""

    weight: float
    words: tuple[str, ...]  # Chinese words for invented company names
    word_en: str  # English word for invented foreign company names
    needs: tuple[str, ...]  # factors such investors usually ask about
    capex_scale: float  # times the median project (30,000 万元 CNY)
    capex_per_job: float  # 万元 CNY per job
    capex_per_ha: float  # 万元 CNY per hectare of land


# prefix, draw weight, capex scale, 万元 per job, 万元 per ha, English word, Chinese words.
SECTOR_TABLE = """
    LIB   3.0 3.0 300 6000 Battery      锂能 新能源 电池 储能
    PV    1.5 2.5 400 4000 Solar        光伏 光能 阳光能源
    NE    1.0 2.0 300 4000 Renewables   风电 氢能 新能源
    NEV   3.0 2.5 200 5000 Automotive   汽车 汽车零部件 智能汽车 电驱
    IT    2.0 1.2 120 9000 Electronics  电子 芯片 信息技术 微电子
    EQP   2.0 1.2 150 4500 Machinery    智能装备 精密机械 重工 装备
    MACH  1.0 0.6 100 4500 Engineering  机械 机电 电气
    NMAT  2.0 1.5 250 5000 Materials    新材料 复合材料 先进材料
    BIO   2.0 1.2 150 6000 Biologics    生物医药 药业 医疗器械 生物科技
    ENV   1.0 0.6 120 4000 Environmental 环保 环境科技 资源再生
    SAFE  1.0 0.5 100 4500 Safety       安全技术 应急装备
    AERO  1.5 1.5 200 5000 Aerospace    航天科技 空天 宇航
    LAE   1.5 0.8 120 5000 Aviation     无人机 航空科技 低空科技
    PRN   1.5 0.8  80 5000 Imaging      打印科技 影像科技 办公设备
    CHEM  1.0 2.5 500 5000 Chemicals    化工 石化 精细化学
    MET   0.6 2.0 400 4000 Metals       金属 铝业 钢铁 材料
    APPL  1.0 1.0 100 6000 Appliances   电器 家电
    TEX   0.6 0.5  40 4000 Textiles     纺织 服饰
    FOOD  1.0 0.5  60 4000 Foods        食品 粮油 饮品
    LIGHT 0.5 0.8 100 3000 Paper        纸业 木业
    ENGY  0.3 2.0 500 3000 Energy       能源 电力
    LOG   0.8 0.6  80 2500 Logistics    物流 供应链 国际贸易
"""
_SKILLS = "skilled_workforce_k universities rd_intensity_pct"
# Factors such investors usually ask about, by sector prefix.
SECTOR_NEEDS = {
    "LIB": "industrial_land_ha power_price_cny_kwh green_power_share_pct chemical_park",
    "PV": "industrial_land_ha power_price_cny_kwh green_power_share_pct",
    "NE": "port industrial_land_ha green_power_share_pct",
    "NEV": "industrial_land_ha skilled_workforce_k rail_hub port",
    "IT": f"{_SKILLS} airport avg_wage_cny_month",
    "EQP": "industrial_land_ha skilled_workforce_k port rail_hub",
    "MACH": "industrial_land_ha skilled_workforce_k avg_wage_cny_month",
    "NMAT": "chemical_park universities power_price_cny_kwh rare_earth_resources",
    "BIO": f"{_SKILLS} water_price_cny_m3 chemical_park airport",
    "ENV": "industrial_land_ha chemical_park",
    "SAFE": "universities skilled_workforce_k coal_resources",
    "AERO": "sea_launch_site port universities airport",
    "LAE": "airport universities skilled_workforce_k",
    "PRN": "port bonded_zone skilled_workforce_k avg_wage_cny_month",
    "CHEM": "chemical_park port oil_gas_resources water_price_cny_m3",
    "MET": "port power_price_cny_kwh industrial_land_ha",
    "APPL": "port skilled_workforce_k avg_wage_cny_month",
    "TEX": "avg_wage_cny_month port water_price_cny_m3",
    "FOOD": "port water_price_cny_m3 rail_hub",
    "LIGHT": "port water_price_cny_m3 industrial_land_ha",
    "ENGY": "coal_resources oil_gas_resources rail_hub",
    "LOG": "port rail_hub airport bonded_zone",
}


def _sectors(table: str) -> dict[str, Sector]:
    sectors = {}
    for line in table.strip().splitlines():
        prefix, weight, scale, per_job, per_ha, word_en, *words = line.split()
        needs = tuple(SECTOR_NEEDS.get(prefix, "industrial_land_ha").split())
        numbers = (float(weight), float(scale), float(per_job), float(per_ha))
        sectors[prefix] = Sector(numbers[0], tuple(words), word_en, needs, *numbers[1:])
    return sectors


SECTORS = _sectors(SECTOR_TABLE)
DEFAULT_SECTOR = Sector(1.0, ("科技", "实业"), "Industries", ("industrial_land_ha",), 1, 150, 4500)
MEDIAN_CAPEX_CNY = 30_000  # 万元, i.e. a 300 m yuan project

PRODUCTS = {
    "LIB-LICH": "电池级碳酸锂 / battery-grade lithium carbonate",
    "LIB-CATH": "磷酸铁锂正极材料 / LFP cathode material",
    "LIB-ANOD": "人造石墨负极 / synthetic-graphite anode",
    "LIB-SEP": "湿法隔膜 / wet-process separator film",
    "LIB-ELYT": "六氟磷酸锂电解液 / LiPF6 electrolyte",
    "LIB-CELL": "方形磷酸铁锂电芯 / prismatic LFP cells",
    "LIB-PACK": "电池模组与PACK / battery modules and packs",
    "LIB-PWR": "乘用车动力电池系统 / passenger-car power battery systems",
    "LIB-ESS": "集装箱式储能系统 / containerised energy-storage systems",
    "LIB-RCY": "退役电池梯次利用与再生 / second-life use and recycling of batteries",
    "PV-MOD": "TOPCon光伏组件 / TOPCon PV modules",
    "PV-CELL": "N型电池片 / N-type PV cells",
    "PV-INV": "组串式逆变器 / string inverters",
    "NE-H2": "碱性电解槽制氢 / alkaline electrolysers",
    "NEV-PART": "汽车轻量化底盘件 / lightweight chassis parts",
    "NEV-EDRV": "三合一电驱总成 / three-in-one e-drive units",
    "IT-IC": "功率半导体器件 / power semiconductors",
    "IT-ELEC": "MEMS声学传感器 / MEMS acoustic sensors",
    "BIO-BIOL": "单克隆抗体 / monoclonal antibodies",
    "BIO-DEV": "一次性医用耗材 / single-use medical consumables",
    "PRN-CONS": "硒鼓与墨盒 / toner cartridges and ink",
    "PRN-PART": "打印机定影组件 / printer fuser units",
    "AERO-SAT": "低轨通信卫星 / LEO communication satellites",
    "LAE-UAV": "工业级无人机 / industrial drones",
    "NMAT-CF": "T800级碳纤维 / T800-grade carbon fibre",
    "EQP-ROB": "协作机器人 / collaborative robots",
}

# Chinese names of the investors' home places (province before city, as Chinese writes them).
# A lead's investor_origin and a firm's hq_region are written "中文 / English", like the
# products column, and each page shows its own half (the `own_language` template filter).
PLACE_NAMES_ZH = {
    "Beijing": "北京", "Shanghai": "上海", "Tianjin": "天津",
    "Shenzhen, Guangdong": "广东深圳", "Guangzhou, Guangdong": "广东广州",
    "Huizhou, Guangdong": "广东惠州", "Zhuhai, Guangdong": "广东珠海",
    "Zhongshan, Guangdong": "广东中山", "Hangzhou, Zhejiang": "浙江杭州",
    "Ningbo, Zhejiang": "浙江宁波", "Suzhou, Jiangsu": "江苏苏州",
    "Changzhou, Jiangsu": "江苏常州", "Wuxi, Jiangsu": "江苏无锡",
    "Lianyungang, Jiangsu": "江苏连云港", "Hefei, Anhui": "安徽合肥", "Wuhu, Anhui": "安徽芜湖",
    "Ningde, Fujian": "福建宁德", "Xiamen, Fujian": "福建厦门", "Chengdu, Sichuan": "四川成都",
    "Sichuan": "四川", "Yunnan": "云南", "Wuhan, Hubei": "湖北武汉",
    "Xi'an, Shaanxi": "陕西西安", "Changsha, Hunan": "湖南长沙", "Baoding, Hebei": "河北保定",
    "Xinyu, Jiangxi": "江西新余", "Ganzhou, Jiangxi": "江西赣州", "Shangrao, Jiangxi": "江西上饶",
    "Jinan, Shandong": "山东济南", "Qingdao, Shandong": "山东青岛",
    "Yantai, Shandong": "山东烟台", "Weifang, Shandong": "山东潍坊",
    "Weihai, Shandong": "山东威海", "Haiyang, Shandong": "山东海阳",
    "Germany": "德国", "France": "法国", "Italy": "意大利", "Netherlands": "荷兰",
    "United Kingdom": "英国", "Cambridge": "英国剑桥", "United States": "美国",
    "Palo Alto, California": "美国加利福尼亚州帕洛阿尔托", "Japan": "日本", "Tokyo": "日本东京",
    "Nagano": "日本长野", "Nagoya": "日本名古屋", "Korea": "韩国", "Singapore": "新加坡",
    "Hong Kong SAR": "中国香港",
}  # fmt: skip


def bilingual_place(english: str) -> str:
    """A place as the demo writes it: "广东深圳 / Shenzhen, Guangdong"."""
    return f"{PLACE_NAMES_ZH[english]} / {english}"


# (Chinese name prefix, investor_origin in English) of domestic investors.
DOMESTIC_ORIGINS = (
    ("深圳市", "Shenzhen, Guangdong"), ("广州市", "Guangzhou, Guangdong"), ("上海", "Shanghai"),
    ("北京", "Beijing"), ("杭州", "Hangzhou, Zhejiang"), ("宁波", "Ningbo, Zhejiang"),
    ("苏州", "Suzhou, Jiangsu"), ("常州", "Changzhou, Jiangsu"), ("无锡", "Wuxi, Jiangsu"),
    ("合肥", "Hefei, Anhui"), ("芜湖", "Wuhu, Anhui"), ("宁德", "Ningde, Fujian"),
    ("厦门", "Xiamen, Fujian"), ("成都", "Chengdu, Sichuan"), ("武汉", "Wuhan, Hubei"),
    ("天津", "Tianjin"), ("西安", "Xi'an, Shaanxi"), ("长沙", "Changsha, Hunan"),
    ("济南", "Jinan, Shandong"), ("青岛", "Qingdao, Shandong"), ("烟台", "Yantai, Shandong"),
    ("潍坊", "Weifang, Shandong"),
)  # fmt: skip
# (country, currency, legal-form suffixes) of foreign investors.
FOREIGN_ORIGINS = (
    ("Germany", "EUR", ("GmbH", "AG")), ("France", "EUR", ("SAS",)), ("Italy", "EUR", ("S.p.A.",)),
    ("Netherlands", "EUR", ("B.V.",)), ("United States", "USD", ("Inc.", "Corp.")),
    ("Japan", "USD", ("Co., Ltd.",)), ("Korea", "USD", ("Co., Ltd.",)),
    ("Singapore", "USD", ("Pte. Ltd.",)), ("Hong Kong SAR", "HKD", ("Holdings Limited",)),
)  # fmt: skip
BRAND_ZH = "华瑞鼎泰恒宏远联创汇晟昊岳澜睿拓启曜达信盛途骏峰森弘博德凯嘉"
BRAND_EN = (
    "Nordwind", "Kestrel", "Brightfield", "Lumora", "Veltris", "Harwick", "Tessaro", "Quellon",
    "Helvion", "Corvana", "Ilvento", "Bramholt", "Sundvik", "Everholt", "Tavenor", "Orvessa",
    "Mirravel", "Stellwood", "Vantris", "Caldrin",
)  # fmt: skip
REASONS = {
    "lost": (
        "选址江苏常州 / chose Changzhou, Jiangsu",
        "选址安徽合肥 / chose Hefei, Anhui",
        "选址河南郑州 / chose Zhengzhou, Henan",
        "外省补贴更高 / higher subsidy elsewhere",
        "用地指标不足 / no land quota available",
        "能耗指标受限 / energy-use quota exhausted",
    ),
    "on_hold": (
        "融资未到位 / financing not yet secured",
        "等待能评批复 / awaiting energy assessment",
        "等待环评批复 / awaiting environmental assessment",
        "母公司战略调整 / parent strategy review",
    ),
    "withdrawn": (
        "项目取消 / project cancelled",
        "企业经营困难 / investor in financial difficulty",
    ),
    "dormant": ("三个月以上无回应 / no reply for over three months", ""),
}
STAGE_WEIGHTS = (28, 22, 18, 10, 7, 8, 7)
# Status weights (active, on_hold, dormant, lost, withdrawn) by how far the lead has come.
STATUS_WEIGHTS_EARLY = (55, 12, 15, 12, 6)
STATUS_WEIGHTS_SIGNED = (75, 15, 0, 4, 6)
STATUS_WEIGHTS_BUILDING = (92, 8, 0, 0, 0)
INVESTOR_TYPE_WEIGHTS = (55, 18, 12, 8, 7)
# Share of rows where a figure is left unknown.
P_UNKNOWN = {"capex": 0.08, "jobs": 0.15, "land_ha": 0.20, "investor_origin": 0.04}
