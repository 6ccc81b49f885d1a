"""A small lithium-battery chain for the prospect tests (regions, chain, one cluster, firms).

Six cities of one province. Zaozhuang (ZZ) makes cathodes and battery cells and packs them, but
has no separator maker: separators are the missing link of its battery cluster, as in the
source article's Zaozhuang story. Other cities make separators next to cells and cathodes, so
the relatedness of separators to the local industries is visible in the data. The figures are
made up for the tests (plausible shapes, not statistics).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from regions.models import (
    Cluster,
    ClusterIndustry,
    Firm,
    Industry,
    IndustryLink,
    OfficerRegion,
    Plant,
    Region,
    RegionIndustry,
)
from screening.selectors.firms import forget_directory
from screening.world import forget_world

PASSWORD = "pw-Xuanshang-2026"

INDUSTRIES = [
    ("CHEM", "化工原料", "Chemicals"),
    ("LIB-CATH", "正极材料", "Cathode materials"),
    ("LIB-SEP", "隔膜", "Separators"),
    ("LIB-CELL", "电芯", "Battery cells"),
    ("LIB-PACK", "电池包", "Battery packs"),
    ("COAL", "煤炭", "Coal"),
    ("TEXT", "纺织", "Textiles"),
]
LINKS = [
    ("CHEM", "LIB-CATH", 0.6),
    ("CHEM", "LIB-SEP", 0.5),
    ("LIB-CATH", "LIB-CELL", 0.5),
    ("LIB-SEP", "LIB-CELL", 0.2),
    ("LIB-CELL", "LIB-PACK", 0.8),
    ("COAL", "CHEM", 0.3),
]
CITIES = [
    ("ZZ", "枣庄市", "Zaozhuang"),
    ("JNG", "济宁市", "Jining"),
    ("QD", "青岛市", "Qingdao"),
    ("YT", "烟台市", "Yantai"),
    ("JN", "济南市", "Jinan"),
    ("WF", "潍坊市", "Weifang"),
]
# Employment per city and industry; a listed 0 is a known zero (absent).
EMPLOYMENT: dict[str, dict[str, float]] = {
    "ZZ": {"CHEM": 4000, "LIB-CATH": 6000, "LIB-SEP": 0, "LIB-CELL": 9000, "LIB-PACK": 3000,
           "COAL": 8000, "TEXT": 1000},
    "JNG": {"CHEM": 3000, "LIB-CATH": 2500, "LIB-SEP": 2000, "LIB-CELL": 5000, "LIB-PACK": 1000,
            "COAL": 9000, "TEXT": 2000},
    "QD": {"CHEM": 8000, "LIB-CATH": 1000, "LIB-SEP": 1500, "LIB-CELL": 2000, "LIB-PACK": 2500,
           "COAL": 0, "TEXT": 9000},
    "YT": {"CHEM": 12000, "LIB-CATH": 3000, "LIB-SEP": 800, "LIB-CELL": 0, "LIB-PACK": 500,
           "COAL": 0, "TEXT": 4000},
    "JN": {"CHEM": 3000, "LIB-CATH": 0, "LIB-SEP": 0, "LIB-CELL": 1500, "LIB-PACK": 4000,
           "COAL": 2000, "TEXT": 3000},
    "WF": {"CHEM": 5000, "LIB-CATH": 500, "LIB-SEP": 0, "LIB-CELL": 0, "LIB-PACK": 0,
           "COAL": 1000, "TEXT": 11000},
}  # fmt: skip


@dataclass
class Chain:
    province: Region
    cities: dict[str, Region]
    industries: dict[str, Industry]
    cluster: Cluster
    users: dict[str, User]


def build_chain() -> Chain:
    """The regions, chain, Zaozhuang's battery cluster and users (no firms yet)."""
    forget_world()
    forget_directory()
    province = Region.objects.create(code="SD", name="山东省", name_en="Shandong", level="province")
    cities = {
        code: Region.objects.create(
            code=f"SD-{code}", name=name, name_en=en, level="city", parent=province
        )
        for code, name, en in CITIES
    }
    industries = {
        code: Industry.objects.create(code=code, name=name, name_en=en)
        for code, name, en in INDUSTRIES
    }
    RegionIndustry.objects.bulk_create(
        RegionIndustry(region=cities[city], industry=industries[code], employment=value)
        for city, row in EMPLOYMENT.items()
        for code, value in row.items()
    )
    IndustryLink.objects.bulk_create(
        IndustryLink(supplier=industries[s], customer=industries[c], weight=w) for s, c, w in LINKS
    )
    cluster = Cluster.objects.create(
        region=cities["ZZ"],
        code="ZZ-LIB",
        name="枣庄锂电池产业集群",
        name_en="Zaozhuang lithium-battery cluster",
    )
    for code, role in [("LIB-CATH", "core"), ("LIB-SEP", "core"), ("LIB-CELL", "core"),
                       ("LIB-PACK", "support")]:  # fmt: skip
        ClusterIndustry.objects.create(cluster=cluster, industry=industries[code], role=role)
    return Chain(province, cities, industries, cluster, _users(cities))


def _users(cities: dict[str, Region]) -> dict[str, User]:
    names = ("officer", "manager", "regional_admin")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in names}
    users = {}
    for username, group in [("officer_zz", "officer"), ("officer_jn", "officer"),
                            ("manager", "manager"), ("admin_zz", "regional_admin")]:  # fmt: skip
        user = User.objects.create_user(username, password=PASSWORD)
        user.groups.add(groups[group])
        users[username] = user
    users["admin"] = User.objects.create_superuser("admin", password=PASSWORD)
    OfficerRegion.objects.create(user=users["officer_zz"], region=cities["ZZ"])
    OfficerRegion.objects.create(user=users["officer_jn"], region=cities["JN"])
    OfficerRegion.objects.create(user=users["admin_zz"], region=cities["ZZ"])  # regional admin
    return users


def add_firm(
    chain: Chain,
    code: str,
    industry: str,
    *,
    employees: int | None = 800,
    country: str = "CN",
    name: str | None = None,
    plants: tuple[str, ...] = (),
) -> Firm:
    """A firm of the directory (and plants in the named cities)."""
    firm = Firm.objects.create(
        code=code,
        name=name or f"{code} 公司",
        name_en=name or f"{code} Co.",
        industry=chain.industries[industry],
        country=country,
        employees=employees,
        source="generated (test)",
    )
    for city in plants:
        Plant.objects.create(firm=firm, region=chain.cities[city], industry=firm.industry)
    forget_directory()
    return firm
