"""A small Shandong for the UI tests: five cities, a battery/vehicle chain, two clusters, leads.

Small enough to build in a second, rich enough that every part of the score card has something
to say (related industries, suppliers, customers, clusters, unmet needs), and that a duplicate
company appears in two cities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User

from projects.models import Lead, Stage, Status
from projects.services import lead_create
from regions.models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    Endowment,
    Industry,
    IndustryLink,
    OfficerRegion,
    Region,
    RegionIndustry,
)
from screening.services.scores import rescore_leads

PASSWORD = "pw-Xuanshang-2026"

INDUSTRIES = [
    ("NEV", "新能源汽车", "New-energy vehicles", None),
    ("NEV-ASM", "整车制造", "Vehicle assembly", "NEV"),
    ("NEV-PART", "汽车零部件", "Auto parts", "NEV"),
    ("LIB-CELL", "动力电池", "Battery cells", "NEV"),
    ("LIB-CATH", "正极材料", "Cathode materials", "NEV"),
    ("STEEL", "钢铁", "Steel", None),
    ("CHEM", "化工", "Chemicals", None),
    ("ELEC", "电子元器件", "Electronic components", None),
    ("TEXT", "纺织", "Textiles", None),
    ("TIRE", "轮胎", "Tyres", None),
    ("LOGI", "汽车物流", "Vehicle logistics", None),
]
LINKS = [
    ("LIB-CATH", "LIB-CELL", 0.9),
    ("LIB-CELL", "NEV-ASM", 0.8),
    ("NEV-PART", "NEV-ASM", 0.9),
    ("STEEL", "NEV-PART", 0.6),
    ("CHEM", "LIB-CATH", 0.7),
    ("ELEC", "NEV-ASM", 0.4),
    ("ELEC", "NEV-PART", 0.3),
    ("TIRE", "NEV-ASM", 0.5),
    ("NEV-ASM", "LOGI", 0.6),
]
# Employment per city and industry (None: listed, size unknown).
EMPLOYMENT: dict[str, dict[str, float | None]] = {
    "JN": {
        "NEV-ASM": 18000,
        "NEV-PART": 9000,
        "LIB-CELL": 1500,
        "STEEL": 12000,
        "ELEC": 6000,
        "TEXT": 2000,
        "CHEM": 3000,
    },
    "QD": {
        "NEV-ASM": 12000,
        "NEV-PART": 14000,
        "ELEC": 15000,
        "TEXT": 9000,
        "CHEM": 8000,
        "LIB-CATH": None,
        "TIRE": 7000,
        "LOGI": 4000,
    },
    "YT": {
        "CHEM": 16000,
        "LIB-CATH": 5000,
        "STEEL": 3000,
        "TEXT": 4000,
        "ELEC": 2000,
        "LOGI": 3000,
    },
    "WF": {"NEV-PART": 6000, "TEXT": 11000, "STEEL": 2000, "ELEC": 3000, "CHEM": 2500},
    "ZB": {
        "CHEM": 20000,
        "STEEL": 9000,
        "LIB-CATH": 2500,
        "TEXT": 1500,
        "NEV-PART": 1000,
        "TIRE": 6000,
    },
}
CITIES = [
    ("JN", "济南市", "Jinan"),
    ("QD", "青岛市", "Qingdao"),
    ("YT", "烟台市", "Yantai"),
    ("WF", "潍坊市", "Weifang"),
    ("ZB", "淄博市", "Zibo"),
]


@dataclass
class Scenario:
    province: Region
    cities: dict[str, Region]
    industries: dict[str, Industry]
    clusters: dict[str, Cluster]
    users: dict[str, User]
    leads: dict[str, Lead] = field(default_factory=dict)


def build_scenario(*, score: bool = True) -> Scenario:
    """Create the regions, chain, clusters, users and leads, and score every lead."""
    province = Region.objects.create(code="SD", name="山东省", name_en="Shandong", level="province")
    cities = {
        code: Region.objects.create(
            code=f"SD-{code}", name=name, name_en=en, level="city", parent=province
        )
        for code, name, en in CITIES
    }
    industries = _industries()
    _sizes_and_links(cities, industries)
    _endowments(cities)
    scenario = Scenario(province, cities, industries, _clusters(cities, industries), _users(cities))
    scenario.leads = _leads(scenario)
    if score:
        rescore_leads([lead.pk for lead in scenario.leads.values()])
    return scenario


def _industries() -> dict[str, Industry]:
    made: dict[str, Industry] = {}
    for code, name, en, parent in INDUSTRIES:
        made[code] = Industry.objects.create(
            code=code, name=name, name_en=en, parent=made.get(parent or "")
        )
    return made


def _sizes_and_links(cities: dict[str, Region], industries: dict[str, Industry]) -> None:
    RegionIndustry.objects.bulk_create(
        RegionIndustry(region=cities[city], industry=industries[code], employment=value)
        for city, row in EMPLOYMENT.items()
        for code, value in row.items()
    )
    IndustryLink.objects.bulk_create(
        IndustryLink(supplier=industries[s], customer=industries[c], weight=w) for s, c, w in LINKS
    )


def _endowments(cities: dict[str, Region]) -> None:
    values: dict[str, dict[str, float | None]] = {
        "JN": {"port": 0, "industrial_land_ha": 300, "power": 1},
        "QD": {"port": 1, "industrial_land_ha": 120, "power": 1},
        "YT": {"port": 1, "industrial_land_ha": 500, "power": None},
        "WF": {"port": 0, "industrial_land_ha": 800, "power": 1},
        "ZB": {"port": 0, "industrial_land_ha": 200, "power": 1},
    }
    Endowment.objects.bulk_create(
        Endowment(region=cities[city], factor=factor, value=value)
        for city, row in values.items()
        for factor, value in row.items()
    )


def _clusters(cities: dict[str, Region], industries: dict[str, Industry]) -> dict[str, Cluster]:
    jn = Cluster.objects.create(
        region=cities["JN"],
        code="JN-NEV",
        name="济南新能源汽车产业集群",
        name_en="Jinan new-energy vehicle cluster",
        priority=True,
        target_capex=500000,
        target_projects=12,
    )
    qd = Cluster.objects.create(
        region=cities["QD"],
        code="QD-ELEC",
        name="青岛电子信息产业集群",
        name_en="Qingdao electronics cluster",
    )
    ClusterIndustry.objects.bulk_create(
        [
            ClusterIndustry(cluster=jn, industry=industries["NEV-ASM"], role="core"),
            ClusterIndustry(cluster=jn, industry=industries["NEV-PART"], role="support"),
            ClusterIndustry(cluster=qd, industry=industries["ELEC"], role="core"),
        ]
    )
    AnchorFirm.objects.create(cluster=jn, name="比亚迪", name_en="BYD")
    return {"JN-NEV": jn, "QD-ELEC": qd}


def _users(cities: dict[str, Region]) -> dict[str, User]:
    groups = {
        name: Group.objects.get_or_create(name=name)[0] for name in ("officer", "manager", "admin")
    }
    users: dict[str, User] = {}
    for username, group in [
        ("officer_jinan", "officer"),
        ("officer_qingdao", "officer"),
        ("manager", "manager"),
        ("admin", "admin"),
        ("nobody", None),
    ]:
        user = User.objects.create_user(
            username,
            password=PASSWORD,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        if group:
            user.groups.add(groups[group])
        users[username] = user
    OfficerRegion.objects.create(user=users["officer_jinan"], region=cities["JN"])
    OfficerRegion.objects.create(user=users["officer_qingdao"], region=cities["QD"])
    return users


LEADS = [
    # key, company, industry, city, capex, jobs, stage, status, needs, inputs, products
    (
        "battery",
        "宁德时代（示例）",
        "LIB-CELL",
        "JN",
        800000,
        3000,
        Stage.CONTACT,
        Status.ACTIVE,
        ["industrial_land_ha", "power", "port"],
        ["LIB-CATH"],
        "动力电池电芯与模组",
    ),
    (
        "parts",
        "潍柴零部件（示例）",
        "NEV-PART",
        "JN",
        120000,
        800,
        Stage.LEAD,
        Status.ACTIVE,
        ["industrial_land_ha"],
        ["STEEL"],
        "电驱动系统、底盘零部件",
    ),
    (
        "nocapex",
        "星辰汽车电子",
        "ELEC",
        "JN",
        None,
        None,
        Stage.NEGOTIATION,
        Status.ACTIVE,
        [],
        [],
        "车规级芯片封装",
    ),
    (
        "textile",
        "鲁泰纺织（示例）",
        "TEXT",
        "JN",
        30000,
        600,
        Stage.LEAD,
        Status.ON_HOLD,
        [],
        [],
        "高端面料",
    ),
    (
        "cathode",
        "容百科技（示例）",
        "LIB-CATH",
        "JN",
        250000,
        900,
        Stage.LEAD,
        Status.ACTIVE,
        ["port", "power"],
        ["CHEM"],
        "高镍三元正极材料",
    ),
    (
        "steel",
        "日照钢铁（示例）",
        "STEEL",
        "JN",
        90000,
        400,
        Stage.SIGNED,
        Status.ACTIVE,
        ["port"],
        [],
        "汽车用钢板",
    ),
    (
        "tire",
        "赛轮轮胎（示例）",
        "TIRE",
        "JN",
        150000,
        1200,
        Stage.CONTACT,
        Status.ACTIVE,
        ["industrial_land_ha", "power"],
        ["CHEM"],
        "新能源汽车轮胎",
    ),
    (
        "dup_jn",
        "远景动力（示例）",
        "LIB-CELL",
        "JN",
        500000,
        2000,
        Stage.LEAD,
        Status.ACTIVE,
        ["industrial_land_ha"],
        [],
        "储能电池",
    ),
    (
        "dup_qd",
        "远景动力（示例）",
        "LIB-CELL",
        "QD",
        500000,
        2000,
        Stage.CONTACT,
        Status.ACTIVE,
        ["industrial_land_ha", "port"],
        [],
        "储能电池",
    ),
    (
        "qd_elec",
        "歌尔电子（示例）",
        "ELEC",
        "QD",
        60000,
        1500,
        Stage.NEGOTIATION,
        Status.ACTIVE,
        ["port"],
        [],
        "声学器件",
    ),
    (
        "qd_asm",
        "奇瑞汽车（示例）",
        "NEV-ASM",
        "QD",
        2300000,
        5000,
        Stage.PRODUCTION,
        Status.ACTIVE,
        ["industrial_land_ha", "port"],
        ["NEV-PART", "LIB-CELL"],
        "新能源整车",
    ),
]


def _leads(s: Scenario) -> dict[str, Lead]:
    made: dict[str, Lead] = {}
    for n, row in enumerate(LEADS):
        key, company, industry, city, capex, jobs, stage, status, needs, inputs, products = row
        lead = lead_create(
            user=None,
            inputs=[s.industries[code] for code in inputs],
            external_id=f"T-{n:03d}",
            company=company,
            industry=s.industries[industry],
            region=s.cities[city],
            capex=capex,
            jobs=jobs,
            stage=stage,
            status=status,
            needs=needs,
            products=products,
            received_on=dt.date(2026, 1, 5) + dt.timedelta(days=3 * n),
            owner=s.users["officer_jinan"] if city == "JN" and n % 2 == 0 else None,
            status_reason="等待土地指标" if status == Status.ON_HOLD else "",
            investor_origin="广东深圳" if n % 3 == 0 else "江苏苏州",
            investor_type="private",
            source="招商引资线索（测试）",
        )
        made[key] = lead
    return made
